import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { parseOriginPattern } from '../common/origin-policy';

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
  return entry === '*' || parseOriginPattern(entry) !== undefined;
}

const addressList = (help: string): SettingSpec<string[]> => ({
  default: [],
  help,
  parse: (raw: string) => {
    const list = splitList(raw);
    const bad = list.find((e) => !isAddressOrRange(e));
    return bad !== undefined ? { error: `"${bad}" is not an IP address or CIDR range` } : { value: list };
  },
});

/** An instant (ISO 8601 with a zone, or Unix seconds), kept as ISO text; empty allowed. */
const instant = (help: string): SettingSpec<string> => ({
  default: '',
  help,
  parse: (raw: string) => {
    const v = raw.trim();
    if (v === '') return { value: '' };
    const ms = /^\d+$/.test(v) ? Number(v) * 1000 : /(Z|[+-]\d\d:?\d\d)$/i.test(v) ? Date.parse(v) : NaN;
    return Number.isFinite(ms) ? { value: new Date(ms).toISOString() } : { error: `must be a date and time with a zone (2026-01-31T00:00:00Z) or Unix seconds, got "${raw}"` };
  },
});

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
  trusted_proxies: addressList(
    'Addresses or CIDR ranges of your load balancers / reverse proxies, comma separated: only requests from them have X-Forwarded-For read for the client address (allow_posting_from, rate limits); empty = use the peer address.',
  ),
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
    help: 'Browser origins allowed, comma separated: exact (https://app.example.com) or patterns (https://*.example.com, http://localhost:*); used for CORS and to refuse other origins on /ws, /listen and /sse (403); empty = any origin.',
    parse: (raw: string) => {
      const list = splitList(raw).map((o) => o.replace(/\/$/, ''));
      const bad = list.find((e) => !isOrigin(e));
      return bad !== undefined ? { error: `"${bad}" is not an origin like https://example.com or a pattern like https://*.example.com` } : { value: list };
    },
  } as SettingSpec<string[]>,
  validate_requests: bool(true, 'Refuse legacy signatures older than signature_max_age seconds (strict signatures are always checked).'),
  signature_mode: oneOf('legacy', 'How backend calls are signed: legacy (an itsdangerous token, as the original) or strict (HMAC-SHA256 of method, path, timestamp, nonce and body; replayed nonces refused).', [
    'legacy',
    'strict',
  ] as const),
  signature_max_age: number(60, 'Seconds a signature stays valid (strict: also how far ahead a clock may be).', 1, 3600, true),
  previous_secret: text('', 'Key rotation: the secret being replaced, still accepted until previous_secret_expires; empty = none.', true),
  previous_secret_expires: instant('When previous_secret stops being accepted (2026-01-31T00:00:00Z, or Unix seconds); required with previous_secret.'),
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
  max_body_size: number(1048576, 'Largest request body in bytes (413 beyond it).', 1024, 1024 ** 3, true),
  max_messages_per_request: number(1000, 'Most items in one /message call (POST, PATCH, DELETE); 422 beyond it.', 1, 1000000, true),
  max_message_size: number(65536, 'Largest message in bytes (the JSON of one /message item, payload and extra keys); 422 beyond it.', 16, 1024 ** 3, true),
  max_frame_size: number(65536, 'Largest WebSocket frame a client may send, in bytes; larger ones close the socket with 1009.', 128, 1024 ** 3, true),
  max_buffered_bytes: number(4194304, 'Bytes queued for one slow WebSocket or SSE client before it is cut off (4008, resumable); long polls drop their oldest events beyond it.', 65536, 1024 ** 3, true),
  max_channels_per_connection: number(1000, 'Most channels one connection may be subscribed to; 422 beyond it.', 1, 1000000, true),
  max_connections_per_user: number(100, 'Most connections one user may have at a time; /connect answers 422 beyond it.', 1, 1000000, true),
  connect_rate: number(20, 'Transport connections (/ws, /sse, a first /listen) per second per client address, on average; 429 beyond it; 0 = no limit.', 0, 1000000),
  connect_burst: number(100, 'Transport connections a client address may open at once before connect_rate applies.', 1, 1000000, true),
  publish_rate: number(5000, 'Messages per second per calling address through /message (POST, PATCH, DELETE), on average; 429 beyond it; 0 = no limit.', 0, 10000000),
  publish_burst: number(10000, 'Messages a calling address may send at once before publish_rate applies.', 1, 10000000, true),
  demo: bool(false, 'Serve a demo chat at /demo with its own unsigned routes (users and channels prefixed demo:); for trying the server out, not for production.'),
} satisfies Record<string, SettingSpec<unknown>>;

export type SettingName = keyof typeof SETTINGS;
export type SettingValues = { [K in SettingName]: (typeof SETTINGS)[K] extends SettingSpec<infer T> ? T : never };

export const envName = (name: string): string => `CHANNELSTREAM_${name.toUpperCase()}`;
