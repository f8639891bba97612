/**
 * allow_cors: which browser origins may use this server. Entries are exact
 * origins (`https://app.example.com`), patterns with a wildcard subdomain
 * (`https://*.example.com`, any depth, not the bare domain) or port
 * (`http://localhost:*`), or `*` for any. An empty list allows any origin.
 * The same list answers CORS and guards the browser transports (/ws,
 * /listen, /sse).
 */
export class OriginPolicy {
  /** True when every origin is allowed (empty list, or `*`). */
  readonly any: boolean;
  private readonly exact = new Set<string>();
  private readonly patterns: OriginPattern[] = [];
  /** Answers per origin: a few origins ask many times each. Bounded. */
  private readonly decided = new Map<string, boolean>();

  constructor(entries: readonly string[]) {
    this.any = entries.length === 0 || entries.includes('*');
    for (const entry of entries) {
      if (entry === '*') continue;
      const pattern = parseOriginPattern(entry);
      if (!pattern) throw new Error(`"${entry}" is not an origin or origin pattern`);
      if (pattern.wildcardHost || pattern.port === '*') this.patterns.push(pattern);
      else this.exact.add(`${pattern.scheme}://${pattern.host}${pattern.port ? `:${pattern.port}` : ''}`);
    }
  }

  /** Whether the Origin header value is on the list (always true when any origin is allowed). */
  allows(origin: string): boolean {
    if (this.any) return true;
    let allowed = this.decided.get(origin);
    if (allowed === undefined) {
      allowed = this.check(origin);
      if (this.decided.size >= 1024) this.decided.clear();
      this.decided.set(origin, allowed);
    }
    return allowed;
  }

  /**
   * For a browser transport: no Origin header (not a browser; anything else
   * can forge one anyway), a page of this server itself (Origin names the
   * Host the request came to), or an allowed origin.
   */
  allowsTransport(origin: string | undefined, host: string | undefined): boolean {
    if (this.any || origin === undefined) return true;
    if (host && sameHost(origin, host)) return true;
    return this.allows(origin);
  }

  private check(origin: string): boolean {
    const parsed = parseOrigin(origin);
    if (!parsed) return false;
    if (this.exact.has(`${parsed.scheme}://${parsed.host}${parsed.port ? `:${parsed.port}` : ''}`)) return true;
    return this.patterns.some((p) => matches(p, parsed));
  }
}

interface OriginPattern {
  scheme: string;
  /** Lower-case host; for a wildcard, the domain below the `*.`. */
  host: string;
  wildcardHost: boolean;
  /** '' for the scheme's default port, '*' for any, else digits. */
  port: string;
}

interface Origin {
  scheme: string;
  host: string;
  port: string;
}

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };
const ORIGIN = /^(https?):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;
const PATTERN = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?\/?$/;

/** An allow_cors entry (exact origin or pattern), or undefined when it is neither. */
export function parseOriginPattern(entry: string): OriginPattern | undefined {
  const m = PATTERN.exec(entry.trim().toLowerCase());
  if (!m) return undefined;
  const [, scheme, star, host, port] = m;
  if (host.startsWith('.') || host.endsWith('.') || host.includes('..')) return undefined;
  return { scheme, host, wildcardHost: star !== undefined, port: port === DEFAULT_PORTS[scheme] ? '' : (port ?? '') };
}

function parseOrigin(origin: string): Origin | undefined {
  if (origin.length > 300) return undefined;
  const m = ORIGIN.exec(origin.toLowerCase());
  if (!m) return undefined;
  const [, scheme, host, port] = m;
  return { scheme, host, port: port === DEFAULT_PORTS[scheme] ? '' : (port ?? '') };
}

function matches(pattern: OriginPattern, origin: Origin): boolean {
  if (pattern.scheme !== origin.scheme) return false;
  if (pattern.port !== '*' && pattern.port !== origin.port) return false;
  return pattern.wildcardHost ? origin.host.endsWith(`.${pattern.host}`) : origin.host === pattern.host;
}

/** The Origin's host[:port] is the Host header (the page was served by this server). */
function sameHost(origin: string, host: string): boolean {
  const parsed = parseOrigin(origin);
  if (!parsed) return false;
  const h = host.toLowerCase();
  const withPort = `${parsed.host}${parsed.port ? `:${parsed.port}` : ''}`;
  return h === withPort || h === `${parsed.host}:${DEFAULT_PORTS[parsed.scheme]}`;
}
