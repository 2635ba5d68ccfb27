// What every command receives: the database and who is acting.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from './policy.ts';
import { transactionCommitted } from '../db/changes.ts';

export interface Context {
  db: Kysely<DB>;
  actor: Actor;
}

export type Tx = Transaction<DB>;

/**
 * Runs a change in one transaction: either all of it is written, or none. A command
 * called by another command inside its transaction (the minutes' save creating actions
 * through the actions module's own command) joins that transaction.
 */
export function inTransaction<T>(ctx: Context, work: (trx: Tx) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return work(ctx.db as Tx);
  let transaction: Tx | undefined;
  return ctx.db.transaction().execute((trx) => work((transaction = trx))).then((result) => {
    if (transaction) transactionCommitted(transaction);
    return result;
  });
}
