// Exactly once, even when the sending process is killed: an issue to 40 subscribers is
// queued in an embedded database on disk; a child process (scripts/send-bulletins.ts)
// sends it to a local SMTP sink, which holds one message in the middle of its SMTP
// transaction; the test kills the child with SIGKILL there, then starts another child,
// which resumes once the dead one's claim has lapsed. The sink counts every message it
// accepted: each recipient exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { openPglite } from '../../db/database.ts';
import { migrate } from '../../db/migrate.ts';
import { seedDemoPartnership } from '../../demo/seed.ts';
import { queueIssue } from './bulletin.sending.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const RECIPIENTS = 40;
const HOLD_AT = 17;

/** A sink that accepts messages and, at the HOLD_AT-th, keeps the transaction open (no reply to the final dot). */
async function startHoldingSink() {
  const accepted = new Map<string, number>();
  let count = 0;
  let held = false;
  let onHeld: () => void = () => {};
  const heldNow = new Promise<void>((r) => { onHeld = r; });
  const server = new SMTPServer({
    logger: false, disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        if (!held && count === HOLD_AT) {
          held = true;
          onHeld();
          return; // never answered: the sender dies mid-transaction
        }
        count++;
        for (const r of session.envelope.rcptTo) accepted.set(r.address, (accepted.get(r.address) ?? 0) + 1);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    accepted, heldNow, count: () => count,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function sendInChild(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/send-bulletins.ts', '--lease-ms', '1000', '--rate', '0'], {
    cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, output })));
  return { child, exited };
}

test('killed with SIGKILL in the middle of a send and started again, the sender mails each recipient exactly once', { skip: process.env.TEST_DATABASE_URL ? 'the embedded database on disk is what a killed process must leave readable; run on PGlite' : false, timeout: 300_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bulletin-kill-'));
  const sink = await startHoldingSink();
  try {
    let database = await openPglite(dir);
    await migrate(database);
    const { db } = database;
    const demo = await seedDemoPartnership(db, { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP' });
    const pid = demo.partnershipId;
    const list = await db.insertInto('engagement_lists').values({ partnership_id: pid, name: 'Kill test list', consent_wording: 'I agree.' }).returning('id').executeTakeFirstOrThrow();
    const emails = Array.from({ length: RECIPIENTS }, (_, i) => `reader${String(i).padStart(2, '0')}@kill-test.example`);
    for (const email of emails) {
      const s = await db.insertInto('engagement_subscribers').values({ partnership_id: pid, email }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('engagement_subscriptions').values({ partnership_id: pid, subscriber_id: s.id, list_id: list.id, status: 'subscribed', consent_method: 'import', consent_wording: 'I agree.', consent_source: 'test' }).execute();
    }
    const issue = await db.insertInto('engagement_issues').values({ partnership_id: pid, list_id: list.id, number: 99, title: 'Kill test issue' }).returningAll().executeTakeFirstOrThrow();
    await db.insertInto('engagement_articles').values({ partnership_id: pid, issue_id: issue.id, section: 'News', position: 1, title: 'One', body: 'Text.' }).execute();
    assert.equal(await queueIssue(db, pid, issue), RECIPIENTS);
    await database.close();

    const env = { DATA_DIR: dir, SMTP_URL: sink.url, SESSION_SECRET: 'kill-test-secret-kill-test-secret-00', MAIL_FROM: 'Northshire CSP <csp@northshire.example>', LOG_LEVEL: 'silent', LOAD_DEMO: 'false' };
    const first = sendInChild(env);
    await Promise.race([sink.heldNow, first.exited.then((r) => assert.fail(`the first sender ended before the kill: ${r.output}`))]);
    // Let the messages in flight beside the held one finish and be marked, then kill.
    await new Promise((r) => setTimeout(r, 300));
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    assert.equal(killed.signal, 'SIGKILL');
    const beforeResume = sink.count();
    assert.ok(beforeResume >= HOLD_AT && beforeResume < RECIPIENTS, `killed mid-send (${beforeResume} of ${RECIPIENTS} accepted)`);

    const second = sendInChild(env);
    const resumed = await second.exited;
    assert.equal(resumed.code, 0, resumed.output);

    assert.deepEqual([...sink.accepted.keys()].sort(), emails, 'every recipient got the issue');
    assert.deepEqual([...sink.accepted.values()].filter((n) => n !== 1), [], 'and nobody got it twice');
    database = await openPglite(dir);
    const states = await database.db.selectFrom('engagement_outbox').select('state').where('issue_id', '=', issue.id).execute();
    assert.deepEqual([...new Set(states.map((s) => s.state))], ['sent']);
    const status = await database.db.selectFrom('engagement_issues').select('status').where('id', '=', issue.id).executeTakeFirstOrThrow();
    assert.equal(status.status, 'sent');
    await database.close();
  } finally {
    await sink.close();
    await rm(dir, { recursive: true, force: true });
  }
});
