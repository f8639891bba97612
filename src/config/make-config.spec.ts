import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { renderIni, runMakeConfig } from './make-config';
import { Settings } from './settings';
import { envName, SETTINGS, type SettingName } from './settings-schema';

const ROUND_TRIPPED = (Object.keys(SETTINGS) as SettingName[]).filter((n) => n !== 'cookie_secret');

describe('make-config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'channelstream-make-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes the rendered ini and loads it back. */
  const reload = (settings: Settings) => {
    const iniPath = join(dir, 'out.ini');
    writeFileSync(iniPath, renderIni(settings));
    return Settings.load({ iniPath });
  };
  const pick = (s: Settings) => Object.fromEntries(ROUND_TRIPPED.map((n) => [n, s[n]]));

  describe(renderIni.name, () => {
    it('lists every setting under [channelstream] with its help and variable name', () => {
      const ini = renderIni(Settings.load({}));
      expect(ini).toContain('[channelstream]');
      for (const name of Object.keys(SETTINGS) as SettingName[]) {
        expect(ini).toMatch(new RegExp(`^${name} = `, 'm'));
        expect(ini).toContain(`(env ${envName(name)})`);
      }
    });

    it('round-trips the defaults', () => {
      const original = Settings.load({});
      expect(pick(reload(original))).toEqual(pick(original));
    });

    it('round-trips non-default values, lists included', () => {
      const original = Settings.load({
        env: {
          CHANNELSTREAM_SECRET: 'a-long-secret',
          CHANNELSTREAM_ADMIN_USER: 'root',
          CHANNELSTREAM_ADMIN_SECRET: 'pa55 word',
          CHANNELSTREAM_ALLOW_POSTING_FROM: '127.0.0.1,10.0.0.0/8,::1,fd00::/8',
          CHANNELSTREAM_PORT: '9001',
          CHANNELSTREAM_HOST: '127.0.0.1',
          CHANNELSTREAM_LOG_LEVEL: 'debug',
          CHANNELSTREAM_ALLOW_CORS: 'https://app.example.com,http://localhost:3000',
          CHANNELSTREAM_VALIDATE_REQUESTS: 'false',
          CHANNELSTREAM_ENFORCE_HTTPS: 'true',
          CHANNELSTREAM_HTTP_SCHEME: 'https',
          CHANNELSTREAM_GC_CONNS_AFTER: '12.5',
          CHANNELSTREAM_GC_CHANNELS_AFTER: '3600',
          CHANNELSTREAM_WAKE_CONNECTIONS_AFTER: '0.5',
        },
      });
      const again = reload(original);
      expect(pick(again)).toEqual(pick(original));
      expect(again.allow_posting_from).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
    });

    it('round-trips secrets containing "#" and ";"', () => {
      const original = Settings.load({ env: { CHANNELSTREAM_SECRET: 'abc#def', CHANNELSTREAM_ADMIN_SECRET: 'x;y' } });
      const again = reload(original);
      expect(again.secret).toBe('abc#def');
      expect(again.admin_secret).toBe('x;y');
    });

    it('never writes the cookie secret', () => {
      const ini = renderIni(Settings.load({ env: { CHANNELSTREAM_COOKIE_SECRET: 'cookie-secret-value' } }));
      expect(ini).not.toContain('cookie-secret-value');
      expect(ini).toMatch(/^cookie_secret = $/m);
    });
  });

  describe(runMakeConfig.name, () => {
    const settings = Settings.load({ env: { CHANNELSTREAM_PORT: '8123' } });

    it('prints the ini file without -o', () => {
      const printed: string[] = [];
      expect(runMakeConfig([], settings, (t) => printed.push(t))).toBe(0);
      expect(printed).toEqual([renderIni(settings)]);
    });

    it.each(['-o', '--output'])('writes the ini file with %s FILE and says where', (flag) => {
      const path = join(dir, 'written.ini');
      const printed: string[] = [];
      expect(runMakeConfig([flag, path], settings, (t) => printed.push(t))).toBe(0);
      expect(readFileSync(path, 'utf8')).toBe(renderIni(settings));
      expect(printed.join('')).toContain(path);
      expect(printed.join('')).not.toContain('[channelstream]');
      expect(Settings.load({ iniPath: path }).port).toBe(8123);
    });

    it('fails with exit code 2 when -o has no file name', () => {
      const printed: string[] = [];
      expect(runMakeConfig(['-o'], settings, (t) => printed.push(t))).toBe(2);
      expect(printed.join('')).toContain('-o');
      expect(existsSync(join(dir, 'written.ini'))).toBe(false);
    });
  });
});
