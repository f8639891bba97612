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

  const target = (): Flushable & { flush: jest.Mock<() => void> } => ({ flush: jest.fn<() => void>() });

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
});
