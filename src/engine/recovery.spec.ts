import { describe, expect, it } from '@jest/globals';
import { recover, recoveryEvent } from './recovery';

const frames = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ offset: from + i, event: `e${from + i}` }));

describe(recover.name, () => {
  const stream = { epoch: 'E', offset: 10 };

  it('returns exactly the frames after the position, in order', () => {
    expect(recover(stream, { epoch: 'E', offset: 7 }, frames(1, 10), 100)).toEqual({ recovered: true, frames: frames(8, 10) });
  });

  it('returns nothing for a client that is up to date', () => {
    expect(recover(stream, { epoch: 'E', offset: 10 }, frames(1, 10), 100)).toEqual({ recovered: true, frames: [] });
  });

  it('refuses another epoch, or a position ahead of the stream', () => {
    expect(recover(stream, { epoch: 'X', offset: 7 }, frames(1, 10), 100)).toEqual({ recovered: false, reason: 'epoch' });
    expect(recover(stream, { epoch: 'E', offset: 11 }, frames(1, 10), 100)).toEqual({ recovered: false, reason: 'epoch' });
  });

  it('refuses when the needed frames are gone or have a hole', () => {
    expect(recover(stream, { epoch: 'E', offset: 2 }, frames(5, 10), 100)).toEqual({ recovered: false, reason: 'too-old' });
    const holed = frames(1, 10).filter((f) => f.offset !== 9);
    expect(recover(stream, { epoch: 'E', offset: 7 }, holed, 100)).toEqual({ recovered: false, reason: 'too-old' });
  });

  it('refuses more than maxEvents', () => {
    expect(recover(stream, { epoch: 'E', offset: 4 }, frames(1, 10), 5)).toEqual({ recovered: false, reason: 'too-many' });
    expect(recover(stream, { epoch: 'E', offset: 5 }, frames(1, 10), 5)).toMatchObject({ recovered: true });
  });
});

describe(recoveryEvent.name, () => {
  it('tells the stream, the reason and where the stream is now', () => {
    const event = recoveryEvent('chan', 'alice', 'too-old', { epoch: 'E', offset: 4 }, '2020-01-01T00:00:00+00:00');
    expect(event).toMatchObject({
      type: 'recovery',
      channel: 'chan',
      user: 'alice',
      recovered: false,
      catchup: true,
      message: { recovered: false, reason: 'too-old', epoch: 'E', offset: 4 },
    });
  });
});
