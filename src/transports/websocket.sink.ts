import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { WS_CLOSE } from '../engine/close-codes';
import type { OutboundEvent } from '../engine/outbound-event';
import type { Sink } from '../engine/sink';
import type { WriteBatcher } from './write-batcher';
import { eventFrame, HEARTBEAT_AND_PING, HEARTBEAT_FRAME } from './ws-frames';

export interface WebSocketSinkOptions {
  maxBufferedBytes: number;
  /**
   * gc_conns_after: a peer silent (no frame, no pong) for two thirds to all of it is pinged at its next heartbeat
   * (the first time, sooner: see WebSocketSink.pingDueAfterMs), and terminated at the first heartbeat more than
   * a third of it after that ping if it has not answered.
   */
  deadAfterMs: number;
  /** Draws each socket's ping delays (Math.random; tests fix it). */
  random?: () => number;
  /** The client asked for stream positions (offset, epoch) on every event. */
  positions: boolean;
  /** Called once when the client is cut off for falling behind (4008). */
  onSlowConsumer?: () => void;
}

/**
 * A connection's WebSocket. Each event is one frame `[event]`, framed once
 * for all its recipients; frames are queued and written in batches (see
 * WriteBatcher) straight to the TCP socket, and so are the heartbeat's `[]`
 * and ping, which wait up to HEARTBEAT_HOLD_MS to go out with an event. A
 * close still goes through ws, which writes synchronously, so order is kept;
 * queued frames are written before it.
 */
export class WebSocketSink implements Sink {
  readonly kind = 'websocket';
  /** Last time the peer showed life (a frame or a pong). */
  private lastSeen = Date.now();
  /** This turn's frames: the first in a field of its own (most turns bring one event: no array per recipient). */
  private firstQueued: Buffer | null = null;
  private moreQueued: Buffer[] | null = null;
  private queuedBytes = 0;
  /** Cut off for falling behind: nothing more is queued. */
  private cut = false;
  /** At the end of the last heartbeat: bytes the kernel had not taken yet, and bytes it had (see creditDraining). */
  private unsentAtBeat = 0;
  private takenAtBeat = 0;
  /**
   * How long the peer may be silent before its heartbeat carries a ping: drawn per socket, so that sockets
   * opened together (a reconnecting crowd, a bench) do not all ping on the same beat ever after.
   */
  private readonly pingAfterMs: number;
  /**
   * The silence that brings the next ping: pingAfterMs, but for the first ping a fraction of it drawn per socket,
   * so that sockets opened together ping at spread times from their first period on, not in waves a period apart.
   */
  private pingDueAfterMs: number;
  /** When the ping still waiting for its answer went out (null: none waits); any sign of life answers it. */
  private pingedAt: number | null = null;
  /** The last beat's frames (`[]`, maybe with a ping), waiting to go out with the next event; null once sent. */
  private heldBeat: Buffer | null = null;

  constructor(
    readonly connId: string,
    private readonly socket: WebSocket,
    private readonly batcher: WriteBatcher,
    private readonly options: WebSocketSinkOptions,
  ) {
    const random = options.random ?? Math.random;
    this.pingAfterMs = (options.deadAfterMs * (2 + random())) / 3;
    this.pingDueAfterMs = random() * this.pingAfterMs;
  }

  /** A frame or a pong from the peer (the gateway's socket listeners call this). */
  markSeen(): void {
    this.seen(Date.now());
  }

  private seen(at: number): void {
    this.lastSeen = at;
    this.pingedAt = null;
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  deliver(event: OutboundEvent): void {
    this.enqueue(eventFrame(event, this.options.positions));
    const beat = this.heldBeat;
    if (beat !== null) {
      this.heldBeat = null;
      this.enqueue(beat);
    }
  }

  close(code: number, reason: string): void {
    this.flush(); // queued frames go before the close (a no-op once the socket is closing)
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) this.socket.close(code, reason);
  }

