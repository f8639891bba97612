import { describe, expect, it } from '@jest/globals';
import { decodePositions, encodePositions } from './positions';

describe('position tokens', () => {
  it('round-trips channel and user positions', () => {
    const positions = { channels: { a: { epoch: 'e1', offset: 3 }, 'with space': { epoch: 'e2', offset: 0 } }, user: { epoch: 'u', offset: 9 } };
    expect(decodePositions(encodePositions(positions))).toEqual(positions);
  });

  it('round-trips a token without a user position', () => {
    expect(decodePositions(encodePositions({ channels: { a: { epoch: 'x', offset: 1 } } }))).toEqual({ channels: { a: { epoch: 'x', offset: 1 } } });
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['a list', Buffer.from('[]').toString('base64url')],
    ['channels not an object', Buffer.from('{"c": 1}').toString('base64url')],
    ['a negative offset', Buffer.from('{"c": {"a": ["e", -1]}}').toString('base64url')],
    ['a fractional offset', Buffer.from('{"c": {"a": ["e", 1.5]}}').toString('base64url')],
    ['an epoch that is not text', Buffer.from('{"c": {"a": [1, 1]}}').toString('base64url')],
    ['a bad user position', Buffer.from('{"c": {}, "u": ["e"]}').toString('base64url')],
    ['an empty channel name', Buffer.from('{"c": {"": ["e", 1]}}').toString('base64url')],
    ['an empty token', ''],
  ])('refuses %s', (_, token) => {
    expect(decodePositions(token)).toBeUndefined();
  });

  it('refuses more channels than allowed', () => {
    const channels = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`c${i}`, { epoch: 'e', offset: 1 }]));
    expect(decodePositions(encodePositions({ channels }), 2)).toBeUndefined();
  });
});
