import type { WebSocket } from 'ws';
import { WS_CLOSE } from '../engine/close-codes';
import type { OutboundEvent } from '../engine/outbound-event';
import type { Sink } from '../engine/sink';

const HEARTBEAT_FRAME = Buffer.from('[]');
const TEXT = { binary: false };

/** A connection's WebSocket: every event is one frame `[event]`, the same bytes for every recipient. */
export class WebSocketSink implements Sink {
  readonly kind = 'websocket';
  /** Last time the peer showed life (a frame or a pong). */
  private lastSeen = Date.now();

  constructor(
    readonly connId: string,
    private readonly socket: WebSocket,
    private readonly limits: { maxBufferedBytes: number; deadAfterMs: number },
    /** The client asked for stream positions (offset, epoch) on every event. */
    private readonly positions = false,
  ) {
    socket.on('pong', () => this.markSeen());
  }

  markSeen(): void {
    this.lastSeen = Date.now();
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  deliver(event: OutboundEvent): void {
    this.write(this.positions ? event.positionedFrameBytes : event.frameBytes);
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  heartbeat(now: number): boolean {
    if (!this.open) return false;
    if (now - this.lastSeen > this.limits.deadAfterMs) {
      // no frame and no pong for gc_conns_after: the peer is gone without closing
      this.socket.terminate();
      return false;
    }
    this.write(HEARTBEAT_FRAME);
    this.socket.ping();
    return true;
  }

  /** Text frames from bytes encoded once per event (ws would otherwise encode the string per socket). */
  private write(frame: Buffer): void {
    if (!this.open) return;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      // a slow reader must not hold memory for everyone else
      this.socket.close(WS_CLOSE.slowConsumer, 'too far behind');
      return;
    }
    this.socket.send(frame, TEXT);
  }
}
