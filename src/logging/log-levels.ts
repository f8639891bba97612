import type { FastifyBaseLogger } from 'fastify';

const ORDER = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Whether a pino logger writes `level` (checked before building a line, so disabled levels cost nothing). */
export function isEnabled(logger: FastifyBaseLogger, level: string): boolean {
  if (logger.level === 'silent') return false;
  return ORDER.indexOf(level) >= ORDER.indexOf(logger.level);
}
