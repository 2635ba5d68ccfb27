import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addYears, reviewDueOn, termsOfReferenceStatus, unsignedOrganisations } from './domain.ts';

test('a year on from a date is the same day next year', () => {
  assert.equal(addYears('2025-11-18', 1), '2026-11-18');
  assert.equal(addYears('2025-12-31', 1), '2026-12-31');
  assert.equal(addYears('2026-03-01', -3), '2023-03-01');
});

test('29 February moves to 28 February in a year without one, and stays in a leap year', () => {
  assert.equal(addYears('2024-02-29', 1), '2025-02-28');
  assert.equal(addYears('2024-02-29', 4), '2028-02-29');
  assert.equal(addYears('2024-02-29', -1), '2023-02-28');
});

test('the next review of terms of reference is due a year after they were agreed', () => {
  assert.equal(reviewDueOn('2026-06-09'), '2027-06-09');
  assert.equal(reviewDueOn('2028-02-29'), '2029-02-28');
});

test('a body with no terms of reference has no review status', () => {
  assert.equal(termsOfReferenceStatus(null, '2026-11-24'), 'none');
});

test('a review due before today is overdue, even by a day', () => {
  assert.equal(termsOfReferenceStatus('2026-11-23', '2026-11-24'), 'overdue');
  assert.equal(termsOfReferenceStatus('2020-01-01', '2026-11-24'), 'overdue');
});

test('a review due today or within 60 days is due soon', () => {
  assert.equal(termsOfReferenceStatus('2026-11-24', '2026-11-24'), 'due-soon');
  assert.equal(termsOfReferenceStatus('2027-01-23', '2026-11-24'), 'due-soon', '60 days ahead');
});

test('a review due more than 60 days ahead is in date', () => {
  assert.equal(termsOfReferenceStatus('2027-01-24', '2026-11-24'), 'in-date', '61 days ahead');
  assert.equal(termsOfReferenceStatus('2027-11-24', '2026-11-24'), 'in-date');
});

test('the 60 days count calendar days across a change of clocks', () => {
  // British Summer Time ends on 25 October 2026; days are counted in UTC, so none is lost.
  assert.equal(termsOfReferenceStatus('2026-11-30', '2026-10-01'), 'due-soon');
  assert.equal(termsOfReferenceStatus('2026-12-01', '2026-10-01'), 'in-date');
});

test('organisations that have not signed are those with no signature, in their given order', () => {
  const organisations = [{ id: 'a', name: 'Police' }, { id: 'b', name: 'Fire' }, { id: 'c', name: 'Probation' }];
  assert.deepEqual(unsignedOrganisations(organisations, [{ organisation_id: 'b' }]).map((o) => o.name), ['Police', 'Probation']);
  assert.deepEqual(unsignedOrganisations(organisations, []).map((o) => o.id), ['a', 'b', 'c']);
  assert.deepEqual(unsignedOrganisations(organisations, [{ organisation_id: 'a' }, { organisation_id: 'b' }, { organisation_id: 'c' }]), []);
});

test('a signature from an organisation no longer listed does not count against anyone', () => {
  const organisations = [{ id: 'a' }];
  assert.deepEqual(unsignedOrganisations(organisations, [{ organisation_id: 'gone' }]), [{ id: 'a' }]);
});
