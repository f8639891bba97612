import type { ServerResponse } from 'node:http';
import { WS_CLOSE } from '../engine/close-codes';
import type { OutboundEvent } from '../engine/outbound-event';
import { encodePositions, type Positions } from '../engine/positions';
import type { Sink } from '../engine/sink';

const HEARTBEAT = ': heartbeat\n\n';

/**
 * A Server-Sent Events stream. Every event carries its stream offset and
 * epoch, and its SSE id is the position token of everything delivered so
 * far, so the browser's automatic Last-Event-ID resumes every stream at once.
 */
export class SseSink implements Sink {
  readonly kind = 'sse';
  private positions: Positions;
  private ended = false;

  constructor(
    readonly connId: string,
    private readonly response: ServerResponse,
    private readonly maxBufferedBytes: number,
    start: Positions | undefined,
    /** Called once when the client is cut off for falling behind. */
    private readonly onSlowConsumer?: () => void,
  ) {
    this.positions = start ? { channels: { ...start.channels }, user: start.user } : { channels: {} };
  }

  get open(): boolean {
    return !this.ended && !this.response.writableEnded && !this.response.destroyed;
  }

  deliver(event: OutboundEvent): void {
    if (!this.open) return;
    if (event.position) {
      if (event.stream === null) this.positions.user = event.position;
      else this.positions.channels[event.stream] = event.position;
    }
    this.write(`id: ${encodePositions(this.positions)}\ndata: ${event.positionedJson}\n\n`);
  }

  close(code: number, reason: string): void {
    if (!this.open) return;
    this.ended = true;
    // a final comment says why; EventSource reconnects by itself unless told otherwise by the app
    this.response.end(`: closed ${code} ${reason}\n\n`);
  }

  heartbeat(): boolean {
    if (!this.open) return false;
    this.write(HEARTBEAT);
    return true;
  }

  private write(text: string): void {
    if (this.response.writableLength > this.maxBufferedBytes) {
      this.onSlowConsumer?.();
      this.close(WS_CLOSE.slowConsumer, 'too far behind');
      this.response.destroy();
      return;
    }
    this.response.write(text);
  }
}
