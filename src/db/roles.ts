// Two roles on a PostgreSQL server, so that the application cannot rewrite its own audit
// log. The owner role owns every table and runs the migrations; the application's role
// (the user of DATABASE_URL) reads and writes rows, and on audit_log may only INSERT and
// SELECT. It owns nothing, so it cannot drop or disable the append-only trigger, alter or
// drop the table, or truncate it. PGlite has one user: there the trigger alone guards.
// Operator procedure: docs/operations.md.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { openPostgres } from './database.ts';
import { migrate, migrationsDir } from './migrate.ts';
import type { DB } from './schema.ts';

export interface RoleNames {
  /** Owns the database's tables and runs migrations. */
  owner: string;
  /** The application's role: DATABASE_URL's user. */
  app: string;
}

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const ident = (name: string) => {
  if (!NAME.test(name)) throw new Error(`"${name}" is not a plain lower-case PostgreSQL name (letters, digits, _).`);
  return `"${name}"`;
};
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The user a connection address signs in as. */
export const userOf = (url: string) => decodeURIComponent(new URL(url).username);

/** The same address with another user, password and database. */
function addressFor(base: string, user: string, password: string, database: string) {
  const u = new URL(base);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/**
 * The application role's rights, given by the owner. Run after every migration (server
 * start with DATABASE_OWNER_URL, db:setup-roles), so that new tables are covered and
 * audit_log never gains more than INSERT and SELECT.
 */
export async function grantApplicationRights(ownerDb: Kysely<DB>, app: string): Promise<void> {
  const a = ident(app);
  await ownerDb.transaction().execute(async (tx) => {
    for (const statement of [
      `grant usage on schema public to ${a}`,
      `grant select, insert, update, delete on all tables in schema public to ${a}`,
      `grant usage, select on all sequences in schema public to ${a}`,
      // The record of what happened: added to and read, never changed or removed.
      `revoke update, delete, truncate, references, trigger on audit_log from ${a}`,
      // Which migrations ran is the owner's business.
      `revoke insert, update, delete, truncate, references, trigger on schema_migrations from ${a}`,
      `alter default privileges in schema public grant select, insert, update, delete on tables to ${a}`,
      `alter default privileges in schema public grant usage, select on sequences to ${a}`,
    ]) await sql.raw(statement).execute(tx);
  });
}

/** Migrations through the owner's address, then the application role's rights. */
export async function migrateAsOwner(ownerUrl: string, app: string, dir = migrationsDir): Promise<string[]> {
  const owner = await openPostgres(ownerUrl, 1);
  try {
    const applied = await migrate(owner, dir);
    if (userOf(ownerUrl) !== app) await grantApplicationRights(owner.db, app);
    return applied;
  } finally {
    await owner.close();
  }
}

export interface SetupResult {
  ownerUrl: string;
  appUrl: string;
  created: { owner: boolean; app: boolean; database: boolean };
  reassigned: boolean;
  migrations: string[];
}

/**
 * Creates (or brings into line) the two roles and the database, as a server administrator
 * (a superuser, or a role with CREATEROLE and CREATEDB that may SET ROLE to the owner):
 * roles that log in but have no other powers, the database owned by the owner role, the
 * public schema closed to everyone else's CREATE, objects the application role owned
 * (an existing one-role deployment) handed to the owner, the migrations run as the owner,
 * and the application's rights granted. Safe to run again.
 */
export async function setupRoles(adminUrl: string, opts: {
  database: string; owner: string; app: string; ownerPassword?: string; appPassword?: string;
}): Promise<SetupResult> {
  const { database, owner, app } = opts;
  for (const n of [database, owner, app]) ident(n);
  if (owner === app) throw new Error('The owner role and the application role must differ.');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const created = { owner: false, app: false, database: false };
  const passwords = { owner: opts.ownerPassword, app: opts.appPassword };
  try {
    for (const [kind, name] of [['owner', owner], ['app', app]] as const) {
      const exists = (await admin.query('select 1 from pg_roles where rolname = $1', [name])).rowCount;
      const password = passwords[kind] ?? (exists ? undefined : randomBytes(18).toString('base64url'));
      passwords[kind] = password;
      const powers = 'login nosuperuser nocreatedb nocreaterole noreplication nobypassrls';
      await admin.query(`${exists ? 'alter' : 'create'} role ${ident(name)} ${powers}${password ? ` password ${literal(password)}` : ''}`);
      created[kind] = !exists;
    }
    // The application must not be able to become the owner.
    if ((await admin.query('select pg_has_role($1, $2, $3) as m', [app, owner, 'member'])).rows[0].m) {
      await admin.query(`revoke ${ident(owner)} from ${ident(app)}`);
    }
    // An administrator who is not a superuser needs to be able to act as the owner.
    await admin.query(`grant ${ident(owner)} to current_user`).catch(() => {});
    if (!(await admin.query('select 1 from pg_database where datname = $1', [database])).rowCount) {
      await admin.query(`create database ${ident(database)} owner ${ident(owner)}`);
      created.database = true;
    } else {
      await admin.query(`alter database ${ident(database)} owner to ${ident(owner)}`);
    }
  } finally {
    await admin.end();
  }

  // Inside the database, still as the administrator.
  const inDatabase = new URL(adminUrl);
  inDatabase.pathname = `/${database}`;
  const db = new pg.Client({ connectionString: inDatabase.toString() });
  await db.connect();
  let reassigned = false;
  try {
    const owned = await db.query(
      `select count(*)::int as n from pg_class c join pg_namespace s on s.oid = c.relnamespace
       where s.nspname = 'public' and pg_get_userbyid(c.relowner) = $1`, [app]);
    if (owned.rows[0].n) {
      // A deployment that ran as one role: its tables, functions and triggers pass to the owner.
      await db.query(`reassign owned by ${ident(app)} to ${ident(owner)}`);
      reassigned = true;
    }
    await db.query(`revoke create on schema public from public`);
    await db.query(`grant usage, create on schema public to ${ident(owner)}`);
    await db.query(`grant connect on database ${ident(database)} to ${ident(owner)}, ${ident(app)}`);
  } finally {
    await db.end();
  }

  // Migrations and grants as the owner: through the administrator's own login, acting as the owner.
  const asOwner = new URL(inDatabase);
  asOwner.searchParams.set('options', `-c role=${owner}`);
  const migrations = await migrateAsOwner(asOwner.toString(), app);
  return {
    ownerUrl: addressFor(adminUrl, owner, passwords.owner ?? 'PASSWORD', database),
    appUrl: addressFor(adminUrl, app, passwords.app ?? 'PASSWORD', database),
    created,
    reassigned,
    migrations,
  };
}
