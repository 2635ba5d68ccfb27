import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchBody, matchOrganisation, matchPerson, nameParts, personFromName, personKey } from './matching.ts';

const people = [
  { id: 'p1', honorific: 'Ms', given_name: 'Priya', family_name: 'Ramaswamy' },
  { id: 'p2', honorific: 'Supt', given_name: 'Daniel', family_name: 'Osei' },
  { id: 'p3', honorific: 'Mr', given_name: 'Tomas', family_name: 'Lindqvist' },
  { id: 'p4', honorific: 'Mrs', given_name: 'Ruth', family_name: 'Delaney' },
  { id: 'p5', honorific: 'Mr', given_name: 'Rory', family_name: 'Delaney' },
  { id: 'p6', honorific: 'Cllr', given_name: 'Morag', family_name: 'Penhaligon-Hart' },
];

test('a printed name is the same person whatever honorific the minutes give them', () => {
  for (const printed of ['Ms P Ramaswamy', 'Mrs Priya Ramaswamy', 'Dr Ramaswamy', 'Priya Ramaswamy', 'Cllr Dr P. Ramaswamy', 'Ms Ramaswamy (Chair)']) {
    const m = matchPerson(printed, people);
    assert.equal(m.kind === 'person' && m.person.id, 'p1', printed);
  }
  const supt = matchPerson('Superintendent D Osei', people);
  assert.equal(supt.kind === 'person' && supt.person.id, 'p2');
});

test('initials that do not fit, or a family name shared without initials, link nobody', () => {
  assert.equal(matchPerson('Ms A Ramaswamy', people).kind, 'none');
  assert.equal(matchPerson('Mr Jones', people).kind, 'none');
  const both = matchPerson('Mx Delaney', people);
  assert.equal(both.kind, 'ambiguous');
  const rory = matchPerson('Mr R Delaney', people);
  assert.equal(rory.kind, 'ambiguous', 'both are R Delaney');
  const ruth = matchPerson('Ruth Delaney', people);
  assert.equal(ruth.kind === 'person' && ruth.person.id, 'p4', 'a full given name settles it');
  const hyphen = matchPerson('Cllr M Penhaligon-Hart MBE', people);
  assert.equal(hyphen.kind === 'person' && hyphen.person.id, 'p6');
});

test('a name is split into honorific, given names or initials, and family name', () => {
  assert.deepEqual(nameParts('Cllr Dr A M Taylor-Brown OBE (Chair)'), { honorific: 'Cllr Dr', given: ['A', 'M'], family: 'Taylor-Brown' });
  assert.deepEqual(nameParts('DCI R Amberley'), { honorific: 'DCI', given: ['R'], family: 'Amberley' });
  assert.deepEqual(personFromName('Mrs K Lowther'), { honorific: 'Mrs', given_name: 'K', family_name: 'Lowther' });
  assert.equal(personKey('Mrs K Lowther'), personKey('Ms K. Lowther'));
});

test('organisations are found by name or short name; bodies by the words of their name', () => {
  const orgs = [{ id: 'o1', name: 'Northshire Police', short_name: 'NP' }, { id: 'o2', name: 'Northshire Fire and Rescue Service', short_name: 'NFRS' }];
  assert.equal(matchOrganisation('the Northshire Police', orgs)?.id, 'o1');
  assert.equal(matchOrganisation('NFRS', orgs)?.id, 'o2');
  assert.equal(matchOrganisation('Fire Service (NFRS)', orgs)?.id, 'o2');
  assert.equal(matchOrganisation('Northshire Council', orgs), null);

  const bodies = [
    { id: 'b1', name: 'Northshire Community Safety Partnership', short_name: 'Partnership', parent_id: null },
    { id: 'b2', name: 'Working Group', short_name: null, parent_id: 'b1' },
  ];
  assert.equal(matchBody('Northshire Community Safety Partnership', bodies)?.id, 'b1');
  assert.equal(matchBody('NORTHSHIRE COMMUNITY SAFETY PARTNERSHIP WORKING GROUP', bodies)?.id, 'b2', 'the subgroup, not its parent');
  assert.equal(matchBody('Westbrook Community Safety Partnership', bodies), null, 'another council’s board is left to the clerk');
  assert.equal(matchBody(null, bodies), null);
});
