// Applies migrations/NNN_*.sql in order, each in its own transaction, once.
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from './database.ts';

export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

export async function migrate(database: Database, dir = migrationsDir): Promise<string[]> {
  const { db } = database;
  // Made only when missing: the application's role on a server may not create tables (see roles.ts).
  const { rows: [found] } = await sql<{ present: boolean }>`select to_regclass('schema_migrations') is not null as present`.execute(db);
  if (!found?.present) {
    await database.execScript('create table schema_migrations (name text primary key, applied_at timestamptz not null default now())');
  }
  const done = new Set(
    (await sql<{ name: string }>`select name from schema_migrations`.execute(db)).rows.map((r) => r.name),
  );
  const applied: string[] = [];
  for (const name of readdirSync(dir).filter((f) => /^\d+_.+\.sql$/.test(f)).sort()) {
    if (done.has(name)) continue;
    const text = readFileSync(join(dir, name), 'utf8');
    const escapedName = name.replace(/'/g, "''");
    // One script, one transaction: a failing migration leaves nothing behind.
    await database.execScript(
      `begin;\n${text}\n;insert into schema_migrations (name) values ('${escapedName}');\ncommit;`,
    ).catch(async (e: Error) => {
      await database.execScript('rollback').catch(() => {});
      const needsOwner = (e as { code?: string }).code === '42501' || /must be owner|permission denied/.test(e.message);
      throw new Error(`Migration ${name} failed: ${e.message}${needsOwner
        ? '. The database user may not change the schema: set DATABASE_OWNER_URL to the owner role (docs/operations.md).' : ''}`);
    });
    applied.push(name);
  }
  return applied;
}
