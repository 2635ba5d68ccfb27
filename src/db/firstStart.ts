// A first start on an empty data folder creates the database (PGlite's initdb, every
// migration, the demo) in a child process that then exits, and the server opens the
// folder it leaves. Creating it grows PGlite's WebAssembly memory, which is never given
// back, and leaves V8's heap and malloc's arenas large: done in the server's own process,
// the server held about 120 MB more for as long as it ran (bench/start.bench.ts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Whether the folder holds a PGlite database (PostgreSQL's PG_VERSION file, as PGlite itself checks). */
export const holdsDatabase = (dataDir: string) => existsSync(join(dataDir, 'PG_VERSION'));

export class FirstStartError extends Error {}

/**
 * Runs src/db/createDataFolder.ts in a child process with this process's Node arguments
 * and environment, and waits for it. Its output is the server's. A SIGTERM or SIGINT
 * meanwhile stops the child first, so nothing is left writing the folder.
 */
export async function createInChildProcess(env: NodeJS.ProcessEnv = process.env, opts: { stdoutToStderr?: boolean } = {}): Promise<void> {
  // The bench's server keeps its standard output for the one line the bench reads.
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('./createDataFolder.ts', import.meta.url))], { env, stdio: ['inherit', opts.stdoutToStderr ? 2 : 'inherit', 'inherit'] });
  const forward = (signal: NodeJS.Signals) => { child.kill(signal); };
  process.on('SIGTERM', forward);
  process.on('SIGINT', forward);
  try {
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c, s) => resolve({ code: c, signal: s }));
    });
    if (signal) throw new FirstStartError(`Creating the database in the data folder was stopped (${signal}).`);
    if (code !== 0) throw new FirstStartError('The database could not be created in the data folder (the reason is above).');
  } finally {
    process.off('SIGTERM', forward);
    process.off('SIGINT', forward);
  }
}
