import type { FieldErrors } from './api-types.js';

export type ApiErrorKind = 'validation' | 'bad-signature' | 'forbidden' | 'not-found' | 'too-large' | 'rate-limited' | 'unavailable' | 'http';

const KINDS: Record<number, ApiErrorKind> = {
  401: 'bad-signature',
  403: 'forbidden',
  404: 'not-found',
  413: 'too-large',
  422: 'validation',
  429: 'rate-limited',
  503: 'unavailable',
};

/**
 * The server answered with an error. `body` is its JSON: `{field: [messages]}`
 * for 422, `{"request": "..."}` otherwise (e.g. 401 "Bad Signature",
 * 403 "Address not allowed", 503 when Redis is unreachable).
 */
export class ChannelstreamApiError extends Error {
  override readonly name = 'ChannelstreamApiError';
  readonly kind: ApiErrorKind;

  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path} answered ${status}: ${describe(body)}`);
    this.kind = KINDS[status] ?? 'http';
  }

  /** The field errors of a 422 answer. */
  get fieldErrors(): FieldErrors | undefined {
    return this.status === 422 && isObject(this.body) ? (this.body as FieldErrors) : undefined;
  }

  /** Whether a retry may succeed (rate limited, server busy or its state store unreachable). */
  get retryable(): boolean {
    return this.status === 429 || this.status === 503 || this.status === 502 || this.status === 504;
  }

  /** Seconds to wait before retrying a 429 (the server's `retry_after`). */
  get retryAfterSeconds(): number | undefined {
    return isObject(this.body) && typeof this.body.retry_after === 'number' ? this.body.retry_after : undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(body: unknown): string {
  if (isObject(body) && typeof body.request === 'string') return body.request;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
