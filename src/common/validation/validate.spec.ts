import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { InfoBodyDto } from '../../channels/info.dto';
import { ConnectDto, DisconnectDto, SubscribeDto } from '../../connections/connection.dto';
import { MessageDeleteDto, MessageDto, MessageEditDto } from '../../messages/message.dto';
import { UserStateDto } from '../../users/user-state.dto';
import { MSG, type ErrorTree } from './messages';
import { RequestValidationError } from './request-validation.error';
import { checkObject, validateList, validateObject } from './validate';

/** The error tree a validation throws (fails the test when it passes). */
function errorsOf(run: () => unknown): ErrorTree {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(RequestValidationError);
    return (err as RequestValidationError).errors;
  }
  throw new Error('expected a RequestValidationError');
}

const UUID = '0b5e6e1c-3f1a-4b8e-9c2d-7a6f5e4d3c2b';

describe(validateObject.name, () => {
  describe('required fields', () => {
    it('reports a missing one alone', () => {
      expect(errorsOf(() => validateObject(ConnectDto, {}))).toEqual({ username: [MSG.required] });
    });

    it('reports a null one as not nullable', () => {
      expect(errorsOf(() => validateObject(ConnectDto, { username: null }))).toEqual({ username: [MSG.notNull] });
    });

    it('reports a wrong type after presence', () => {
      expect(errorsOf(() => validateObject(ConnectDto, { username: 5 }))).toEqual({ username: [MSG.string] });
      expect(errorsOf(() => validateObject(ConnectDto, { username: '' }))).toEqual({ username: [MSG.length(1, 512)] });
    });

    it('reports every missing field of a DTO', () => {
      expect(errorsOf(() => validateObject(SubscribeDto, {}))).toEqual({
        conn_id: [MSG.required],
        channels: [MSG.required],
      });
    });
  });

  it('reports an unknown field', () => {
    expect(errorsOf(() => validateObject(ConnectDto, { username: 'u', bogus: 1 }))).toEqual({ bogus: [MSG.unknownField] });
  });

  it('reports a bad state value under its key', () => {
    expect(errorsOf(() => validateObject(ConnectDto, { username: 'u', user_state: { ok: 1, k: [1] } }))).toEqual({
      user_state: { k: { value: [MSG.stateValue] } },
    });
  });

  it('reports a state that is not a mapping', () => {
    expect(errorsOf(() => validateObject(UserStateDto, { user: 'u', user_state: [] }))).toEqual({
      user_state: [MSG.mapping],
    });
  });

  it('keys bad list items by index', () => {
    expect(errorsOf(() => validateObject(ConnectDto, { username: 'u', channels: ['', 'ok', 7] }))).toEqual({
      channels: { '0': [MSG.length(1, 256)], '2': [MSG.string] },
    });
  });

  it('refuses a list that is not a list, or too short', () => {
    expect(errorsOf(() => validateObject(ConnectDto, { username: 'u', channels: 'a' }))).toEqual({ channels: [MSG.list] });
    expect(errorsOf(() => validateObject(SubscribeDto, { conn_id: UUID, channels: [] }))).toEqual({
      channels: [MSG.minItems(1)],
    });
  });

  it('nests channel_configs errors under the channel name', () => {
    expect(
      errorsOf(() =>
        validateObject(ConnectDto, { username: 'u', channel_configs: { room: { history_size: -1 }, ok: { store_history: true } } }),
      ),
    ).toEqual({ channel_configs: { room: { value: { history_size: [MSG.min(0)] } } } });
  });

  it('reports unknown and mistyped channel settings under the channel name', () => {
    expect(
      errorsOf(() => validateObject(ConnectDto, { username: 'u', channel_configs: { room: { history_size: 1.5, colour: 'red' } } })),
    ).toEqual({ channel_configs: { room: { value: { history_size: [MSG.integer], colour: [MSG.unknownField] } } } });
  });

  it('reports an empty channel name in channel_configs as a key error', () => {
    expect(errorsOf(() => validateObject(ConnectDto, { username: 'u', channel_configs: { '': {} } }))).toEqual({
      channel_configs: { '': { key: [MSG.length(1, 256)] } },
    });
  });

  it('nests errors of a nested object under its field', () => {
    expect(errorsOf(() => validateObject(InfoBodyDto, { info: { include_history: 'yes', extra: 1 } }))).toEqual({
      info: { include_history: [MSG.boolean], extra: [MSG.unknownField] },
    });
  });

  it('refuses a nested object that is not a mapping with one message', () => {
    expect(errorsOf(() => validateObject(InfoBodyDto, { info: 'all' }))).toEqual({ info: [MSG.mapping] });
  });

  it('refuses a body that is not an object', () => {
    expect(errorsOf(() => validateObject(DisconnectDto, ['x']))).toEqual({ _schema: [MSG.invalidInput] });
    expect(errorsOf(() => validateObject(DisconnectDto, null))).toEqual({ _schema: [MSG.invalidInput] });
  });

  it('returns a DTO instance with the UUID normalised', () => {
    const dto = validateObject(DisconnectDto, { conn_id: `{${UUID.toUpperCase()}}` });
    expect(dto).toBeInstanceOf(DisconnectDto);
    expect(dto.conn_id).toBe(UUID);
  });

  it('refuses a malformed UUID', () => {
    expect(errorsOf(() => validateObject(DisconnectDto, { conn_id: 'abc' }))).toEqual({ conn_id: [MSG.uuid] });
  });

  it('accepts a null channel on a message (a private message)', () => {
    expect(validateObject(MessageDto, { user: 'u', channel: null, pm_users: ['a'] }).channel).toBeNull();
  });

  it('refuses an invalid timestamp', () => {
    expect(errorsOf(() => validateObject(MessageEditDto, { uuid: UUID, edited: '2020-02-30T00:00:00' }))).toEqual({
      edited: [MSG.datetime],
    });
  });

  describe('with allowUnknown', () => {
    it('keeps extra keys as they are', () => {
      const dto = validateObject(
        MessageDto,
        { user: 'u', channel: 'room', message: { text: 'hi', list: [1, 2] }, custom: { a: 1 }, flag: true },
        { allowUnknown: true },
      );
      expect(dto).toEqual(
        expect.objectContaining({ user: 'u', channel: 'room', message: { text: 'hi', list: [1, 2] }, custom: { a: 1 }, flag: true }),
      );
    });

    it('still validates declared fields', () => {
      expect(errorsOf(() => validateObject(MessageDto, { custom: 1, no_history: 'x' }, { allowUnknown: true }))).toEqual({
        user: [MSG.required],
        no_history: [MSG.boolean],
      });
    });

    it('is off by default', () => {
      expect(errorsOf(() => validateObject(MessageDto, { user: 'u', custom: 1 }))).toEqual({ custom: [MSG.unknownField] });
    });
  });
});

