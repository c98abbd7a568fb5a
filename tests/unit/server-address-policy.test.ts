import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/server/address-policy.js';

describe('server fetch address policy (SSRF)', () => {
  it.each([
    '127.0.0.1', '127.1.2.3', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1',
    '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a00:1', 'ff02::1', 'not-an-address',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  // IPv6 spellings that carry a private IPv4 address, and IPv6 ranges that are not the public internet.
  it.each([
    '::ffff:0:127.0.0.1', // IPv4-translated
    '::ffff:0:7f00:1',
    '0:0:0:0:0:ffff:0:a00:1',
    '::127.0.0.1', // IPv4-compatible
    '::7f00:1',
    '::a9fe:a9fe',
    '0:0:0:0:0:ffff:7f00:1', // IPv4-mapped, written out
    '2002:7f00:1::1', // 6to4 around 127.0.0.1
    '2002:c0a8:101::', // 6to4 around 192.168.1.1
    'fec0::1', // site-local
    'feff::1',
    '2001:0:4136:e378::1', // Teredo
    '64:ff9b:1::a00:1', // local-use NAT64
    'fe80::1%eth0',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address, 6)).toBe(false);
  });

  it.each(['2002:808:808::1', '::ffff:0:808:808', '2001:4860:4860::8888'])('allows %s (a public IPv4 inside, or a public IPv6)', (address) => {
    expect(isPublicAddress(address, 6)).toBe(true);
  });

  it.each(['93.184.216.34', '1.1.1.1', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});
