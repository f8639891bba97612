import { backoffDelay } from './backoff.js';
import type { ClientEvents, ConnectionState, StateChange } from './client-events.js';
import { TypedEmitter } from './emitter.js';
import { isEventLike, isKnownType, type ServerEventsByType } from './events.js';
import { DEFAULT_TRANSPORTS, timingsOf, type ClientOptions, type Timings } from './options.js';
import { resolveEventSource, resolveFetch, resolveWebSocket, type EventSourceConstructor, type FetchLike, type WebSocketConstructor } from './platform.js';
import { PositionTracker, type Positions } from './positions.js';
import { LongPollTransport } from './transports/long-poll-transport.js';
import { SseTransport } from './transports/sse-transport.js';
import type { Transport, TransportEnd, TransportHandlers, TransportKind } from './transports/transport.js';
import { WebSocketTransport } from './transports/websocket-transport.js';
import { disconnectUrl, listenUrl, serverUrl } from './urls.js';

/** The server refused to listen (malformed conn_id or position token): retrying cannot help. */
export class ChannelstreamRefusedError extends Error {
  override readonly name = 'ChannelstreamRefusedError';
  constructor(
    readonly transport: TransportKind,
    readonly reason: string,
    readonly code?: number,
  ) {
    super(`server refused ${transport}: ${reason}`);
  }
}

/** A listener of this client threw; the client carried on. */
export class ChannelstreamListenerError extends Error {
  override readonly name = 'ChannelstreamListenerError';
  constructor(
    readonly event: string,
    override readonly cause: unknown,
  ) {
    super(`a listener for "${event}" threw: ${String(cause)}`);
  }
}

/**
 * Listens to a Channelstream server for one conn_id: WebSocket first (with
 * heartbeats), falling back to SSE and long polling when a transport never
 * opens; reconnects with exponential backoff and resumes every stream from
 * the last position seen, so no event is lost or repeated.
 *
 * ```ts
 * const client = new ChannelstreamClient({ url: 'https://rt.example.com', connId });
 * client.on('message', (m) => render(m));
 * client.on('expired', async () => client.reconnectWith(await askBackendForConnId()));
 * client.connect();
 * ```
 */
export class ChannelstreamClient extends TypedEmitter<ClientEvents> {
  private currentConnId: string;
  private currentState: ConnectionState = 'idle';
  private readonly tracker: PositionTracker;
  private readonly timings: Timings;
  private readonly transports: TransportKind[];
  private readonly WebSocket?: WebSocketConstructor;
  private readonly EventSource?: EventSourceConstructor;
  private readonly fetch?: FetchLike;
  private readonly random: () => number;
  private readonly resume: boolean;

  private transport?: Transport;
  private transportIndex = 0;
  private attempt = 0;
  private failuresWithoutOpen = 0;
  private readonly openedKinds = new Set<TransportKind>();
  private retryTimer?: ReturnType<typeof setTimeout>;
  private attemptToken?: object;

  constructor(private readonly options: ClientOptions) {
    super((error, event) => {
      if (event !== 'error') this.emit('error', new ChannelstreamListenerError(String(event), error));
    });
    serverUrl(options.url); // a malformed URL fails here, not at the first connect
    this.currentConnId = options.connId;
    this.timings = timingsOf(options);
    this.WebSocket = resolveWebSocket(options.WebSocket);
    this.EventSource = resolveEventSource(options.EventSource);
    this.fetch = resolveFetch(options.fetch);
    this.random = options.random ?? Math.random;
    this.resume = options.resume ?? true;
    this.tracker = new PositionTracker(options.positions);
    this.transports = (options.transports ?? DEFAULT_TRANSPORTS).filter((kind) => this.isAvailable(kind));
    if (this.transports.length === 0) {
      throw new Error('no transport available: pass a WebSocket class, an EventSource class or fetch');
    }
  }

