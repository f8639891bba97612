/** Something with writes waiting to go out in one batch. */
export interface Flushable {
  flush(): void;
}

/**
 * Coalesces writes: frames delivered to a socket during one turn of the
 * event loop go out together after it (one syscall per socket, not one per
 * frame), which is where fan-out spends its time. One shared setImmediate,
 * not one per socket.
 */
export class WriteBatcher {
  private dirty = new Set<Flushable>();
  private scheduled = false;

  mark(target: Flushable): void {
    this.dirty.add(target);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flushAll());
  }

  flushAll(): void {
    this.scheduled = false;
    const batch = this.dirty;
    this.dirty = new Set();
    for (const target of batch) target.flush();
  }
}
