// Memory settings for a small council VM (issue 19), which must be in place before Node
// starts: glibc reads MALLOC_ARENA_MAX when the process begins, and V8 sizes its heap
// from its flags. `npm start` sets them in its script (package.json: MALLOC_ARENA_MAX and
// NODE_OPTIONS; the operator's own setting of either wins), so Node starts once. Started
// another way (`node src/server.ts`), src/server.ts starts Node again in the same process
// with them (execve keeps the process id, so systemd and Docker still see the one server
// process): a second Node start, which the script spares. The bench's servers start with
// the same (bench/start.bench.ts runs the script; bench/http.bench.ts uses memorySettings).
//
// Why (bench/start.bench.ts, bench/http.bench.ts): glibc's default of up to 8 malloc
// arenas per core keeps each thread's freed memory apart, and V8's young generation grew
// to 128 MB under a rush of 200 connections and kept it (with 8 MB semi-spaces it stays
// at 16-24 MB; the old generation, which holds what lives on, is left to V8). Without
// them the idle server held 349 MB instead of 305 (start bench's measure, 5 Dec 2026).
// MALLOC_MMAP_THRESHOLD_ fixed: glibc raises the threshold after each large block freed and
// then keeps such blocks; fixed, they are mapped alone and given back (main malloc heap
// 58 -> 26 MB idle). --max-old-space-size: with a quarter of the machine's memory as its
// limit (4 GB on a 24 GB machine) V8 lets the old generation grow to several times what
// lives before collecting it, and the memory behind Buffers goes only then. With both, the
// http bench's PGlite server after the rush held 314 MB where it held 424 (load 15-19).
// 768 MB, not 512, leaves room for a large export; documents are read in a worker thread
// with its own limit (src/modules/documents/readingThread.ts).
import process from 'node:process';

/** What is set, unless the operator has set it already (the environment, NODE_OPTIONS or Node's own arguments). */
export const MEMORY_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };
export const MEMORY_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--max-old-space-size=768'];

const flagName = (flag: string) => flag.split('=')[0]!;

/** The flags not already given, and the environment with the settings added (for starting a process). */
export function memorySettings(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv) {
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].map(flagName);
  const flags = MEMORY_FLAGS.filter((f) => !given.includes(flagName(f)));
  const added = Object.fromEntries(Object.entries(MEMORY_ENV).filter(([k]) => env[k] === undefined));
  return { flags, env: { ...env, ...added } };
}

const APPLIED = 'PH_MEMORY_SETTINGS';

/**
 * Starts this same script again, in this process, with the memory settings, unless they
 * are in place already (or the platform cannot: execve is for Linux and macOS, and the
 * arena setting is glibc's). Returns only when nothing was to be done.
 */
export function relaunchWithMemorySettings(): void {
  if (process.env[APPLIED] || !['linux', 'darwin'].includes(process.platform)) return;
  const execve = (process as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never }).execve;
  if (typeof execve !== 'function') return;
  const { flags, env } = memorySettings();
  if (!flags.length && Object.keys(MEMORY_ENV).every((k) => process.env[k] !== undefined)) return;
  execve.call(process, process.execPath, [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)], { ...env, [APPLIED]: '1' });
}
