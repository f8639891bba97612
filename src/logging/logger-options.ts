import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';
import type { Settings } from '../config/settings';

const PINO_LEVELS: Record<Settings['log_level'], string> = {
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  warn: 'warn',
  error: 'error',
  critical: 'fatal',
};

/** The URL with any `secret=` query value hidden (backends may sign through the query string). */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(/([?&]secret=)[^&]*/gi, '$1[redacted]');
}

function prettyAvailable(): boolean {
  try {
    createRequire(__filename).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * Fastify's pino logger: JSON lines in production, pretty in development
 * (when pino-pretty, a dev dependency, is installed), the level from
 * log_level. Signatures, cookies and message bodies are never logged.
 */
export function loggerOptions(settings: Settings, level?: string): FastifyServerOptions['logger'] {
  const pretty = !settings.production && process.env.CHANNELSTREAM_LOG_FORMAT !== 'json' && prettyAvailable();
  return {
    level: level ?? PINO_LEVELS[settings.log_level],
    redact: ['req.headers["x-channelstream-secret"]', 'req.headers["x-channelstream-signature"]', 'req.headers.cookie', 'req.headers.authorization'],
    serializers: {
      req: (req: { method?: string; url?: string; ip?: string; id?: string }) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
    },
    ...(pretty && { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }),
  };
}
