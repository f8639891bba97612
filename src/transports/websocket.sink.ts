import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { WS_CLOSE } from '../engine/close-codes';
import type { OutboundEvent } from '../engine/outbound-event';
import type { Sink } from '../engine/sink';
import type { WriteBatcher } from './write-batcher';
import { eventFrame, HEARTBEAT_AND_PING } from './ws-frames';

export interface WebSocketSinkOptions {
  maxBufferedBytes: number;
  deadAfterMs: number;
  /** The client asked for stream positions (offset, epoch) on every event. */
  positions: boolean;
  /** Called once when the client is cut off for falling behind (4008). */
  onSlowConsumer?: () => void;
}

/**
 * A connection's WebSocket. Each event is one frame `[event]`, framed once
 * for all its recipients; frames are queued and written in batches (see
 * WriteBatcher) straight to the TCP socket. Control frames (ping, close)
 * still go through ws, which writes synchronously, so order is kept; queued
 * frames are written before a close.
 */
export class WebSocketSink implements Sink {
  readonly kind = 'websocket';
  /** Last time the peer showed life (a frame or a pong). */
  private lastSeen = Date.now();
  private queue: Buffer[] = [];
  private queuedBytes = 0;

  constructor(
    readonly connId: string,
    private readonly socket: WebSocket,
    private readonly batcher: WriteBatcher,
    private readonly options: WebSocketSinkOptions,
  ) {}

  /** A frame or a pong from the peer (the gateway's socket listeners call this). */
  markSeen(): void {
    this.lastSeen = Date.now();
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  deliver(event: OutboundEvent): void {
    this.enqueue(eventFrame(event, this.options.positions));
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.flush();
      this.socket.close(code, reason);
    }
  }

  heartbeat(now: number): boolean {
    if (!this.open) return false;
    if (now - this.lastSeen > this.options.deadAfterMs) {
      // no frame and no pong for gc_conns_after: the peer is gone without closing
      this.socket.terminate();
      return false;
    }
    this.enqueue(HEARTBEAT_AND_PING);
    this.flush();
    return true;
  }

  flush(): void {
    if (this.queue.length === 0) return;
    const frames = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    const raw = this.rawSocket();
    if (!this.open || !raw) return;
    if (frames.length === 1) raw.write(frames[0]);
    else raw.write(Buffer.concat(frames));
  }

  private enqueue(frame: Buffer): void {
    if (!this.open) return;
    // behind = bytes the kernel would not take yet; this turn's queue is not behind (it is flushed after the turn),
    // but is bounded too, so a burst cannot grow it without limit
    const behind = this.rawSocket()?.writableLength ?? 0;
    if (behind > this.options.maxBufferedBytes || behind + this.queuedBytes > 4 * this.options.maxBufferedBytes) {
      // a slow reader must not hold memory for everyone else; its connection stays resumable (resume_grace)
      this.queue = [];
      this.queuedBytes = 0;
      this.options.onSlowConsumer?.();
      this.socket.close(WS_CLOSE.slowConsumer, 'too far behind');
      return;
    }
    this.queue.push(frame);
    this.queuedBytes += frame.length;
    if (this.queue.length === 1) this.batcher.mark(this);
  }

  /** ws's underlying TCP socket (set while the WebSocket is open). */
  private rawSocket(): Socket | undefined {
    return (this.socket as unknown as { _socket?: Socket })._socket;
  }
}
