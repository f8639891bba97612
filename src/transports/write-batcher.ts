/** Something with writes waiting to go out in one batch. */
export interface Flushable {
  flush(): void;
}

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
 * One shared callback, not one per socket.
 */
export class WriteBatcher {
  // a list, not a set: a target is marked when its queue goes from empty to one frame, so at most once
  // between its flushes (a target flushed early and marked again is flushed twice: the second is a no-op)
  private dirty: Flushable[] = [];
  private scheduled = false;
  private lastFlushAt = -Infinity;
  private readonly flushNow = () => this.flushAll();

  constructor(private readonly now: () => number = () => performance.now()) {}

  mark(target: Flushable): void {
    this.dirty.push(target);
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.now() - this.lastFlushAt < BUSY_WITHIN_MS) setImmediate(this.flushNow);
    else process.nextTick(this.flushNow);
  }

  flushAll(): void {
    this.scheduled = false;
    const batch = this.dirty;
    this.dirty = []; // targets marked while flushing go to the next batch
    for (const target of batch) target.flush();
    this.lastFlushAt = this.now();
  }
}