  heartbeat(now: number): boolean {
    if (!this.open) return false;
    const raw = this.rawSocket();
    if (raw) this.creditDraining(raw, now);
    if (this.pingedAt !== null && now - this.pingedAt > this.options.deadAfterMs / 3) {
      // asked, and silent for a third of gc_conns_after since: the peer is gone without closing
      this.socket.terminate();
      return false;
    }
    // the protocol's `[]` at every beat, a ping only once the peer has been silent for its ping delay,
    // and one at a time: each costs both ends a wake-up and a pong, which at 5000 subscribers raised their p99
    // (README, Performance)
    const ping = this.pingedAt === null && now - this.lastSeen >= this.pingDueAfterMs;
    if (ping) {
      this.pingedAt = now;
      this.pingDueAfterMs = this.pingAfterMs;
    }
    // written alone, a beat wakes the client once more than the events do (thousands of wake-ups every 5 s on
    // a busy node); held, it rides with the next event, or goes alone at releaseHeldBeat
    this.heldBeat = ping ? HEARTBEAT_AND_PING : HEARTBEAT_FRAME;
    if (this.firstQueued !== null) this.releaseHeldBeat(); // frames wait for this turn's batch: the beat goes after them, now
    if (raw) this.noteBacklog(raw);
    return true;
  }

  /** Sends the held beat if no event took it along. */
  releaseHeldBeat(): void {
    const beat = this.heldBeat;
    if (beat === null) return;
    this.heldBeat = null;
    if (!this.open) return;
    this.enqueue(beat);
    this.flush();
  }

  /**
   * A reader that is behind gets our ping only after the frames queued before it, so its pong can come
   * too late although it reads all the while (at 5000 subscribers on a slow machine they
   * were terminated by the thousand). Bytes waiting since the last beat that the kernel has taken since
   * prove the peer alive: a full send buffer frees only as the peer acknowledges what it received, and a
   * peer that stops reading closes its window. Bytes taken while nothing waited prove nothing (the kernel
   * buffers for a dead peer too), so only a backlog that drains counts.
   */
  private creditDraining(raw: Socket, now: number): void {
    if (this.unsentAtBeat > 0 && takenByKernel(raw) > this.takenAtBeat) this.seen(now);
  }

  private noteBacklog(raw: Socket): void {
    this.unsentAtBeat = raw.writableLength;
    this.takenAtBeat = takenByKernel(raw);
  }

  /** Writes this turn's frames in one write; true when it wrote. */
  flush(): boolean {
    const first = this.firstQueued;
    if (first === null) return false;
    const more = this.moreQueued;
    this.dropQueue();
    const raw = this.rawSocket();
    if (!this.open || !raw) return false;
    // behind = bytes the kernel would not take yet: a reader this far behind must not hold memory for everyone else
    if (raw.writableLength > this.options.maxBufferedBytes) {
      this.cutOff();
      return false;
    }
    raw.write(more === null ? first : Buffer.concat([first, ...more]));
    return true;
  }

  /**
   * Queues a frame for the next flush. Called once per recipient of every
   * event, so it touches only this sink's own fields (the socket is looked at
   * when flushing): in a channel of thousands, this loop runs before the first
   * write. This turn's queue is bounded too, so a burst cannot grow it without limit.
   */
  private enqueue(frame: Buffer): void {
    if (this.cut) return;
    if (this.queuedBytes > 4 * this.options.maxBufferedBytes) return this.cutOff();
    this.queuedBytes += frame.length;
    if (this.firstQueued === null) {
      this.firstQueued = frame;
      this.batcher.mark(this);
    } else (this.moreQueued ??= []).push(frame);
  }

  /** Too far behind: cut off with 4008 (the connection stays resumable for resume_grace). */
  private cutOff(): void {
    this.dropQueue();
    if (this.cut || !this.open) return;
    this.cut = true;
    this.options.onSlowConsumer?.();
    this.socket.close(WS_CLOSE.slowConsumer, 'too far behind');
  }

  private dropQueue(): void {
    this.firstQueued = null;
    this.moreQueued = null;
    this.queuedBytes = 0;
  }

  /** ws's underlying TCP socket (set while the WebSocket is open). */
  private rawSocket(): Socket | undefined {
    return (this.socket as unknown as { _socket?: Socket })._socket;
  }
}

/** Bytes of this socket the kernel has taken (net.Socket's bytesWritten also counts those still waiting). */
const takenByKernel = (raw: Socket): number => raw.bytesWritten - raw.writableLength;
