// Which addresses an administrator's address may reach (src/web/outbound.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressAllowed, addressRange, BlockedAddressError, isPublicAddress, outboundRule, ssoRule } from './outbound.ts';

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

test('single sign-on’s rule: the council’s private networks only when allowed, this machine only outside production, link-local and reserved addresses never', () => {
  const kinds = ['10.1.2.3', '172.16.5.4', '192.168.1.1', 'fd12:3456::1', '100.64.0.1'];
  const never = ['169.254.169.254', 'fe80::1', '::ffff:169.254.169.254', '0.0.0.0', '224.0.0.1', '192.0.2.1'];
  for (const production of [false, true]) {
    const off = ssoRule(false, production);
    const on = ssoRule(true, production);
    assert.ok(addressAllowed('51.140.1.1', off), 'public, always');
    for (const a of kinds) {
      assert.ok(!addressAllowed(a, off), `${a} refused by default`);
      assert.ok(addressAllowed(a, on), `${a} allowed by SSO_ALLOW_PRIVATE`);
    }
    for (const a of never) {
      assert.ok(!addressAllowed(a, on), `${a} never`);
      assert.match(new BlockedAddressError(a, a, on).message, /which this server never reaches$/);
    }
    assert.equal(addressAllowed('127.0.0.1', on), !production, 'this machine only outside production');
    assert.equal(addressAllowed('::1', on), !production);
  }
  assert.match(new BlockedAddressError('10.1.2.3', '10.1.2.3', ssoRule(false, true)).message, /^10\.1\.2\.3 is a private network address, which this server does not reach unless its operator allows it \(SSO_ALLOW_PRIVATE\)$/);
  assert.match(new BlockedAddressError('127.0.0.1', '127.0.0.1', ssoRule(true, true)).message, /never reaches/);
  // The ModernGov connector's rule is unchanged: everything when its own setting is on.
  for (const a of [...kinds, ...never, '127.0.0.1']) assert.ok(addressAllowed(a, outboundRule(true)), a);
  assert.match(new BlockedAddressError('169.254.169.254', '169.254.169.254', outboundRule(false)).message, /unless its operator allows it \(OUTBOUND_ALLOW_PRIVATE\)$/);
});
