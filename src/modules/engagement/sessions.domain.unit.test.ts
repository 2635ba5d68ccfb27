// The information sessions' rules: the registration window, where a registration goes,
// the signed links (a link for one session or purpose opens no other), UK times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cancelToken, feedbackToken, inviteToken, invitesTo, mergeOrganisationCounts, organisationKey, placeFor, readCancelToken, readFeedbackToken, registrationWindow, sessionWhen, ukInstant } from './sessions.domain.ts';

const SECRET = 'test-secret-test-secret-test-secret-00';
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

test('registration is open from its opening until it closes or the session starts', () => {
  const s = { registration_opens_at: new Date('2027-03-01T00:00:00Z'), registration_closes_at: new Date('2027-03-10T12:00:00Z'), starts_at: new Date('2027-03-10T12:30:00Z'), ends_at: new Date('2027-03-10T13:30:00Z'), capacity: 2 };
  assert.equal(registrationWindow(s, new Date('2027-02-28T23:59:59Z')), 'not-yet-open');
  assert.equal(registrationWindow(s, new Date('2027-03-01T00:00:00Z')), 'open');
  assert.equal(registrationWindow(s, new Date('2027-03-10T12:00:00Z')), 'closed');
  assert.equal(registrationWindow({ ...s, registration_closes_at: new Date('2027-03-11T00:00:00Z') }, new Date('2027-03-10T12:30:00Z')), 'closed', 'never after the start');
});

test('a place while there is one, then the waiting list', () => {
  assert.equal(placeFor(2, 0), 'registered');
  assert.equal(placeFor(2, 1), 'registered');
  assert.equal(placeFor(2, 2), 'waiting');
});

test('signed links: each opens only its own record and purpose; a changed one opens nothing', () => {
  assert.equal(readCancelToken(SECRET, cancelToken(SECRET, A)), A);
  assert.equal(readCancelToken(SECRET, feedbackToken(SECRET, A)), null, 'a feedback link does not cancel');
  assert.equal(readFeedbackToken(SECRET, feedbackToken(SECRET, A)), A);
  const t = cancelToken(SECRET, A);
  assert.equal(readCancelToken(SECRET, `${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`), null);
  assert.equal(readCancelToken('another-secret-another-secret-0000000', t), null);
  assert.ok(invitesTo(SECRET, inviteToken(SECRET, A), A));
  assert.ok(!invitesTo(SECRET, inviteToken(SECRET, B), A), 'the partners link of one session does not open another');
  assert.ok(!invitesTo(SECRET, undefined, A));
});

test('times are UK times, written with the weekday, in summer and winter', () => {
  const summer = { starts_at: ukInstant('2027-07-15', '12:30'), ends_at: ukInstant('2027-07-15', '13:30') };
  assert.equal(summer.starts_at.toISOString(), '2027-07-15T11:30:00.000Z');
  assert.equal(sessionWhen(summer), 'Thursday 15 July 2027, 12:30pm to 1:30pm');
  const winter = { starts_at: ukInstant('2027-01-14', '12:00'), ends_at: ukInstant('2027-01-14', '13:00') };
  assert.equal(winter.starts_at.toISOString(), '2027-01-14T12:00:00.000Z');
  assert.equal(sessionWhen(winter), 'Thursday 14 January 2027, midday to 1pm');
});

test('organisations typed in different ways are counted once, under the directory\'s name or the most typed spelling', () => {
  assert.equal(organisationKey('  The Northshire  Police. '), 'northshire police');
  assert.equal(organisationKey('Housing & Communities'), organisationKey('housing and communities'));
  assert.equal(organisationKey(null), '');
  const rows = [
    { organisation: 'Northshire Police', typed: 3, places: 3, attended: 2, sessionIds: ['s1', 's2'] },
    { organisation: 'northshire police.', typed: 1, places: 1, attended: 1, sessionIds: ['s2'] },
    { organisation: 'Riverside Housing & Care', typed: 1, places: 1, attended: 0, sessionIds: [] },
    { organisation: 'riverside housing and care', typed: 2, places: 1, attended: 1, sessionIds: ['s3'] },
    { organisation: 'NFRS', typed: 1, places: 1, attended: 1, sessionIds: ['s1'] },
    { organisation: null, typed: 2, places: 2, attended: 0, sessionIds: [] },
  ];
  const merged = mergeOrganisationCounts(rows, [{ name: 'Northshire Police', short_name: null }, { name: 'Northshire Fire and Rescue Service', short_name: 'NFRS' }]);
  assert.deepEqual(merged.map((o) => [o.organisation, o.places, o.attended, o.sessions]), [
    ['Northshire Police', 4, 3, 2], // s2 counted once
    ['Northshire Fire and Rescue Service', 1, 1, 1], // by its short name in the directory
    ['riverside housing and care', 2, 1, 1], // the spelling typed most (2 against 1)
    ['Not given', 2, 0, 0],
  ]);
  assert.deepEqual(merged[0]!.spellings, ['Northshire Police', 'northshire police.']);
});
