// The bulletin's send: one issue to 10,000 subscribers through a local SMTP sink, with
// the throttle off (the outbox, each copy's own links and return path, MJML compiled
// once), in messages per second and the growth of the process's RSS during the send;
// beside the same sink accepting 10,000 raw messages from a minimal client (a socket
// writing the SMTP commands, as many connections as the sender uses) in the same run.
// Goal (issue 16): >= 200 messages/s, RSS growth <= 100 MB.
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SMTPServer } from 'smtp-server';
import { openPglite } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { mailerFromConfig } from '../src/mail/mailer.ts';
import { BulletinSender, queueIssue } from '../src/modules/engagement/bulletin.sending.ts';

const N = Number(process.env.BENCH_BULLETIN_N ?? 10_000);
const CONNECTIONS = 4;

let received = 0;
const sink = new SMTPServer({
  logger: false, disabledCommands: ['STARTTLS', 'AUTH'], size: 0,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => { received++; callback(); });
  },
});
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
const port = (sink.server.address() as AddressInfo).port;

// ---------------------------------------------------------------- baseline: a minimal client
function rawClient(count: number, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let buffer = '';
    let step = 0; // 0 greeting, 1 EHLO, then per message: MAIL, RCPT, DATA, body
    let sent = 0;
    const body = `From: bench@example.org\r\nTo: r${index}@example.org\r\nSubject: Raw message\r\n\r\n${'A line of the raw message body, as long as a paragraph of a bulletin.\r\n'.repeat(40)}.\r\n`;
    const next = () => {
      if (step === 0) { socket.write('EHLO bench\r\n'); step = 1; return; }
      const phase = (step - 1) % 4;
      if (phase === 0) {
        if (step > 1) sent++;
        if (sent === count) { socket.end('QUIT\r\n'); resolve(); return; }
        socket.write('MAIL FROM:<bench@example.org>\r\n');
      } else if (phase === 1) socket.write(`RCPT TO:<r${index}-${sent}@example.org>\r\n`);
      else if (phase === 2) socket.write('DATA\r\n');
      else socket.write(body);
      step++;
    };
    socket.on('data', (d: Buffer) => {
      buffer += d.toString();
      // One reply per command; EHLO's is several lines, the last with a space after the code.
      for (let nl = buffer.indexOf('\r\n'); nl >= 0; nl = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        if (/^\d{3} /.test(line)) {
          if (/^[45]/.test(line)) { reject(new Error(line)); return; }
          next();
        }
      }
    });
    socket.on('error', reject);
  });
}

received = 0;
const b0 = performance.now();
await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => rawClient(N / CONNECTIONS, i)));
const baselineSeconds = (performance.now() - b0) / 1000;
const baselineRate = received / baselineSeconds;
console.log(`baseline: the sink accepted ${received} raw messages from a minimal client (${CONNECTIONS} connections) in ${baselineSeconds.toFixed(2)} s: ${baselineRate.toFixed(0)} messages/s`);

// ---------------------------------------------------------------- the bulletin's send
// On a data folder, as the server runs it: an in-memory database would keep every row
// version and the write-ahead log of the send in this process's memory, which is the
// database growing, not the sender.
const dataDir = mkdtempSync(join(tmpdir(), 'ph-bench-bulletin-'));
const database = await openPglite(dataDir);
await migrate(database);
const { db } = database;
const p = await db.insertInto('partnerships').values({ slug: 'bench', name: 'Bench Community Safety Partnership', short_name: 'Bench CSP', hostname: null }).returning('id').executeTakeFirstOrThrow();
const pid = p.id;
const list = await db.insertInto('engagement_lists').values({ partnership_id: pid, name: 'Monthly bulletin', consent_wording: 'I agree to receive the bulletin.' }).returning('id').executeTakeFirstOrThrow();
for (let i = 0; i < N; i += 1000) {
  const rows = await db.insertInto('engagement_subscribers').values(Array.from({ length: 1000 }, (_, k) => ({ partnership_id: pid, email: `reader${i + k}@bench.example`, name: `Reader ${i + k}` }))).returning('id').execute();
  await db.insertInto('engagement_subscriptions').values(rows.map((r) => ({ partnership_id: pid, subscriber_id: r.id, list_id: list.id, status: 'subscribed' as const, consent_method: 'import' as const, consent_wording: 'I agree.', consent_source: 'bench' }))).execute();
}
const issue = await db.insertInto('engagement_issues').values({ partnership_id: pid, list_id: list.id, number: 1, title: 'Bulletin, bench issue', introduction: 'Welcome to the **bench** issue.' }).returningAll().executeTakeFirstOrThrow();
for (let k = 1; k <= 4; k++) {
  await db.insertInto('engagement_articles').values({ partnership_id: pid, issue_id: issue.id, section: k % 2 ? 'News' : 'Events', position: k, title: `Article ${k}`, body: 'A paragraph of news about the partnership’s work, with [a link](https://example.org/news) and **bold** words.\n\nA second paragraph.', link_url: '/bulletins' }).execute();
}
await queueIssue(db, pid, issue);

const mailer = mailerFromConfig({ smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'Bench CSP <csp@bench.example>' }, { pool: CONNECTIONS })!;
const sender = new BulletinSender({ db, mailer, secret: 'bench-secret-bench-secret-bench-secret', bounceAddress: 'bounces@bench.example', rate: 0, batch: 50, origin: () => 'https://csp.bench.example' });
// The e-mail markup library loads on the first bulletin a process builds (about 100 MB):
// loaded here first, and its cost printed, so the growth below is the send's own.
const rssBeforeMjml = process.memoryUsage().rss;
await import('mjml');
console.log(`loading mjml (once per process): +${((process.memoryUsage().rss - rssBeforeMjml) / 1024 / 1024).toFixed(0)} MB RSS`);
// A full collection first (the flag set at run time, as `npm run bench` passes none), so
// the garbage left by creating the database and the outbox is not counted for or against the send.
setFlagsFromString('--expose-gc');
(runInNewContext('gc') as () => void)();
const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 50);
received = 0;
const s0 = performance.now();
const sent = await sender.run();
const sendSeconds = (performance.now() - s0) / 1000;
clearInterval(sampler);
rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
const rate = sent / sendSeconds;
const growth = (rssPeak - rssBefore) / 1024 / 1024;
console.log(`send: ${sent} copies of one issue (outbox, own links and return path each) in ${sendSeconds.toFixed(2)} s: ${rate.toFixed(0)} messages/s; the sink counted ${received}`);
console.log(`RSS during the send: ${(rssBefore / 1024 / 1024).toFixed(0)} MB before, peak ${(rssPeak / 1024 / 1024).toFixed(0)} MB: growth ${growth.toFixed(0)} MB (goal <= 100 MB)`);
console.log(`ratio: the send runs at ${(rate / baselineRate).toFixed(2)}x the raw client's rate (goal: >= 200 messages/s: ${rate >= 200 ? 'met' : 'not met'})`);
mailer.close();
await database.close();
rmSync(dataDir, { recursive: true, force: true });
await new Promise<void>((r) => sink.close(() => r()));
process.exit(received === N && sent === N ? 0 : 1);
