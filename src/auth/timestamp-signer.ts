import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type VerifyResult =
  | { ok: true; value: string; timestamp: number }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

const B64URL = /^[A-Za-z0-9_-]*$/;

function b64urlDecode(text: string): Buffer | undefined {
  return B64URL.test(text) ? Buffer.from(text, 'base64url') : undefined;
}

function intToBytes(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from(bytes);
}

/**
 * Python itsdangerous' TimestampSigner, byte for byte: `value.TS.SIG` where
 * TS is the big-endian Unix time (base64url, no padding) and SIG is
 * HMAC-SHA1 of `value.TS` keyed with SHA1(salt + "signer" + secret).
 */
export class TimestampSigner {
  private readonly key: Buffer;

  constructor(secret: string, salt = 'itsdangerous.Signer') {
    this.key = createHash('sha1').update(`${salt}signer${secret}`).digest();
  }

  sign(value: string, unixSeconds: number): string {
    const signed = `${value}.${intToBytes(unixSeconds).toString('base64url')}`;
    return `${signed}.${this.mac(signed).toString('base64url')}`;
  }

  /** Checks the signature in constant time, then the age (when maxAgeSeconds is given). */
  verify(token: string, maxAgeSeconds: number | undefined, nowSeconds: number): VerifyResult {
    const sigAt = token.lastIndexOf('.');
    if (sigAt < 0) return { ok: false, reason: 'malformed' };
    const signed = token.slice(0, sigAt);
    const given = b64urlDecode(token.slice(sigAt + 1));
    const expected = this.mac(signed);
    if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'bad-signature' };
    }
    const tsAt = signed.lastIndexOf('.');
    if (tsAt < 0) return { ok: false, reason: 'malformed' };
    const tsBytes = b64urlDecode(signed.slice(tsAt + 1));
    if (!tsBytes || tsBytes.length === 0 || tsBytes.length > 6) return { ok: false, reason: 'malformed' };
    const timestamp = tsBytes.readUIntBE(0, tsBytes.length);
    if (maxAgeSeconds !== undefined) {
      const age = nowSeconds - timestamp;
      if (age > maxAgeSeconds || age < 0) return { ok: false, reason: 'expired' };
    }
    return { ok: true, value: signed.slice(0, tsAt), timestamp };
  }

  private mac(data: string): Buffer {
    return createHmac('sha1', this.key).update(data).digest();
  }
}
