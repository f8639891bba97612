import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigError } from './config-error';
import { Settings } from './settings';

/** The message of the ConfigError `load` throws (fails the test when it does not throw one). */
function configErrorOf(load: () => unknown): string {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe(Settings.name, () => {
  let dir: string;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'channelstream-settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the documented defaults when nothing is given', () => {
    const s = Settings.load({});
    expect(s).toMatchObject({
      secret: 'secret',
      admin_user: 'admin',
      admin_secret: 'admin_secret',
      allow_posting_from: ['127.0.0.1'],
      port: 8000,
      host: '0.0.0.0',
      log_level: 'info',
      allow_cors: [],
      validate_requests: true,
      enforce_https: false,
      http_scheme: '',
      gc_conns_after: 30,
      gc_channels_after: 259200,
      wake_connections_after: 5,
      engine: 'memory',
      production: false,
    });
  });

  it('ignores the process environment unless it is passed in', () => {
    process.env.CHANNELSTREAM_SECRET = 'from-process-env';
    try {
      expect(Settings.load({}).secret).toBe('secret');
    } finally {
      delete process.env.CHANNELSTREAM_SECRET;
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(Settings.load({}))).toBe(true);
  });

  describe('from CHANNELSTREAM_* variables', () => {
    it('parses numbers, booleans, choices and text', () => {
      const s = Settings.load({
        env: {
          CHANNELSTREAM_PORT: '9001',
          CHANNELSTREAM_GC_CONNS_AFTER: '12.5',
          CHANNELSTREAM_WAKE_CONNECTIONS_AFTER: '0.5',
          CHANNELSTREAM_VALIDATE_REQUESTS: 'no',
          CHANNELSTREAM_ENFORCE_HTTPS: 'TRUE',
          CHANNELSTREAM_LOG_LEVEL: 'Debug',
          CHANNELSTREAM_HTTP_SCHEME: 'https',
          CHANNELSTREAM_SECRET: 'a secret with spaces',
        },
      });
      expect(s).toMatchObject({
        port: 9001,
        gc_conns_after: 12.5,
        wake_connections_after: 0.5,
        validate_requests: false,
        enforce_https: true,
        log_level: 'debug',
        http_scheme: 'https',
        secret: 'a secret with spaces',
      });
    });

    it.each([
      ['1', true],
      ['yes', true],
      ['on', true],
      ['0', false],
      ['off', false],
      [' False ', false],
    ])('reads the boolean %j as %s', (text, value) => {
      expect(Settings.load({ env: { CHANNELSTREAM_ENFORCE_HTTPS: text } }).enforce_https).toBe(value);
    });

    it('splits comma lists and trims their entries', () => {
      const s = Settings.load({
        env: {
          CHANNELSTREAM_ALLOW_POSTING_FROM: ' 127.0.0.1 , 10.0.0.0/8,::1,fd00::/8 ,',
          CHANNELSTREAM_ALLOW_CORS: 'https://app.example.com, http://localhost:3000/',
        },
      });
      expect(s.allow_posting_from).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
      expect(s.allow_cors).toEqual(['https://app.example.com', 'http://localhost:3000']);
    });

    it('reads an empty allow_cors and http_scheme as "any"', () => {
      const s = Settings.load({ env: { CHANNELSTREAM_ALLOW_CORS: '', CHANNELSTREAM_HTTP_SCHEME: '' } });
      expect(s.allow_cors).toEqual([]);
      expect(s.http_scheme).toBe('');
    });

    it.each([
      ['port', 'CHANNELSTREAM_PORT', 'eighty'],
      ['port', 'CHANNELSTREAM_PORT', '80.5'],
      ['port', 'CHANNELSTREAM_PORT', '70000'],
      ['port', 'CHANNELSTREAM_PORT', ''],
      ['gc_conns_after', 'CHANNELSTREAM_GC_CONNS_AFTER', '0'],
      ['validate_requests', 'CHANNELSTREAM_VALIDATE_REQUESTS', 'maybe'],
      ['log_level', 'CHANNELSTREAM_LOG_LEVEL', 'loud'],
      ['engine', 'CHANNELSTREAM_ENGINE', 'mongodb'],
      ['allow_posting_from', 'CHANNELSTREAM_ALLOW_POSTING_FROM', '127.0.0.1,localhost'],
      ['allow_posting_from', 'CHANNELSTREAM_ALLOW_POSTING_FROM', '10.0.0.0/33'],
      ['allow_posting_from', 'CHANNELSTREAM_ALLOW_POSTING_FROM', ' , '],
      ['allow_cors', 'CHANNELSTREAM_ALLOW_CORS', 'app.example.com'],
      ['allow_cors', 'CHANNELSTREAM_ALLOW_CORS', 'https://app.example.com/path'],
      ['secret', 'CHANNELSTREAM_SECRET', ''],
    ])('refuses a bad %s naming it and %s (value %j)', (name, variable, text) => {
      const message = configErrorOf(() => Settings.load({ env: { [variable]: text } }));
      expect(message).toContain(name);
      expect(message).toContain(variable);
    });

    it('reports every bad setting at once', () => {
      const message = configErrorOf(() =>
        Settings.load({ env: { CHANNELSTREAM_PORT: 'x', CHANNELSTREAM_ENFORCE_HTTPS: 'sometimes' } }),
      );
      expect(message).toContain('CHANNELSTREAM_PORT');
      expect(message).toContain('CHANNELSTREAM_ENFORCE_HTTPS');
    });

    it('leaves the error message free of a valid secret', () => {
      const message = configErrorOf(() =>
        Settings.load({ env: { CHANNELSTREAM_SECRET: 'hunter2-very-secret', CHANNELSTREAM_PORT: 'x' } }),
      );
      expect(message).not.toContain('hunter2-very-secret');
    });
  });

  describe('PORT', () => {
    it('is used when CHANNELSTREAM_PORT is not set', () => {
      expect(Settings.load({ env: { PORT: '5000' } }).port).toBe(5000);
    });

    it('loses to CHANNELSTREAM_PORT', () => {
      expect(Settings.load({ env: { PORT: '5000', CHANNELSTREAM_PORT: '6000' } }).port).toBe(6000);
    });

    it('is named when it is bad', () => {
      expect(configErrorOf(() => Settings.load({ env: { PORT: 'http' } }))).toContain('PORT');
    });
  });

  describe('cookie_secret', () => {
    it('is random (and differs per load) when empty', () => {
      const a = Settings.load({ env: { CHANNELSTREAM_COOKIE_SECRET: '' } }).cookie_secret;
      const b = Settings.load({}).cookie_secret;
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(b).toMatch(/^[0-9a-f]{64}$/);
      expect(a).not.toBe(b);
    });

    it('is kept when given', () => {
      expect(Settings.load({ env: { CHANNELSTREAM_COOKIE_SECRET: 'cookie!' } }).cookie_secret).toBe('cookie!');
    });
  });

  describe('in production', () => {
    it('refuses the default secret and admin_secret, naming their variables', () => {
      const message = configErrorOf(() => Settings.load({ env: { NODE_ENV: 'production' } }));
      expect(message).toContain('CHANNELSTREAM_SECRET');
      expect(message).toContain('CHANNELSTREAM_ADMIN_SECRET');
    });

    it('names only the secret still at its default', () => {
      const message = configErrorOf(() =>
        Settings.load({ env: { NODE_ENV: 'production', CHANNELSTREAM_SECRET: 'strong-one' } }),
      );
      expect(message).toContain('CHANNELSTREAM_ADMIN_SECRET');
      expect(message).not.toMatch(/CHANNELSTREAM_SECRET\b/);
    });

    it('starts once both secrets are set', () => {
      const s = Settings.load({
        env: { NODE_ENV: 'production', CHANNELSTREAM_SECRET: 's1', CHANNELSTREAM_ADMIN_SECRET: 's2' },
      });
      expect(s.production).toBe(true);
    });

    it('accepts the default secrets outside production', () => {
      expect(Settings.load({ env: { NODE_ENV: 'development' } }).secret).toBe('secret');
    });
  });

  describe('precedence', () => {
    it('is defaults < ini file < .env file < environment < overrides', () => {
      const iniPath = file(
        'channelstream.ini',
        [
          '[channelstream]',
          'secret = from-ini',
          'admin_user = ini-admin',
          'host = 10.0.0.1',
          'port = 1111',
          'log_level = error',
        ].join('\n'),
      );
      const envFilePath = file(
        '.env',
        ['CHANNELSTREAM_SECRET=from-dotenv', 'CHANNELSTREAM_HOST=10.0.0.2', 'CHANNELSTREAM_PORT=2222'].join('\n'),
      );
      const s = Settings.load({
        iniPath,
        envFilePath,
        env: { CHANNELSTREAM_SECRET: 'from-env', CHANNELSTREAM_PORT: '3333' },
        overrides: { secret: 'from-overrides' },
      });
      expect(s).toMatchObject({
        log_level: 'error', // ini only
        admin_user: 'ini-admin', // ini only
        host: '10.0.0.2', // .env beats ini
        port: 3333, // env beats .env
        secret: 'from-overrides', // overrides beat env
        admin_secret: 'admin_secret', // default
      });
    });

    it('lets the .env file win over the ini file', () => {
      const iniPath = file('a.ini', '[channelstream]\nport = 1111\n');
      const envFilePath = file('.env', 'CHANNELSTREAM_PORT=2222\n');
      expect(Settings.load({ iniPath, envFilePath }).port).toBe(2222);
    });

    it('treats a missing .env file as empty', () => {
      expect(Settings.load({ envFilePath: join(dir, 'absent.env') }).port).toBe(8000);
    });

    it('names the .env file when a value there is bad', () => {
      const envFilePath = file('.env', 'CHANNELSTREAM_PORT=abc\n');
      const message = configErrorOf(() => Settings.load({ envFilePath }));
      expect(message).toContain(envFilePath);
      expect(message).toContain('CHANNELSTREAM_PORT');
    });

    it('names the ini file and key when a value there is bad', () => {
      const iniPath = file('bad.ini', '[channelstream]\nenforce_https = sometimes\n');
      const message = configErrorOf(() => Settings.load({ iniPath }));
      expect(message).toContain(iniPath);
      expect(message).toContain('enforce_https');
    });

    it('applies overrides before the production secret check', () => {
      const s = Settings.load({ env: { NODE_ENV: 'production' }, overrides: { secret: 'a', admin_secret: 'b' } });
      expect(s.secret).toBe('a');
    });
  });

  describe('ini files', () => {
    it('reads a configparser-style file with an indented allow_posting_from list', () => {
      const iniPath = file(
        'python.ini',
        [
          '[app:main]',
          'use = egg:whatever',
          '',
          '[channelstream]',
          'secret = py-secret',
          'allow_posting_from = 127.0.0.1',
          '    10.0.0.0/8',
          '\t::1',
          '    fd00::/8',
          'port = 8123',
          '',
        ].join('\n'),
      );
      const s = Settings.load({ iniPath });
      expect(s.allow_posting_from).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
      expect(s.port).toBe(8123);
      expect(s.secret).toBe('py-secret');
    });

    it('reads a list that starts on the line after its key', () => {
      const iniPath = file('list.ini', '[channelstream]\nallow_posting_from =\n    127.0.0.1\n    192.168.0.0/16\n');
      expect(Settings.load({ iniPath }).allow_posting_from).toEqual(['127.0.0.1', '192.168.0.0/16']);
    });

    it('refuses a file without a [channelstream] section', () => {
      const iniPath = file('other.ini', '[server]\nport = 1\n');
      expect(configErrorOf(() => Settings.load({ iniPath }))).toContain('[channelstream]');
    });

    it('refuses a file that cannot be read', () => {
      expect(configErrorOf(() => Settings.load({ iniPath: join(dir, 'absent.ini') }))).toContain('absent.ini');
    });
  });
});

