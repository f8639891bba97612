import { describe, expect, it } from '@jest/globals';
import { RecordingSink } from '../../testing/recording-sink';
import { OutboundEvent } from '../outbound-event';
import { takeSink } from '../transport-slot';
import type { StoredEvent } from '../types';
import { LocalHub, USER_STREAM } from './local-hub';

const noSubscriptions = { subscribeChannel() {}, unsubscribeChannel() {}, subscribeUser() {}, unsubscribeUser() {} };

function message(uuid: string, channel: string | null): StoredEvent {
  return { type: 'message', uuid, channel, user: 'bot', message: {}, pm_users: channel ? [] : ['alice'], exclude_users: [], timestamp: '2026-01-01T00:00:00+00:00', catchup: false } as unknown as StoredEvent;
}

describe('LocalHub after a catch-up read', () => {
  function setUp() {
    const hub = new LocalHub(noSubscriptions);
    const conn = hub.adopt('c1', 'alice', ['room'], 0);
    const sink = new RecordingSink('c1');
    takeSink(conn, sink);
    conn.caughtUpTo = new Map([
      ['room', { epoch: 'e1', offset: 5 }],
      [USER_STREAM, { epoch: 'u1', offset: 2 }],
    ]);
    return { hub, conn, sink };
  }

  it('does not send again a live event the read already replayed (pub/sub raced the read)', () => {
    const { hub, sink } = setUp();
    hub.deliverToChannel('room', message('m5', 'room'), 1, { epoch: 'e1', offset: 5 });
    hub.deliverToUser('alice', message('p2', null), 1, { epoch: 'u1', offset: 2 });
    expect(sink.uuids).toEqual([]);
  });

  it('sends what came after the read, and stops checking that stream', () => {
    const { hub, conn, sink } = setUp();
    hub.deliverToChannel('room', message('m6', 'room'), 1, { epoch: 'e1', offset: 6 });
    hub.deliverToUser('alice', message('p3', null), 1, { epoch: 'u1', offset: 3 });
    expect(sink.uuids).toEqual(['m6', 'p3']);
    expect(conn.caughtUpTo).toBeUndefined();
  });

  it('sends events of a new epoch (the stream was reset) and events without a position', () => {
    const { hub, sink } = setUp();
    hub.deliverToChannel('room', message('reset', 'room'), 1, { epoch: 'e2', offset: 1 });
    hub.deliverToUser('alice', message('plain', null), 1);
    expect(sink.uuids).toEqual(['reset', 'plain']);
  });

  it('sends what the read itself found, replayed or live, whatever the last read held', () => {
    const { hub, conn, sink } = setUp();
    hub.deliver(conn, new OutboundEvent(message('old', 'room'), true, { epoch: 'e1', offset: 4 }), 1, true);
    hub.deliver(conn, new OutboundEvent(message('new', 'room'), false, { epoch: 'e1', offset: 5 }), 2, true);
    expect(sink.uuids).toEqual(['old', 'new']);
    expect(conn.caughtUpTo?.get('room')).toEqual({ epoch: 'e1', offset: 5 });
  });
});
