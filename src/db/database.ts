// One SQL dialect, PostgreSQL: embedded PGlite by default, a server through DATABASE_URL.
import { Kysely, PGliteAdapter, PGliteDialect, PostgresDialect, sql, type CompiledQuery, type DatabaseConnection, type DialectAdapter, type Driver } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create as createTar } from 'tar';
import { lockDataDir, LOCK_FILES } from './dataDirLock.ts';
import { isStalePlan, pglitePreparer, statementName } from './prepared.ts';
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
  /** PGlite with a data folder only: writes a consistent copy of the folder to `out`, as a gzipped tar (see backup.ts). */
  snapshot?(out: Writable): Promise<void>;
  /** PGlite in memory only: the whole database as a tar, to open again with `openPglite(undefined, { from })` (test templates). */
  dump?(): Promise<Blob>;
  /** PGlite only: the bytes of its WebAssembly memory, which grows and is never given back (the bench reports it). */
  wasmMemoryBytes?(): number;
  close(): Promise<void>;
}

// PostgreSQL's default 128 MB of shared buffers is more than a partnership's whole
// database, and in WebAssembly memory once grown is never given back: measured on the
// demo's data folder after reading every table, the process held 360-875 MB with the
// default and 240-265 MB with 16 MB (a partnership's working set fits in it).
const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB'];

/** A tar of a data folder, as PGlite reads one: a Blob, or anything that gives its bytes the same way. */
export type TarBytes = Pick<Blob, 'arrayBuffer' | 'type' | 'size'>;

export async function openPglite(dataDir?: string, opts: { from?: TarBytes } = {}): Promise<Database> {
  const lock = dataDir ? await lockDataDir(dataDir) : undefined;
  // Options go in one object: PGlite drops the options argument when the data folder is undefined (in memory).
  const pglite = new PGlite({
    ...(dataDir ? { dataDir } : {}),
    // PGlite asks only for the bytes and the type (loadTar), whatever its declared Blob type says.
    ...(opts.from ? { loadDataDir: opts.from as Blob } : {}),
    parsers: { [DATE_OID]: (v: string) => v, [INT8_OID]: (v: string) => Number(v), [BYTEA_OID]: parseBytea },
    // PGlite sends a parameter its serializer returns as bytes in the binary format.
    serializers: { [BYTEA_OID]: serializeBytea as unknown as (v: unknown) => string },
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS],
  });
  try {
    await pglite.waitReady;
  } catch (e) {
    await lock?.release();
    throw e;
  }
  const preparer = pglitePreparer(pglite);
  const db = new Kysely<DB>({ dialect: new QueuedPGliteDialect({ pglite }, preparer) });
  const snapshot = dataDir ? (out: Writable) => snapshotPglite(db, dataDir, out) : undefined;
  // `npm run backup` asks the running server for its copy through the folder's lock.
  if (lock && snapshot) lock.serve('backup', snapshot);
  return {
    db,
    engine: 'pglite',
    execScript: async (text) => {
      await preparer.forget();
      await pglite.exec(text);
    },
    ...(snapshot ? { snapshot } : {}),
    ...(dataDir ? {} : { dump: () => pglite.dumpDataDir('none') as Promise<Blob> }),
    wasmMemoryBytes: () => (pglite.Module as unknown as { HEAPU8: Uint8Array }).HEAPU8.byteLength,
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
      await lock?.release();
    },
  };
}

// PGlite's own bytea conversions go through an array of numbers a byte at a time, on the
// main thread: a 10 MB document took 27 s to insert and held every request up meanwhile.
// Bytes are sent as they are (the binary format of bytea is the bytes) and read back with
// Node's native hex decoding.
const BYTEA_OID = 17;
const serializeBytea = (v: unknown): Uint8Array => {
  if (!(v instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
  return v;
};
const parseBytea = (v: string): Uint8Array => new Uint8Array(Buffer.from(v.slice(2), 'hex'));

/**
 * The data folder as a gzipped tar, consistent: written while holding the one connection,
 * so no transaction is half done and nothing writes the files meanwhile, after a
 * checkpoint, so the files hold every committed change. Streamed from the files (PGlite's
 * own dumpDataDir builds the whole copy in memory, and stops at the lock's socket).
 * Requests wait while it runs.
 */
async function snapshotPglite(db: Kysely<DB>, dataDir: string, out: Writable): Promise<void> {
  await db.connection().execute(async (connection) => {
    await sql`checkpoint`.execute(connection);
    const skip = new Set(LOCK_FILES.map((name) => `./${name}`));
    // Fastest gzip: requests wait while this runs, and level 1 took a sixth of the default's time for 14% more bytes.
    await pipeline(createTar({ gzip: { level: 1 }, cwd: dataDir, portable: true, filter: (path) => !skip.has(path) && !path.startsWith(`./${LOCK_FILES[2]}/`) }, ['.']), out);
  });
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
  readonly #preparer: ReturnType<typeof pglitePreparer>;

  constructor(config: ConstructorParameters<typeof PGliteDialect>[0], preparer: ReturnType<typeof pglitePreparer>) {
    super(config);
    this.#preparer = preparer;
  }

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
    // The one connection runs marked statements prepared (prepared.ts), every other as before.
    const preparing = new WeakSet<object>();
    const preparer = this.#preparer;
    const prepare = (connection: DatabaseConnection) => {
      if (preparing.has(connection)) return connection;
      preparing.add(connection);
      const execute = connection.executeQuery.bind(connection);
      connection.executeQuery = ((compiled: CompiledQuery) => {
        const name = statementName(compiled.sql);
        return name ? preparer.execute(name, compiled) : execute(compiled);
      }) as DatabaseConnection['executeQuery'];
      return connection;
    };
    const handOver = () => {
      const next = waiting.shift();
      if (next) setImmediate(next); // still held: the next holder takes it after the loop's turn
      else held = false;
    };
    driver.acquireConnection = async (options) => {
      if (held) await new Promise<void>((resolve) => waiting.push(resolve));
      held = true;
      try {
        return prepare(await acquire(options));
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
  // Marked statements (prepared.ts) are sent with a name: node-postgres parses one once per
  // connection and then only binds it. The generation is moved on by every script
  // (migrations), so a plan is never run against a table it was not made for.
  let generation = 0;
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
    const unnamed = client.query.bind(client);
    client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
      const name = typeof text === 'string' && !callback ? statementName(text) : undefined;
      if (!name) return (unnamed as (...args: unknown[]) => unknown)(text, values, callback);
      const named = () => query({ name: `${name}_${generation}`, text: text as string, values: values as unknown[] });
      return named().catch((e: unknown) => {
        if (!isStalePlan(e)) throw e;
        generation += 1;
        return named();
      });
    }) as typeof client.query;
  });
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
        generation += 1;
        client.release();
      }
    },
    close: () => db.destroy(),
  };
}

export function openDatabase(opts: { databaseUrl?: string | undefined; dataDir?: string }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}
