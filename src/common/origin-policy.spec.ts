import { describe, expect, it } from '@jest/globals';
import { OriginPolicy, parseOriginPattern } from './origin-policy';

describe(OriginPolicy.name, () => {
  it('allows any origin when the list is empty or holds *', () => {
    expect(new OriginPolicy([]).allows('https://evil.example')).toBe(true);
    expect(new OriginPolicy(['*']).allowsTransport('https://evil.example', 'rt.example.com')).toBe(true);
  });

  it('matches exact origins, ignoring case, a trailing slash and the default port', () => {
    const policy = new OriginPolicy(['https://App.example.com/', 'http://localhost:3000']);
    expect(policy.allows('https://app.example.com')).toBe(true);
    expect(policy.allows('https://app.example.com:443')).toBe(true);
    expect(policy.allows('http://localhost:3000')).toBe(true);
    expect(policy.allows('http://localhost:3001')).toBe(false);
    expect(policy.allows('http://app.example.com')).toBe(false);
    expect(policy.allows('https://app.example.com.evil.io')).toBe(false);
  });

  it('matches a wildcard subdomain at any depth, but not the bare domain or a lookalike', () => {
    const policy = new OriginPolicy(['https://*.example.com']);
    expect(policy.allows('https://a.example.com')).toBe(true);
    expect(policy.allows('https://a.b.example.com')).toBe(true);
    expect(policy.allows('https://example.com')).toBe(false);
    expect(policy.allows('https://evilexample.com')).toBe(false);
    expect(policy.allows('https://a.example.com.evil.io')).toBe(false);
    expect(policy.allows('http://a.example.com')).toBe(false);
  });

  it('matches a wildcard port', () => {
    const policy = new OriginPolicy(['http://localhost:*']);
    expect(policy.allows('http://localhost:5173')).toBe(true);
    expect(policy.allows('http://localhost')).toBe(true);
    expect(policy.allows('http://localhost.evil.io:5173')).toBe(false);
  });

  it.each(['null', '', 'file://', 'javascript:alert(1)', 'https://a.example.com/path', 'x'.repeat(400)])('refuses the origin %j unless any is allowed', (origin) => {
    expect(new OriginPolicy(['https://a.example.com']).allows(origin)).toBe(false);
  });

  it('lets transports through without an Origin (not a browser) or from a page of this server', () => {
    const policy = new OriginPolicy(['https://app.example.com']);
    expect(policy.allowsTransport(undefined, 'rt.example.com')).toBe(true);
    expect(policy.allowsTransport('https://rt.example.com', 'rt.example.com')).toBe(true);
    expect(policy.allowsTransport('http://127.0.0.1:8000', '127.0.0.1:8000')).toBe(true);
    expect(policy.allowsTransport('https://rt.example.com', 'rt.example.com:443')).toBe(true);
    expect(policy.allowsTransport('https://evil.example', 'rt.example.com')).toBe(false);
    expect(policy.allowsTransport('https://app.example.com', 'rt.example.com')).toBe(true);
  });

  it('parses patterns and refuses what is not one', () => {
    expect(parseOriginPattern('https://*.example.com:*')).toEqual({ scheme: 'https', host: 'example.com', wildcardHost: true, port: '*' });
    for (const bad of ['example.com', 'ftp://x.com', 'https://*', 'https://a.*.com', 'https://x.com/path', 'https://.x.com', 'https://x..com']) {
      expect(parseOriginPattern(bad)).toBeUndefined();
    }
  });
});
