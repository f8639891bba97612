import { describe, expect, it } from '@jest/globals';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

const options = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 };

describe(backoffDelay.name, () => {
  it('doubles from the initial delay and stops at the cap (no jitter at random = 1)', () => {
    expect([0, 1, 2, 3, 4, 5, 20].map((attempt) => backoffDelay(attempt, options, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('takes off at most the jitter share of the delay', () => {
    expect(backoffDelay(2, options, () => 0)).toBe(200);
    expect(backoffDelay(2, options, () => 0.5)).toBe(300);
    expect(backoffDelay(10, options, () => 0)).toBe(500);
  });

  it('spreads clients dropped together over the jitter range', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, options)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d >= 400 && d <= 800).toBe(true);
  });

  it('waits the full delay with no jitter', () => {
    expect(backoffDelay(1, { ...options, jitter: 0 }, () => 0)).toBe(200);
  });

  it('defaults to 0.5 s doubling up to 30 s', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 1)).toBe(500);
    expect(backoffDelay(30, DEFAULT_BACKOFF, () => 1)).toBe(30_000);
  });
});
