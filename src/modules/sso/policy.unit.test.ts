import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordSignInAllowed } from '../../access/policy.ts';
import { domainAllowed, parseDomains } from './domain.ts';

test('when single sign-on is required of staff, officers and administrators may not use a password; members may', () => {
  assert.deepEqual((['administrator', 'officer', 'member'] as const).map((r) => passwordSignInAllowed(r, true)), [false, false, true]);
  assert.deepEqual((['administrator', 'officer', 'member'] as const).map((r) => passwordSignInAllowed(r, false)), [true, true, true]);
});

test('allowed domains are read one a line or by commas, and an address matches its own domain exactly', () => {
  assert.deepEqual(parseDomains(' Northshire.gov.uk\n@police.example,  northshire.gov.uk '), { domains: ['northshire.gov.uk', 'police.example'], bad: [] });
  assert.deepEqual(parseDomains('northshire.gov.uk not_a_domain http://x.example').bad, ['not_a_domain', 'http://x.example']);
  const allowed = ['northshire.gov.uk'];
  assert.equal(domainAllowed('Gwen@Northshire.gov.uk', allowed), true);
  assert.equal(domainAllowed('gwen@evil.northshire.gov.uk', allowed), false, 'a subdomain is not its parent');
  assert.equal(domainAllowed('gwen@northshire.gov.uk.evil.example', allowed), false);
  assert.equal(domainAllowed('northshire.gov.uk', allowed), false);
});
