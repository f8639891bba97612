import { describe, expect, it } from '@jest/globals';
import { envName, SETTINGS, splitList } from './settings-schema';

describe('settings schema', () => {
  it('splits lists on commas and newlines, dropping blanks', () => {
    expect(splitList(' a, b ,\n c\n,,')).toEqual(['a', 'b', 'c']);
    expect(splitList('')).toEqual([]);
  });

  it('names variables CHANNELSTREAM_<NAME>', () => {
    expect(envName('allow_posting_from')).toBe('CHANNELSTREAM_ALLOW_POSTING_FROM');
  });

  it('accepts the bounds of a numeric range and refuses just outside them', () => {
    expect(SETTINGS.wake_connections_after.parse('0.1')).toEqual({ value: 0.1 });
    expect(SETTINGS.wake_connections_after.parse('600')).toEqual({ value: 600 });
    expect(SETTINGS.wake_connections_after.parse('0.09')).toHaveProperty('error');
    expect(SETTINGS.port.parse('65535')).toEqual({ value: 65535 });
    expect(SETTINGS.port.parse('-1')).toHaveProperty('error');
  });

  it('accepts "warn" as well as "warning" as a log level', () => {
    expect(SETTINGS.log_level.parse('warn')).toEqual({ value: 'warn' });
    expect(SETTINGS.log_level.parse('WARNING')).toEqual({ value: 'warning' });
  });

  it('accepts "*" as a CORS origin', () => {
    expect(SETTINGS.allow_cors.parse('*')).toEqual({ value: ['*'] });
  });
});
