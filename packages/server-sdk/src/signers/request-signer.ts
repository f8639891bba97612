/** What a signer may look at: enough for a stricter mode that signs the whole request. */
export interface RequestToSign {
  method: string;
  /** Path and query, e.g. `/connect`. */
  path: string;
  /** The JSON body as sent, if any. */
  body?: string;
}

/**
 * How backend calls prove they hold the API secret: the headers to add to
 * one request. Every server accepts the legacy itsdangerous token
 * (LegacyTimestampSigner); servers with signature_mode = strict want
 * StrictRequestSigner (HMAC-SHA256 over method, path, timestamp, nonce and
 * the body's SHA-256).
 */
export interface RequestSigner {
  headersFor(request: RequestToSign): Record<string, string> | Promise<Record<string, string>>;
}
