import { describe, expect, it } from '@jest/globals';
import { formatTimestamp, normalizeTimestamp, nowTimestamp, parseTimestamp } from './timestamp';

describe(parseTimestamp.name, () => {
  it('reads a naive date-time as UTC', () => {
    expect(parseTimestamp('2020-01-02T03:04:05')).toEqual({ epochMs: Date.UTC(2020, 0, 2, 3, 4, 5), extraMicros: 0 });
  });

  it('reads Z, +02:00 and -0530 offsets', () => {
    const utc = Date.UTC(2020, 0, 2, 3, 4, 5);
    expect(parseTimestamp('2020-01-02T03:04:05Z')?.epochMs).toBe(utc);
    expect(parseTimestamp('2020-01-02T05:04:05+02:00')?.epochMs).toBe(utc);
    expect(parseTimestamp('2020-01-01T21:34:05-0530')?.epochMs).toBe(utc);
    expect(parseTimestamp('2020-01-02T04:04:05+01')?.epochMs).toBe(utc);
  });

  it('keeps microseconds', () => {
    expect(parseTimestamp('2020-01-02T03:04:05.123456')).toEqual({
      epochMs: Date.UTC(2020, 0, 2, 3, 4, 5, 123),
      extraMicros: 456,
    });
    expect(parseTimestamp('2020-01-02T03:04:05.5')).toEqual({ epochMs: Date.UTC(2020, 0, 2, 3, 4, 5, 500), extraMicros: 0 });
  });

  it('accepts a space separator and a time without seconds', () => {
    expect(parseTimestamp('2020-01-02 03:04')?.epochMs).toBe(Date.UTC(2020, 0, 2, 3, 4));
  });

  it('accepts 29 February in a leap year only', () => {
    expect(parseTimestamp('2024-02-29T00:00:00')).toBeDefined();
    expect(parseTimestamp('2023-02-29T00:00:00')).toBeUndefined();
  });

  it('accepts years below 100, as Python does', () => {
    expect(parseTimestamp('0001-01-01T00:00:00')?.epochMs).toBe(-62135596800000);
  });

  it.each([
    '2020-02-30T00:00:00',
    '2020-13-01T00:00:00',
    '2020-01-01T25:00:00',
    '2020-01-01T24:00:00',
    '2020-01-01T12:60:00',
    '2020-01-01T12:00:60',
    '2020-01-01',
    'yesterday',
    '',
    '2020-01-01T00:00:00+2',
  ])('refuses %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it.each([null, undefined, 1577836800000, {}])('refuses the non-string %p', (value) => {
    expect(parseTimestamp(value)).toBeUndefined();
  });
});

describe(formatTimestamp.name, () => {
  it('writes UTC with +00:00 and no fraction when it is zero', () => {
    expect(formatTimestamp(Date.UTC(2020, 0, 2, 3, 4, 5))).toBe('2020-01-02T03:04:05+00:00');
  });

  it('writes six fraction digits when there is a fraction', () => {
    expect(formatTimestamp(Date.UTC(2020, 0, 2, 3, 4, 5, 7))).toBe('2020-01-02T03:04:05.007000+00:00');
    expect(formatTimestamp(Date.UTC(2020, 0, 2, 3, 4, 5, 0), 9)).toBe('2020-01-02T03:04:05.000009+00:00');
  });

  it('renders every instant as toISOString does, the same second twice or not, before 1970 too', () => {
    const reference = (ms: number) => new Date(ms).toISOString().slice(0, 19);
    const instants = [0, -1, -999, -1000, -1001, 999, 1000, Date.UTC(2020, 0, 2, 3, 4, 5, 999), -62135596800000, 253402300799999];
    // 2000 spread instants, the same every run: a step that is not a multiple of a second, from 1843 to 2097
    for (let i = 0; i < 2000; i++) instants.push(Math.round(-4e12 + i * 4_000_000_123.457));
    for (const ms of instants) {
      for (const at of [ms, ms, ms + 1, ms - 1]) {
        const micros = (((at % 1000) + 1000) % 1000) * 1000;
        expect(formatTimestamp(at)).toBe(`${reference(at)}${micros ? `.${String(micros).padStart(6, '0')}` : ''}+00:00`);
      }
    }
  });

  it('throws for a time out of the Date range, as toISOString does', () => {
    expect(() => formatTimestamp(8.64e15 + 1000)).toThrow(RangeError);
  });

  it('is read back by Date', () => {
    const ms = Date.UTC(2021, 5, 6, 7, 8, 9, 123);
    expect(Date.parse(formatTimestamp(ms, 456))).toBe(ms);
  });
});

describe(normalizeTimestamp.name, () => {
  it.each([
    ['2020-01-02T03:04:05', '2020-01-02T03:04:05+00:00'],
    ['2020-01-02T05:04:05.123456+02:00', '2020-01-02T03:04:05.123456+00:00'],
    ['2020-01-01T21:34:05.000001-0530', '2020-01-02T03:04:05.000001+00:00'],
    ['2020-01-02 03:04:05.120Z', '2020-01-02T03:04:05.120000+00:00'],
    ['2020-01-02T03:04:05.000000', '2020-01-02T03:04:05+00:00'],
  ])('normalises %s to %s', (input, output) => {
    expect(normalizeTimestamp(input)).toBe(output);
  });

  it('round-trips its own output', () => {
    for (const text of ['2020-01-02T03:04:05+00:00', '1999-12-31T23:59:59.999999+00:00']) {
      expect(normalizeTimestamp(text)).toBe(text);
    }
  });

  it('answers undefined for an invalid date', () => {
    expect(normalizeTimestamp('2020-02-30T00:00:00')).toBeUndefined();
  });
});

describe(nowTimestamp.name, () => {
  it('formats the current time', () => {
    const text = nowTimestamp();
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$/);
    expect(Math.abs(Date.parse(text) - Date.now())).toBeLessThan(5000);
  });
});

describe('formatTimestamp with sub-millisecond marks', () => {
  it('renders a fractional millisecond as a valid ISO time', () => {
    expect(formatTimestamp(1795315086827.9765625)).toBe('2026-11-22T02:38:06.827000+00:00');
  });
});
