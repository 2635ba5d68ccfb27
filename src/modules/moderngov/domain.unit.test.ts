// The connector's rules without I/O: the address an administrator types, ModernGov's date
// format, the committee ids it is asked for (-1 all, 0 nothing), the range filter, and
// replies that are refused before they are parsed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkServiceAddress, committeeRequests, fingerprint, isoFromRemote, moderngovDate, timeFromRemote, withinRange } from './domain.ts';
import { decodeEntities, readCommittees, readMeeting, readMeetingList, readOperations, ReplyError } from './reader.ts';

test('the address is made plain: ?WSDL and a trailing slash taken off; other schemes and passwords refused', () => {
  assert.deepEqual(checkServiceAddress(' https://democracy.example.gov.uk/mgWebService.asmx?WSDL '), { ok: true, url: 'https://democracy.example.gov.uk/mgWebService.asmx' });
  assert.deepEqual(checkServiceAddress('http://democracy.example.gov.uk/mgWebService.asmx/'), { ok: true, url: 'http://democracy.example.gov.uk/mgWebService.asmx' });
  for (const bad of ['', 'democracy.example.gov.uk', 'ftp://example.gov.uk/mg.asmx', 'file:///etc/passwd', 'https://user:secret@example.gov.uk/mgWebService.asmx']) {
    const r = checkServiceAddress(bad);
    assert.equal(r.ok, false, bad);
    assert.match((r as { message: string }).message, /^Enter/);
  }
});

test('dates go to ModernGov as dd/mm/yyyy and come back from either of its forms', () => {
  assert.equal(moderngovDate('2025-03-07'), '07/03/2025');
  assert.equal(isoFromRemote('07/03/2025'), '2025-03-07');
  assert.equal(isoFromRemote('7/3/2025'), '2025-03-07');
  assert.equal(isoFromRemote('2025-03-07T00:00:00'), '2025-03-07');
  assert.equal(isoFromRemote('31/02/2025'), null, 'not a real date');
  assert.equal(isoFromRemote('next Tuesday'), null);
  assert.equal(timeFromRemote('14:30'), '14:30');
  assert.equal(timeFromRemote('', '2025-03-07T10:00:00'), '10:00');
  assert.equal(timeFromRemote('', '2025-03-07T00:00:00'), null, 'midnight in a date is no time');
});

test('committee -1 asks for all at once when every committee is chosen; 0 and other ids that mean nothing are never sent', () => {
  assert.deepEqual(committeeRequests([12, 14, 15], [12, 14, 15]), [-1]);
  assert.deepEqual(committeeRequests([12, 14], [12, 14, 15]), [12, 14]);
  assert.deepEqual(committeeRequests([0, -1, 12], [12, 14]), [12]);
  assert.deepEqual(committeeRequests([], [12]), []);
});

test('what the service sends outside the range asked for is left out, and a meeting without a date too', () => {
  assert.equal(withinRange('2025-06-01', '2025-01-01', '2025-12-31'), true);
  assert.equal(withinRange('2025-01-01', '2025-01-01', '2025-12-31'), true);
  assert.equal(withinRange('2019-01-15', '2025-01-01', '2025-12-31'), false);
  assert.equal(withinRange(null, '2025-01-01', '2025-12-31'), false);
});

test('a fingerprint does not depend on key order, and changes with any value', () => {
  assert.equal(fingerprint({ a: 1, b: [1, { c: 2, d: 3 }] }), fingerprint({ b: [1, { d: 3, c: 2 }], a: 1 }));
  assert.notEqual(fingerprint({ a: 1 }), fingerprint({ a: 2 }));
});

test('a reply with a DOCTYPE or entities (a billion laughs) is refused before it is parsed, and quickly', () => {
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><committees><committee><committeeid>1</committeeid><committeetitle>&lol9;</committeetitle></committee></committees>`;
  const started = performance.now();
  assert.throws(() => readCommittees(laughs), (e: unknown) => e instanceof ReplyError && e.kind === 'entities' && /DOCTYPE or its own entities/.test(e.message));
  assert.ok(performance.now() - started < 50, 'refused without expanding anything');
});

test('a malformed or cut-short reply is refused with where it broke', () => {
  assert.throws(() => readMeetingList('<meetings><meeting><meetingid>3101</meetingid><meeting'), (e: unknown) => e instanceof ReplyError && e.kind === 'malformed' && /not well-formed XML \(line 1/.test(e.message));
});

test('a WSDL lists its operations; anything else is not a web service description', () => {
  const wsdl = '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"><wsdl:portType><wsdl:operation name="GetMeeting"/><wsdl:operation name="GetCommittees"/></wsdl:portType><wsdl:binding><wsdl:operation name="GetMeeting"/></wsdl:binding></wsdl:definitions>';
  assert.deepEqual(readOperations(wsdl), ['GetCommittees', 'GetMeeting']);
  assert.throws(() => readOperations('<html><body>Council website</body></html>'), (e: unknown) => e instanceof ReplyError && e.kind === 'not-moderngov');
});

test('GetMeeting: agenda and minute numbers side by side, minute text as HTML, exempt items, attendance and linked documents', () => {
  const m = readMeeting(`<getmeeting><meeting><meetingid>7</meetingid><committeeid>12</committeeid><committeetitle>Partnership</committeetitle>
    <meetingdate>12/03/2025</meetingdate><meetingtime>10:00</meetingtime><location>County Hall</location><meetingstatus>Confirmed</meetingstatus>
    <attendees><attendee><name>Cllr A Brennan</name><role>Chair</role><attendancetype>Present</attendancetype></attendee><attendee><name>Ms P Ramaswamy</name><role>Member</role><attendancetype>Apologies</attendancetype></attendee></attendees>
    <agendaitems><agendaitem><agendaitemid>51</agendaitemid><agendaitemnumber>3</agendaitemnumber><minutenumber>29</minutenumber><agendaitemtitle>Review &amp; update</agendaitemtitle>
    <isrestricted>True</isrestricted><minutes>&lt;p&gt;Noted &amp;amp; agreed.&lt;/p&gt;</minutes>
    <linkeddocuments><linkeddocument><documentid>9</documentid><title>Briefing</title><url>http://example.gov.uk/documents/s9/Briefing.pdf</url></linkeddocument></linkeddocuments></agendaitem></agendaitems></meeting></getmeeting>`);
  assert.equal(m.date, '2025-03-12');
  assert.equal(m.time, '10:00');
  assert.deepEqual(m.attendees.map((a) => a.attendance), ['present', 'apologies']);
  const [item] = m.items;
  assert.equal(item!.number, '3');
  assert.equal(item!.minuteNumber, '29');
  assert.equal(item!.title, 'Review & update');
  assert.equal(item!.restricted, true);
  assert.equal(item!.minutesHtml, '<p>Noted &amp; agreed.</p>');
  assert.deepEqual(item!.documents, [{ id: '9', title: 'Briefing', url: 'http://example.gov.uk/documents/s9/Briefing.pdf' }]);
});

test('entities the parser left are decoded once: the five of XML and numeric ones, nothing else', () => {
  assert.equal(decodeEntities('&lt;p&gt; &amp;amp; &#8217; &#x2014; &nbsp;'), '<p> &amp; ’ — &nbsp;');
});
