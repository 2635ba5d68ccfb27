// Which addresses an administrator's address may reach (src/web/outbound.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressRange, isPublicAddress } from './outbound.ts';

test('only public unicast addresses count as public; this machine, private networks, link-local and reserved ones do not', () => {
  for (const a of ['8.8.8.8', '51.140.1.1', '2a00:1450:4009:81f::200e']) assert.ok(isPublicAddress(a), a);
  const inside: [string, string][] = [
    ['127.0.0.1', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'], ['10.1.2.3', 'private'], ['172.16.5.4', 'private'], ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'], ['fe80::1', 'linkLocal'], ['fd12:3456::1', 'uniqueLocal'], ['100.64.0.1', 'carrierGradeNat'], ['0.0.0.0', 'unspecified'], ['192.0.2.1', 'reserved'],
  ];
  for (const [a, range] of inside) {
    assert.equal(addressRange(a), range, a);
    assert.ok(!isPublicAddress(a), a);
  }
  assert.ok(!isPublicAddress('not an address'));
});
