import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { RequestSigner, RequestToSign } from './request-signer.js';

/** Headers of a strict signature. */
export const STRICT_SIGNATURE_HEADERS = {
  signature: 'x-channelstream-signature',
  timestamp: 'x-channelstream-timestamp',
  nonce: 'x-channelstream-nonce',
} as const;

export interface StrictRequestSignerOptions {
  /** Clock in ms (tests pin it). The server accepts timestamps within signature_max_age (60 s) of its own clock. */
  now?: () => number;
  /** A fresh nonce per request: 16–128 characters of A–Z a–z 0–9 _ -. Default: 16 random bytes, base64url. */
  nonce?: () => string;
}

/**
 * The text a strict signature covers, one field per line: `v1`, the method
 * in upper case, the path with its query as sent, the Unix time in seconds,
 * the nonce, and the hex SHA-256 of the body (of '' when there is none).
 */
export function canonicalRequest(method: string, path: string, timestamp: string, nonce: string, body = ''): string {
  const digest = createHash('sha256').update(body, 'utf8').digest('hex');
  return `v1\n${method.toUpperCase()}\n${path}\n${timestamp}\n${nonce}\n${digest}`;
}

/**
 * For servers with `signature_mode = strict`: every request carries
 * `x-channelstream-timestamp`, a never-repeated `x-channelstream-nonce` and
 * `x-channelstream-signature: v1=<hex HMAC-SHA256(secret, canonical request)>`,
 * so a captured request authorises nothing else (another path or body) and
 * cannot be replayed.
 */
export class StrictRequestSigner implements RequestSigner {
  private readonly now: () => number;
  private readonly nonce: () => string;

  constructor(
    private readonly secret: string,
    options: StrictRequestSignerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.nonce = options.nonce ?? (() => randomBytes(16).toString('base64url'));
  }

  headersFor({ method, path, body }: RequestToSign): Record<string, string> {
    const timestamp = String(Math.floor(this.now() / 1000));
    const nonce = this.nonce();
    const mac = createHmac('sha256', this.secret).update(canonicalRequest(method, path, timestamp, nonce, body ?? ''), 'utf8').digest('hex');
    return {
      [STRICT_SIGNATURE_HEADERS.timestamp]: timestamp,
      [STRICT_SIGNATURE_HEADERS.nonce]: nonce,
      [STRICT_SIGNATURE_HEADERS.signature]: `v1=${mac}`,
    };
  }
}
