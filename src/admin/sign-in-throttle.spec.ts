import { describe, expect, it } from '@jest/globals';
import { clientKey, MAX_TRACKED_ADDRESSES, SignInThrottle } from './sign-in-throttle';

const T0 = 1_000_000;

describe(SignInThrottle.name, () => {
  it('lets an address with no failures try at once', () => {
    expect(new SignInThrottle().retryAfter('203.0.113.1', T0)).toBe(0);
  });

  it('doubles the delay with each failure, from 0.5 s up to 16 s', () => {
    const throttle = new SignInThrottle();
    const delays = Array.from({ length: 8 }, (_, i) => throttle.recordFailure('203.0.113.1', T0 + i * 20_000));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 16_000, 16_000]);
  });

  it('blocks the address until its delayed answer is due', () => {
    const throttle = new SignInThrottle();
    throttle.recordFailure('203.0.113.1', T0);
    throttle.recordFailure('203.0.113.1', T0 + 600);
    expect(throttle.retryAfter('203.0.113.1', T0 + 700)).toBe(900);
    expect(throttle.retryAfter('203.0.113.1', T0 + 1600)).toBe(0);
    expect(throttle.retryAfter('203.0.113.2', T0 + 700)).toBe(0);
  });

  it('starts over after a successful sign-in', () => {
    const throttle = new SignInThrottle();
    throttle.recordFailure('203.0.113.1', T0);
    throttle.recordSuccess('203.0.113.1');
    expect(throttle.recordFailure('203.0.113.1', T0 + 1000)).toBe(500);
  });

  it('forgets failures after 15 quiet minutes', () => {
    const throttle = new SignInThrottle();
    throttle.recordFailure('203.0.113.1', T0);
    throttle.recordFailure('203.0.113.1', T0 + 1000);
    expect(throttle.recordFailure('203.0.113.1', T0 + 1000 + 15 * 60_000 + 1)).toBe(500);
  });

  it('keeps memory bounded, dropping the address that failed least recently', () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < MAX_TRACKED_ADDRESSES + 5; i++) throttle.recordFailure(`a${i}`, T0);
    expect(throttle.trackedAddresses).toBe(MAX_TRACKED_ADDRESSES);
    expect(throttle.retryAfter('a0', T0)).toBe(0);
    expect(throttle.retryAfter(`a${MAX_TRACKED_ADDRESSES + 4}`, T0)).toBe(500);
  });
});

describe('clientKey', () => {
  it('counts IPv6 clients per /64 and IPv4-mapped addresses as IPv4', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:bbbb::9'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey('192.0.2.7')).toBe('192.0.2.7');
  });
});
