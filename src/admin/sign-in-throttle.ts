import { Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';

/** The first failed sign-in from an address is answered after this long; each further one waits twice as long. */
export const FAILED_SIGN_IN_DELAY_MS = 500;
export const MAX_SIGN_IN_DELAY_MS = 16_000;
/** An address's failures are forgotten this long after its last one. */
const FORGET_AFTER_MS = 15 * 60_000;
/** Most addresses tracked at once (the least recently failed one is dropped beyond it). */
export const MAX_TRACKED_ADDRESSES = 10_000;

interface Failures {
  count: number;
  last: number;
  blockedUntil: number;
}

/**
 * Slows password guessing per client address: a failed sign-in is answered
 * after 0.5 s, 1 s, 2 s, … (up to 16 s), and until that answer is due the
 * address may not try again (429), so parallel guesses gain nothing. IPv6
 * addresses count per /64, which one client usually owns whole.
 */
@Injectable()
export class SignInThrottle {
  private readonly failures = new Map<string, Failures>();

  /** Milliseconds before this address may try again; 0 = now. */
  retryAfter(address: string, now = Date.now()): number {
    const entry = this.current(clientKey(address), now);
    return entry ? Math.max(0, entry.blockedUntil - now) : 0;
  }

  /** Counts a failure; returns how long to hold the answer. */
  recordFailure(address: string, now = Date.now()): number {
    const key = clientKey(address);
    const count = (this.current(key, now)?.count ?? 0) + 1;
    const delay = Math.min(FAILED_SIGN_IN_DELAY_MS * 2 ** Math.min(count - 1, 30), MAX_SIGN_IN_DELAY_MS);
    this.failures.delete(key); // re-inserted last: the map stays ordered by last failure
    this.failures.set(key, { count, last: now, blockedUntil: now + delay });
    if (this.failures.size > MAX_TRACKED_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
    return delay;
  }

  recordSuccess(address: string): void {
    this.failures.delete(clientKey(address));
  }

  get trackedAddresses(): number {
    return this.failures.size;
  }

  private current(key: string, now: number): Failures | undefined {
    const entry = this.failures.get(key);
    if (entry && now - entry.last > FORGET_AFTER_MS) {
      this.failures.delete(key);
      return undefined;
    }
    return entry;
  }
}

/** The address a client is counted under: IPv4 (also when IPv4-mapped) as is, IPv6 by its /64. */
export function clientKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${(parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16)).join(':')}::/64`;
}
