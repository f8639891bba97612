import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { REJECTION, RejectionsService } from '../common/rejections.service';
import { Engine } from '../engine/engine';
import { AnswerTally } from './answer-tally';
import { RouteLatencies } from './route-latencies';

/**
 * Prometheus metrics: Node's defaults plus the server's own. Figures the
 * engine already keeps (connections, users, messages, store calls) are read
 * when scraped, so the hot paths carry no metric code; HTTP answers are
 * counted by one onResponse hook (see http-metrics.ts) and by the publish
 * lane, WebSocket write batches (one per event-loop turn that delivered) by
 * the gateway.
 */
@Injectable()
export class MetricsService implements OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: RouteLatencies;
  private readonly signatureFailures: Counter;
  private readonly websocketBatches: Histogram;
  private readonly seen = new Map<string, number>();
  private readonly tallies: AnswerTally[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly rejections: RejectionsService,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'channelstream_process_' });
    const registers = [this.registry];
    const self = this;
    this.httpRequests = new Counter({
      name: 'channelstream_http_requests_total',
      help: 'REST requests by route and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
      collect() {
        for (const tally of self.tallies) tally.flushInto(this);
      },
    });
    this.httpDuration = new RouteLatencies(
      'channelstream_http_request_duration_seconds',
      'REST request latency by route.',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      this.registry,
    );
    this.signatureFailures = new Counter({ name: 'channelstream_signature_failures_total', help: 'Backend calls refused for a bad or expired signature (401).', registers });
    this.websocketBatches = new Histogram({
      name: 'channelstream_websocket_batch_seconds',
      help: "Fan-out time on this node: from a WebSocket write batch's first queued frame to its last socket write (one batch carries the events of one turn of the event loop).",
      // fine from 10 to 100 ms, where fan-out to thousands of sockets lands
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
      registers,
    });

    new Gauge({
      name: 'channelstream_transports',
      help: 'Transports attached on this node, by kind (websocket, long-poll, sse).',
      labelNames: ['transport'],
      registers,
      collect() {
        const counts: Record<string, number> = { websocket: 0, 'long-poll': 0, sse: 0 };
        for (const sink of self.engine.localSinks()) counts[sink.kind] = (counts[sink.kind] ?? 0) + 1;
        for (const [transport, n] of Object.entries(counts)) this.set({ transport }, n);
      },
    });
    const cluster = (name: string, help: string, pick: (s: Awaited<ReturnType<Engine['stats']>>) => number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(pick(await self.engine.stats()));
        },
      });
    cluster('channelstream_connections', 'Connections (every node of the engine).', (s) => s.connections);
    cluster('channelstream_users', 'Users remembered.', (s) => s.users);
    cluster('channelstream_users_connected', 'Users with at least one connection.', (s) => s.activeUsers);
    cluster('channelstream_channels', 'Channels.', (s) => s.channels);
    this.counterFrom('channelstream_messages_published_total', 'Messages published (each once).', async () => ({ '': (await this.engine.stats()).uniqueMessages }));
    this.counterFrom('channelstream_messages_delivered_total', 'Messages written to client transports.', async () => ({ '': (await this.engine.stats()).deliveredMessages }));
    this.counterFrom('channelstream_engine_calls_total', 'Calls to the engine store (Redis).', async () => ({ '': this.engine.storeCalls().calls }));
    this.counterFrom('channelstream_engine_call_errors_total', 'Failed calls to the engine store (Redis).', async () => ({ '': this.engine.storeCalls().errors }));
    this.counterFrom('channelstream_engine_call_seconds_total', 'Time spent in calls to the engine store (Redis).', async () => ({ '': this.engine.storeCalls().seconds }));
    this.counterFrom(
      'channelstream_deliveries_dropped_total',
      'Transports cut, or long-poll buffers overflowing, because the client fell too far behind (slow consumers).',
      async () => ({ '': this.rejections.snapshot()[REJECTION.slowConsumer] ?? 0 }),
    );
    this.counterFrom('channelstream_rejections_total', 'Requests, frames and deliveries refused or dropped, by reason (limits, slow consumers...).', async () => this.rejections.snapshot(), 'reason');
  }

  /** One HTTP answer, by route template (bounded labels) and status, with its latency. */
  countHttpAnswer(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe(method, route, seconds);
    if (status === 401 && answersForSignatures(route)) this.signatureFailures.inc();
  }

  /** Counts the answers of one hot route as countHttpAnswer does, for less per answer (see AnswerTally). */
  routeAnswers(method: string, route: string): AnswerTally {
    const tally = new AnswerTally(method, route, this.httpDuration.tally(method, route), answersForSignatures(route) ? () => this.signatureFailures.inc() : () => undefined);
    this.tallies.push(tally);
    return tally;
  }

  /** One WebSocket write batch: seconds from its first queued frame to its last socket write. */
  countWebsocketBatch(seconds: number): void {
    this.websocketBatches.observe(seconds);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  onApplicationShutdown(): void {
    this.registry.clear();
  }

  /** A counter whose value is read from a running total elsewhere when scraped. */
  private counterFrom(name: string, help: string, read: () => Promise<Record<string, number>>, label?: string): void {
    const self = this;
    new Counter({
      name,
      help,
      labelNames: label ? [label] : [],
      registers: [this.registry],
      async collect() {
        for (const [key, total] of Object.entries(await read())) {
          const id = `${name}|${key}`;
          const delta = total - (self.seen.get(id) ?? 0);
          self.seen.set(id, total);
          if (delta > 0) label ? this.inc({ [label]: key }, delta) : this.inc(delta);
        }
      },
    });
  }
}

/** A 401 of this route is a refused backend signature: the browser transports and the admin's pages answer 401 for other reasons. */
const answersForSignatures = (route: string): boolean => route !== '/listen' && route !== '/sse' && !route.startsWith('/admin/assets');
