import { describe, expect, it } from '@jest/globals';
import { AddressAllowlist } from './address-allowlist';

describe(AddressAllowlist.name, () => {
  it('allows an exact IPv4 address and nothing else', () => {
    const list = new AddressAllowlist(['127.0.0.1']);
    expect(list.allows('127.0.0.1')).toBe(true);
    expect(list.allows('127.0.0.2')).toBe(false);
    expect(list.allows('10.0.0.1')).toBe(false);
  });

  it('allows an exact IPv6 address in any spelling', () => {
    const list = new AddressAllowlist(['2001:db8::1']);
    expect(list.allows('2001:db8::1')).toBe(true);
    expect(list.allows('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe(true);
    expect(list.allows('2001:db8::2')).toBe(false);
  });

  it('allows ::1 only when listed', () => {
    expect(new AddressAllowlist(['::1']).allows('::1')).toBe(true);
    expect(new AddressAllowlist(['127.0.0.1']).allows('::1')).toBe(false);
  });

  it('allows addresses inside an IPv4 CIDR range', () => {
    const list = new AddressAllowlist(['10.1.0.0/16']);
    expect(list.allows('10.1.0.0')).toBe(true);
    expect(list.allows('10.1.255.254')).toBe(true);
    expect(list.allows('10.2.0.1')).toBe(false);
    expect(list.allows('9.255.255.255')).toBe(false);
  });

  it('allows addresses inside an IPv6 CIDR range', () => {
    const list = new AddressAllowlist(['fd00:abcd::/32']);
    expect(list.allows('fd00:abcd:1234::9')).toBe(true);
    expect(list.allows('fd00:abce::1')).toBe(false);
  });

  it('checks every entry of a mixed list', () => {
    const list = new AddressAllowlist(['192.168.1.5', '10.0.0.0/8', '::1', 'fe80::/10']);
    expect(list.allows('192.168.1.5')).toBe(true);
    expect(list.allows('10.200.3.4')).toBe(true);
    expect(list.allows('::1')).toBe(true);
    expect(list.allows('fe80::1234')).toBe(true);
    expect(list.allows('192.168.1.6')).toBe(false);
    expect(list.allows('2001:db8::1')).toBe(false);
  });

  it('matches an IPv4-mapped IPv6 address against its IPv4 entry', () => {
    expect(new AddressAllowlist(['127.0.0.1']).allows('::ffff:127.0.0.1')).toBe(true);
    expect(new AddressAllowlist(['10.0.0.0/8']).allows('::ffff:10.9.8.7')).toBe(true);
    expect(new AddressAllowlist(['127.0.0.1']).allows('::ffff:127.0.0.2')).toBe(false);
  });

  it('matches an IPv4 address against a mapped IPv6 entry', () => {
    expect(new AddressAllowlist(['::ffff:127.0.0.1']).allows('127.0.0.1')).toBe(true);
  });

  it('lets anyone in when 0.0.0.0 is listed, even without an address', () => {
    const list = new AddressAllowlist(['127.0.0.1', '0.0.0.0']);
    expect(list.allows('203.0.113.9')).toBe(true);
    expect(list.allows('2001:db8::1')).toBe(true);
    expect(list.allows(undefined)).toBe(true);
  });

  it.each([undefined, '', 'localhost', 'not an ip', '127.0.0.1:8000', '999.1.1.1', '::ffff:zz'])(
    'refuses the unusable address %j',
    (address) => {
      expect(new AddressAllowlist(['127.0.0.1', '::1', '10.0.0.0/8']).allows(address)).toBe(false);
    },
  );

  it('refuses everyone when the list is empty', () => {
    expect(new AddressAllowlist([]).allows('127.0.0.1')).toBe(false);
  });
});
