import { test } from 'node:test';
import assert from 'node:assert/strict';
import { can, type Actor, type Grant } from '../../access/policy.ts';
import { actionResource } from './commands.ts';

const pid = 'p';
const member = (personId: string | null, grants: Grant[] = []): Actor =>
  ({ kind: 'user', partnershipId: pid, userId: 'u', displayName: 'Stuart Macrae', role: 'member', personId, grants });
const officer: Actor = { kind: 'user', partnershipId: pid, userId: 'o', displayName: 'Gwen Abernethy', role: 'officer', personId: null, grants: [] };
const publicActor: Actor = { kind: 'public', partnershipId: pid };
const action = (over: Partial<{ restricted: boolean; owner_person_id: string | null }> = {}) =>
  actionResource({ restricted: false, body_id: 'board', owner_person_id: 'stuart', ...over });

test('actions are for signed-in people: the public may not read them', () => {
  assert.equal(can(publicActor, 'read', action()), false);
  assert.equal(can(member(null), 'read', action()), true);
});

test('the owner may add updates to their own action; other members may not', () => {
  assert.equal(can(member('stuart'), 'update', action()), true);
  assert.equal(can(member('someone-else'), 'update', action()), false);
  assert.equal(can(member(null), 'update', action({ owner_person_id: null })), false);
  assert.equal(can(officer, 'update', action({ owner_person_id: null })), true);
});

test('owning an action does not let a member create actions', () => {
  assert.equal(can(member('stuart'), 'create', { type: 'action' }), false);
});

test('a restricted action needs the body grant, even for its owner', () => {
  assert.equal(can(member('stuart'), 'read', action({ restricted: true })), false);
  assert.equal(can(member('stuart'), 'update', action({ restricted: true })), false);
  const granted = member('stuart', [{ scopeKind: 'body', scopeId: 'board' }]);
  assert.equal(can(granted, 'read', action({ restricted: true })), true);
  assert.equal(can(granted, 'update', action({ restricted: true })), true);
});
