/**
 * Tokens that verified recently, so a backend re-using one token for many
 * calls (it stays valid for 60 s) pays for the HMAC once. Bounded: the
 * oldest entries go first. Only tokens that passed the full check enter it.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, number>();

  constructor(private readonly capacity = 1024) {}

  /** True when `token` verified before and its age limit (epoch seconds) has not passed. */
  has(token: string, nowSeconds: number): boolean {
    const validUntil = this.entries.get(token);
    if (validUntil === undefined) return false;
    if (nowSeconds > validUntil) {
      this.entries.delete(token);
      return false;
    }
    return true;
  }

  /** Remembers a verified token until `validUntil` (epoch seconds; Infinity when ages are not checked). */
  add(token: string, validUntil: number): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, validUntil);
  }
}
