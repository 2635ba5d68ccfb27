// Applies migrations/NNN_*.sql in order, each in its own transaction, once.
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from './database.ts';

export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

export async function migrate(database: Database, dir = migrationsDir): Promise<string[]> {
  const { db } = database;
  await database.execScript(
    'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
  );
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
      throw new Error(`Migration ${name} failed: ${e.message}`);
    });
    applied.push(name);
  }
  return applied;
}
