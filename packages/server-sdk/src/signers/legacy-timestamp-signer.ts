import type { RequestSigner } from './request-signer.js';
import { TimestampSigner } from './timestamp-signer.js';

export const SIGNATURE_HEADER = 'x-channelstream-secret';

export interface LegacyTimestampSignerOptions {
  /** The value signed; the server accepts any (clients of the original sign "channelstream"). */
  value?: string;
  /** Clock in ms (tests pin it); tokens are valid for 60 s on the server. */
  now?: () => number;
}

/**
 * The signature every Channelstream server accepts: a fresh itsdangerous
 * TimestampSigner token in `x-channelstream-secret` on each request.
 */
export class LegacyTimestampSigner implements RequestSigner {
  private readonly signer: TimestampSigner;
  private readonly value: string;
  private readonly now: () => number;

  constructor(secret: string, options: LegacyTimestampSignerOptions = {}) {
    this.signer = new TimestampSigner(secret);
    this.value = options.value ?? 'channelstream';
    this.now = options.now ?? Date.now;
  }

  headersFor(): Record<string, string> {
    return { [SIGNATURE_HEADER]: this.signer.sign(this.value, Math.floor(this.now() / 1000)) };
  }
}
