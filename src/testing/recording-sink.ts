// Exists because every engine and service spec needs the same fake transport that remembers what it was handed.
import type { Engine } from '../engine/engine';
import type { OutboundEvent } from '../engine/outbound-event';
import type { Sink } from '../engine/sink';

export interface RecordingSinkOptions {
  /** The transport it poses as. Default 'websocket'. */
  kind?: Sink['kind'];
  /** What `heartbeat` answers (false: the transport is dead). Default true. */
  alive?: boolean;
}

/** A transport that records what it is given: delivered events, heartbeats, releases of held beats and how it was closed. */
export class RecordingSink implements Sink {
  readonly kind: Sink['kind'];
  readonly events: OutboundEvent[] = [];
  readonly heartbeats: number[] = [];
  /** When releaseHeldBeat was called (Date.now()). */
  readonly releases: number[] = [];
  closedWith?: { code: number; reason: string };
  private readonly alive: boolean;

  constructor(
    readonly connId: string,
    { kind = 'websocket', alive = true }: RecordingSinkOptions = {},
  ) {
    this.kind = kind;
    this.alive = alive;
  }

  deliver(event: OutboundEvent): void {
    this.events.push(event);
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }

  heartbeat(now: number): boolean {
    this.heartbeats.push(now);
    return this.alive;
  }

  releaseHeldBeat(): void {
    this.releases.push(Date.now());
  }

  /** What the client received, parsed. */
  get received(): Record<string, unknown>[] {
    return this.events.map((e) => JSON.parse(e.json) as Record<string, unknown>);
  }

  /** The uuid of each event received. */
  get uuids(): string[] {
    return this.received.map((e) => e.uuid as string);
  }

  /** [type, uuid] of each event received. */
  get seen(): [unknown, unknown][] {
    return this.received.map((e) => [e.type, e.uuid]);
  }

  /** Presence events received, as [user, action] pairs. */
  get presence(): [unknown, unknown][] {
    return this.received
      .filter((e) => e.type === 'presence')
      .map((e) => [e.user, (e.message as { action: string }).action]);
  }
}

/** Attaches a new RecordingSink to an open connection and returns it. */
export async function attachRecordingSink(
  engine: Pick<Engine, 'attach'>,
  connId: string,
  options?: RecordingSinkOptions,
): Promise<RecordingSink> {
  const sink = new RecordingSink(connId, options);
  await engine.attach(connId, sink);
  return sink;
}
