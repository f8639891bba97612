import { describe, expect, it } from '@jest/globals';
import { pushBounded } from './memory-state';

describe('pushBounded', () => {
  it('keeps the newest items up to the limit, once full dropping one per push', () => {
    const list: number[] = [];
    for (let i = 1; i <= 5; i++) pushBounded(list, i, 3);
    expect(list).toEqual([3, 4, 5]);
  });

  it('drops every item over a limit lowered since the last push', () => {
    const list = [1, 2, 3, 4, 5];
    pushBounded(list, 6, 2);
    expect(list).toEqual([5, 6]);
  });
});
