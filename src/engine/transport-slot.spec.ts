import { describe, expect, it, jest } from '@jest/globals';
import type { Sink } from './sink';
import { isIdle, releaseSink, takeSink, type TransportSlot } from './transport-slot';

const sink = (): Sink => ({ kind: 'websocket', connId: 'c', deliver: jest.fn(), close: jest.fn(), heartbeat: () => true });

describe('transport slot', () => {
  it('closes an older transport with 4001 when a newer one attaches, and ends the grace period', () => {
    const old = sink();
    const slot: TransportSlot = { sink: old, lastActive: 0, detachedAt: 5 };
    const fresh = sink();
    takeSink(slot, fresh);
    expect(slot.sink).toBe(fresh);
    expect(slot.detachedAt).toBeUndefined();
    expect(old.close).toHaveBeenCalledWith(4001, 'replaced by a newer transport');
  });

  it('releases only the current transport', () => {
    const current = sink();
    const slot: TransportSlot = { sink: current, lastActive: 0 };
    expect(releaseSink(slot, sink(), 7)).toBe(false);
    expect(releaseSink(slot, current, 7)).toBe(true);
    expect(slot).toEqual({ sink: undefined, lastActive: 7, detachedAt: 7 });
    expect(releaseSink(undefined, current, 8)).toBe(false);
  });

  it('is idle past its activity limit, or dropped past the grace period', () => {
    expect(isIdle({ lastActive: 10 }, 11, 0)).toBe(true);
    expect(isIdle({ lastActive: 10, detachedAt: 10 }, 5, 11)).toBe(true);
    expect(isIdle({ lastActive: 10, detachedAt: 10 }, 5, 10)).toBe(false);
    expect(isIdle({ lastActive: 10, detachedAt: 3, sink: sink() }, 5, 11)).toBe(false);
  });
});
