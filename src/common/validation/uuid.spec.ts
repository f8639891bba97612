import { describe, expect, it } from '@jest/globals';
import { normalizeUuid } from './uuid';

const CANONICAL = '0b5e6e1c-3f1a-4b8e-9c2d-7a6f5e4d3c2b';

describe(normalizeUuid.name, () => {
  it.each([
    CANONICAL,
    CANONICAL.toUpperCase(),
    CANONICAL.replace(/-/g, ''),
    `{${CANONICAL}}`,
    `urn:uuid:${CANONICAL}`,
    `  ${CANONICAL}  `,
  ])('reads %s as the canonical lower-case form', (text) => {
    expect(normalizeUuid(text)).toBe(CANONICAL);
  });

  it.each([
    '',
    'not-a-uuid',
    CANONICAL.slice(0, -1),
    `${CANONICAL}0`,
    CANONICAL.replace('0b', '0g'),
    `urn:${CANONICAL}`,
    `${CANONICAL}-`,
  ])('refuses %j', (text) => {
    expect(normalizeUuid(text)).toBeUndefined();
  });

  it.each([null, undefined, 42, {}])('refuses the non-string %p', (value) => {
    expect(normalizeUuid(value)).toBeUndefined();
  });
});
