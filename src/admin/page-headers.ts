import type { FastifyReply } from 'fastify';

/**
 * Only this server's own scripts, styles and requests; no framing, no
 * inline code, so injected markup could not run even if escaping failed.
 */
export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Sends an admin HTML page: never cached (it may show data), never framed. */
export function sendPage(reply: FastifyReply, status: number, html: string): void {
  reply
    .code(status)
    .header('content-security-policy', ADMIN_CSP)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html);
}
