// One SQL dialect, PostgreSQL: embedded PGlite by default, a server through DATABASE_URL.
import { Kysely, PGliteAdapter, PGliteDialect, PostgresDialect, sql, type DialectAdapter, type Driver } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { mkdirSync, openSync, closeSync, readFileSync, writeFileSync, unlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DB } from './schema.ts';

const DATE_OID = 1082;
const INT8_OID = 20;
// Dates stay 'YYYY-MM-DD' strings: a meeting on 18 November is that day in every time zone.
pg.types.setTypeParser(DATE_OID, (v: string) => v);
pg.types.setTypeParser(INT8_OID, (v: string) => Number(v));

export interface Database {
  db: Kysely<DB>;
  engine: 'pglite' | 'postgres';
  /** Runs a script of several statements (migrations). */
  execScript(text: string): Promise<void>;
  close(): Promise<void>;
}

export async function openPglite(dataDir?: string): Promise<Database> {
  let release = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    release = lockDataDir(dataDir);
  }
  // Options go in one object: PGlite drops the options argument when the data folder is undefined (in memory).
  const pglite = new PGlite({
    ...(dataDir ? { dataDir } : {}),
    parsers: { [DATE_OID]: (v: string) => v, [INT8_OID]: (v: string) => Number(v) },
  });
  await pglite.waitReady;
  const db = new Kysely<DB>({ dialect: new QueuedPGliteDialect({ pglite }) });
  return {
    db,
    engine: 'pglite',
    execScript: async (text) => {
      await pglite.exec(text);
    },
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
      release();
    },
  };
}

/**
 * PGlite's one connection, handed out first come, first served, with a turn of the
 * event loop between two holders.
 *
 * PGlite runs a query to its end without giving the loop a turn, and Node accepts one
 * new connection per turn. Without the turn, a busy server answers its kept-alive
 * connections one after another without returning to the loop, and new connections
 * wait in the backlog for seconds. This queue stands in for Kysely's own lock, so that
 * a turn is taken only when someone is waiting, and a release wakes one waiter, not all.
 */
class QueuedPGliteDialect extends PGliteDialect {
  override createAdapter(): DialectAdapter {
    return new (class extends PGliteAdapter {
      // The driver below lets one holder at a time have the connection.
      override get supportsMultipleConnections() {
        return true;
      }
    })();
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const acquire = driver.acquireConnection.bind(driver);
    const release = driver.releaseConnection.bind(driver);
    const waiting: Array<() => void> = [];
    let held = false;
    const handOver = () => {
      const next = waiting.shift();
      if (next) setImmediate(next); // still held: the next holder takes it after the loop's turn
      else held = false;
    };
    driver.acquireConnection = async (options) => {
      if (held) await new Promise<void>((resolve) => waiting.push(resolve));
      held = true;
      try {
        return await acquire(options);
      } catch (e) {
        handOver();
        throw e;
      }
    };
    driver.releaseConnection = async (connection, options) => {
      try {
        await release(connection, options);
      } finally {
        handOver();
      }
    };
    return driver;
  }
}

export async function openPostgres(url: string, maxConnections = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  await sql`select 1`.execute(db); // fail at start, with the server's own message
  return {
    db,
    engine: 'postgres',
    execScript: async (text) => {
      const client = await pool.connect();
      try {
        await client.query(text);
      } finally {
        client.release();
      }
    },
    close: () => db.destroy(),
  };
}

export function openDatabase(opts: { databaseUrl?: string | undefined; dataDir?: string }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}

/**
 * PGlite does not lock its data folder, and two processes writing one folder corrupt it.
 * A lock file holding our pid makes a second process stop with a clear message.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = join(dataDir, 'partnership-hub.lock');
  if (existsSync(lockPath)) {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(`The data folder ${dataDir} is in use by process ${pid}. Stop it first, or set DATA_DIR to another folder.`);
    }
    unlinkSync(lockPath); // left by a process that has gone
  }
  const fd = openSync(lockPath, 'wx');
  writeFileSync(fd, String(process.pid));
  closeSync(fd);
  return () => {
    try {
      if (readFileSync(lockPath, 'utf8').trim() === String(process.pid)) unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
