import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { OutboundEvent } from '../engine/outbound-event';
import { LONG_POLL_BATCH_MS, LONG_POLL_BUFFER_LIMIT, LongPollSink } from './long-poll.sink';

let serial = 0;
const event = (uuid = `e${++serial}`) =>
  new OutboundEvent({
    uuid,
    type: 'message',
    channel: 'room',
    user: 'alice',
    message: { n: serial },
    catchup: false,
    pm_users: [],
    exclude_users: [],
    no_history: false,
  });

const uuids = (items: string[] | undefined) => items?.map((i) => (JSON.parse(i) as { uuid: string }).uuid);

/** Lets a test look at a promise's outcome without awaiting it. */
function track<T>(promise: Promise<T>): { settled: boolean; value?: T } {
  const seen: { settled: boolean; value?: T } = { settled: false };
  void promise.then((value) => Object.assign(seen, { settled: true, value }));
  return seen;
}

const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

describe(LongPollSink.name, () => {
  let sink: LongPollSink;

  beforeEach(() => {
    jest.useFakeTimers();
    sink = new LongPollSink('conn-1');
  });
  afterEach(() => {
    jest.clearAllTimers();
    jest.useRealTimers();
  });

  it('uses a 250 ms batch window', () => {
    expect(LONG_POLL_BATCH_MS).toBe(250);
  });

  it('answers [] when the timeout passes without events', async () => {
    const poll = track(sink.wait(5000));
    await advance(4999);
    expect(poll.settled).toBe(false);
    await advance(1);
    expect(poll).toEqual({ settled: true, value: [] });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('answers a batch window after the first event, with every event in order', async () => {
    const poll = track(sink.wait(5000));
    await advance(1000);
    sink.deliver(event('a'));
    await advance(100);
    sink.deliver(event('b'));
    sink.deliver(event('c'));
    await advance(LONG_POLL_BATCH_MS - 101);
    expect(poll.settled).toBe(false);
    await advance(1);
    expect(poll.settled).toBe(true);
    expect(uuids(poll.value)).toEqual(['a', 'b', 'c']);
  });

  it('hands over the exact JSON of each event', async () => {
    const e = event('a');
    const poll = sink.wait(5000);
    sink.deliver(e);
    await advance(LONG_POLL_BATCH_MS);
    expect(await poll).toEqual([e.json]);
  });

  it('does not let steady deliveries hold a poll past the batch window', async () => {
    const poll = track(sink.wait(5000));
    sink.deliver(event('a'));
    for (let t = 50; t < LONG_POLL_BATCH_MS; t += 50) {
      await advance(50);
      sink.deliver(event());
    }
    await advance(LONG_POLL_BATCH_MS - 200);
    expect(poll.settled).toBe(true);
    expect(poll.value).toHaveLength(5);
  });

  it('does not answer at the old timeout once a batch was answered', async () => {
    const first = track(sink.wait(1000));
    sink.deliver(event('a'));
    await advance(LONG_POLL_BATCH_MS);
    expect(uuids(first.value)).toEqual(['a']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('buffers events between polls and gives them to the next poll after the batch window', async () => {
    sink.deliver(event('a'));
    sink.deliver(event('b'));
    const poll = track(sink.wait(5000));
    await advance(LONG_POLL_BATCH_MS - 1);
    expect(poll.settled).toBe(false);
    await advance(1);
    expect(uuids(poll.value)).toEqual(['a', 'b']);
  });

  it('delivers each event once across polls', async () => {
    const first = sink.wait(5000);
    sink.deliver(event('a'));
    await advance(LONG_POLL_BATCH_MS);
    expect(uuids(await first)).toEqual(['a']);
    const second = track(sink.wait(1000));
    await advance(1000);
    expect(second.value).toEqual([]);
  });

  it('answers a held poll with [] when a newer one arrives', async () => {
    const first = track(sink.wait(5000));
    const second = track(sink.wait(5000));
    await advance(0);
    expect(first).toEqual({ settled: true, value: [] });
    expect(second.settled).toBe(false);
  });

  it('gives events being batched for a replaced poll to the newer poll', async () => {
    const first = track(sink.wait(5000));
    sink.deliver(event('a'));
    const second = track(sink.wait(5000));
    await advance(0);
    expect(first.value).toEqual([]);
    await advance(LONG_POLL_BATCH_MS);
    expect(uuids(second.value)).toEqual(['a']);
  });

  it('answers a held poll at once on close, with what was buffered', async () => {
    const poll = track(sink.wait(5000));
    sink.deliver(event('a'));
    sink.close();
    await advance(0);
    expect(uuids(poll.value)).toEqual(['a']);
    expect(sink.isClosed).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ignores deliveries after close and answers later polls at once', async () => {
    sink.close();
    sink.deliver(event('late'));
    const poll = track(sink.wait(5000));
    await advance(0);
    expect(poll).toEqual({ settled: true, value: [] });
  });

  it('keeps events for the next poll when the held one is abandoned', async () => {
    const first = track(sink.wait(5000));
    sink.abandon();
    sink.deliver(event('a'));
    await advance(5000);
    expect(first.settled).toBe(false);
    const second = sink.wait(5000);
    await advance(LONG_POLL_BATCH_MS);
    expect(uuids(await second)).toEqual(['a']);
  });

  it('reports a live transport only while a poll is held', async () => {
    expect(sink.heartbeat()).toBe(false);
    void sink.wait(1000);
    expect(sink.heartbeat()).toBe(true);
    await advance(1000);
    expect(sink.heartbeat()).toBe(false);
  });

  it('drops the oldest events beyond the buffer limit and counts them', async () => {
    for (let i = 0; i < LONG_POLL_BUFFER_LIMIT + 3; i++) sink.deliver(event(`e-${i}`));
    expect(sink.dropped).toBe(3);
    const poll = sink.wait(5000);
    await advance(LONG_POLL_BATCH_MS);
    const items = uuids(await poll)!;
    expect(items).toHaveLength(LONG_POLL_BUFFER_LIMIT);
    expect(items[0]).toBe('e-3');
    expect(items.at(-1)).toBe(`e-${LONG_POLL_BUFFER_LIMIT + 2}`);
  });

  it('drops the oldest events beyond max_buffered_bytes too, reporting each overflow once per poll', async () => {
    let overflows = 0;
    const bounded = new LongPollSink('conn-2', false, { maxBufferedBytes: 1000, onOverflow: () => overflows++ });
    const size = event('probe').json.length;
    for (let i = 0; i < 20; i++) bounded.deliver(event(`b-${i}`));
    const kept = Math.floor(1000 / size);
    expect(bounded.dropped).toBe(20 - kept);
    expect(overflows).toBe(1);
    const poll = bounded.wait(5000);
    await advance(LONG_POLL_BATCH_MS);
    expect(uuids(await poll)).toEqual([...Array(kept).keys()].map((i) => `b-${20 - kept + i}`));
    for (let i = 0; i < 20; i++) bounded.deliver(event(`c-${i}`));
    expect(overflows).toBe(2);
  });
});