describe(checkObject.name, () => {
  it('returns errors instead of throwing', () => {
    expect(checkObject(MessageDeleteDto, {})).toEqual({ errors: { uuid: [MSG.required] } });
    expect(checkObject(MessageDeleteDto, { uuid: UUID })).toEqual({ value: expect.any(MessageDeleteDto) });
  });
});

describe(validateList.name, () => {
  it('keys item errors by index, listing only the bad items', () => {
    expect(errorsOf(() => validateList(MessageDto, [{ user: 'a' }, {}, { user: 'b', no_history: 1 }, 'x']))).toEqual({
      '1': { user: [MSG.required] },
      '2': { no_history: [MSG.boolean] },
      '3': { _schema: [MSG.invalidInput] },
    });
  });

  it.each([{}, 'x', null, undefined, 3])('refuses the non-list %p', (value) => {
    expect(errorsOf(() => validateList(MessageDto, value))).toEqual({ _schema: [MSG.invalidInput] });
  });

  it('returns DTO instances in order', () => {
    const items = validateList(MessageDto, [{ user: 'a' }, { user: 'b', extra: 1 }], { allowUnknown: true });
    expect(items.map((i) => i.user)).toEqual(['a', 'b']);
    expect(items[1]).toMatchObject({ extra: 1 });
    expect(items[0]).toBeInstanceOf(MessageDto);
  });

  it('accepts an empty list', () => {
    expect(validateList(MessageDto, [])).toEqual([]);
  });
});
