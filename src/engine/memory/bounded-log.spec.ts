import { describe, expect, it } from '@jest/globals';
import { BoundedLog } from './bounded-log';

describe(BoundedLog.name, () => {
  const filled = (limit: number, count: number) => {
    const log = new BoundedLog<number>(limit);
    for (let i = 1; i <= count; i++) log.push(i);
    return log;
  };

  it('keeps everything until full', () => {
    const log = filled(3, 2);
    expect(log.toArray()).toEqual([1, 2]);
    expect(log.length).toBe(2);
  });

  it('keeps the last `limit` items, oldest first, however often it wrapped', () => {
    for (let count = 3; count <= 10; count++) {
      const log = filled(3, count);
      expect(log.toArray()).toEqual([count - 2, count - 1, count]);
      expect([...log]).toEqual([count - 2, count - 1, count]);
      expect(log.length).toBe(3);
    }
  });

  it('finds the oldest match first', () => {
    const log = new BoundedLog<{ id: number; tag: string }>(3);
    for (const [id, tag] of [[1, 'a'], [2, 'b'], [3, 'a'], [4, 'b']] as const) log.push({ id, tag });
    expect(log.find((item) => item.tag === 'a')?.id).toBe(3);
    expect(log.find((item) => item.tag === 'b')?.id).toBe(2);
    expect(log.find((item) => item.tag === 'c')).toBeUndefined();
  });

  it('hands out a copy: changing it leaves the log as it was', () => {
    const log = filled(3, 4);
    log.toArray().push(99);
    expect(log.toArray()).toEqual([2, 3, 4]);
  });
});
