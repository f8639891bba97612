import { Logger } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { normalizeUuid } from '../common/validation/uuid';
import { Settings } from '../config/settings';
import { ConnectionsService } from '../connections/connections.service';
import { WS_CLOSE } from '../engine/close-codes';
import { Engine } from '../engine/engine';
import { WebSocketSink } from './websocket.sink';

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
    private readonly connections: ConnectionsService,
    private readonly settings: Settings,
  ) {}

  async handleConnection(socket: WebSocket, request: IncomingMessage): Promise<void> {
    const raw = new URL(request.url ?? '/', 'http://localhost').searchParams.get('conn_id');
    const connId = normalizeUuid(raw);
    if (!connId) {
      socket.close(WS_CLOSE.badConnId, 'conn_id missing or not a UUID');
      return;
    }
    const sink = new WebSocketSink(connId, socket, {
      maxBufferedBytes: MAX_BUFFERED_BYTES,
      deadAfterMs: this.settings.gc_conns_after * 1000,
    });
    this.sinks.set(socket, sink);
    socket.on('message', () => {
      sink.markSeen();
      this.engine.touch(connId);
    });
    try {
      if (!(await this.engine.attach(connId, sink))) {
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

  /** A closed socket ends its connection promptly (users part), unless a newer transport took over. */
  async handleDisconnect(socket: WebSocket): Promise<void> {
    const sink = this.sinks.get(socket);
    if (!sink) return;
    this.sinks.delete(socket);
    if (!this.engine.detach(sink.connId, sink)) return;
    try {
      await this.connections.expire(sink.connId, WS_CLOSE.normal, 'socket closed');
    } catch (err) {
      // e.g. Redis unreachable: the connection then expires through the liveness sweep
      this.logger.warn(`expiring ${sink.connId} after its socket closed failed: ${(err as Error).message}`);
    }
  }
}
