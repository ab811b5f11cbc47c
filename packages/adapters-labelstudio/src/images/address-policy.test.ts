import { describe, expect, it } from 'vitest';
import { blockedAddressReason } from './address-policy';

// Issue 10 item 4: the address classes an image download must never reach, in the spellings a resolver or a URL
// can produce. Pure functions: nothing here opens a socket.
describe('blockedAddressReason', () => {
  it('refuses loopback, unspecified, private, shared, link-local and metadata IPv4 addresses', () => {
    const cases: [string, string][] = [
      ['127.0.0.1', 'loopback'],
      ['127.255.255.254', 'loopback'],
      ['0.0.0.0', 'unspecified'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['169.254.169.254', 'link-local (cloud metadata)'],
      ['100.100.100.200', 'shared (carrier-grade NAT)'],
      ['192.0.0.192', 'reserved'],
      ['224.0.0.1', 'multicast'],
      ['255.255.255.255', 'reserved'],
    ];
    for (const [address, reason] of cases) expect([address, blockedAddressReason(address)]).toEqual([address, reason]);
  });

  it('refuses the IPv6 forms: ::1, ::, fc00::/7, fe80::/10, IPv4-mapped and NAT64 / 6to4 carrying internal IPv4', () => {
    for (const address of [
      '::1',
      '0:0:0:0:0:0:0:1',
      '[::1]',
      '::',
      'fc00::1',
      'fd00:ec2::254',
      'fe80::1%eth0',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:169.254.169.254',
      '::ffff:a00:1',
      '::127.0.0.1',
      '64:ff9b::a9fe:a9fe',
      '2002:7f00:1::',
      'ff02::1',
    ]) {
      expect([address, blockedAddressReason(address)]).not.toEqual([address, undefined]);
    }
  });

  it('lets public addresses through', () => {
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '172.32.0.1',
      '100.128.0.1',
      '2606:4700::1111',
      '::ffff:8.8.8.8',
      '2002:808:808::',
    ]) {
      expect([address, blockedAddressReason(address)]).toEqual([address, undefined]);
    }
  });

  it('URL spellings of loopback (decimal, octal, hex, short) reach the check as dotted quads', () => {
    for (const url of [
      'http://2130706433/',
      'http://0x7f.1/',
      'http://017700000001/',
      'http://127.1/',
      'http://0/',
      'http://[::ffff:127.0.0.1]/',
    ]) {
      expect([url, blockedAddressReason(new URL(url).hostname)]).not.toEqual([url, undefined]);
    }
  });

  it('a host name is not an address', () => {
    expect(blockedAddressReason('localhost')).toBe('not an IP address');
  });
});
