import type { Counter } from 'prom-client';
import type { LatencyTally } from './route-latencies';

type RequestLabels = 'method' | 'route' | 'status';

/**
 * The answers of one hot route (the publish lane's POST /message), counted
 * by status in plain numbers and added to the requests counter when it is
 * scraped: prom-client builds and looks up a label key on every inc, ~4,500
 * instructions of a publish. The latency goes to the route's own tally in
 * the latency histogram (RouteLatencies), found once.
 */
export class AnswerTally {
  private readonly statuses = new Map<number, number>();
  private readonly routeLabels: { method: string; route: string };

  constructor(
    method: string,
    route: string,
    private readonly latencies: LatencyTally,
    private readonly onSignatureRefused: () => void,
  ) {
    this.routeLabels = { method, route };
  }

  count(status: number, seconds: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    this.latencies.observe(seconds);
    if (status === 401) this.onSignatureRefused();
  }

  /** Adds the answers counted since the last scrape to the counter. */
  flushInto(requests: Counter<RequestLabels>): void {
    for (const [status, answers] of this.statuses) requests.inc({ ...this.routeLabels, status: String(status) }, answers);
    this.statuses.clear();
  }
}
