import { describe, expect, it } from '@jest/globals';
import type { UserState } from '../engine/types';
import { mergeState, publicState } from './user-state';

describe(mergeState.name, () => {
  it('sets new keys and reports them as changed', () => {
    expect(mergeState({ a: 1 }, { b: 'x' })).toEqual({ state: { a: 1, b: 'x' }, changed: [{ key: 'b', value: 'x' }] });
  });

  it('counts an absent key set to null as a change', () => {
    expect(mergeState({}, { away: null })).toEqual({ state: { away: null }, changed: [{ key: 'away', value: null }] });
  });

  it('does not count the same value as a change', () => {
    const state: UserState = { a: 1, b: null, c: false };
    const result = mergeState(state, { a: 1, b: null, c: false });
    expect(result.changed).toEqual([]);
    expect(result.state).toBe(state);
  });

  it('counts a different type as a change', () => {
    expect(mergeState({ a: 1 }, { a: '1' }).changed).toEqual([{ key: 'a', value: '1' }]);
    expect(mergeState({ a: false }, { a: null }).changed).toEqual([{ key: 'a', value: null }]);
  });

  it('keeps keys the update does not mention and reports changes in update order', () => {
    expect(mergeState({ a: 1, b: 2, c: 3 }, { c: 30, a: 1, d: 4 })).toEqual({
      state: { a: 1, b: 2, c: 30, d: 4 },
      changed: [
        { key: 'c', value: 30 },
        { key: 'd', value: 4 },
      ],
    });
  });

  it('does not mutate its inputs', () => {
    const state: UserState = { a: 1 };
    const update: UserState = { a: 2, b: 3 };
    const result = mergeState(state, update);
    expect(state).toEqual({ a: 1 });
    expect(update).toEqual({ a: 2, b: 3 });
    expect(result.state).not.toBe(state);
  });

  it('returns the state unchanged without an update', () => {
    const state: UserState = { a: 1 };
    expect(mergeState(state, undefined)).toEqual({ state, changed: [] });
    expect(mergeState(state, {}).state).toBe(state);
  });

  it('does not treat inherited properties as present', () => {
    expect(mergeState({}, { toString: 'x' }).changed).toEqual([{ key: 'toString', value: 'x' }]);
  });
});

describe(publicState.name, () => {
  it('keeps only the public keys that are set', () => {
    expect(publicState({ state: { a: 1, b: null, secret: 's' }, publicKeys: ['a', 'b', 'missing'] })).toEqual({ a: 1, b: null });
  });

  it('is empty with no public keys', () => {
    expect(publicState({ state: { a: 1 }, publicKeys: [] })).toEqual({});
  });

  it('returns a copy', () => {
    const user = { state: { a: 1 } as UserState, publicKeys: ['a'] };
    const shown = publicState(user);
    shown.a = 2;
    expect(user.state.a).toBe(1);
  });
});
