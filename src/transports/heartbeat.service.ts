import { Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { WS_CLOSE } from '../engine/close-codes';
import { Engine } from '../engine/engine';
import type { Sink } from '../engine/sink';

export const HEARTBEAT_INTERVAL_MS = 5000;
/** The transports are spread over this many slices; the timer beats one slice per tick. */
export const HEARTBEAT_SLICES = 20;
const TICK_MS = HEARTBEAT_INTERVAL_MS / HEARTBEAT_SLICES;
/** How long a transport may hold a beat back for an event to carry it (see Sink.releaseHeldBeat). */
export const HEARTBEAT_HOLD_MS = 1000;
const HOLD_TICKS = HEARTBEAT_HOLD_MS / TICK_MS;

/**
 * One shared timer (not one per socket) sends `[]` to every attached
 * transport about every 5 s and counts live ones as active. The work is
 * spread: each transport joins one of HEARTBEAT_SLICES slices when it is
 * attached (round-robin, so transports opened together beat apart) and a
 * tick beats one slice. A tick costs its slice, not every connection of the
 * node: scanning them all each tick took ~0.5 µs per connection (2.8 ms
 * every 250 ms at 5000, while deliveries waited). A transport leaves its
 * slice at its next turn once it is no longer attached. A transport may
 * hold its beat for an event to carry it: HEARTBEAT_HOLD_MS after beating
 * it, the timer has it send what it still holds.
 * On shutdown, every transport is closed (sockets with 1001, held polls
 * answered).
 */
@Injectable()
export class HeartbeatService implements OnModuleInit, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly slices: Set<Sink>[] = Array.from({ length: HEARTBEAT_SLICES }, () => new Set());
  private readonly scheduled = new WeakSet<Sink>();
  /** The slice the last tick beat. */
  private current = 0;
  /** How many ticks after the current one the next new transport beats first: 1..HEARTBEAT_SLICES, round-robin. */
  private nextOffset = 0;
  /** The transports beaten in each of the last HOLD_TICKS ticks that may hold their beat, released in turn. */
  private holding: Sink[][] = Array.from({ length: HOLD_TICKS }, () => []);
  private ticks = 0;

  constructor(private readonly engine: Engine) {
    engine.onAttach((sink) => this.schedule(sink));
  }

  onModuleInit(): void {
    for (const sink of this.engine.localSinks()) this.schedule(sink); // attached before this service existed
    this.timer = setInterval(() => this.tick(), TICK_MS).unref();
  }

  /** Beats the next slice's transports; those no longer attached leave it. */
  tick(now = Date.now()): void {
    const at = this.ticks++ % HOLD_TICKS;
    const due = this.holding[at]!; // beaten HOLD_TICKS ticks ago
    const held: Sink[] = (this.holding[at] = []);
    for (const sink of due) sink.releaseHeldBeat!();
    this.current = (this.current + 1) % HEARTBEAT_SLICES;
    const slice = this.slices[this.current]!;
    for (const sink of slice) {
      if (this.engine.sinkOf(sink.connId) === sink) {
        if (this.beatOne(sink, now) && sink.releaseHeldBeat) held.push(sink);
      } else {
        slice.delete(sink);
        this.scheduled.delete(sink);
      }
    }
  }

  /** Beats every attached transport now, holding nothing back. */
  beat(now = Date.now()): void {
    for (const sink of [...this.engine.localSinks()]) if (this.beatOne(sink, now)) sink.releaseHeldBeat?.();
  }

  private schedule(sink: Sink): void {
    if (this.scheduled.has(sink)) return;
    this.scheduled.add(sink);
    this.nextOffset = (this.nextOffset % HEARTBEAT_SLICES) + 1;
    this.slices[(this.current + this.nextOffset) % HEARTBEAT_SLICES]!.add(sink);
  }

  /** True when the transport is alive. */
  private beatOne(sink: Sink, now: number): boolean {
    const alive = sink.heartbeat(now);
    if (alive) this.engine.touch(sink.connId);
    return alive;
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
    for (const sink of [...this.engine.localSinks()]) sink.close(WS_CLOSE.goingAway, 'server shutting down');
    for (const slice of this.slices) slice.clear();
    this.holding = this.holding.map(() => []);
  }
}
