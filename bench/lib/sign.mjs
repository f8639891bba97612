// itsdangerous TimestampSigner token, as backends send in x-channelstream-secret.
import { createHash, createHmac } from 'node:crypto';

export function sign(secret, value = 'channelstream', at = Math.floor(Date.now() / 1000)) {
  const key = createHash('sha1').update(`itsdangerous.Signersigner${secret}`).digest();
  const bytes = [];
  for (let v = at; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  const signed = `${value}.${Buffer.from(bytes).toString('base64url')}`;
  return `${signed}.${createHmac('sha1', key).update(signed).digest('base64url')}`;
}
