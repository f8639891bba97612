import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { envName, SETTINGS, type SettingName, type SettingValues } from './settings-schema';
import { ConfigError } from './config-error';
import { readIniSection } from './ini-file';

export { ConfigError };


export interface SettingsSources {
  /** Process environment (CHANNELSTREAM_* variables; PORT as a PaaS fallback). */
  env?: Record<string, string | undefined>;
  /** An ini file with a [channelstream] section. */
  iniPath?: string;
  /** A .env file; missing is fine. */
  envFilePath?: string;
  /** Already-typed values, for tests: they win over everything. */
  overrides?: Partial<SettingValues>;
}

const DEFAULT_SECRETS: Partial<Record<SettingName, string>> = {
  secret: 'secret',
  admin_secret: 'admin_secret',
};

/**
 * The validated configuration. Precedence: defaults < ini file < .env file <
 * environment < overrides. Injected wherever a setting is read.
 */
export class Settings implements Readonly<SettingValues> {
  readonly secret!: string;
  readonly admin_user!: string;
  readonly admin_secret!: string;
  readonly cookie_secret!: string;
  readonly allow_posting_from!: string[];
  readonly trusted_proxies!: string[];
  readonly port!: number;
  readonly host!: string;
  readonly log_level!: SettingValues['log_level'];
  readonly allow_cors!: string[];
  readonly validate_requests!: boolean;
  readonly signature_mode!: SettingValues['signature_mode'];
  readonly signature_max_age!: number;
  readonly previous_secret!: string;
  readonly previous_secret_expires!: string;
  readonly enforce_https!: boolean;
  readonly http_scheme!: SettingValues['http_scheme'];
  readonly gc_conns_after!: number;
  readonly gc_channels_after!: number;
  readonly wake_connections_after!: number;
  readonly resume_grace!: number;
  readonly recovery_max_events!: number;
  readonly metrics_port!: number;
  readonly metrics_host!: string;
  readonly engine!: SettingValues['engine'];
  readonly redis_url!: string;
  readonly redis_prefix!: string;
  readonly max_body_size!: number;
  readonly max_messages_per_request!: number;
  readonly max_message_size!: number;
  readonly max_frame_size!: number;
  readonly max_buffered_bytes!: number;
  readonly max_channels_per_connection!: number;
  readonly max_connections_per_user!: number;
  readonly connect_rate!: number;
  readonly connect_burst!: number;
  readonly publish_rate!: number;
  readonly publish_burst!: number;
  readonly demo!: boolean;
  /** True when NODE_ENV=production. */
  readonly production!: boolean;

  private constructor(values: SettingValues, production: boolean) {
    Object.assign(this, values, { production });
    Object.freeze(this);
  }

  static load(sources: SettingsSources = {}): Settings {
    const env = sources.env ?? {};
    const raw = new Map<SettingName, { text: string; origin: string }>();
    const take = (entries: Record<string, string | undefined>, keyOf: (name: string) => string, origin: string) => {
      for (const name of Object.keys(SETTINGS) as SettingName[]) {
        const text = entries[keyOf(name)];
        if (text !== undefined) raw.set(name, { text, origin: `${origin} ${keyOf(name)}` });
      }
    };
    if (sources.iniPath) take(readIniSection(sources.iniPath, 'channelstream'), (n) => n, `ini file ${sources.iniPath}:`);
    if (sources.envFilePath) take(readEnvFile(sources.envFilePath), envName, `${sources.envFilePath}:`);
    if (env.PORT !== undefined && env[envName('port')] === undefined) raw.set('port', { text: env.PORT, origin: 'environment PORT' });
    take(env, envName, 'environment');

    const values: Record<string, unknown> = {};
    const errors: string[] = [];
    for (const [name, spec] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
      const given = raw.get(name);
      if (!given) {
        values[name] = typeof spec.default === 'function' ? spec.default() : spec.default;
        continue;
      }
      const parsed = spec.parse(given.text);
      if ('error' in parsed) errors.push(`${name} (${given.origin}) ${parsed.error}`);
      else values[name] = parsed.value;
    }
    Object.assign(values, sources.overrides);
    if (!values.cookie_secret) values.cookie_secret = randomBytes(32).toString('hex');

    if (values.previous_secret && !values.previous_secret_expires) {
      errors.push(`previous_secret is set without previous_secret_expires: set ${envName('previous_secret_expires')} (e.g. 2026-01-31T00:00:00Z) so the old secret stops working`);
    }
    if (values.previous_secret && values.previous_secret === values.secret) errors.push('previous_secret is the same as secret: set the new secret in secret');

    const production = env.NODE_ENV === 'production';
    if (production) {
      for (const [name, insecure] of Object.entries(DEFAULT_SECRETS)) {
        if (values[name] === insecure) {
          errors.push(`${name} is the default "${insecure}": refusing to start with NODE_ENV=production; set ${envName(name)}`);
        }
      }
    }
    if (errors.length > 0) throw new ConfigError(`Invalid configuration:\n  - ${errors.join('\n  - ')}`);
    return new Settings(values as SettingValues, production);
  }
}

function readEnvFile(path: string): Record<string, string> {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return parseEnv(content) as Record<string, string>;
}
