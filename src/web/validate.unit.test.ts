import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input } from './validate.ts';
import { ValidationError } from './errors.ts';

test('a date comes from the three GOV.UK date fields or one ISO field', () => {
  assert.equal(new Input({ 'd-day': '8', 'd-month': '3', 'd-year': '2026' }).optionalDate('d', 'Date'), '2026-03-08');
  assert.equal(new Input({ d: '2026-03-08' }).optionalDate('d', 'Date'), '2026-03-08');
  assert.equal(new Input({}).optionalDate('d', 'Date'), null);
});

test('an impossible or partial date is named with what to fix', () => {
  const a = new Input({ 'd-day': '31', 'd-month': '2', 'd-year': '2026' });
  a.optionalDate('d', 'Date of the meeting');
  assert.equal(a.errors[0]?.message, 'Date of the meeting must be a real date');
  const b = new Input({ 'd-day': '3', 'd-month': '', 'd-year': '' });
  b.optionalDate('d', 'Date of the meeting');
  assert.equal(b.errors[0]?.message, 'Date of the meeting must include a month and year');
});

test('check() throws every problem at once, and nothing when all is well', () => {
  const input = new Input({ name: '', kind: 'x' });
  input.text('name', 'Enter the name');
  input.oneOf('kind', ['a', 'b'], 'Select the kind');
  assert.throws(() => input.check(), (e: unknown) => e instanceof ValidationError && e.errors.length === 2);
  const ok = new Input({ name: 'Board' });
  ok.text('name', 'Enter the name');
  assert.doesNotThrow(() => ok.check());
});

test('text over its limit says how long it may be', () => {
  const input = new Input({ name: 'x'.repeat(201) });
  input.text('name', 'Enter the name of the body', 200);
  assert.equal(input.errors[0]?.message, 'The name of the body must be 200 characters or fewer');
});
