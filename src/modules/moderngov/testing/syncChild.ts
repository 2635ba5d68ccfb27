// Run as a process of its own by moderngov.kill.test.ts: opens the database named in the
// environment (DATABASE_URL, or DATA_DIR for PGlite on disk), starts a mirror sync of
// SOURCE_ID as the administrator ADMIN_EMAIL with a lease of LEASE_MS, prints the run's id
// and waits for it to end. The test kills this process part way, as a crash would.
import { openDatabase } from '../../../db/database.ts';
import { loadUserActor } from '../../../access/sessions.ts';
import { startSync } from '../commands.ts';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? '' });
const { db } = database;
const pid = env('PARTNERSHIP_ID');
const user = await db.selectFrom('users').innerJoin('partnership_users as pu', 'pu.user_id', 'users.id')
  .select(['users.id', 'users.display_name', 'pu.role', 'pu.person_id']).where('users.email', '=', env('ADMIN_EMAIL')).where('pu.partnership_id', '=', pid).executeTakeFirstOrThrow();
const actor = await loadUserActor(db, pid, user.id, user.display_name, user.role, user.person_id);
const started = await startSync({ db, actor }, env('SOURCE_ID'), { mode: 'mirror', from: env('FROM'), to: env('TO') }, { allowPrivate: true, leaseMs: Number(env('LEASE_MS')) });
console.log(`run ${started.run.id}`);
const run = await started.finished;
console.log(`ended ${run.status}`);
await database.close();
