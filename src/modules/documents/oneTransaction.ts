// Accepting an import runs many commands of other modules (schedule a meeting, add its
// items, record attendance, create actions ...) and must write all of them or none.
// Each command opens its own transaction through inTransaction(ctx, ...); given this
// context instead, they all run inside the one transaction already open.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Context, Tx } from '../../access/context.ts';
import type { Actor } from '../../access/policy.ts';

export function withinTransaction(trx: Tx, actor: Actor): Context {
  const db = new Proxy(trx, {
    get(target, prop) {
      // A command's own transaction becomes this one: no commit or rollback of its own.
      if (prop === 'transaction') return () => ({ execute: <T>(work: (t: Tx) => Promise<T>) => work(target) });
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: db as unknown as Kysely<DB>, actor };
}
