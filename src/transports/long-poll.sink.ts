import type { OutboundEvent } from '../engine/outbound-event';
import type { Sink } from '../engine/sink';

/** Events kept for a long-poll client between two polls. */
export const LONG_POLL_BUFFER_LIMIT = 1000;
/** After the first event, wait this long for more so one answer carries a batch. */
export const LONG_POLL_BATCH_MS = 250;

export interface LongPollLimits {
  /** Bytes of event JSON kept between two polls; the oldest go first beyond it. */
  maxBufferedBytes: number;
  /** Called once each time events start being dropped (until the next poll takes the buffer). */
  onOverflow?: () => void;
}

interface Waiter {
  resolve(items: string[]): void;
  timer: NodeJS.Timeout;
  batching?: boolean;
}

/**
 * A long-polling connection: events are buffered (bounded) and handed to
 * the poll being held, or to the next one. One poll is held at a time.
 */
export class LongPollSink implements Sink {
  readonly kind = 'long-poll';
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private overflowing = false;
  private waiter?: Waiter;
  private closed = false;
  dropped = 0;

  constructor(
    readonly connId: string,
    /** The client asked for stream positions (offset, epoch) on every event. */
    private readonly positions = false,
    private readonly limits: LongPollLimits = { maxBufferedBytes: Infinity },
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  deliver(event: OutboundEvent): void {
    if (this.closed) return;
    const json = this.positions ? event.positionedJson : event.json;
    this.buffer.push(json);
    this.bufferedBytes += json.length;
    while (this.buffer.length > 1 && (this.buffer.length > LONG_POLL_BUFFER_LIMIT || this.bufferedBytes > this.limits.maxBufferedBytes)) {
      this.bufferedBytes -= this.buffer.shift()!.length;
      this.dropped++;
      if (!this.overflowing) {
        this.overflowing = true;
        this.limits.onOverflow?.();
      }
    }
    if (this.waiter) this.answerSoon(this.waiter);
  }

  /** Holds a poll until events arrive (+ the batch window) or `timeoutMs` passes; resolves with event JSON texts. */
  wait(timeoutMs: number): Promise<string[]> {
    this.answer([]); // a newer poll replaces a held one
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve, timer: setTimeout(() => this.answer(this.take()), timeoutMs) };
      this.waiter = waiter;
      if (this.closed) this.answer(this.take());
      else if (this.buffer.length > 0) this.answerSoon(waiter);
    });
  }

  /** The held poll's client went away: keep its events for the next poll. */
  abandon(): void {
    if (!this.waiter) return;
    clearTimeout(this.waiter.timer);
    this.waiter = undefined;
  }

  close(): void {
    this.closed = true;
    this.answer(this.take());
  }

  heartbeat(): boolean {
    // a held poll is a live transport; between polls the client must come back on its own
    return this.waiter !== undefined;
  }

  /** Answers after the batch window; a fixed window, so steady traffic cannot hold a poll forever. */
  private answerSoon(waiter: Waiter): void {
    if (waiter.batching) return;
    waiter.batching = true;
    clearTimeout(waiter.timer);
    waiter.timer = setTimeout(() => this.answer(this.take()), LONG_POLL_BATCH_MS);
  }

  private take(): string[] {
    const items = this.buffer;
    this.buffer = [];
    this.bufferedBytes = 0;
    this.overflowing = false;
    return items;
  }

  private answer(items: string[]): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.resolve(items);
  }
}
