// The national shape: one PostgreSQL spread over several servers with Citus, each
// partnership's records together on one of them. For that, every table of a
// partnership's own records is distributed by partnership_id, and each of its primary
// keys, unique constraints and foreign keys must include that column (so a key can be
// checked on one server); the few tables shared by all partnerships are reference tables
// (copied to every server), and two stay on the coordinator alone.
// scripts/distribution-ddl.ts prints the statements; distribution.test.ts checks the schema.
import { sql, type Kysely } from 'kysely';

/** Shared by every partnership, read by all, changed rarely: a copy on each server. */
export const REFERENCE_TABLES = ['partnerships', 'users', 'password_setup_links', 'recovery_codes'] as const;
/** The coordinator's own: the migrations run, sign-in limits counted across partnerships, and the one-off tasks done. */
export const COORDINATOR_TABLES = ['schema_migrations', 'sign_in_attempts', 'one_off_tasks'] as const;
export const DISTRIBUTION_COLUMN = 'partnership_id';

export interface KeyConstraint { table: string; name: string; kind: 'primary key' | 'unique' | 'foreign key' | 'unique index'; columns: string[]; references: string | null }
export interface SchemaKeys { tables: { name: string; columns: string[] }[]; keys: KeyConstraint[] }

export async function readSchemaKeys(db: Kysely<any>): Promise<SchemaKeys> {
  const tables = await sql<{ name: string; columns: string[] }>`
    select c.relname as name, array_agg(a.attname::text order by a.attnum) as columns
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname = 'public' and c.relkind in ('r', 'p')
    group by c.relname order by c.relname`.execute(db);
  const constraints = await sql<{ table: string; name: string; type: string; columns: string[]; references: string | null }>`
    select r.relname as table, k.conname as name, k.contype as type,
      array(select a.attname::text from unnest(k.conkey) as u(n) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n) as columns,
      f.relname as references
    from pg_constraint k join pg_class r on r.oid = k.conrelid join pg_namespace n on n.oid = r.relnamespace
    left join pg_class f on f.oid = k.confrelid
    where n.nspname = 'public' and k.contype in ('p', 'u', 'f')`.execute(db);
  // Unique indexes made with CREATE UNIQUE INDEX (not constraints) bind the same way.
  const indexes = await sql<{ table: string; name: string; columns: string[] }>`
    select r.relname as table, x.relname as name,
      array(select a.attname::text from unnest(i.indkey) as u(n) join pg_attribute a on a.attrelid = i.indrelid and a.attnum = u.n) as columns
    from pg_index i join pg_class r on r.oid = i.indrelid join pg_class x on x.oid = i.indexrelid join pg_namespace n on n.oid = r.relnamespace
    where n.nspname = 'public' and i.indisunique and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`.execute(db);
  const kinds = { p: 'primary key', u: 'unique', f: 'foreign key' } as const;
  return {
    tables: tables.rows.map((t) => ({ name: t.name, columns: [...t.columns] })),
    keys: [
      ...constraints.rows.map((k) => ({ table: k.table, name: k.name, kind: kinds[k.type as 'p' | 'u' | 'f'], columns: [...k.columns], references: k.references })),
      ...indexes.rows.map((k) => ({ table: k.table, name: k.name, kind: 'unique index' as const, columns: [...k.columns], references: null })),
    ].sort((a, b) => a.table.localeCompare(b.table) || a.name.localeCompare(b.name)),
  };
}

const shared = new Set<string>([...REFERENCE_TABLES, ...COORDINATOR_TABLES]);

/** The tables spread by partnership: every table not shared. */
export const distributedTables = (schema: SchemaKeys) => schema.tables.map((t) => t.name).filter((t) => !shared.has(t));

/** What would stop the schema being distributed by partnership, in words; empty when none. */
export function distributionProblems(schema: SchemaKeys): string[] {
  const problems: string[] = [];
  const names = new Set(schema.tables.map((t) => t.name));
  for (const t of [...shared]) if (!names.has(t)) problems.push(`${t} is listed as shared but is not a table`);
  for (const t of schema.tables) {
    if (!shared.has(t.name) && !t.columns.includes(DISTRIBUTION_COLUMN)) problems.push(`${t.name} has no ${DISTRIBUTION_COLUMN} and is not a reference or coordinator table`);
  }
  for (const k of schema.keys) {
    if (shared.has(k.table)) {
      // A shared table may refer only to other reference tables.
      if (k.kind === 'foreign key' && REFERENCE_TABLES.includes(k.table as never) && !REFERENCE_TABLES.includes(k.references as never)) {
        problems.push(`${k.table}.${k.name}: a reference table refers to ${k.references}, which is not one`);
      }
      continue;
    }
    if (k.kind === 'foreign key' && shared.has(k.references ?? '')) {
      if (!REFERENCE_TABLES.includes(k.references as never)) problems.push(`${k.table}.${k.name} refers to ${k.references}, which stays on the coordinator`);
      continue;
    }
    if (!k.columns.includes(DISTRIBUTION_COLUMN)) problems.push(`${k.table}.${k.name}: its ${k.kind} (${k.columns.join(', ')}) does not include ${DISTRIBUTION_COLUMN}`);
  }
  return problems;
}

/** Distributed tables in an order where each comes after the tables it refers to. */
function referencedFirst(schema: SchemaKeys): string[] {
  const tables = distributedTables(schema);
  const refersTo = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const k of schema.keys) {
    if (k.kind === 'foreign key' && k.references && refersTo.has(k.table) && refersTo.has(k.references) && k.references !== k.table) refersTo.get(k.table)!.add(k.references);
  }
  const done: string[] = [];
  const seen = new Set<string>();
  const visit = (t: string) => {
    if (seen.has(t)) return;
    seen.add(t);
    for (const r of [...refersTo.get(t)!].sort()) visit(r);
    done.push(t);
  };
  for (const t of tables) visit(t);
  return done;
}

/** The statements that distribute the schema on a Citus coordinator, run once after migrating. */
export function distributionDdl(schema: SchemaKeys): string {
  const ordered = referencedFirst(schema);
  const lines = [
    '-- Partnership Hub on Citus: run on the coordinator after `npm run db:setup-roles` and the migrations.',
    '-- Shared by every partnership: a copy on each server.',
    ...REFERENCE_TABLES.map((t) => `select create_reference_table('${t}');`),
    '-- The coordinator\'s own.',
    ...COORDINATOR_TABLES.map((t) => `select citus_add_local_table_to_metadata('${t}');`),
    `-- Each partnership's records, spread by ${DISTRIBUTION_COLUMN} and kept together (co-located); a table after those it refers to.`,
    ...ordered.map((t, i) => i === 0
      ? `select create_distributed_table('${t}', '${DISTRIBUTION_COLUMN}');`
      : `select create_distributed_table('${t}', '${DISTRIBUTION_COLUMN}', colocate_with => '${ordered[0]}');`),
  ];
  return lines.join('\n') + '\n';
}
