import type { Histogram, Registry } from 'prom-client';

/** The latencies of one route's answers: a count per bucket, a sum and a count, in plain numbers. */
export class LatencyTally {
  /** Answers in each bucket: above the bound before, at or under this one (the exposition adds them up); past the last bound, only in count. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (seconds <= bounds[i]) {
        this.counts[i]++;
        return;
      }
    }
  }
}

type RouteLabels = { method: string; route: string };
/** A sample as prom-client's get() gives it (buckets carry an empty exemplar). */
type Sample = { metricName: string; labels: Record<string, string | number>; value: number; exemplar?: null };

/**
 * A Prometheus histogram of answer latencies by method and route, kept as
 * one LatencyTally per route. prom-client's Histogram checks the labels and
 * builds their key on every observe: ~1.4 µs of a signed publish here (3%
 * of it). A route's tally is found once per answer by a map lookup, and the
 * publish lane holds its own, so an observation is a few additions. It is
 * registered in a prom-client registry and exposed as prom-client exposes
 * a histogram (get() gives the same samples, `le` first).
 */
export class RouteLatencies {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly routes = new Map<string, { labels: RouteLabels; tally: LatencyTally }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    // the registry reads a metric through name, help, type, aggregator and get(): this is one
    registry.registerMetric(this as unknown as Histogram);
  }

  /** The tally of one route, made on first use. */
  tally(method: string, route: string): LatencyTally {
    const key = `${method} ${route}`;
    let entry = this.routes.get(key);
    if (!entry) {
      entry = { labels: { method, route }, tally: new LatencyTally(this.bounds) };
      this.routes.set(key, entry);
    }
    return entry.tally;
  }

  observe(method: string, route: string, seconds: number): void {
    this.tally(method, route).observe(seconds);
  }

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    for (const { labels, tally } of this.routes.values()) {
      let below = 0;
      tally.bounds.forEach((le, i) => {
        below += tally.counts[i];
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...labels }, value: below, exemplar: null });
      });
      values.push(
        { metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: tally.count, exemplar: null },
        { metricName: `${this.name}_sum`, labels: { ...labels }, value: tally.sum },
        { metricName: `${this.name}_count`, labels: { ...labels }, value: tally.count },
      );
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** What the registry's resetMetrics() calls: every tally back to zero, in place (the publish lane holds one). */
  reset(): void {
    for (const { tally } of this.routes.values()) tally.reset();
  }
}
