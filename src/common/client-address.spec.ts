import { describe, expect, it } from '@jest/globals';
import { Settings } from '../config/settings';
import { ClientAddress } from './client-address';

const resolver = (trusted: string[]) => new ClientAddress(Settings.load({ overrides: { trusted_proxies: trusted } }));

describe(ClientAddress.name, () => {
  it('uses the peer address and ignores X-Forwarded-For without trusted proxies', () => {
    expect(resolver([]).resolve('203.0.113.9', '127.0.0.1')).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(resolver(['10.0.0.0/8']).resolve('203.0.113.9', '127.0.0.1')).toBe('203.0.113.9');
  });

  it('takes the address the trusted proxy appended', () => {
    expect(resolver(['10.0.0.0/8']).resolve('10.0.0.2', '198.51.100.7')).toBe('198.51.100.7');
  });

  it('never picks what the client wrote itself, left of the proxies', () => {
    expect(resolver(['10.0.0.0/8']).resolve('10.0.0.2', '127.0.0.1, 198.51.100.7')).toBe('198.51.100.7');
    expect(resolver(['10.0.0.0/8']).resolve('10.0.0.2', ['127.0.0.1', '198.51.100.7, 10.0.0.9'])).toBe('198.51.100.7');
  });

  it('skips every trusted hop, and stops at garbage', () => {
    expect(resolver(['10.0.0.0/8']).resolve('10.0.0.2', '10.0.0.3, 10.0.0.4')).toBe('10.0.0.3');
    expect(resolver(['10.0.0.0/8']).resolve('10.0.0.2', 'nonsense, 10.0.0.4')).toBe('10.0.0.4');
    expect(resolver(['10.0.0.0/8']).resolve('10.0.0.2', '')).toBe('10.0.0.2');
  });

  it('reads addresses with ports and bracketed IPv6', () => {
    expect(resolver(['10.0.0.0/8']).resolve('10.0.0.2', '198.51.100.7:4711')).toBe('198.51.100.7');
    expect(resolver(['::1']).resolve('::1', '[2001:db8::5]:443')).toBe('2001:db8::5');
  });
});
