import type { FetchInit, FetchLike, ResponseLike, WebSocketLike } from '../platform.js';

/** An in-memory WebSocket the test drives from the "server" side. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: string[] = [];
  closedByClient = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {}

  get query(): URLSearchParams {
    return new URL(this.url).searchParams;
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.closedByClient = true;
    this.readyState = 3;
  }

  serverOpen(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  serverSend(events: unknown[]): void {
    this.onmessage?.({ data: JSON.stringify(events) });
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** A refused connection: error, then close 1006, never open. */
  serverRefuse(): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code: 1006, reason: '' });
  }
}

/** A WebSocket class whose instances the test can reach. */
export function fakeSockets() {
  const sockets: FakeSocket[] = [];
  class Socket extends FakeSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return { Socket, sockets, last: () => sockets[sockets.length - 1]! };
}

export interface PendingRequest {
  url: string;
  init?: FetchInit;
  respond(status: number, body: unknown): void;
}

/** A fetch whose requests wait until the test answers them; aborting rejects, as real fetch does. */
export function fakeFetch() {
  const requests: PendingRequest[] = [];
  const fetch: FetchLike = (url, init) =>
    new Promise<ResponseLike>((resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      requests.push({
        url,
        init,
        respond: (status, body) =>
          resolve({ status, ok: status >= 200 && status < 300, text: async () => (typeof body === 'string' ? body : JSON.stringify(body)) }),
      });
    });
  return { fetch, requests, last: () => requests[requests.length - 1]! };
}

/** A server event as the client receives it with positions=1. */
export function event(overrides: Record<string, unknown> = {}) {
  return {
    uuid: `uuid-${Math.random().toString(36).slice(2)}`,
    type: 'message',
    user: 'alice',
    channel: 'lobby',
    timestamp: '2026-01-01T00:00:00.000000+00:00',
    message: { text: 'hi' },
    catchup: false,
    edited: null,
    ...overrides,
  };
}
