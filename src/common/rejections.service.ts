import { Injectable } from '@nestjs/common';

/**
 * Why requests, sockets and frames were refused, counted per reason (a limit,
 * a rate limit, an origin, a signature, a slow consumer). Metrics export the
 * snapshot; nothing here logs.
 */
@Injectable()
export class RejectionsService {
  private readonly counts = new Map<string, number>();

  count(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

/** Every refusal reason this server counts (see the README's Security section). */
export const REJECTION = {
  bodyTooLarge: 'body_too_large',
  tooManyMessages: 'too_many_messages',
  messageTooLarge: 'message_too_large',
  frameTooLarge: 'frame_too_large',
  tooManyChannels: 'too_many_channels',
  tooManyConnections: 'too_many_connections',
  nameLength: 'name_length',
  connectRate: 'connect_rate',
  publishRate: 'publish_rate',
  originDenied: 'origin_denied',
  addressDenied: 'address_denied',
  signatureMissing: 'signature_missing',
  signatureBad: 'signature_bad',
  signatureExpired: 'signature_expired',
  signatureReplayed: 'signature_replayed',
  slowConsumer: 'slow_consumer',
} as const;
