import { describe, expect, it } from '@jest/globals';
import { VerifiedTokens } from './verified-tokens';

describe(VerifiedTokens.name, () => {
  it('knows a token until its age limit, not after', () => {
    const tokens = new VerifiedTokens();
    tokens.add('t', 100);
    expect(tokens.has('t', 100)).toBe(true);
    expect(tokens.has('t', 101)).toBe(false);
    expect(tokens.has('t', 50)).toBe(false); // forgotten once expired
  });

  it('does not know tokens it was never given', () => {
    expect(new VerifiedTokens().has('other', 0)).toBe(false);
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const tokens = new VerifiedTokens(2);
    tokens.add('a', Infinity);
    tokens.add('b', Infinity);
    tokens.add('c', Infinity);
    expect([tokens.has('a', 0), tokens.has('b', 0), tokens.has('c', 0)]).toEqual([false, true, true]);
  });
});
