import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** allow_posting_from: exact addresses or CIDR ranges; 0.0.0.0 lets anyone in. */
export class AddressAllowlist {
  private readonly anyone: boolean;
  private readonly ranges: Range[];

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
    if (!address || !ipaddr.isValid(address)) return false;
    const addr = ipaddr.process(address); // ::ffff:127.0.0.1 -> 127.0.0.1
    return this.ranges.some(([base, bits]) => base.kind() === addr.kind() && addr.match(base, bits));
  }
}
