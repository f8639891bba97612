import { describe, expect, it } from '@jest/globals';
import { Histogram, Registry } from 'prom-client';
import { RouteLatencies } from './route-latencies';

const BOUNDS = [0.0005, 0.001, 0.01, 0.5, 1];
const NAME = 'latency_seconds';

/** The same observations in prom-client's Histogram and in RouteLatencies, each in a registry of its own. */
function both(observations: [method: string, route: string, seconds: number][]) {
  const reference = new Registry();
  const histogram = new Histogram({ name: NAME, help: 'h', labelNames: ['method', 'route'], buckets: BOUNDS, registers: [reference] });
  const ours = new Registry();
  const latencies = new RouteLatencies(NAME, 'h', BOUNDS, ours);
  for (const [method, route, seconds] of observations) {
    histogram.observe({ method, route }, seconds);
    latencies.observe(method, route, seconds);
  }
  return { reference, ours, latencies, histogram };
}

describe(RouteLatencies.name, () => {
  // on a bound, under the first, between two, past the last, zero
  const observations: [string, string, number][] = [
    ['POST', '/message', 0.0005],
    ['POST', '/message', 0.0001],
    ['POST', '/message', 0.003],
    ['POST', '/message', 7],
    ['GET', '/info', 0],
    ['GET', '/info', 0.75],
  ];

  it('exposes what prom-client exposes for the same observations, line for line', async () => {
    const { reference, ours } = both(observations);
    expect(await ours.metrics()).toBe(await reference.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
  });

  it('counts through a tally held by the caller as through observe', async () => {
    const { reference, ours, latencies, histogram } = both(observations);
    const held = latencies.tally('POST', '/message');
    held.observe(0.02);
    histogram.observe({ method: 'POST', route: '/message' }, 0.02);
    expect(latencies.tally('POST', '/message')).toBe(held);
    expect(await ours.metrics()).toBe(await reference.metrics());
  });

  it('goes back to zero on reset, and a held tally keeps counting into the metric', async () => {
    const { reference, ours, latencies, histogram } = both(observations);
    const held = latencies.tally('POST', '/message');
    ours.resetMetrics();
    reference.resetMetrics();
    held.observe(0.002);
    histogram.observe({ method: 'POST', route: '/message' }, 0.002);
    const text = await ours.metrics();
    expect(text).toMatch(/^latency_seconds_count\{method="POST",route="\/message"\} 1$/m);
    expect(text).toMatch(/^latency_seconds_count\{method="GET",route="\/info"\} 0$/m);
    expect((await reference.metrics()).split('\n').filter((line) => line.includes('/message'))).toEqual(text.split('\n').filter((line) => line.includes('/message')));
  });
});
