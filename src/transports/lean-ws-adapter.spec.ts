import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { EMPTY } from 'rxjs';
import { LeanWsAdapter } from './lean-ws-adapter';

describe(LeanWsAdapter.name, () => {
  const adapter = new LeanWsAdapter(undefined, { messageParser: () => undefined });

  it('builds nothing per socket for a gateway without message handlers', () => {
    const client = new EventEmitter();
    adapter.bindMessageHandlers(client, [], () => EMPTY);
    expect(client.eventNames()).toEqual([]);
  });

  it("keeps Nest's dispatch for a gateway with message handlers", () => {
    const client = new EventEmitter();
    adapter.bindMessageHandlers(client, [{ message: 'ping', methodName: 'ping', isAckHandledManually: false, callback: () => EMPTY }], () => EMPTY);
    expect(client.listenerCount('message')).toBe(1);
  });
});
