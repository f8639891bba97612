import { Logger } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect, type OnGatewayInit } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { ClientAddress } from '../common/client-address';
import { OriginGuard } from '../common/origin-guard';
import { RateLimits } from '../common/rate-limiter';
import { REJECTION, RejectionsService } from '../common/rejections.service';
import { normalizeUuid } from '../common/validation/uuid';
import { Settings } from '../config/settings';
import { WS_CLOSE } from '../engine/close-codes';
import { Engine } from '../engine/engine';
import { MetricsService } from '../metrics/metrics.service';
import { wantsPositions } from './client-query';
import { TransportLifecycle } from './transport-lifecycle.service';
import { WebSocketSink, type WebSocketSinkOptions } from './websocket.sink';
import { WriteBatcher } from './write-batcher';

/** A socket listener that learns its socket from the emitter (ws calls listeners with the socket as `this`). */
const withSocket = (listener: (socket: WebSocket) => void) =>
  function (this: WebSocket): void {
    listener(this);
  };

/** Largest frame a client may send until afterInit applies max_frame_size (clients only send heartbeats). */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

type VerifyCallback = (verified: boolean, code?: number, message?: string, headers?: Record<string, string>) => void;

const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };

/**
 * GET /ws?conn_id=: the WebSocket transport. Frames from the client only
 * mark the connection alive; server frames are JSON lists of events.
 * Before the upgrade, the Origin (allow_cors) and the client address's
 * connect rate are checked and refused with a real HTTP 403 / 429.
 */
@WebSocketGateway({ path: '/ws', maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false })
export class WsGateway implements OnGatewayInit<WebSocketServer>, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(WsGateway.name);
  private readonly sinks = new WeakMap<WebSocket, WebSocketSink>();

  constructor(
    private readonly engine: Engine,
    private readonly lifecycle: TransportLifecycle,
    private readonly settings: Settings,
    private readonly origins: OriginGuard,
    private readonly rates: RateLimits,
    private readonly addresses: ClientAddress,
    private readonly rejections: RejectionsService,
    metrics: MetricsService,
  ) {
    this.batcher = new WriteBatcher(undefined, (seconds) => metrics.countWebsocketBatch(seconds));
    this.sinkOptions = [false, true].map((positions) => ({
      maxBufferedBytes: settings.max_buffered_bytes,
      deadAfterMs: settings.gc_conns_after * 1000,
      positions,
      onSlowConsumer: () => rejections.count(REJECTION.slowConsumer),
    }));
  }

  /** One write batcher for every socket of this node, timing each batch for the metrics. */
  private readonly batcher: WriteBatcher;

  /** Sink options, shared by every socket (without and with stream positions): nothing per connection. */
  private readonly sinkOptions: readonly WebSocketSinkOptions[];

  // Socket listeners shared by every socket: no closures per connection.
  private readonly onClientFrame = withSocket((socket) => {
    const sink = this.sinks.get(socket);
    if (!sink) return;
    sink.markSeen();
    this.engine.touch(sink.connId);
  });

  private readonly onPong = withSocket((socket) => this.sinks.get(socket)?.markSeen());

  /**
   * Protocol errors from a client (a frame over max_frame_size: ws closes
   * with 1009; bad UTF-8 or framing: 1007/1002) are the client's doing: they
   * are counted and logged at debug level, not as server errors (the
   * adapter's own listener would log each one as an error, a log flood on
   * demand).
   */
  private readonly onSocketError = (err: Error & { code?: string }): void => {
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.rejections.count(REJECTION.frameTooLarge);
    this.logger.debug(`socket error from a client: ${err.code ?? err.message}`);
  };

  /** ws reads these options on every upgrade: the configured frame limit and our pre-upgrade checks. */
  afterInit(server: WebSocketServer): void {
    const options = (server as unknown as { options: { maxPayload: number; verifyClient: unknown } }).options;
    options.maxPayload = this.settings.max_frame_size;
    options.verifyClient = (info: { req: IncomingMessage }, done: VerifyCallback) => this.verifyClient(info.req, done);
  }

  verifyClient(request: IncomingMessage, done: VerifyCallback): void {
    if (!this.origins.allows(request.headers.origin, request.headers.host)) {
      return done(false, 403, JSON.stringify({ request: 'Origin not allowed' }), JSON_TYPE);
    }
    const decision = this.rates.connect(this.addresses.ofUpgrade(request));
    if (!decision.ok) {
      const body = { request: 'Too many connections from this address (connect_rate): slow down', retry_after: decision.retryAfterSeconds };
      return done(false, 429, JSON.stringify(body), { ...JSON_TYPE, 'Retry-After': String(decision.retryAfterSeconds) });
    }
    done(true);
  }

  async handleConnection(socket: WebSocket, request: IncomingMessage): Promise<void> {
    // ws needs one error listener; this one replaces the adapter's
    socket.removeAllListeners('error');
    socket.on('error', this.onSocketError);
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const connId = normalizeUuid(query.get('conn_id'));
    if (!connId) {
      socket.close(WS_CLOSE.badConnId, 'conn_id missing or not a UUID');
      return;
    }
    const resume = this.lifecycle.parseResume(query.get('since'));
    if (!resume.ok) {
      socket.close(WS_CLOSE.badConnId, 'since is not a position token');
      return;
    }
    const positions = resume.positions !== undefined || wantsPositions(query.get('positions'));
    const sink = new WebSocketSink(connId, socket, this.batcher, this.sinkOptions[positions ? 1 : 0]!);
    this.sinks.set(socket, sink);
    socket.on('message', this.onClientFrame);
    socket.on('pong', this.onPong);
    try {
      if (!(await this.engine.attach(connId, sink, resume.positions))) {
        this.sinks.delete(socket);
        socket.close(WS_CLOSE.normal, 'unknown conn_id');
        return;
      }
    } catch (err) {
      this.logger.error(`attach failed: ${(err as Error).message}`);
      socket.close(1011, 'server error');
      return;
    }
    // the socket may have closed while attaching
    if (!sink.open) await this.handleDisconnect(socket);
  }

  /** A closed socket ends its connection after the resume grace period, unless a newer transport took over. */
  async handleDisconnect(socket: WebSocket): Promise<void> {
    const sink = this.sinks.get(socket);
    if (!sink) return;
    this.sinks.delete(socket);
    await this.lifecycle.closed(sink);
  }
}
