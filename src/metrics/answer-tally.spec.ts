import { describe, expect, it, jest } from '@jest/globals';
import { Counter, Registry } from 'prom-client';
import { AnswerTally } from './answer-tally';
import { RouteLatencies } from './route-latencies';

describe(AnswerTally.name, () => {
  function setUp() {
    const registry = new Registry();
    const registers = [registry];
    const duration = new RouteLatencies('duration', 'h', [0.001, 0.01], registry);
    const refused = jest.fn();
    const tally = new AnswerTally('POST', '/message', duration.tally('POST', '/message'), refused);
    const requests = new Counter({
      name: 'requests',
      help: 'h',
      labelNames: ['method', 'route', 'status'],
      registers,
      collect() {
        tally.flushInto(this);
      },
    });
    const counts = async () => Object.fromEntries((await requests.get()).values.map((v) => [v.labels.status, v.value]));
    return { registry, duration, refused, tally, counts };
  }

  it('adds the answers by status to the counter when scraped, each answer once', async () => {
    const { tally, counts } = setUp();
    for (const status of [200, 200, 422, 200]) tally.count(status, 0.002);
    expect(await counts()).toEqual({ '200': 3, '422': 1 });
    expect(await counts()).toEqual({ '200': 3, '422': 1 });
    tally.count(200, 0.002);
    expect(await counts()).toEqual({ '200': 4, '422': 1 });
  });

  it('observes every latency in its route\'s tally, under the route labels', async () => {
    const { tally, duration } = setUp();
    tally.count(200, 0.0005);
    tally.count(200, 0.005);
    tally.count(500, 0.5);
    const values = (await duration.get()).values;
    const value = (name: string, le?: number) => values.find((v) => v.metricName === name && v.labels.le === le)?.value;
    expect(value('duration_count')).toBe(3);
    expect(value('duration_sum')).toBeCloseTo(0.5055);
    expect([value('duration_bucket', 0.001), value('duration_bucket', 0.01)]).toEqual([1, 2]);
    expect(values.every((v) => v.labels.method === 'POST' && v.labels.route === '/message')).toBe(true);
  });

  it('reports each 401 as a refused signature', () => {
    const { tally, refused } = setUp();
    tally.count(200, 0);
    tally.count(401, 0);
    expect(refused).toHaveBeenCalledTimes(1);
  });
});
