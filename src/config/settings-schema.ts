import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** One configurable setting: how to read it from text, its default, and what it is for. */
export interface SettingSpec<T> {
  default: T | (() => T);
  /** Shown in make-config's ini file and in the README table. */
  help: string;
  /** Parses the text form (env, ini); returns an error message when invalid. */
  parse(raw: string): { value: T } | { error: string };
}

const text = (fallback: string, help: string, allowEmpty = false): SettingSpec<string> => ({
  default: fallback,
  help,
  parse: (raw) => (raw.length === 0 && !allowEmpty ? { error: 'must not be empty' } : { value: raw }),
});

const number = (fallback: number, help: string, min: number, max: number, integer = false): SettingSpec<number> => ({
  default: fallback,
  help,
  parse: (raw) => {
    const value = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(value)) return { error: `must be a number, got "${raw}"` };
    if (integer && !Number.isInteger(value)) return { error: `must be a whole number, got "${raw}"` };
    if (value < min || value > max) return { error: `must be between ${min} and ${max}, got ${value}` };
    return { value };
  },
});

const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE = new Set(['false', '0', 'no', 'off', 'f', 'n']);
const bool = (fallback: boolean, help: string): SettingSpec<boolean> => ({
  default: fallback,
  help,
  parse: (raw) => {
    const v = raw.trim().toLowerCase();
    if (TRUE.has(v)) return { value: true };
    if (FALSE.has(v)) return { value: false };
    return { error: `must be true or false, got "${raw}"` };
  },
});

const oneOf = <T extends string>(fallback: T, help: string, values: readonly T[]): SettingSpec<T> => ({
  default: fallback,
  help,
  parse: (raw) => {
    const v = raw.trim().toLowerCase() as T;
    return values.includes(v) ? { value: v } : { error: `must be one of ${values.map((x) => x || '""').join(', ')}, got "${raw}"` };
  },
});

/** Comma (or newline) separated list, as the original's ini files write them. */
export function splitList(raw: string): string[] {
  return raw
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function isAddressOrRange(entry: string): boolean {
  if (isIP(entry)) return true;
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}

function isOrigin(entry: string): boolean {
  if (entry === '*') return true;
  try {
    const url = new URL(entry);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === entry.replace(/\/$/, '');
  } catch {
    return false;
  }
}

export const SETTINGS = {
  secret: text('secret', 'API secret shared with your backends; it signs every backend request.'),
  admin_user: text('admin', 'Admin panel user name.'),
  admin_secret: text('admin_secret', 'Admin panel password.'),
  cookie_secret: {
    ...text('', 'Secret signing the admin session cookie; empty = random at start-up (sessions end on restart; set it when running several nodes).', true),
    default: () => '',
  } as SettingSpec<string>,
  allow_posting_from: {
    default: ['127.0.0.1'],
    help: 'Addresses or CIDR ranges allowed to call the backend API, comma separated; 0.0.0.0 = anyone.',
    parse: (raw: string) => {
      const list = splitList(raw);
      const bad = list.find((e) => !isAddressOrRange(e));
      if (bad !== undefined) return { error: `"${bad}" is not an IP address or CIDR range` };
      if (list.length === 0) return { error: 'must list at least one address (0.0.0.0 for anyone)' };
      return { value: list };
    },
  } as SettingSpec<string[]>,
  port: number(8000, 'HTTP port (WebSocket at /ws on the same port).', 0, 65535, true),
  host: text('0.0.0.0', 'Address to listen on.'),
  log_level: oneOf('info', 'Log level: debug, info, warning, error, critical.', [
    'debug',
    'info',
    'warning',
    'warn',
    'error',
    'critical',
  ] as const),
  allow_cors: {
    default: [],
    help: 'Origins allowed by CORS, comma separated and matched exactly (https://app.example.com); empty = any origin.',
    parse: (raw: string) => {
      const list = splitList(raw).map((o) => o.replace(/\/$/, ''));
      const bad = list.find((e) => !isOrigin(e));
      return bad !== undefined ? { error: `"${bad}" is not an origin like https://example.com` } : { value: list };
    },
  } as SettingSpec<string[]>,
  validate_requests: bool(true, 'Refuse signatures older than 60 seconds.'),
  enforce_https: bool(false, 'Answer 406 to plain-HTTP requests (behind a proxy, X-Forwarded-Proto is honoured).'),
  http_scheme: oneOf('', 'Scheme used in links the server generates (http or https); empty = as requested.', [
    '',
    'http',
    'https',
  ] as const),
  gc_conns_after: number(30, 'Seconds without transport activity after which a connection expires.', 1, 86400 * 7),
  gc_channels_after: number(259200, 'Seconds after which an empty, idle channel is removed.', 1, 86400 * 3650),
  wake_connections_after: number(5, 'Seconds a long poll is held before it answers [] .', 0.1, 600),
  resume_grace: number(2, 'Seconds a connection whose socket dropped stays resumable (no parted/joined if it comes back in time); 0 = end it at once, as the original.', 0, 3600),
  recovery_max_events: number(100, 'Most events replayed to recover one stream (channel or private) on resume; beyond that the client gets recovery: false.', 0, 100000, true),
  metrics_port: number(0, 'Port of a separate /metrics listener (bound to metrics_host, no sign-in); 0 = /metrics on the main port, for a signed-in admin or a signed backend call only.', 0, 65535, true),
  metrics_host: text('127.0.0.1', 'Address the separate /metrics listener binds to (keep it private).'),
  engine: oneOf('memory', 'Where state lives: memory (one node, nothing to install) or redis (any number of nodes sharing one Redis).', [
    'memory',
    'redis',
  ] as const),
  redis_url: {
    default: 'redis://127.0.0.1:6379/0',
    help: 'Redis server for engine = redis (redis://[:password@]host:port/db, rediss:// for TLS).',
    parse: (raw: string) => (/^rediss?:\/\/.+/.test(raw.trim()) ? { value: raw.trim() } : { error: `must be a redis:// or rediss:// URL, got "${raw}"` }),
  } as SettingSpec<string>,
  redis_prefix: text('channelstream:', 'Prefix of every Redis key and pub/sub topic (several servers can share one Redis with different prefixes).'),
  demo: bool(false, 'Serve a demo chat at /demo with its own unsigned routes (users and channels prefixed demo:); for trying the server out, not for production.'),
} satisfies Record<string, SettingSpec<unknown>>;

export type SettingName = keyof typeof SETTINGS;
export type SettingValues = { [K in SettingName]: (typeof SETTINGS)[K] extends SettingSpec<infer T> ? T : never };

export const envName = (name: string): string => `CHANNELSTREAM_${name.toUpperCase()}`;
