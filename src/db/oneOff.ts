// One-off work done by the application's own code once per database (migration 054): the
// task is recorded in one_off_tasks in the transaction that does it, so every later start
// reads one row and does nothing more. Two instances starting together: the second waits
// on the first's record (the primary key) and then finds the task done.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

/** Runs `work` unless the task is recorded as done; true when it ran here. */
export async function runOnce(db: Kysely<DB>, name: string, work: (trx: Transaction<DB>) => Promise<void>): Promise<boolean> {
  if (await isDone(db, name)) return false;
  return db.transaction().execute(async (trx) => {
    const mine = await trx.insertInto('one_off_tasks').values({ name }).onConflict((oc) => oc.column('name').doNothing()).returning('name').executeTakeFirst();
    if (!mine) return false;
    await work(trx);
    return true;
  });
}

export async function isDone(db: Kysely<DB> | Transaction<DB>, name: string): Promise<boolean> {
  return Boolean(await db.selectFrom('one_off_tasks').select('name').where('name', '=', name).executeTakeFirst());
}
