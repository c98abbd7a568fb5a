/**
 * Which addresses the server may fetch a URL from. A URL given to /v1/articles is the client's,
 * but the fetch happens from the server's network position: without this, anyone who can reach the
 * server could make it read its own loopback services, the LAN, or a cloud metadata endpoint (SSRF).
 * The check applies to the address actually connected to (every DNS answer, every redirect hop),
 * so a public name that resolves to a private address, or redirects there, is refused too.
 */
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64 (embeds IPv4)
  ['64:ff9b:1::', 48], // local-use NAT64 (embeds IPv4)
  ['100::', 64], // discard
  ['2001::', 32], // Teredo (embeds the client's IPv4, obfuscated)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed inside some networks)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/**
 * The eight 16-bit words of an IPv6 address, whatever its spelling (`::ffff:0:127.0.0.1`,
 * `0:0:0:0:0:ffff:7f00:1`, …); null when it is not one. The WHATWG URL parser writes every IPv6
 * host in one canonical form (hex words, the longest zero run as `::`), which is simple to expand.
 */
function ipv6Words(address: string): number[] | null {
  let host: string;
  try {
    host = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  const [head = '', tail] = host.split('::');
  const words = (part: string) => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const front = words(head);
  const back = tail === undefined ? [] : words(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * The IPv4 address an IPv6 one carries, judged in its place: IPv4-mapped (::ffff:0:0/96),
 * IPv4-translated (::ffff:0:0:0/96), IPv4-compatible (::/96) and 6to4 (2002::/16, which routes to
 * the IPv4 address in words 1–2).
 */
function embeddedIpv4(w: readonly number[]): string | null {
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (zeros(0, 5) && w[5] === 0xffff) return v4(w[6]!, w[7]!);
  if (zeros(0, 4) && w[4] === 0xffff && w[5] === 0) return v4(w[6]!, w[7]!);
  if (zeros(0, 6)) return v4(w[6]!, w[7]!);
  if (w[0] === 0x2002) return v4(w[1]!, w[2]!);
  return null;
}

/** True for an address on the public internet; false for private, loopback, link-local and other special ranges. */
export function isPublicAddress(address: string, family?: 4 | 6): boolean {
  const fam = family ?? (isIP(address) as 0 | 4 | 6);
  if (fam === 4) return !blocked.check(address, 'ipv4');
  if (fam === 6) {
    const words = ipv6Words(address);
    if (!words) return false;
    const v4 = embeddedIpv4(words);
    if (v4) return !blocked.check(v4, 'ipv4');
    return !blocked.check(address, 'ipv6');
  }
  return false;
}
