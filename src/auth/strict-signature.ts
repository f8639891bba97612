import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a strict signature (signature_mode = strict). */
export const STRICT_HEADERS = {
  signature: 'x-channelstream-signature',
  timestamp: 'x-channelstream-timestamp',
  nonce: 'x-channelstream-nonce',
} as const;

const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v1=([0-9a-f]{64})$/;

export interface StrictRequest {
  method: string;
  /** Path and query exactly as sent (`/message?x=1`). */
  path: string;
  /** Unix seconds. */
  timestamp: string;
  nonce: string;
  /** The body as sent ('' without one). */
  body: string;
}

/** SHA-256 of the body, lower-case hex (of the empty string for no body). */
export const bodyDigest = (body: string): string => createHash('sha256').update(body, 'utf8').digest('hex');

/**
 * The text a strict signature covers, one field per line:
 * `v1`, METHOD (upper case), path with query, Unix seconds, nonce, SHA-256 of the body (hex).
 */
export function canonicalRequest(r: StrictRequest): string {
  return `v1\n${r.method.toUpperCase()}\n${r.path}\n${r.timestamp}\n${r.nonce}\n${bodyDigest(r.body)}`;
}

/** The x-channelstream-signature value: `v1=` + hex HMAC-SHA256(secret, canonical request). */
export function strictSignature(secret: string, r: StrictRequest): string {
  return `v1=${createHmac('sha256', secret).update(canonicalRequest(r), 'utf8').digest('hex')}`;
}

export type StrictHeaders =
  | { ok: true; timestamp: string; nonce: string; mac: Buffer }
  | { ok: false; reason: 'missing' | 'malformed' };

/** Reads the three strict headers; 'missing' when there is no signature header at all. */
export function readStrictHeaders(headers: Record<string, string | string[] | undefined>): StrictHeaders {
  const signature = headers[STRICT_HEADERS.signature];
  if (signature === undefined || signature === '') return { ok: false, reason: 'missing' };
  const timestamp = headers[STRICT_HEADERS.timestamp];
  const nonce = headers[STRICT_HEADERS.nonce];
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || typeof nonce !== 'string') return { ok: false, reason: 'malformed' };
  const m = SIGNATURE.exec(signature.trim().toLowerCase());
  if (!m || !TIMESTAMP.test(timestamp) || !NONCE.test(nonce)) return { ok: false, reason: 'malformed' };
  return { ok: true, timestamp, nonce, mac: Buffer.from(m[1], 'hex') };
}

/** Whether `mac` is HMAC-SHA256(secret, canonical), in constant time. */
export function macMatches(secret: string, canonical: string, mac: Buffer): boolean {
  const expected = createHmac('sha256', secret).update(canonical, 'utf8').digest();
  return expected.length === mac.length && timingSafeEqual(expected, mac);
}
