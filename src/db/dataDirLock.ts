// The embedded database's data folder belongs to one process at a time: two processes
// writing one PGlite folder corrupt it. The owner is whoever listens on a socket in the
// folder. The operating system closes it when the process ends, however it ends (kill -9
// too), so a socket file left behind answers "refused" and is taken over, and the lock
// never depends on a process id, which the system hands out again after a restart.
// The same socket is the folder's admin channel: `npm run backup` asks the running
// server for a consistent copy through it, since no other process may open the folder.
import net from 'node:net';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, rmdirSync, statSync, chmodSync } from 'node:fs';
import { join, resolve, relative } from 'node:path';

const SOCKET_NAME = 'partnership-hub.sock';
/** The pid file that earlier versions wrote; it proves nothing and is removed. */
const LEGACY_LOCK = 'partnership-hub.lock';
/** Held for the few milliseconds of checking and taking, so two starting processes cannot both take a stale lock. */
const GUARD = 'partnership-hub.lock-taking';
/** The lock's own files, which are not part of the database (a backup leaves them out). */
export const LOCK_FILES = [SOCKET_NAME, LEGACY_LOCK, GUARD];
// Unix socket paths hold at most 107 bytes on Linux and 103 on macOS; longer ones are cut short silently.
const MAX_SOCKET_PATH = 100;

export class DataDirInUseError extends Error {}

/** A command on the admin channel: it writes its answer to the connection, and ends it. */
export type AdminHandler = (out: Writable) => Promise<void>;

export interface DataDirLock {
  /** Answers `command` on the admin channel while the lock is held. */
  serve(command: string, handler: AdminHandler): void;
  release(): Promise<void>;
}

/** The socket's address as this process reaches it: a path in the folder (a named pipe on Windows). */
export function adminSocketAddress(dataDir: string): string {
  const absolute = resolve(dataDir);
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\partnership-hub-${createHash('sha256').update(absolute.toLowerCase()).digest('hex').slice(0, 24)}`;
  }
  const full = join(absolute, SOCKET_NAME);
  if (Buffer.byteLength(full) <= MAX_SOCKET_PATH) return full;
  const near = relative(process.cwd(), full);
  if (Buffer.byteLength(near) <= MAX_SOCKET_PATH) return near;
  throw new Error(`The data folder's path is too long for its lock (${full} is over ${MAX_SOCKET_PATH} bytes). Set DATA_DIR to a shorter path.`);
}

/** Whether a process listens on the folder's socket. */
export function socketAnswers(address: string): Promise<boolean> {
  return new Promise((resolvePromise, reject) => {
    const socket = net.connect(address);
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      socket.destroy();
      // Nobody listens: no file, a file left by a process that has gone, or not a socket at all.
      if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'ENOTSOCK') resolvePromise(false);
      else reject(e);
    });
  });
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true });
  const address = adminSocketAddress(dataDir);
  const handlers = new Map<string, AdminHandler>();
  const server = net.createServer((socket) => serveAdmin(socket, handlers));
  await withGuard(join(dataDir, GUARD), async () => {
    if (await socketAnswers(address)) {
      throw new DataDirInUseError(`The data folder ${dataDir} is in use by a running Partnership Hub. Stop it first, or set DATA_DIR to another folder.`);
    }
    if (process.platform !== 'win32') rmSync(address, { force: true });
    rmSync(join(dataDir, LEGACY_LOCK), { force: true });
    await listenPrivately(server, address);
  });
  let released = false;
  return {
    serve: (command, handler) => void handlers.set(command, handler),
    release: async () => {
      if (released) return;
      released = true;
      // Closing the server removes the socket file; connections still open are cut.
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Only this user may connect: the channel hands out the whole database. */
async function listenPrivately(server: net.Server, address: string): Promise<void> {
  const windows = process.platform === 'win32';
  // The socket is made when listen() is called: a narrow umask for that moment, then chmod to be sure.
  const umask = windows ? 0 : process.umask(0o177);
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(address, () => {
        server.off('error', fail);
        done();
      });
      if (!windows) process.umask(umask);
    });
  } finally {
    if (!windows) process.umask(umask);
  }
  if (!windows) chmodSync(address, 0o600);
}

/** A folder made with mkdir, which only one process can make: the critical section of taking the lock. */
async function withGuard<T>(guard: string, work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(guard);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // Left by a process that died while taking the lock: taking it takes milliseconds.
      let age = 0;
      try {
        age = Date.now() - statSync(guard).mtimeMs;
      } catch {
        continue; // gone meanwhile
      }
      if (age > 10_000) {
        rmSync(guard, { recursive: true, force: true });
        continue;
      }
      if (attempt > 100) throw new DataDirInUseError(`Another process is taking the data folder's lock (${guard}).`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await work();
  } finally {
    try {
      rmdirSync(guard);
    } catch {
      /* already gone */
    }
  }
}

/**
 * One request a connection: a line of JSON {"command": "..."}, answered by a line of JSON,
 * {"ok": true} and then the command's bytes until the connection ends, or {"ok": false,
 * "error": "..."}. A reader checks the bytes themselves (a backup is a gzip, whose end
 * carries a checksum), so an answer cut short is noticed.
 */
function serveAdmin(socket: net.Socket, handlers: Map<string, AdminHandler>) {
  let buffered = '';
  socket.on('error', () => {}); // a probe that hangs up at once is normal
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    if (buffered.length > 10_000) return void socket.destroy();
    const end = buffered.indexOf('\n');
    if (end < 0) return;
    socket.off('data', onData);
    let command = '';
    try {
      command = String((JSON.parse(buffered.slice(0, end)) as { command?: unknown }).command ?? '');
    } catch {
      /* answered below as unknown */
    }
    const handler = handlers.get(command);
    if (!handler) return void socket.end(`${JSON.stringify({ ok: false, error: `Unknown command "${command}"` })}\n`);
    socket.write(`${JSON.stringify({ ok: true })}\n`);
    handler(socket).catch((e: Error) => {
      console.error(`Admin channel: ${command} failed: ${e.message}`);
      socket.destroy();
    });
  };
  socket.on('data', onData);
}

/** Asks the process holding the folder to run a command, its answer written to `out`; false when no process holds it. */
export async function askDataDirOwner(dataDir: string, command: string, out: Writable): Promise<boolean> {
  const address = adminSocketAddress(dataDir);
  if (!(await socketAnswers(address))) return false;
  const socket = net.connect(address);
  await new Promise<void>((done, fail) => {
    socket.once('connect', done);
    socket.once('error', fail);
  });
  socket.write(`${JSON.stringify({ command })}\n`);
  // The head line, then the rest as it comes.
  const head = await new Promise<string>((done, fail) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      const newline = chunk.indexOf(10);
      if (newline < 0) return void (text += chunk.toString('utf8'));
      socket.off('data', onData);
      socket.pause();
      text += chunk.subarray(0, newline).toString('utf8');
      if (newline + 1 < chunk.length) socket.unshift(chunk.subarray(newline + 1));
      done(text);
    };
    socket.on('data', onData);
    socket.once('error', fail);
    socket.once('end', () => fail(new Error('The running server closed the admin channel without an answer.')));
  });
  const answer = JSON.parse(head) as { ok: boolean; error?: string };
  if (!answer.ok) {
    socket.destroy();
    throw new Error(`The running server could not ${command}: ${answer.error}`);
  }
  socket.removeAllListeners('end');
  await pipeline(socket, out);
  return true;
}
