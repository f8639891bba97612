import { describe, expect, it } from '@jest/globals';
import { Settings } from '../config/settings';
import { RateLimits, rateKey, TokenBuckets } from './rate-limiter';
import { RejectionsService } from './rejections.service';

describe(TokenBuckets.name, () => {
  it('allows a burst, then the rate, and says when to retry', () => {
    const buckets = new TokenBuckets(2, 3);
    expect([1, 2, 3].map(() => buckets.take('a', 1, 0).ok)).toEqual([true, true, true]);
    expect(buckets.take('a', 1, 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(buckets.take('a', 1, 500).ok).toBe(true); // one token back after 0.5 s at 2/s
    expect(buckets.take('a', 1, 500).ok).toBe(false);
    expect(buckets.take('b', 1, 500).ok).toBe(true); // keys are separate
  });

  it('charges a cost larger than the burst as the whole burst', () => {
    const buckets = new TokenBuckets(1, 10);
    expect(buckets.take('a', 50, 0).ok).toBe(true);
    expect(buckets.take('a', 1, 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('stays bounded, dropping refilled buckets first', () => {
    const buckets = new TokenBuckets(1, 1, 10);
    for (let i = 0; i < 10; i++) buckets.take(`k${i}`, 1, 0);
    buckets.take('late', 1, 5000);
    expect(buckets.size).toBe(1);
    for (let i = 0; i < 25; i++) buckets.take(`x${i}`, 1, 5000);
    expect(buckets.size).toBeLessThanOrEqual(10);
  });
});

describe('rateKey', () => {
  it('keys IPv4 (also mapped) by address and IPv6 by /64', () => {
    expect(rateKey('192.0.2.1')).toBe('192.0.2.1');
    expect(rateKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(rateKey('2001:db8:1:2:3:4:5:6')).toBe(rateKey('2001:db8:1:2::9'));
    expect(rateKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(rateKey('2001:db8:1:3::9')).not.toBe(rateKey('2001:db8:1:2::9'));
    expect(rateKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe(RateLimits.name, () => {
  it('counts refusals and does nothing when a rate is 0', () => {
    const rejections = new RejectionsService();
    const limits = new RateLimits(Settings.load({ overrides: { connect_rate: 1, connect_burst: 1, publish_rate: 0 } }), rejections);
    expect(limits.connect('192.0.2.1').ok).toBe(true);
    expect(limits.connect('192.0.2.1').ok).toBe(false);
    for (let i = 0; i < 100; i++) expect(limits.publish('192.0.2.1', 1000).ok).toBe(true);
    expect(rejections.snapshot()).toEqual({ connect_rate: 1 });
  });
});
