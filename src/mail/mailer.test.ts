import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mailerFromConfig, requireMailer, MailNotConfiguredError } from './mailer.ts';
import { startSmtpTestServer, type SmtpTestServer } from './smtpTestServer.ts';

let smtp: SmtpTestServer;
before(async () => { smtp = await startSmtpTestServer(); });
after(async () => { await smtp.close(); });

test('a message sent through the configured SMTP server arrives with its sender, recipient, subject and text', async () => {
  const mailer = requireMailer({ smtpUrl: smtp.url, mailFrom: 'Northshire CSP <csp@northshire.example>' });
  try {
    await mailer.send({ to: 'stuart.macrae@northshire.example', subject: 'Northshire CSP: 1 action overdue', text: 'Dear Stuart Macrae,\n\nThe fire safety briefing – for care homes – is overdue.\n' });
  } finally {
    mailer.close();
  }
  const [mail] = await smtp.waitFor(1);
  assert.ok(mail);
  assert.deepEqual(mail.envelopeTo, ['stuart.macrae@northshire.example']);
  assert.equal(mail.envelopeFrom, 'csp@northshire.example');
  assert.equal(mail.headers.get('to'), 'stuart.macrae@northshire.example');
  assert.equal(mail.headers.get('from'), 'Northshire CSP <csp@northshire.example>');
  assert.equal(mail.headers.get('subject'), 'Northshire CSP: 1 action overdue');
  assert.match(mail.text, /The fire safety briefing – for care homes – is overdue\./);
});

test('without SMTP_URL there is no mailer, and asking for one says what to set', () => {
  assert.equal(mailerFromConfig({ smtpUrl: undefined, mailFrom: 'x@example.org' }), null);
  assert.throws(() => requireMailer({ smtpUrl: undefined, mailFrom: 'x@example.org' }), (e: Error) => e instanceof MailNotConfiguredError && /set SMTP_URL/.test(e.message));
});

test('a server that refuses connections fails the send rather than hanging', async () => {
  const closed = await startSmtpTestServer();
  const url = closed.url;
  await closed.close();
  const mailer = requireMailer({ smtpUrl: url, mailFrom: 'csp@northshire.example' });
  try {
    await assert.rejects(mailer.send({ to: 'a@northshire.example', subject: 'x', text: 'y' }));
  } finally {
    mailer.close();
  }
});
