import { Logger } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { normalizeUuid } from '../common/validation/uuid';
import { Settings } from '../config/settings';
import { WS_CLOSE } from '../engine/close-codes';
import { Engine } from '../engine/engine';
import { TransportLifecycle } from './transport-lifecycle.service';
import { WebSocketSink } from './websocket.sink';
import { WriteBatcher } from './write-batcher';

const isTrue = (v: string | null) => v === '1' || v === 'true';

/** Beyond this many bytes queued for one socket, the reader is too slow and is dropped. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Largest frame a client may send (clients only send heartbeats). */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

/**
 * GET /ws?conn_id=: the WebSocket transport. Frames from the client only
 * mark the connection alive; server frames are JSON lists of events.
 */
@WebSocketGateway({ path: '/ws', maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false })
export class WsGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(WsGateway.name);
  private readonly sinks = new WeakMap<WebSocket, WebSocketSink>();

  constructor(
    private readonly engine: Engine,
    private readonly lifecycle: TransportLifecycle,
    private readonly settings: Settings,
  ) {}

  /** One write batcher for every socket of this node. */
  private readonly batcher = new WriteBatcher();

  async handleConnection(socket: WebSocket, request: IncomingMessage): Promise<void> {
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
    const positions = resume.positions !== undefined || isTrue(query.get('positions'));
    const sink = new WebSocketSink(connId, socket, this.batcher, {
      maxBufferedBytes: MAX_BUFFERED_BYTES,
      deadAfterMs: this.settings.gc_conns_after * 1000,
      positions,
    });
    this.sinks.set(socket, sink);
    socket.on('message', () => {
      sink.markSeen();
      this.engine.touch(connId);
    });
    try {
      if (!(await this.engine.attach(connId, sink, resume.positions))) {
        this.sinks.delete(socket);
        socket.close(WS_CLOSE.normal, 'unknown conn_id');
        return;
      }
    } catch (err) {
      this.logger.error(`attach ${connId} failed: ${(err as Error).message}`);
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
