/**
 * The few platform objects the client needs, described structurally so the
 * browser's own, Node's (fetch) and the `ws` package's WebSocket all fit,
 * and tests can pass fakes. Event parameters are `any` so that classes whose
 * handlers take their own event types are accepted.
 */

export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  close(): void;
}

export type EventSourceConstructor = new (url: string) => EventSourceLike;

export interface ResponseLike {
  readonly status: number;
  readonly ok: boolean;
  text(): Promise<string>;
}

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export type FetchLike = (url: string, init?: FetchInit) => Promise<ResponseLike>;

interface Globals {
  WebSocket?: WebSocketConstructor;
  EventSource?: EventSourceConstructor;
  fetch?: FetchLike;
  location?: { href: string };
}

const globals = globalThis as unknown as Globals;

/** An option given (null = do not use it), else the global, else nothing. */
export function resolveWebSocket(given: WebSocketConstructor | null | undefined): WebSocketConstructor | undefined {
  return given === null ? undefined : (given ?? globals.WebSocket);
}

export function resolveEventSource(given: EventSourceConstructor | null | undefined): EventSourceConstructor | undefined {
  return given === null ? undefined : (given ?? globals.EventSource);
}

export function resolveFetch(given: FetchLike | null | undefined): FetchLike | undefined {
  if (given === null) return undefined;
  // browsers refuse a fetch called without its global as `this`
  return given ?? (globals.fetch ? globals.fetch.bind(globalThis) : undefined);
}

/** The page's address, to resolve a relative server URL in browsers. */
export const pageHref = (): string | undefined => globals.location?.href;
