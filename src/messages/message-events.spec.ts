import { describe, expect, it } from '@jest/globals';
import { acceptMessage, messageEvent } from './message-events';
import type { MessageDto } from './message.dto';

const accepted = (fields: Record<string, unknown>) => acceptMessage({ user: 'sender', channel: 'room', message: { text: 'hi' }, ...fields } as unknown as MessageDto);

describe('messageEvent', () => {
  it('is the accepted message with type message and catchup false', () => {
    const message = accepted({ uuid: '11111111-1111-4111-8111-111111111111', timestamp: '2026-01-01T00:00:00Z' });
    expect(messageEvent(message)).toEqual({ ...message, type: 'message', catchup: false, edited: null });
  });

  it('keeps the other keys of the item but not its own type, catchup or edited', () => {
    const event = messageEvent(accepted({ custom: { n: 1 }, type: 'mine', catchup: true, edited: 'yesterday' }));
    expect(event).toMatchObject({ custom: { n: 1 }, type: 'message', catchup: false, edited: null });
  });

  it('is a copy: changing the event leaves the answered message as it was', () => {
    const message = accepted({});
    const event = messageEvent(message);
    event.user = 'someone else';
    expect(message.user).toBe('sender');
    expect(message).not.toHaveProperty('type');
  });

  it('leaves out a message the item did not have, in JSON as before', () => {
    const event = messageEvent(accepted({ message: undefined }));
    expect(JSON.parse(JSON.stringify(event))).not.toHaveProperty('message');
  });
});
