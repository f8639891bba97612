import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { TimestampSigner } from './timestamp-signer';

interface FixtureCase {
  secret: string;
  value: string;
  timestamp: number;
  token: string;
  valid_at_now_with_max_age_60: boolean;
}

const fixtures = JSON.parse(readFileSync('src/auth/fixtures/itsdangerous-tokens.json', 'utf8')) as {
  now: number;
  cases: FixtureCase[];
};
const NOW = fixtures.now;
const cases = fixtures.cases.map((c) => [`${c.value} signed at ${c.timestamp} with "${c.secret}"`, c] as const);

/** Replaces the first character of a token part with another base64url character. */
const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);

describe(TimestampSigner.name, () => {
  it('has fixtures covering both fresh and expired tokens', () => {
    expect(fixtures.cases.some((c) => c.valid_at_now_with_max_age_60)).toBe(true);
    expect(fixtures.cases.some((c) => !c.valid_at_now_with_max_age_60)).toBe(true);
  });

  it.each(cases)('verifies (or expires) the itsdangerous token for %s with max age 60', (_, c) => {
    const result = new TimestampSigner(c.secret).verify(c.token, 60, NOW);
    if (c.valid_at_now_with_max_age_60) {
      expect(result).toEqual({ ok: true, value: c.value, timestamp: c.timestamp });
    } else {
      expect(result).toEqual({ ok: false, reason: 'expired' });
    }
  });

  it.each(cases)('verifies the itsdangerous token for %s at any age without a max age', (_, c) => {
    expect(new TimestampSigner(c.secret).verify(c.token, undefined, NOW)).toEqual({
      ok: true,
      value: c.value,
      timestamp: c.timestamp,
    });
  });

  it.each(cases)('signs %s byte for byte as itsdangerous does', (_, c) => {
    expect(new TimestampSigner(c.secret).sign(c.value, c.timestamp)).toBe(c.token);
  });

  it.each(cases)('refuses the token for %s under another secret', (_, c) => {
    expect(new TimestampSigner(`${c.secret}x`).verify(c.token, undefined, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('accepts a token exactly 60 s old and refuses one 61 s old', () => {
    const signer = new TimestampSigner('secret');
    expect(signer.verify(signer.sign('v', NOW - 60), 60, NOW).ok).toBe(true);
    expect(signer.verify(signer.sign('v', NOW - 61), 60, NOW)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token from the future when a max age is given', () => {
    const signer = new TimestampSigner('secret');
    const token = signer.sign('channelstream', NOW + 5);
    expect(signer.verify(token, 60, NOW)).toEqual({ ok: false, reason: 'expired' });
    expect(signer.verify(token, undefined, NOW).ok).toBe(true);
  });

  describe('tampered tokens', () => {
    const signer = new TimestampSigner('secret');
    const token = signer.sign('channelstream', NOW);
    const [value, ts, sig] = token.split('.');

    it('refuses a changed value', () => {
      expect(signer.verify(`channelstreaM.${ts}.${sig}`, 60, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    });

    it('refuses a changed timestamp', () => {
      const otherTs = Buffer.from([0x69, 0x55, 0xb8, 0xff]).toString('base64url');
      expect(otherTs).not.toBe(ts);
      expect(signer.verify(`${value}.${otherTs}.${sig}`, 60, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    });

    it('refuses a changed signature', () => {
      expect(signer.verify(`${value}.${ts}.${flip(sig)}`, 60, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    });

    it('refuses a truncated signature', () => {
      expect(signer.verify(`${value}.${ts}.${sig.slice(0, -4)}`, 60, NOW).ok).toBe(false);
    });

    it('refuses a token without its timestamp part', () => {
      expect(signer.verify(`${value}.${sig}`, undefined, NOW).ok).toBe(false);
    });
  });

  it.each(['', 'abc', 'a.b', '...', 'a.b.c', 'channelstream.aVW5AA.!!!!', 'chan nel.a V.sig+/=', '\u0000.\u00ff.\uffff', 'é.é.é'])(
    'refuses the garbage token %j without throwing',
    (garbage) => {
      const signer = new TimestampSigner('secret');
      expect(() => signer.verify(garbage, 60, NOW)).not.toThrow();
      expect(signer.verify(garbage, 60, NOW).ok).toBe(false);
      expect(signer.verify(garbage, undefined, NOW).ok).toBe(false);
    },
  );

  it('refuses a correctly signed token whose timestamp part is not base64url', () => {
    // itsdangerous' key derivation: SHA1(salt + "signer" + secret), then HMAC-SHA1 over "value.timestamp"
    const key = createHash('sha1').update('itsdangerous.Signersignersecret').digest();
    const signed = 'v.!!';
    const token = `${signed}.${createHmac('sha1', key).update(signed).digest('base64url')}`;
    expect(new TimestampSigner('secret').verify(token, undefined, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });
});
