// A counter per partnership that every change moves on: what is kept in memory about a
// partnership's public record (src/web/publicCache.ts) is good only while its counter
// stays the same. Moved by the audit log (every change writes an entry), again when the
// change's transaction commits, and by other instances' notices.
import type { Kysely, Transaction } from 'kysely';

const generations = new Map<string, number>();
// Moved when this process may have missed other instances' changes (its notices link was
// down): every partnership's counter moves with it.
let everyGeneration = 0;
let listeners: ((partnershipId: string) => void)[] = [];
// Partnerships changed inside a transaction still open: moved on again once it commits.
const pendingInTransaction = new WeakMap<object, Set<string>>();

export const changeGeneration = (partnershipId: string): number => (generations.get(partnershipId) ?? 0) + everyGeneration;

/** Anything may have changed anywhere (this process could not hear the others for a while). */
export function everyPartnershipChanged(): void {
  everyGeneration++;
}

/** Something in the partnership changed. `fromElsewhere`: another instance said so. */
export function partnershipChanged(partnershipId: string, fromElsewhere = false): void {
  generations.set(partnershipId, (generations.get(partnershipId) ?? 0) + 1);
  if (!fromElsewhere) for (const l of listeners) l(partnershipId);
}

/** Called with each change made in this process (to tell other instances). */
export function onPartnershipChange(listener: (partnershipId: string) => void): () => void {
  listeners.push(listener);
  return () => { listeners = listeners.filter((l) => l !== listener); };
}

/** A change written through `db`: counted now, and again when its transaction commits. */
export function changeWritten(db: Kysely<unknown> | Transaction<unknown>, partnershipId: string): void {
  partnershipChanged(partnershipId);
  if (!db.isTransaction) return;
  let pending = pendingInTransaction.get(db);
  if (!pending) pendingInTransaction.set(db, (pending = new Set()));
  pending.add(partnershipId);
}

/** The transaction `trx` has committed: count its changes again. */
export function transactionCommitted(trx: object): void {
  const pending = pendingInTransaction.get(trx);
  if (!pending) return;
  pendingInTransaction.delete(trx);
  for (const id of pending) partnershipChanged(id);
}
