import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a browser sent this request from another site (a CSRF attempt).
 * Sec-Fetch-Site decides when the browser sends it (every current one does);
 * otherwise Origin, then Referer, must name this host. A request with none of
 * them did not come from a cross-site page (browsers send Origin on every
 * cross-site POST), e.g. curl or a script, which a CSRF defence need not stop.
 */
export function isCrossSite(headers: IncomingHttpHeaders): boolean {
  const fetchSite = headers['sec-fetch-site'];
  // 'none' is the user's own action (address bar, bookmark); 'same-site' may be a sibling subdomain
  if (typeof fetchSite === 'string') return fetchSite !== 'same-origin' && fetchSite !== 'none';
  const source = headers.origin ?? headers.referer;
  if (source === undefined) return false;
  const sourceHost = hostOf(source);
  if (sourceHost === undefined) return true; // "null" (sandboxed frame, file://) or garbage
  const hosts = [headers.host, headers['x-forwarded-host']].flatMap((h) => (typeof h === 'string' ? h.split(',') : []));
  return !hosts.some((host) => host.trim().toLowerCase() === sourceHost);
}

/** Browsers add Origin or Sec-Fetch-Site to a form POST; scripts and curl usually send neither. */
export function sentByBrowser(headers: IncomingHttpHeaders): boolean {
  return headers.origin !== undefined || headers['sec-fetch-site'] !== undefined;
}

function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
