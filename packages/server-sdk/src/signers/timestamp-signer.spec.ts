import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { TimestampSigner as ServerSigner } from '../../../../src/auth/timestamp-signer.js';
import { LegacyTimestampSigner, SIGNATURE_HEADER } from './legacy-timestamp-signer.js';
import { TimestampSigner } from './timestamp-signer.js';

interface FixtureCase {
  secret: string;
  value: string;
  timestamp: number;
  token: string;
}

/** Tokens made by Python itsdangerous itself (src/auth/fixtures/make-fixtures.py). */
const fixtures = JSON.parse(readFileSync('src/auth/fixtures/itsdangerous-tokens.json', 'utf8')) as { now: number; cases: FixtureCase[] };
const cases = fixtures.cases.map((c) => [`${c.value} at ${c.timestamp} with "${c.secret}"`, c] as const);

describe(TimestampSigner.name, () => {
  it('has fixtures to compare with', () => {
    expect(cases.length).toBeGreaterThan(3);
  });

  it.each(cases)('signs %s byte for byte as itsdangerous does', (_, c) => {
    expect(new TimestampSigner(c.secret).sign(c.value, c.timestamp)).toBe(c.token);
  });

  it('makes a different token for another secret', () => {
    const [, c] = cases[0]!;
    expect(new TimestampSigner(`${c.secret}x`).sign(c.value, c.timestamp)).not.toBe(c.token);
  });
});

describe(LegacyTimestampSigner.name, () => {
  const now = fixtures.now * 1000;

  it('puts a fresh token signing "channelstream" in x-channelstream-secret', () => {
    const headers = new LegacyTimestampSigner('secret', { now: () => now + 999 }).headersFor();
    expect(Object.keys(headers)).toEqual([SIGNATURE_HEADER]);
    const fixture = fixtures.cases.find((c) => c.secret === 'secret' && c.value === 'channelstream' && c.timestamp === fixtures.now)!;
    expect(headers[SIGNATURE_HEADER]).toBe(fixture.token);
  });

  it('signs another value when asked, and the server verifies it as fresh', () => {
    const token = new LegacyTimestampSigner('s3', { value: '/connect', now: () => now }).headersFor()[SIGNATURE_HEADER]!;
    expect(new ServerSigner('s3').verify(token, 60, fixtures.now)).toEqual({ ok: true, value: '/connect', timestamp: fixtures.now });
    expect(new ServerSigner('s3').verify(token, 60, fixtures.now + 61)).toEqual({ ok: false, reason: 'expired' });
  });

  it('signs with the current time on every request', () => {
    let clock = now;
    const signer = new LegacyTimestampSigner('secret', { now: () => clock });
    const first = signer.headersFor()[SIGNATURE_HEADER];
    clock += 1000;
    expect(signer.headersFor()[SIGNATURE_HEADER]).not.toBe(first);
  });
});
