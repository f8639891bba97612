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
 * one request. The server today accepts the legacy itsdangerous token
 * (LegacyTimestampSigner); a stricter mode (say, an HMAC over method, path,
 * body and time) is another implementation of this interface.
 */
export interface RequestSigner {
  headersFor(request: RequestToSign): Record<string, string> | Promise<Record<string, string>>;
}
