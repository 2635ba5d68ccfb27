// Rules of the partnership module, without a database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  displayName, electionEffect, isEmailAddress, isTelephoneNumber, wouldBeOwnAncestor, bodyTree, rangesOverlap,
  membershipPeriod, membershipClash, groupMemberships, nominationProblems,
} from './domain.ts';

// People, bodies, memberships and elections ------------------------------------------

test('a name is printed as minutes print it: honorific, names, then honours', () => {
  assert.equal(displayName({ honorific: 'Cllr', given_name: 'Morag', family_name: 'Penhaligon', honours: 'MBE' }), 'Cllr Morag Penhaligon MBE');
  assert.equal(displayName({ honorific: 'DI', given_name: null, family_name: 'Chen', honours: null }), 'DI Chen');
  assert.equal(displayName({ honorific: null, given_name: null, family_name: 'Okafor', honours: null }), 'Okafor');
});

test('an email address needs something, an @, and a domain with a dot', () => {
  assert.ok(isEmailAddress('gwen.abernethy@northshire.example'));
  for (const bad of ['gwen', 'gwen@', 'gwen@northshire', 'gwen abernethy@northshire.example', '@northshire.example']) {
    assert.equal(isEmailAddress(bad), false, bad);
  }
});

test('a telephone number may have spaces, brackets, a plus and an extension, but needs digits', () => {
  for (const ok of ['01632 960 001', '+44 (0)1632 960001', '01632-960001 ext 214', '07700 900123']) assert.ok(isTelephoneNumber(ok), ok);
  for (const bad of ['ring reception', '123', 'call 01632 960001']) assert.equal(isTelephoneNumber(bad), false, bad);
});

test('a body cannot become a subgroup of itself or of one of its own subgroups', () => {
  const parentOf = new Map<string, string | null>([['board', null], ['working', 'board'], ['task', 'working'], ['other', null]]);
  assert.equal(wouldBeOwnAncestor('board', 'board', parentOf), true);
  assert.equal(wouldBeOwnAncestor('board', 'task', parentOf), true);
  assert.equal(wouldBeOwnAncestor('working', 'task', parentOf), true);
  assert.equal(wouldBeOwnAncestor('task', 'board', parentOf), false);
  assert.equal(wouldBeOwnAncestor('other', 'working', parentOf), false);
  assert.equal(wouldBeOwnAncestor('board', null, parentOf), false);
});

test('bodies form a tree by parent, siblings in name order, and none is lost', () => {
  const tree = bodyTree([
    { id: 'w', parent_id: 'b', name: 'Working Group' },
    { id: 'b', parent_id: null, name: 'Northshire CSP' },
    { id: 'r', parent_id: 'b', name: 'Review Steering Group' },
    { id: 't', parent_id: 'w', name: 'Task and Finish Group' },
    { id: 'x', parent_id: 'y', name: 'Loop X' },
    { id: 'y', parent_id: 'x', name: 'Loop Y' },
  ]);
  const names = (nodes: typeof tree): unknown[] => nodes.map((n) => (n.children.length ? [n.body.name, names(n.children)] : n.body.name));
  assert.deepEqual(names(tree.filter((n) => n.body.id === 'b')), [['Northshire CSP', ['Review Steering Group', ['Working Group', ['Task and Finish Group']]]]]);
  const all: string[] = [];
  const walk = (nodes: typeof tree) => nodes.forEach((n) => { all.push(n.body.id); walk(n.children); });
  walk(tree);
  assert.deepEqual(all.sort(), ['b', 'r', 't', 'w', 'x', 'y']);
});

test('periods overlap when they share a day; an open end runs on', () => {
  assert.ok(rangesOverlap({ starts_on: '2024-01-01', ends_on: '2024-12-31' }, { starts_on: '2024-12-31', ends_on: null }));
  assert.ok(!rangesOverlap({ starts_on: '2024-01-01', ends_on: '2024-12-30' }, { starts_on: '2024-12-31', ends_on: null }));
  assert.ok(rangesOverlap({ starts_on: '2020-01-01', ends_on: null }, { starts_on: '2030-01-01', ends_on: null }));
  assert.ok(!rangesOverlap({ starts_on: '2025-01-01', ends_on: null }, { starts_on: '2020-01-01', ends_on: '2024-12-31' }));
});

test('a membership is past, current or still to come', () => {
  assert.equal(membershipPeriod({ starts_on: '2024-01-01', ends_on: '2025-05-31' }, '2025-06-01'), 'past');
  assert.equal(membershipPeriod({ starts_on: '2024-01-01', ends_on: '2025-06-01' }, '2025-06-01'), 'current');
  assert.equal(membershipPeriod({ starts_on: '2025-06-01', ends_on: null }, '2025-06-01'), 'current');
  assert.equal(membershipPeriod({ starts_on: '2025-06-02', ends_on: null }, '2025-06-01'), 'upcoming');
});

