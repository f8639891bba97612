import { AsyncLocalStorage } from 'node:async_hooks';

/** The request being handled, so every log line written while handling it carries its id (kept at debug level). */
export const requestContext = new AsyncLocalStorage<{ reqId: string }>();

/** A log line about a request, with its id: for lines written at any level, when the context above is not kept. */
export function aboutRequest(request: { id?: string }, msg: string): string | { msg: string; reqId: string } {
  return request.id ? { msg, reqId: request.id } : msg;
}
