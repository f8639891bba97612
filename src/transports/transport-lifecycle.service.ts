import { Injectable, Logger } from '@nestjs/common';
import { MSG } from '../common/validation/messages';
import { Settings } from '../config/settings';
import { ConnectionsService } from '../connections/connections.service';
import { WS_CLOSE } from '../engine/close-codes';
import { Engine } from '../engine/engine';
import { decodePositions, type Positions } from '../engine/positions';
import type { Sink } from '../engine/sink';

export type ResumeRequest = { ok: true; positions?: Positions } | { ok: false; message: string };

/** What every transport does when it opens and ends (WebSocket, long poll, SSE). */
@Injectable()
export class TransportLifecycle {
  private readonly logger = new Logger(TransportLifecycle.name);

  constructor(
    private readonly engine: Engine,
    private readonly connections: ConnectionsService,
    private readonly settings: Settings,
  ) {}

  /** `since` (or SSE Last-Event-ID): a position token from a previous session, or nothing. */
  parseResume(token: unknown): ResumeRequest {
    if (token === undefined || token === null || token === '') return { ok: true };
    const positions = typeof token === 'string' ? decodePositions(token) : undefined;
    return positions ? { ok: true, positions } : { ok: false, message: `${MSG.invalidInput} Expected a position token from a previous event.` };
  }

  /**
   * A transport ended. The connection stays (and its user in its channels)
   * for resume_grace so a reconnect is seamless; the liveness sweep ends it
   * afterwards. With no grace it ends now, as in the original.
   */
  async closed(sink: Sink): Promise<void> {
    if (!this.engine.detach(sink.connId, sink)) return; // a newer transport took over
    if (this.settings.resume_grace > 0) return;
    try {
      await this.connections.expire(sink.connId, WS_CLOSE.normal, 'transport closed');
    } catch (err) {
      // e.g. Redis unreachable: the connection then expires through the liveness sweep
      this.logger.warn(`expiring ${sink.connId} after its transport closed failed: ${(err as Error).message}`);
    }
  }
}