  get connId(): string {
    return this.currentConnId;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The transport in use (or being tried). */
  get transportKind(): TransportKind | undefined {
    return this.transport?.kind ?? this.transports[this.transportIndex];
  }

  /** The last position seen per stream: save it to resume in a later session (`positions` option). */
  get positions(): Positions {
    return this.tracker.snapshot();
  }

  /** Starts listening (no-op unless idle). */
  connect(): void {
    if (this.currentState !== 'idle') return;
    this.start();
  }

  /**
   * Listens with a new conn_id (after 'expired'),
   * resuming from the positions seen so far; the preferred transport is tried first again.
   */
  reconnectWith(connId: string): void {
    this.stopTransport();
    this.currentConnId = connId;
    this.transportIndex = 0;
    this.attempt = 0;
    this.failuresWithoutOpen = 0;
    this.start();
  }

  /** Stops listening for good. The server keeps the connection until it expires; see disconnect(). */
  close(): void {
    this.stopTransport();
    if (this.currentState === 'closed') return;
    this.setState('closed', { reason: 'closed by the client' });
  }

  /** Ends the connection on the server too (its user parts from its channels), then closes. */
  async disconnect(): Promise<void> {
    const connId = this.currentConnId;
    this.close();
    if (!this.fetch) return;
    await this.fetch(disconnectUrl(this.options.url, connId), { method: 'POST' });
  }

  private isAvailable(kind: TransportKind): boolean {
    if (kind === 'websocket') return this.WebSocket !== undefined;
    if (kind === 'sse') return this.EventSource !== undefined;
    return this.fetch !== undefined;
  }

  private start(): void {
    const kind = this.transports[this.transportIndex]!;
    // handlers act only for the attempt they were made for, never for a stale transport
    const attempt = {};
    this.attemptToken = attempt;
    const live = () => this.attemptToken === attempt;
    this.setState('connecting', { transport: kind });
    this.transport = this.open(kind, {
      opened: () => live() && this.onOpened(kind),
      events: (list) => live() && this.onEvents(list),
      ended: (end) => live() && this.onEnded(kind, end),
    });
  }

  private open(kind: TransportKind, handlers: TransportHandlers): Transport {
    const query = () => ({ connId: this.currentConnId, positions: this.resume, since: this.resume ? this.tracker.token() : undefined });
    switch (kind) {
      case 'websocket':
        return new WebSocketTransport(this.WebSocket!, listenUrl(this.options.url, 'ws', query()), handlers, this.timings);
      case 'sse':
        return new SseTransport(this.EventSource!, listenUrl(this.options.url, 'sse', query()), handlers);
      case 'long-poll':
        return new LongPollTransport(this.fetch!, () => listenUrl(this.options.url, 'listen', query()), handlers, this.timings);
    }
  }

  private onOpened(kind: TransportKind): void {
    this.openedKinds.add(kind);
    this.attempt = 0;
    this.failuresWithoutOpen = 0;
    this.setState('open', { transport: kind });
  }

  private onEvents(list: unknown[]): void {
    for (const item of list) {
      if (!isEventLike(item) || !this.tracker.accept(item)) continue;
      this.emit('event', item);
      if (isKnownType(item.type)) this.emit(item.type, item as ServerEventsByType[typeof item.type]);
    }
  }

  private onEnded(kind: TransportKind, end: TransportEnd): void {
    this.attemptToken = undefined;
    this.transport = undefined;
    const details = { transport: kind, reason: end.reason, code: end.code };
    switch (end.kind) {
      case 'expired':
        this.setState('expired', details);
        this.emit('expired', { connId: this.currentConnId, reason: end.reason, code: end.code });
        return;
      case 'replaced':
        this.setState('closed', details);
        return;
      case 'refused':
        this.setState('closed', details);
        this.emit('error', new ChannelstreamRefusedError(kind, end.reason, end.code));
        return;
      case 'dropped':
        if (!end.opened) this.noteFailure(kind);
        this.scheduleRetry(details);
    }
  }

  /**
   * A transport that keeps failing before it opens is given up for the next
   * one. A WebSocket that worked before is kept (the server is down, not
   * the transport); SSE is given up either way, as EventSource cannot tell
   * an expired conn_id from an outage, and the next transport can.
   */
  private noteFailure(kind: TransportKind): void {
    this.failuresWithoutOpen++;
    const isLast = this.transportIndex >= this.transports.length - 1;
    const worksHere = kind === 'websocket' && this.openedKinds.has(kind);
    if (this.failuresWithoutOpen >= this.timings.fallbackAfter && !isLast && !worksHere) {
      this.transportIndex++;
      this.failuresWithoutOpen = 0;
    }
  }

  private scheduleRetry(details: Omit<StateChange, 'state' | 'previous'>): void {
    const delay = backoffDelay(this.attempt++, this.timings.backoff, this.random);
    this.setState('reconnecting', { ...details, transport: this.transports[this.transportIndex], retryInMs: delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.start();
    }, delay);
  }

  private stopTransport(): void {
    this.attemptToken = undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const transport = this.transport;
    this.transport = undefined;
    transport?.close();
  }

  private setState(state: ConnectionState, details: Omit<StateChange, 'state' | 'previous'> = {}): void {
    const previous = this.currentState;
    this.currentState = state;
    this.emit('state', { state, previous, ...details });
  }
}
