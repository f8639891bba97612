import { createHash, createHmac } from 'node:crypto';

/** Big-endian bytes of a non-negative integer, without leading zeros (itsdangerous' int_to_bytes). */
function intToBytes(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from(bytes);
}

/**
 * Python itsdangerous' TimestampSigner (its defaults: HMAC-SHA1, key
 * derivation "django-concat"), signing only: `value.TS.SIG` with TS the
 * big-endian Unix time and SIG = HMAC-SHA1(SHA1(salt + "signer" + secret),
 * "value.TS"), both base64url without padding.
 */
export class TimestampSigner {
  private readonly key: Buffer;

  constructor(secret: string, salt = 'itsdangerous.Signer') {
    this.key = createHash('sha1').update(`${salt}signer${secret}`).digest();
  }

  sign(value: string, unixSeconds: number): string {
    const signed = `${value}.${intToBytes(unixSeconds).toString('base64url')}`;
    return `${signed}.${createHmac('sha1', this.key).update(signed).digest('base64url')}`;
  }
}
