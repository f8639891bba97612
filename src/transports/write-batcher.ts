/** Something with writes waiting to go out in one batch. */
export interface Flushable {
  /** Writes what is queued; true when it wrote something (false: nothing queued, or the socket is gone). */
  flush(): boolean;
}

/** Told once per batch that wrote: seconds from the batch's first queued frame to its last socket write. */
export type BatchObserver = (seconds: number) => void;

/** A batcher that flushed less than this long ago is busy: its next batch waits for the end of the loop's turn. */
export const BUSY_WITHIN_MS = 1;

/**
 * Coalesces writes: frames delivered to a socket together go out in one
 * write (one syscall per socket, not one per frame), which is where fan-out
 * spends its time. When frames keep coming (the last batch went out less
 * than BUSY_WITHIN_MS ago), a batch waits for the end of the event loop's
 * turn (setImmediate), so every publish that turn handled shares the
 * writes; when they come now and then, it goes out as soon as the task
 * that queued it is done (nextTick), without waiting for the rest of the
 * turn: at 5000 subscribers that wait was ~1 ms before the first write.
 * One shared callback, not one per socket. Each batch that wrote is timed
 * for the observer, from its first frame queued to its last write (how long
 * an event waits and is written to this node's subscribers); batches that
 * wrote nothing (heartbeats flush their own sockets) are not.
 */
export class WriteBatcher {
  // a list, not a set: a target is marked when its queue goes from empty to one frame, so at most once
  // between its flushes (a target flushed early and marked again is flushed twice: the second is a no-op)
  private dirty: Flushable[] = [];
  private scheduled = false;
  private lastFlushAt = -Infinity;
  /** When the batch being gathered got its first target. */
  private openedAt = 0;
  private readonly flushNow = () => this.flushAll();

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly onBatch?: BatchObserver,
  ) {}

  mark(target: Flushable): void {
    this.dirty.push(target);
    if (this.scheduled) return;
    this.scheduled = true;
    const now = this.now();
    this.openedAt = now;
    if (now - this.lastFlushAt < BUSY_WITHIN_MS) setImmediate(this.flushNow);
    else process.nextTick(this.flushNow);
  }

  flushAll(): void {
    this.scheduled = false;
    const batch = this.dirty;
    // a target marked while flushing goes to the next batch, and opens it
    const openedAt = this.openedAt;
    this.dirty = [];
    let wrote = false;
    for (const target of batch) if (target.flush()) wrote = true;
    this.lastFlushAt = this.now();
    if (wrote) this.onBatch?.((this.lastFlushAt - openedAt) / 1000);
  }
}