test('a body has one chair at a time, and nobody holds the same role twice at once', () => {
  const existing = [
    { id: 'm1', person_id: 'kellaway', role: 'chair', starts_on: '2024-05-01', ends_on: null },
    { id: 'm2', person_id: 'osei', role: 'member', starts_on: '2023-01-01', ends_on: null },
    { id: 'm3', person_id: 'treharne', role: 'chair', starts_on: '2021-05-01', ends_on: '2024-04-30' },
  ];
  const secondChair = membershipClash({ person_id: 'osei', role: 'chair', starts_on: '2025-01-01', ends_on: null }, existing);
  assert.equal(secondChair?.kind, 'role-held');
  assert.equal(secondChair?.membership.id, 'm1');
  // Before the current chair began, after the last one stood down: no clash... except the day the old one still held it.
  assert.equal(membershipClash({ person_id: 'osei', role: 'chair', starts_on: '2024-04-30', ends_on: '2024-04-30' }, existing)?.membership.id, 'm3');
  assert.equal(membershipClash({ person_id: 'osei', role: 'member', starts_on: '2025-01-01', ends_on: null }, existing)?.kind, 'duplicate');
  // Many members at once are fine; so is a second spell after the first ended.
  assert.equal(membershipClash({ person_id: 'kellaway', role: 'member', starts_on: '2025-01-01', ends_on: null }, existing), null);
  assert.equal(membershipClash({ person_id: 'treharne', role: 'member', starts_on: '2020-01-01', ends_on: '2020-12-31' }, existing), null);
  // A membership being changed does not clash with itself.
  assert.equal(membershipClash({ id: 'm1', person_id: 'kellaway', role: 'chair', starts_on: '2024-06-01', ends_on: null }, existing), null);
});

test('a body page groups current members by role, in the order minutes list them', () => {
  const groups = groupMemberships([
    { id: 'a', role: 'member', starts_on: '2024-01-01', ends_on: null },
    { id: 'b', role: 'officer', starts_on: '2024-01-01', ends_on: null },
    { id: 'c', role: 'chair', starts_on: '2024-01-01', ends_on: null },
    { id: 'd', role: 'chair', starts_on: '2020-01-01', ends_on: '2023-12-31' },
    { id: 'e', role: 'member', starts_on: '2019-01-01', ends_on: '2021-12-31' },
    { id: 'f', role: 'member', starts_on: '2026-01-01', ends_on: null },
  ], '2025-06-01');
  assert.deepEqual(groups.current.map((g) => [g.heading, g.members.map((m) => m.id)]), [['Chair', ['c']], ['Members', ['a']], ['Officers', ['b']]]);
  assert.deepEqual(groups.past.map((m) => m.id), ['d', 'e']);
  assert.deepEqual(groups.upcoming.map((m) => m.id), ['f']);
});

test('the nominee may not move or second their own nomination, nor one person do both', () => {
  assert.deepEqual(nominationProblems({ nominee_id: 'n', mover_id: 'm', seconder_id: 's' }), []);
  assert.deepEqual(nominationProblems({ nominee_id: 'n', mover_id: null, seconder_id: null }), []);
  assert.deepEqual(nominationProblems({ nominee_id: 'n', mover_id: 'n', seconder_id: 's' }).map((p) => p.field), ['mover_id']);
  assert.match(nominationProblems({ nominee_id: 'n', mover_id: 'm', seconder_id: 'n' })[0]!.message, /cannot second their own nomination/);
  assert.match(nominationProblems({ nominee_id: 'n', mover_id: 'm', seconder_id: 'm' })[0]!.message, /cannot also second it/);
  assert.deepEqual(nominationProblems({ nominee_id: 'n', mover_id: null, seconder_id: 's' }).map((p) => p.field), ['mover_id']);
});

test('an elected nominee takes the role from the election day; the previous holder stands down the day before', () => {
  const holders = [{ id: 'm1', person_id: 'treharne', role: 'chair', starts_on: '2022-05-01', ends_on: null }];
  const effect = electionEffect({ role: 'chair', held_on: '2025-05-14', result: 'elected', nominee_id: 'kellaway' }, holders);
  assert.deepEqual(effect, { endMembershipIds: ['m1'], endOn: '2025-05-13', newMembership: { role: 'chair', starts_on: '2025-05-14' } });
  const reElected = electionEffect({ role: 'chair', held_on: '2025-05-14', result: 'elected', nominee_id: 'treharne' }, holders);
  assert.deepEqual(reElected, { endMembershipIds: [], endOn: '2025-05-13', newMembership: null });
  const lost = electionEffect({ role: 'chair', held_on: '2025-05-14', result: 'not elected', nominee_id: 'kellaway' }, holders);
  assert.deepEqual(lost.endMembershipIds, []);
  assert.equal(lost.newMembership, null);
});
