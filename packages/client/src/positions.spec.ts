import { describe, expect, it } from '@jest/globals';
import { decodePositions, encodePositions } from '../../../src/engine/positions.js';
import { decodePositionToken, encodePositionToken, PositionTracker, type Positions } from './positions.js';
import { event } from './testing/fakes.js';

const samples: [string, Positions][] = [
  ['no streams', { channels: {} }],
  ['one channel', { channels: { lobby: { epoch: 'e1', offset: 3 } } }],
  ['channels and the user stream', { channels: { a: { epoch: 'x', offset: 0 }, b: { epoch: 'y', offset: 99 } }, user: { epoch: 'u', offset: 7 } }],
  ['unicode channel names', { channels: { 'café ☕': { epoch: 'é', offset: 1 }, 'чат/1': { epoch: 'e', offset: 2 } } }],
];

describe('position tokens', () => {
  it.each(samples)('encodes %s byte for byte as the server does, and the server reads it back', (_, positions) => {
    const token = encodePositionToken(positions);
    expect(token).toBe(encodePositions(positions));
    expect(decodePositions(token)).toEqual(positions);
  });

  it.each(samples)('reads the server token for %s', (_, positions) => {
    expect(decodePositionToken(encodePositions(positions))).toEqual(positions);
  });

  it.each(['', '!!!', 'eyJjIjoxfQ', 'WzEsMl0', 'eyJjIjp7ImEiOlsiZSIsLTFdfX0'])('refuses %j', (token) => {
    // '' is no JSON; {"c":1}; [1,2]; {"c":{"a":["e",-1]}}
    expect(decodePositionToken(token)).toBeUndefined();
  });
});

describe(PositionTracker.name, () => {
  it('has no token before any positioned event', () => {
    const tracker = new PositionTracker();
    expect(tracker.accept(event())).toBe(true); // no offset: passed on, not tracked
    expect(tracker.token()).toBeUndefined();
  });

  it('keeps the last position per channel and in the private stream', () => {
    const tracker = new PositionTracker();
    tracker.accept(event({ channel: 'a', epoch: 'ea', offset: 1 }));
    tracker.accept(event({ channel: 'a', epoch: 'ea', offset: 2 }));
    tracker.accept(event({ channel: 'b', epoch: 'eb', offset: 5 }));
    tracker.accept(event({ channel: null, epoch: 'eu', offset: 9 }));
    const expected = { channels: { a: { epoch: 'ea', offset: 2 }, b: { epoch: 'eb', offset: 5 } }, user: { epoch: 'eu', offset: 9 } };
    expect(tracker.snapshot()).toEqual(expected);
    expect(decodePositions(tracker.token()!)).toEqual(expected);
  });

  it('drops an event already seen in the same epoch, and accepts any offset of a new epoch', () => {
    const tracker = new PositionTracker({ channels: { a: { epoch: 'old', offset: 5 } } });
    expect(tracker.accept(event({ channel: 'a', epoch: 'old', offset: 5 }))).toBe(false);
    expect(tracker.accept(event({ channel: 'a', epoch: 'old', offset: 4 }))).toBe(false);
    expect(tracker.accept(event({ channel: 'a', epoch: 'old', offset: 6 }))).toBe(true);
    expect(tracker.accept(event({ channel: 'a', epoch: 'new', offset: 1 }))).toBe(true);
    expect(tracker.snapshot().channels.a).toEqual({ epoch: 'new', offset: 1 });
  });

  it('continues from the current position a recovery event reports', () => {
    const tracker = new PositionTracker({ channels: { a: { epoch: 'old', offset: 5 } } });
    const recovery = event({ type: 'recovery', channel: 'a', recovered: false, message: { recovered: false, reason: 'epoch', epoch: 'now', offset: 40 } });
    expect(tracker.accept(recovery)).toBe(true);
    expect(tracker.snapshot().channels.a).toEqual({ epoch: 'now', offset: 40 });
  });

  it('does not share its state with the positions it was given or hands out', () => {
    const start: Positions = { channels: { a: { epoch: 'e', offset: 1 } } };
    const tracker = new PositionTracker(start);
    tracker.snapshot().channels.a!.offset = 100;
    tracker.accept(event({ channel: 'a', epoch: 'e', offset: 2 }));
    expect(start.channels.a!.offset).toBe(1);
    expect(tracker.snapshot().channels.a!.offset).toBe(2);
  });
});
