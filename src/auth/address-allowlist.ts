import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** allow_posting_from: exact addresses or CIDR ranges; 0.0.0.0 lets anyone in. */
export class AddressAllowlist {
  private readonly anyone: boolean;
  private readonly ranges: Range[];
  /** Answers per address: backends call from a few addresses, many times each. Bounded. */
  private readonly decided = new Map<string, boolean>();

  constructor(entries: readonly string[]) {
    this.anyone = entries.includes('0.0.0.0');
    this.ranges = entries.map((entry) => {
      if (entry.includes('/')) return ipaddr.parseCIDR(entry);
      const addr = ipaddr.process(entry);
      return [addr, addr.kind() === 'ipv4' ? 32 : 128] as Range;
    });
  }

  allows(address: string | undefined): boolean {
    if (this.anyone) return true;
    if (!address) return false;
    let allowed = this.decided.get(address);
    if (allowed === undefined) {
      allowed = this.check(address);
      if (this.decided.size >= 1024) this.decided.clear();
      this.decided.set(address, allowed);
    }
    return allowed;
  }

  private check(address: string): boolean {
    if (!ipaddr.isValid(address)) return false;
    const addr = ipaddr.process(address); // ::ffff:127.0.0.1 -> 127.0.0.1
    return this.ranges.some(([base, bits]) => base.kind() === addr.kind() && addr.match(base, bits));
  }
}
