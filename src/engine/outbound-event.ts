import { toClientEvent } from './routing';
import type { StoredEvent } from './types';

/**
 * One event on its way to clients. It is serialised at most once, however many
 * connections receive it: the WebSocket frame and the long-poll item are the
 * same bytes for every recipient.
 */
export class OutboundEvent {
  private cachedJson?: string;
  private cachedFrame?: string;
  private cachedFrameBytes?: Buffer;

  constructor(
    readonly event: StoredEvent,
    readonly catchup = false,
  ) {}

  /** JSON of the client view of the event. */
  get json(): string {
    return (this.cachedJson ??= JSON.stringify(toClientEvent(this.event, this.catchup)));
  }

  /** A WebSocket frame: a JSON list holding this one event. */
  get frame(): string {
    return (this.cachedFrame ??= `[${this.json}]`);
  }

  /** The frame as UTF-8 bytes, encoded once for every socket it is written to. */
  get frameBytes(): Buffer {
    return (this.cachedFrameBytes ??= Buffer.from(this.frame));
  }
}
