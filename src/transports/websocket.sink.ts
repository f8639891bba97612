import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { WS_CLOSE } from '../engine/close-codes';
import type { OutboundEvent } from '../engine/outbound-event';
import type { Sink } from '../engine/sink';
import type { WriteBatcher } from './write-batcher';
import { eventFrame, HEARTBEAT_AND_PING, HEARTBEAT_FRAME } from './ws-frames';

export interface WebSocketSinkOptions {
  maxBufferedBytes: number;
  /** A peer silent this long (no frame, no pong) is terminated at its next heartbeat; one silent a third to two thirds as long is pinged. */
  deadAfterMs: number;
  /** Draws each socket's ping delay in that range (Math.random; tests fix it). */
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
  /** The last beat's frames (`[]`, maybe with a ping), waiting to go out with the next event; null once sent. */
  private heldBeat: Buffer | null = null;

  constructor(
    readonly connId: string,
    private readonly socket: WebSocket,
    private readonly batcher: WriteBatcher,
    private readonly options: WebSocketSinkOptions,
  ) {
    this.pingAfterMs = (options.deadAfterMs * (1 + (options.random ?? Math.random)())) / 3;
  }

  /** A frame or a pong from the peer (the gateway's socket listeners call this). */
  markSeen(): void {
    this.lastSeen = Date.now();
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
    const silentFor = now - this.lastSeen;
    if (silentFor > this.options.deadAfterMs) {
      // no frame and no pong for gc_conns_after: the peer is gone without closing
      this.socket.terminate();
      return false;
    }
    // the protocol's `[]` at every beat, a ping only once the peer has been silent a while (a live one has a
    // third of its time at least to answer): each ping costs both ends a wake-up and a pong, and sent at every
    // beat they raised the subscribers' p99 at 5000 of them (README, Performance)
    // written alone, a beat wakes the client once more than the events do (thousands of wake-ups every 5 s on
    // a busy node); held, it rides with the next event, or goes alone at releaseHeldBeat
    this.heldBeat = silentFor >= this.pingAfterMs ? HEARTBEAT_AND_PING : HEARTBEAT_FRAME;
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
   * later than gc_conns_after although it reads all the while (at 5000 subscribers on a slow machine they
   * were terminated by the thousand). Bytes waiting since the last beat that the kernel has taken since
   * prove the peer alive: a full send buffer frees only as the peer acknowledges what it received, and a
   * peer that stops reading closes its window. Bytes taken while nothing waited prove nothing (the kernel
   * buffers for a dead peer too), so only a backlog that drains counts.
   */
  private creditDraining(raw: Socket, now: number): void {
    if (this.unsentAtBeat > 0 && takenByKernel(raw) > this.takenAtBeat) this.lastSeen = now;
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
