import { isIP } from 'node:net';

/*
 * Which IP addresses an image download may connect to (OWASP SSRF prevention: deny internal destinations by
 * address, after resolution, for every hop). Addresses are parsed into bytes here rather than matched as text, so
 * that every spelling of one address (IPv4-mapped IPv6, compressed IPv6, zone ids) gets the same answer; the WHATWG
 * URL parser has already turned decimal, octal and hex IPv4 forms such as `2130706433` or `0x7f.1` into dotted quads.
 */

/** Why an address is refused (for the server log only: clients get one answer whatever the reason). */
export type BlockedAddressReason =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared (carrier-grade NAT)'
  | 'link-local (cloud metadata)'
  | 'reserved'
  | 'multicast'
  | 'broadcast'
  | 'unique-local'
  | 'not an IP address';

/** An IPv4 range: first address as 32-bit number, prefix length. */
interface V4Range {
  readonly base: number;
  readonly bits: number;
  readonly reason: BlockedAddressReason;
}

const v4 = (text: string, bits: number, reason: BlockedAddressReason): V4Range => ({
  base: ipv4ToNumber(text) as number,
  bits,
  reason,
});

/** IPv4 ranges that are not the public internet (RFC 6890 special-purpose registry, the non-global entries). */
const BLOCKED_V4: readonly V4Range[] = [
  v4('0.0.0.0', 8, 'unspecified'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'shared (carrier-grade NAT)'), // includes Alibaba's metadata 100.100.100.200
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link-local (cloud metadata)'), // AWS, GCP, Azure metadata 169.254.169.254
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'reserved'), // IETF protocol assignments (Oracle metadata 192.0.0.192)
  v4('192.0.2.0', 24, 'reserved'),
  v4('192.88.99.0', 24, 'reserved'),
  v4('192.168.0.0', 16, 'private'),
  v4('198.18.0.0', 15, 'reserved'),
  v4('198.51.100.0', 24, 'reserved'),
  v4('203.0.113.0', 24, 'reserved'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved'),
  v4('255.255.255.255', 32, 'broadcast'),
];

/**
 * Why `address` (an IPv4 or IPv6 literal, as a resolver returns it) must not be connected to, or `undefined` when
 * it is a public address.
 */
export function blockedAddressReason(address: string): BlockedAddressReason | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // brackets of URL hosts, IPv6 zone ids
  const family = isIP(bare);
  if (family === 4) return blockedV4(ipv4ToNumber(bare) as number);
  if (family === 6) return blockedV6(ipv6ToBytes(bare));
  return 'not an IP address';
}

function blockedV4(value: number): BlockedAddressReason | undefined {
  for (const range of BLOCKED_V4) {
    const mask = range.bits === 0 ? 0 : (~0 << (32 - range.bits)) >>> 0;
    if ((value & mask) >>> 0 === (range.base & mask) >>> 0) return range.reason;
  }
  return undefined;
}

function blockedV6(bytes: Uint8Array): BlockedAddressReason | undefined {
  const zeroUpTo = (end: number) => bytes.subarray(0, end).every((byte) => byte === 0);
  const embeddedV4 = (offset: number) =>
    ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
  if (zeroUpTo(16)) return 'unspecified';
  if (zeroUpTo(15) && bytes[15] === 1) return 'loopback';
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible, deprecated): the IPv4 address is what is reached.
  if (zeroUpTo(10) && bytes[10] === 0xff && bytes[11] === 0xff) return blockedV4(embeddedV4(12));
  if (zeroUpTo(12)) return blockedV4(embeddedV4(12));
  // 64:ff9b::/96 (NAT64) and 2002::/16 (6to4) carry an IPv4 address that the gateway connects to.
  if (
    bytes[0] === 0x00 &&
    bytes[1] === 0x64 &&
    bytes[2] === 0xff &&
    bytes[3] === 0x9b &&
    bytes.subarray(4, 12).every((b) => b === 0)
  ) {
    return blockedV4(embeddedV4(12));
  }
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return blockedV4(embeddedV4(2));
  if ((bytes[0] & 0xfe) === 0xfc) return 'unique-local'; // fc00::/7, includes AWS's fd00:ec2::254
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) return 'link-local (cloud metadata)'; // fe80::/10
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0xc0) return 'private'; // fec0::/10, deprecated site-local
  if (bytes[0] === 0xff) return 'multicast';
  if (bytes[0] === 0x20 && bytes[1] === 0x01 && bytes[2] === 0x0d && bytes[3] === 0xb8) return 'reserved'; // 2001:db8::/32
  if (bytes[0] === 0x01 && bytes.subarray(1, 8).every((b) => b === 0)) return 'reserved'; // 100::/64 discard
  return undefined;
}

/** A dotted-quad IPv4 address as an unsigned 32-bit number, or undefined when it is not one. */
function ipv4ToNumber(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
  return parts.reduce((value, part) => ((value << 8) | Number(part)) >>> 0, 0);
}

/** The 16 bytes of an IPv6 literal that `net.isIP` accepted (`::` compression and a trailing dotted quad allowed). */
function ipv6ToBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(16);
  let body = text.toLowerCase();
  const tailV4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (tailV4 !== null) {
    const value = ipv4ToNumber(tailV4[1]) as number;
    body = `${body.slice(0, tailV4.index)}${((value >>> 16) & 0xffff).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head, tail] = body.includes('::') ? body.split('::') : [body, undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...new Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  groups.forEach((group, index) => {
    const value = parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  return bytes;
}
