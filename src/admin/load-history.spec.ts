import { describe, expect, it } from '@jest/globals';
import { LoadHistory } from './load-history';

const sample = (at: number, messages: number, delivered = messages, connections = 1) => ({ at, connections, messages, delivered });

describe(LoadHistory.name, () => {
  it('takes the first sample as a baseline only', () => {
    const history = new LoadHistory(10);
    history.add(sample(1000, 5));
    expect(history.since()).toEqual([]);
  });

  it('reports messages and deliveries per second between samples', () => {
    const history = new LoadHistory(10);
    history.add(sample(0, 0, 0));
    history.add(sample(2000, 10, 30, 4));
    history.add(sample(4000, 11, 33, 3));
    expect(history.since()).toEqual([
      { at: 2000, connections: 4, messages_per_second: 5, delivered_per_second: 15 },
      { at: 4000, connections: 3, messages_per_second: 0.5, delivered_per_second: 1.5 },
    ]);
  });

  it('reports 0, not a negative rate, when a counter went down', () => {
    const history = new LoadHistory(10);
    history.add(sample(0, 100));
    history.add(sample(1000, 3));
    expect(history.since()[0].messages_per_second).toBe(0);
  });

  it('keeps only the newest points', () => {
    const history = new LoadHistory(3);
    for (let i = 0; i <= 5; i++) history.add(sample(i * 1000, i));
    expect(history.since().map((p) => p.at)).toEqual([3000, 4000, 5000]);
  });

  it('returns only the points after a given time', () => {
    const history = new LoadHistory(10);
    for (let i = 0; i <= 3; i++) history.add(sample(i * 1000, i));
    expect(history.since(2000).map((p) => p.at)).toEqual([3000]);
  });
});
