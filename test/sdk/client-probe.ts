import WebSocket from 'ws';
import { ChannelstreamClient, type BaseEvent, type ClientOptions, type ExpiredInfo, type StateChange } from '../../packages/client/src/index.js';
import type { TestApp } from '../helpers';

/** Short, exact delays: tests wait on events, never on fixed sleeps. */
export const FAST_BACKOFF = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 };

/** A ChannelstreamClient on Node (ws's WebSocket, Node's fetch) that records what it emits. */
export class ClientProbe {
  readonly client: ChannelstreamClient;
  readonly events: BaseEvent[] = [];
  readonly states: StateChange[] = [];
  readonly expired: ExpiredInfo[] = [];
  readonly errors: Error[] = [];

  constructor(t: TestApp, connId: string, options: Partial<ClientOptions> = {}) {
    this.client = new ChannelstreamClient({ url: t.url, connId, WebSocket, EventSource: null, backoff: FAST_BACKOFF, ...options });
    this.client.on('event', (e) => this.events.push(e));
    this.client.on('state', (s) => this.states.push(s));
    this.client.on('expired', (info) => this.expired.push(info));
    this.client.on('error', (e) => this.errors.push(e));
  }

  static start(t: TestApp, connId: string, options: Partial<ClientOptions> = {}): ClientProbe {
    const probe = new ClientProbe(t, connId, options);
    probe.client.connect();
    return probe;
  }

  async until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; states ${JSON.stringify(this.states.map((s) => [s.state, s.transport, s.reason]))}, events ${JSON.stringify(this.events)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  untilState(state: StateChange['state'], ms?: number): Promise<void> {
    return this.until(() => this.client.state === state, `state ${state}`, ms);
  }

  /** Waits for `count` more events than `from` and returns them. */
  async nextEvents(count: number, from = this.events.length): Promise<BaseEvent[]> {
    await this.until(() => this.events.length >= from + count, `${count} events`);
    return this.events.slice(from, from + count);
  }

  close(): void {
    this.client.close();
  }
}