describe('security settings', () => {
  it('defaults to safe limits that existing clients stay inside, and the legacy signature', () => {
    expect(Settings.load({})).toMatchObject({
      signature_mode: 'legacy',
      signature_max_age: 60,
      previous_secret: '',
      trusted_proxies: [],
      max_body_size: 1048576,
      max_messages_per_request: 1000,
      max_message_size: 65536,
      max_frame_size: 65536,
      max_buffered_bytes: 4194304,
      max_channels_per_connection: 1000,
      max_connections_per_user: 100,
      connect_rate: 20,
      connect_burst: 100,
      publish_rate: 5000,
      publish_burst: 10000,
    });
  });

  it('reads the strict mode, trusted proxies and origin patterns', () => {
    const s = Settings.load({
      env: {
        CHANNELSTREAM_SIGNATURE_MODE: 'Strict',
        CHANNELSTREAM_TRUSTED_PROXIES: '10.0.0.0/8, ::1',
        CHANNELSTREAM_ALLOW_CORS: 'https://*.example.com, http://localhost:*',
        CHANNELSTREAM_CONNECT_RATE: '0',
      },
    });
    expect(s).toMatchObject({ signature_mode: 'strict', trusted_proxies: ['10.0.0.0/8', '::1'], allow_cors: ['https://*.example.com', 'http://localhost:*'], connect_rate: 0 });
  });

  it('reads previous_secret_expires as ISO time or Unix seconds', () => {
    const iso = Settings.load({ env: { CHANNELSTREAM_PREVIOUS_SECRET: 'old', CHANNELSTREAM_PREVIOUS_SECRET_EXPIRES: '2026-01-31T00:00:00+01:00' } });
    expect(iso.previous_secret_expires).toBe('2026-01-30T23:00:00.000Z');
    const unix = Settings.load({ env: { CHANNELSTREAM_PREVIOUS_SECRET: 'old', CHANNELSTREAM_PREVIOUS_SECRET_EXPIRES: '1769817600' } });
    expect(unix.previous_secret_expires).toBe('2026-01-31T00:00:00.000Z');
  });

  it('refuses a previous_secret without an expiry, naming the variable to set', () => {
    let message = '';
    try {
      Settings.load({ env: { CHANNELSTREAM_PREVIOUS_SECRET: 'old' } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('CHANNELSTREAM_PREVIOUS_SECRET_EXPIRES');
  });

  it.each([
    ['CHANNELSTREAM_PREVIOUS_SECRET_EXPIRES', '2026-01-31'],
    ['CHANNELSTREAM_TRUSTED_PROXIES', 'proxy.local'],
    ['CHANNELSTREAM_ALLOW_CORS', 'https://a.*.com'],
    ['CHANNELSTREAM_SIGNATURE_MODE', 'hmac'],
    ['CHANNELSTREAM_MAX_FRAME_SIZE', '12'],
    ['CHANNELSTREAM_CONNECT_RATE', '-1'],
  ])('refuses %s=%j', (name, value) => {
    expect(() => Settings.load({ env: { [name]: value } })).toThrow(ConfigError);
  });

  it('refuses to start in production with a default secret, naming the setting and its variable', () => {
    let message = '';
    try {
      Settings.load({ env: { NODE_ENV: 'production', CHANNELSTREAM_ADMIN_SECRET: 'strong' } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('secret is the default');
    expect(message).toContain('CHANNELSTREAM_SECRET');
    expect(message).not.toContain('CHANNELSTREAM_ADMIN_SECRET');
  });
});
