import { classifyClose } from '../close-codes.js';
import type { WebSocketConstructor, WebSocketLike } from '../platform.js';
import type { Transport, TransportEnd, TransportHandlers } from './transport.js';

export interface WebSocketTimings {
  /** How often the client sends its heartbeat frame. */
  heartbeatIntervalMs: number;
  /** No frame from the server for this long (the server sends `[]` every ~5 s): the socket is dead. */
  deadAfterMs: number;
}

/** The frame the client sends to show it is alive (the server takes any frame as activity). */
export const HEARTBEAT_FRAME = '{"type":"heartbeat"}';

const noop = () => undefined;

/**
 * GET /ws: every server frame is a JSON list of events, `[]` a heartbeat.
 * Sends its own heartbeat every interval and gives up on a socket the
 * server has not written to within `deadAfterMs` (half-open connections
 * never report a close by themselves).
 */
export class WebSocketTransport implements Transport {
  readonly kind = 'websocket';
  private socket?: WebSocketLike;
  private opened = false;
  private done = false;
  private heartbeat?: ReturnType<typeof setInterval>;
  private watchdog?: ReturnType<typeof setTimeout>;

  constructor(
    Socket: WebSocketConstructor,
    url: string,
    private readonly handlers: TransportHandlers,
    private readonly timings: WebSocketTimings,
  ) {
    try {
      this.socket = new Socket(url);
    } catch (error) {
      // e.g. a blocked URL; reported asynchronously like any other failure
      queueMicrotask(() => this.finish({ kind: 'dropped', reason: `cannot open WebSocket: ${String(error)}`, opened: false }));
      return;
    }
    const socket = this.socket;
    socket.onopen = () => this.onOpen();
    socket.onmessage = (event: { data: unknown }) => this.onFrame(event.data);
    socket.onclose = (event: { code?: number; reason?: string }) => this.finish(classifyClose(event.code ?? 1006, String(event.reason ?? ''), this.opened));
    socket.onerror = noop; // a close event always follows
  }

  close(): void {
    this.done = true;
    this.stop();
  }

  private onOpen(): void {
    if (this.done) return;
    this.opened = true;
    this.armWatchdog();
    this.heartbeat = setInterval(() => this.send(HEARTBEAT_FRAME), this.timings.heartbeatIntervalMs);
    this.handlers.opened();
  }

  private onFrame(data: unknown): void {
    if (this.done) return;
    this.armWatchdog();
    let list: unknown;
    try {
      list = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return; // not ours to judge: the server only sends JSON lists
    }
    if (Array.isArray(list) && list.length > 0) this.handlers.events(list);
  }

  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(
      () => this.finish({ kind: 'dropped', reason: `no frame from the server for ${this.timings.deadAfterMs} ms`, opened: true }),
      this.timings.deadAfterMs,
    );
  }

  private send(frame: string): void {
    try {
      this.socket?.send(frame);
    } catch {
      // closing already; the close event reports it
    }
  }

  private finish(end: TransportEnd): void {
    if (this.done) return;
    this.done = true;
    this.stop();
    this.handlers.ended(end);
  }

  /** Stops timers and the socket; its late events go nowhere. */
  private stop(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.watchdog);
    const socket = this.socket;
    if (!socket) return;
    socket.onopen = noop;
    socket.onmessage = noop;
    socket.onclose = noop;
    socket.onerror = noop; // `ws` throws an error event with no listener when closed while connecting
    try {
      if (socket.readyState === 0 || socket.readyState === 1) socket.close();
    } catch {
      // already closing
    }
  }
}
