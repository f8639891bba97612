import type { StreamPosition } from './positions';
import { toClientEvent } from './routing';
import type { StoredEvent } from './types';

/**
 * One event on its way to clients. It is serialised at most once per form,
 * however many connections receive it: the WebSocket frame and the long-poll
 * item are the same bytes for every recipient. The positioned form adds the
 * event's `offset` and `epoch` in its stream, for clients that asked for
 * recovery (legacy clients get exactly the original fields).
 */
export class OutboundEvent {
  private cachedJson?: string;
  private cachedFrame?: string;
  private cachedFrameBytes?: Buffer;
  private cachedPositionedJson?: string;
  private cachedPositionedFrameBytes?: Buffer;
  private transportCache?: Map<object, unknown>;

  constructor(
    readonly event: StoredEvent,
    readonly catchup = false,
    readonly position?: StreamPosition,
    private readonly shared?: OutboundEvent,
  ) {}

  /** The same event at another stream position (private events have one per user); legacy forms are shared. */
  at(position: StreamPosition): OutboundEvent {
    return new OutboundEvent(this.event, this.catchup, position, this.shared ?? this);
  }

  /** JSON of the client view of the event. */
  get json(): string {
    if (this.shared) return this.shared.json;
    return (this.cachedJson ??= JSON.stringify(toClientEvent(this.event, this.catchup)));
  }

  /** A WebSocket frame: a JSON list holding this one event. */
  get frame(): string {
    if (this.shared) return this.shared.frame;
    return (this.cachedFrame ??= `[${this.json}]`);
  }

  /** The frame as UTF-8 bytes, encoded once for every socket it is written to. */
  get frameBytes(): Buffer {
    if (this.shared) return this.shared.frameBytes;
    return (this.cachedFrameBytes ??= Buffer.from(this.frame));
  }

  /** The client view with `offset` and `epoch` (the legacy view when the event has no position). */
  get positionedJson(): string {
    if (!this.position) return this.json;
    return (this.cachedPositionedJson ??= `${this.json.slice(0, -1)},"offset":${this.position.offset},"epoch":${JSON.stringify(this.position.epoch)}}`);
  }

  get positionedFrameBytes(): Buffer {
    if (!this.position) return this.frameBytes;
    return (this.cachedPositionedFrameBytes ??= Buffer.from(`[${this.positionedJson}]`));
  }

  /**
   * A transport's own encoding of this event (e.g. a ready WebSocket frame),
   * built once however many connections it goes to.
   */
  encoded<T>(key: object, build: (event: OutboundEvent) => T): T {
    this.transportCache ??= new Map();
    let value = this.transportCache.get(key) as T | undefined;
    if (value === undefined) {
      value = build(this);
      this.transportCache.set(key, value);
    }
    return value;
  }

  /** The stream this event belongs to: its channel, or null for the user's private stream. */
  get stream(): string | null {
    return this.event.channel ?? null;
  }
}
