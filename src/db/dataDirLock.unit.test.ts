// The data folder's lock identifies its owner by a socket the owner listens on, not by a
// process id: a pid file naming a live but unrelated process (the id handed out again
// after a restart) and a lock left by a killed server both let the server start; a
// second live server on the same folder is still refused. (PGlite only: ".unit." keeps
// this file out of the PostgreSQL pass.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite } from './database.ts';
import { DataDirInUseError, adminSocketAddress } from './dataDirLock.ts';

const folder = mkdtempSync(join(tmpdir(), 'ph-lock-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

/** Another process that opens the folder as a server does and keeps it until killed. */
async function holdInAnotherProcess(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
    import { openPglite } from ${JSON.stringify(new URL('./database.ts', import.meta.url).pathname)};
    await openPglite(${JSON.stringify(dataDir)});
    console.log('holding');
    setInterval(() => {}, 1000);
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => { if (c.toString().includes('holding')) resolve(); });
    child.once('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
  });
  return child;
}

test('a lock file naming a live process that is not a server does not block start-up', async () => {
  const dataDir = join(folder, 'reused-pid');
  const first = await openPglite(dataDir);
  await first.close();
  // What an earlier version left after a crash, whose pid now belongs to another process (our parent, alive).
  writeFileSync(join(dataDir, 'partnership-hub.lock'), String(process.ppid));
  const database = await openPglite(dataDir);
  await database.close();
  assert.equal(existsSync(join(dataDir, 'partnership-hub.lock')), false, 'the old pid file is cleared');
});

test('the lock of a server killed with SIGKILL does not block the next start', async () => {
  const dataDir = join(folder, 'killed');
  const holder = await holdInAnotherProcess(dataDir);
  holder.kill('SIGKILL');
  await new Promise((r) => holder.once('exit', r));
  assert.ok(existsSync(adminSocketAddress(dataDir)), 'the killed server left its socket file behind');
  const database = await openPglite(dataDir);
  await database.close();
});

test('a second server on a folder that a live server holds is refused, in another process or in this one', async () => {
  const dataDir = join(folder, 'held');
  const holder = await holdInAnotherProcess(dataDir);
  await assert.rejects(openPglite(dataDir), (e: Error) => e instanceof DataDirInUseError && /in use by a running Partnership Hub/.test(e.message));
  holder.kill('SIGKILL');
  await new Promise((r) => holder.once('exit', r));

  const mine = await openPglite(dataDir);
  try {
    await assert.rejects(openPglite(dataDir), DataDirInUseError);
    // Only this user may use the channel, which hands out the whole database.
    assert.equal(statSync(adminSocketAddress(dataDir)).mode & 0o777, 0o600);
  } finally {
    await mine.close();
  }
  assert.equal(existsSync(adminSocketAddress(dataDir)), false, 'a clean stop removes the socket');
});
