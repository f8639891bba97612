import { Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import { Settings } from '../config/settings';
import { ApiError } from './api-error';
import { REJECTION, RejectionsService } from './rejections.service';

interface Bucket {
  tokens: number;
  at: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Token buckets per key: `rate` tokens per second, holding at most `burst`.
 * Bounded: past `maxKeys`, buckets that have refilled (the same as no bucket)
 * are dropped first, then the oldest.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly maxKeys = 100_000,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  take(key: string, cost = 1, now = Date.now()): RateDecision {
    const want = Math.min(cost, this.burst);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.rate) / 1000);
      bucket.at = now;
    }
    if (bucket.tokens >= want) {
      bucket.tokens -= want;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((want - bucket.tokens) / this.rate)) };
  }

  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.rate) / 1000 >= this.burst) this.buckets.delete(key);
    }
    if (this.buckets.size < this.maxKeys) return;
    let drop = Math.ceil(this.maxKeys / 10);
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

/** IPv4 (also IPv4-mapped) as it is; IPv6 by its /64, which one client usually holds whole. */
export function rateKey(address: string | undefined): string {
  if (!address) return '';
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) return address.slice(7);
  if (isIP(address) !== 6) return address;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The connect and publish rate limits of settings (connect_rate/burst, publish_rate/burst). */
@Injectable()
export class RateLimits {
  private readonly connects?: TokenBuckets;
  private readonly publishes?: TokenBuckets;

  constructor(
    settings: Settings,
    private readonly rejections: RejectionsService,
  ) {
    if (settings.connect_rate > 0) this.connects = new TokenBuckets(settings.connect_rate, settings.connect_burst);
    if (settings.publish_rate > 0) this.publishes = new TokenBuckets(settings.publish_rate, settings.publish_burst);
  }

  /** A transport connection (/ws, /sse, a first /listen) from `address`; counted when refused. */
  connect(address: string | undefined): RateDecision {
    return this.take(this.connects, address, 1, REJECTION.connectRate);
  }

  /** `messages` items sent through /message from `address`; counted when refused. */
  publish(address: string | undefined, messages: number): RateDecision {
    return this.take(this.publishes, address, messages, REJECTION.publishRate);
  }

  private take(buckets: TokenBuckets | undefined, address: string | undefined, cost: number, reason: string): RateDecision {
    if (!buckets) return ALLOWED;
    const decision = buckets.take(rateKey(address), cost);
    if (!decision.ok) this.rejections.count(reason);
    return decision;
  }
}

const ALLOWED: RateDecision = { ok: true };

/** The 429 answer for a refused decision. */
export function tooManyRequests(decision: Extract<RateDecision, { ok: false }>, what: string): ApiError {
  return new ApiError(429, { request: `Too many ${what}: slow down`, retry_after: decision.retryAfterSeconds }, { 'retry-after': String(decision.retryAfterSeconds) });
}
