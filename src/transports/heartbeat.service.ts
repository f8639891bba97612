import { Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { WS_CLOSE } from '../engine/close-codes';
import { Engine } from '../engine/engine';
import type { Sink } from '../engine/sink';

export const HEARTBEAT_INTERVAL_MS = 5000;
/** The sweep runs this many times per interval, each beating the transports then due. */
export const HEARTBEAT_SLICES = 20;
const TICK_MS = HEARTBEAT_INTERVAL_MS / HEARTBEAT_SLICES;

/**
 * One shared timer (not one per socket) sends `[]` to every attached
 * transport about every 5 s and counts live ones as active. The work is
 * spread: each transport has its own beat time, new ones spread round the
 * interval, and a tick beats only those due, so thousands of sockets never
 * get their beats in one long burst that would hold up message delivery.
 * On shutdown, every transport is closed (sockets with 1001, held polls
 * answered).
 */
@Injectable()
export class HeartbeatService implements OnModuleInit, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly dueAt = new WeakMap<Sink, number>();
  private nextSlice = 0;

  constructor(private readonly engine: Engine) {}

  onModuleInit(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS).unref();
  }

  /** Beats the transports whose time has come; a transport seen for the first time gets a time in the next interval. */
  tick(now = Date.now()): void {
    for (const sink of [...this.engine.localSinks()]) {
      const due = this.dueAt.get(sink);
      if (due === undefined) {
        // round-robin over the slices: transports opened together beat apart
        this.nextSlice = (this.nextSlice % HEARTBEAT_SLICES) + 1;
        this.dueAt.set(sink, now + this.nextSlice * TICK_MS);
      } else if (due <= now) {
        this.dueAt.set(sink, Math.max(due + HEARTBEAT_INTERVAL_MS, now + TICK_MS));
        this.beatOne(sink, now);
      }
    }
  }

  /** Beats every attached transport now. */
  beat(now = Date.now()): void {
    for (const sink of [...this.engine.localSinks()]) this.beatOne(sink, now);
  }

  private beatOne(sink: Sink, now: number): void {
    if (sink.heartbeat(now)) this.engine.touch(sink.connId);
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
    for (const sink of [...this.engine.localSinks()]) sink.close(WS_CLOSE.goingAway, 'server shutting down');
  }
}
