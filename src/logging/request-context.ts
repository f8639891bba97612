import { AsyncLocalStorage } from 'node:async_hooks';

/** The request being handled, so every log line written while handling it carries its id. */
export const requestContext = new AsyncLocalStorage<{ reqId: string }>();
