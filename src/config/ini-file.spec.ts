import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigError } from './config-error';
import { parseIni, readIniSection } from './ini-file';

describe(parseIni.name, () => {
  it('appends indented lines to the value above, comma separated', () => {
    expect(parseIni('[s]\na = 1\n    2\n\t3\nb = 4')).toEqual({ s: { a: '1,2,3', b: '4' } });
  });

  it('handles CRLF line ends and "key: value"', () => {
    expect(parseIni('[s]\r\na: 1\r\n  2\r\nb = 3')).toEqual({ s: { a: '1,2', b: '3' } });
  });

  it('skips whole-line comments, indented or not', () => {
    expect(parseIni('[s]\na = 1\n  # note\n  ; other\n# top')).toEqual({ s: { a: '1' } });
  });

  it('ignores keys outside any section', () => {
    expect(parseIni('a = 1\n[s]\nb = 2')).toEqual({ s: { b: '2' } });
  });
});

describe(readIniSection.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'channelstream-ini-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (content: string) => {
    const path = join(dir, 'config.ini');
    writeFileSync(path, content);
    return path;
  };

  it('returns only the asked section, with lower-case keys and trimmed text values', () => {
    const path = write('[other]\nport = 1\n\n[channelstream]\nPort = 8001  \nvalidate_requests = false\nhost=::1\n');
    expect(readIniSection(path, 'channelstream')).toEqual({ port: '8001', validate_requests: 'false', host: '::1' });
  });

  it('reads an empty value as empty text', () => {
    expect(readIniSection(write('[channelstream]\nallow_cors =\n'), 'channelstream')).toEqual({ allow_cors: '' });
  });

  it('throws a ConfigError naming the missing section', () => {
    const path = write('[channelstream_other]\nport = 1\n');
    expect(() => readIniSection(path, 'channelstream')).toThrow(ConfigError);
    expect(() => readIniSection(path, 'channelstream')).toThrow('[channelstream]');
  });

  it('throws a ConfigError naming an unreadable file', () => {
    const path = join(dir, 'nope.ini');
    expect(() => readIniSection(path, 'channelstream')).toThrow(ConfigError);
    expect(() => readIniSection(path, 'channelstream')).toThrow(path);
  });

  // configparser keeps ";" and "#" inside values: a secret such as "abc#def" must not be cut.
  it('keeps ";" and "#" inside a value, as configparser does', () => {
    const path = write('[channelstream]\nsecret = abc#def\nadmin_secret = x;y\n');
    expect(readIniSection(path, 'channelstream')).toEqual({ secret: 'abc#def', admin_secret: 'x;y' });
  });
});
