// The bulk send's message, composed once with slots for each recipient's parts: a copy
// read by a real mail parser says what the mail library's own message for that recipient
// says (subject, addresses, the RFC 8058 headers, both parts with the recipient's links),
// whatever characters the issue holds and however long its links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { bulkCopy, bulkTemplate, compileIssue, recipientCopy } from './bulletin.message.ts';

const issue = { id: '11111111-1111-4111-8111-111111111111', number: 7, title: 'Bulletin, July: “safer streets” – café = bistro', introduction: 'Welcome.  Two spaces, a tab\there, and **bold** words.\n\nA line ending in a space \nand €uro signs.', sent_at: null };
const articles = [
  { section: 'News', title: 'Ünïcödé title', body: `A [link](https://example.org/a?x=1&y=2) and a very long word ${'x'.repeat(200)} then more.`, link_url: '/bulletins', link_label: null, image_url: null, image_alt: null },
  { section: 'Events', title: 'Session', body: 'Text.', link_url: null, link_label: null, image_url: '/img.png', image_alt: 'A picture' },
];

test('a copy of the composed message reads as the mail library would have written it for that recipient', async () => {
  const c = await compileIssue(issue, articles, { partnershipName: 'Northshire Community Safety Partnership', origin: 'https://csp.example' });
  const template = await bulkTemplate(c, { from: 'Northshire CSP <csp@northshire.example>', listName: 'Monthly bulletin', listId: '22222222-2222-4222-8222-222222222222', host: 'csp.example' });
  for (const [to, token] of [['reader@example.org', 'abc'], ['second.reader+tag@example.org', `${'Q'.repeat(150)}=x`]] as const) {
    const links = { unsubscribeUrl: `https://csp.example/bulletins/unsubscribe/${token}`, preferencesUrl: `https://csp.example/bulletins/preferences/${token}-p` };
    const raw = bulkCopy(template, { to, messageId: `<m.${to}@csp.example>`, ...links });
    assert.ok(raw.split('\r\n').every((line) => line.length <= 78 || line.startsWith('List-Unsubscribe:')), 'no line longer than 78 characters but the link header');
    assert.ok(!/[^\r]\n/.test(raw), 'every line ends in CRLF');
    const m = await simpleParser(raw);
    const expected = recipientCopy(c, { ...links, listName: 'Monthly bulletin', listId: '22222222-2222-4222-8222-222222222222', host: 'csp.example' });
    assert.equal(m.subject, issue.title);
    assert.equal(m.from?.text, '"Northshire CSP" <csp@northshire.example>');
    assert.equal(m.messageId, `<m.${to}@csp.example>`);
    assert.deepEqual((Array.isArray(m.to) ? m.to[0] : m.to)?.value.map((a) => a.address), [to]);
    // The header lines as written (the parser gathers the List- ones into one object).
    const header = (name: string) => m.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ');
    assert.equal(header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    assert.equal(header('precedence'), 'bulk');
    assert.equal(header('list-id'), 'Monthly bulletin <22222222-2222-4222-8222-222222222222.csp.example>');
    assert.equal(header('list-unsubscribe'), `<${links.unsubscribeUrl}>`);
    assert.equal(m.text?.trimEnd(), expected.text.trimEnd());
    assert.equal(String(m.html).trimEnd(), expected.html.trimEnd());
  }
});
