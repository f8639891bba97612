/** Cumulative figures read from the engine at one moment. */
export interface LoadSample {
  at: number;
  connections: number;
  /** Messages published so far (total_unique_messages). */
  messages: number;
  /** Messages delivered to connections so far (total_messages). */
  delivered: number;
}

/** One point of the panel's load chart, as /admin/load.json sends it. */
export interface LoadPoint {
  at: number;
  connections: number;
  messages_per_second: number;
  delivered_per_second: number;
}

/**
 * The last `capacity` points of server load. Rates are taken between two
 * consecutive samples, so the first sample is only a baseline; a counter that
 * went down (Redis emptied) counts as 0, not as a negative rate.
 */
export class LoadHistory {
  private readonly points: LoadPoint[] = [];
  private previous?: LoadSample;

  constructor(private readonly capacity: number) {}

  add(sample: LoadSample): void {
    const previous = this.previous;
    this.previous = sample;
    if (!previous || sample.at <= previous.at) return;
    const seconds = (sample.at - previous.at) / 1000;
    const rate = (now: number, before: number) => Math.round((Math.max(0, now - before) / seconds) * 100) / 100;
    this.points.push({
      at: sample.at,
      connections: sample.connections,
      messages_per_second: rate(sample.messages, previous.messages),
      delivered_per_second: rate(sample.delivered, previous.delivered),
    });
    if (this.points.length > this.capacity) this.points.shift();
  }

  /** Points newer than `since` (epoch ms), oldest first. */
  since(since = 0): LoadPoint[] {
    return this.points.filter((p) => p.at > since);
  }
}
