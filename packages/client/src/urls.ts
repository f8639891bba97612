import { pageHref } from './platform.js';

export interface ListenQuery {
  connId: string;
  /** Ask for offset and epoch on every event. */
  positions: boolean;
  /** Position token to resume from. */
  since?: string;
}

/** The server's address as a URL; relative addresses resolve against the page in browsers. */
export function serverUrl(base: string): URL {
  const href = pageHref();
  return href ? new URL(base, href) : new URL(base);
}

/** `<base>/<path>?conn_id=…[&positions=1][&since=…]`, keeping a path prefix of the base (a proxy mount point). */
export function listenUrl(base: string, path: 'ws' | 'listen' | 'sse', query: ListenQuery): string {
  const url = serverUrl(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path}`;
  url.search = '';
  url.hash = '';
  url.searchParams.set('conn_id', query.connId);
  if (query.positions) url.searchParams.set('positions', '1');
  if (query.since) url.searchParams.set('since', query.since);
  if (path === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** POST /disconnect for a conn_id. */
export function disconnectUrl(base: string, connId: string): string {
  const url = serverUrl(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/disconnect`;
  url.search = '';
  url.searchParams.set('conn_id', connId);
  return url.toString();
}
