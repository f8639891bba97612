import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { BUSY_WITHIN_MS, WriteBatcher, type Flushable } from './write-batcher';

describe(WriteBatcher.name, () => {
  let clock: number;
  let batcher: WriteBatcher;
  beforeEach(() => {
    jest.useFakeTimers();
    clock = 1000;
    batcher = new WriteBatcher(() => clock);
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  const target = (wrote = true): Flushable & { flush: jest.Mock<() => boolean> } => ({ flush: jest.fn<() => boolean>(() => wrote) });

  it('when idle, flushes every marked target once, as soon as the current task is done (not after the turn)', () => {
    const [a, b] = [target(), target()];
    batcher.mark(a);
    batcher.mark(b);
    expect(a.flush).not.toHaveBeenCalled();
    jest.runAllTicks();
    expect(a.flush).toHaveBeenCalledTimes(1);
    expect(b.flush).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('when busy (a batch went out less than BUSY_WITHIN_MS ago), waits for the end of the turn, so later publishes share it', () => {
    batcher.mark(target());
    jest.runAllTicks(); // a batch just went out
    clock += BUSY_WITHIN_MS / 2;
    const [a, b] = [target(), target()];
    batcher.mark(a);
    jest.runAllTicks();
    expect(a.flush).not.toHaveBeenCalled();
    batcher.mark(b); // another publish in the same turn
    expect(jest.getTimerCount()).toBe(1); // one callback for the batch
    jest.runOnlyPendingTimers();
    expect(a.flush).toHaveBeenCalledTimes(1);
    expect(b.flush).toHaveBeenCalledTimes(1);
  });

  it('is idle again once BUSY_WITHIN_MS has passed since the last batch', () => {
    batcher.mark(target());
    jest.runAllTicks();
    clock += BUSY_WITHIN_MS;
    const a = target();
    batcher.mark(a);
    jest.runAllTicks();
    expect(a.flush).toHaveBeenCalledTimes(1);
  });

  it('puts targets marked while flushing into the next batch', () => {
    const late = target();
    let marking = true;
    const early: Flushable = {
      flush: () => {
        if (marking) batcher.mark(late);
        marking = false;
        return true;
      },
    };
    batcher.mark(early);
    jest.runAllTicks();
    expect(late.flush).toHaveBeenCalledTimes(1); // in a batch of its own, after the first
    const third = target();
    batcher.mark(third);
    jest.runAllTicks();
    jest.runOnlyPendingTimers();
    expect(third.flush).toHaveBeenCalledTimes(1);
    expect(late.flush).toHaveBeenCalledTimes(1);
  });

  describe('timing', () => {
    let batches: number[];
    beforeEach(() => {
      batches = [];
      batcher = new WriteBatcher(() => clock, (seconds) => batches.push(seconds));
    });

    it('reports each batch that wrote, from its first queued frame to its last write', () => {
      const slow = target();
      slow.flush.mockImplementation(() => {
        clock += 7; // this socket's write took 7 ms
        return true;
      });
      batcher.mark(target());
      clock += 2; // 2 ms later in the same task, another publish
      batcher.mark(slow);
      jest.runAllTicks();
      expect(batches).toEqual([0.009]);
    });

    it('counts the wait for the end of a busy turn', () => {
      batcher.mark(target());
      jest.runAllTicks();
      batches = [];
      batcher.mark(target()); // busy: waits for setImmediate
      clock += 3;
      jest.runOnlyPendingTimers();
      expect(batches).toEqual([0.003]);
    });

    it('does not report a batch that wrote nothing (frames already flushed, as heartbeats do, or sockets gone)', () => {
      batcher.mark(target(false));
      batcher.mark(target(false));
      jest.runAllTicks();
      expect(batches).toEqual([]);
    });

    it('times a batch opened while flushing from its own first mark', () => {
      const late = target();
      const early: Flushable = {
        flush: () => {
          clock += 5;
          batcher.mark(late); // queued 5 ms into the first batch's writes
          clock += 1;
          return true;
        },
      };
      batcher.mark(early);
      jest.runAllTicks();
      jest.runOnlyPendingTimers();
      expect(batches).toEqual([0.006, 0.001]);
    });
  });
});
