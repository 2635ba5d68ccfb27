// The audit log: every change (who, when, what, before and after) and every read of
// restricted content. The table refuses updates and deletes (see migration 001).
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from './policy.ts';
import { changeWritten } from '../db/changes.ts';

export interface AuditEntry {
  action: 'create' | 'update' | 'delete' | 'read' | 'sign-in' | 'sign-out' | 'sign-in-refused' | string;
  recordType: string;
  recordId: string;
  summary?: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Who an entry is written for: a person or the public, or the system itself for a change
 * that follows from another without anyone asking (the person's own change is audited too).
 */
export type AuditActor = Actor | { kind: 'system'; partnershipId: string };

const auditRow = (actor: AuditActor, entry: AuditEntry) => ({
  partnership_id: actor.partnershipId,
  actor_user_id: actor.kind === 'user' ? actor.userId : null,
  actor_label: actor.kind === 'user' ? actor.displayName : actor.kind,
  action: entry.action,
  record_type: entry.recordType,
  record_id: entry.recordId,
  summary: entry.summary ?? null,
  before: entry.before === undefined ? null : JSON.stringify(entry.before),
  after: entry.after === undefined ? null : JSON.stringify(entry.after),
});

export async function recordAudit(db: Kysely<DB> | Transaction<DB>, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db.insertInto('audit_log').values(auditRow(actor, entry)).execute();
  if (!NOT_CHANGES.has(entry.action)) changeWritten(db as Kysely<unknown>, actor.partnershipId);
}

/** Many changes at once (a spreadsheet upload's rows), written in a few statements: the same entries as recordAudit, one each. */
export async function recordAudits(db: Kysely<DB> | Transaction<DB>, actor: AuditActor, entries: readonly AuditEntry[]): Promise<void> {
  const rows = entries.map((e) => auditRow(actor, e));
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('audit_log').values(rows.slice(i, i + 500)).execute();
  if (entries.some((e) => !NOT_CHANGES.has(e.action))) changeWritten(db as Kysely<unknown>, actor.partnershipId);
}

/** Entries that record no change to the partnership's record. */
const NOT_CHANGES = new Set(['read', 'sign-in', 'sign-out', 'sign-in-refused']);

/**
 * Reads of restricted content: one entry per restricted record shown, written in one
 * statement (a list may show many). The public is never shown restricted content, so a
 * read by the public writes nothing.
 */
export async function recordRestrictedReads(
  db: Kysely<DB> | Transaction<DB>, actor: Actor, records: readonly { recordType: string; id: string; summary: string }[],
): Promise<void> {
  if (actor.kind !== 'user' || !records.length) return;
  const rows = records.map((r) => auditRow(actor, { action: 'read', recordType: r.recordType, recordId: r.id, summary: r.summary }));
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('audit_log').values(rows.slice(i, i + 500)).execute();
}

export interface HistoryRow {
  id: number;
  at: Date;
  actorLabel: string;
  action: string;
  summary: string | null;
  changes: { field: string; before: unknown; after: unknown }[];
}

/** The history of one record, oldest first, with the fields each change touched. */
export async function recordHistory(db: Kysely<DB>, partnershipId: string, recordType: string, recordId: string): Promise<HistoryRow[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor_label', 'action', 'summary', 'before', 'after'])
    .where('partnership_id', '=', partnershipId)
    .where('record_type', '=', recordType)
    .where('record_id', '=', recordId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actorLabel: r.actor_label,
    action: r.action,
    summary: r.summary,
    changes: diffFields(asObject(r.before), asObject(r.after)),
  }));
}

/**
 * A record's history as a person reads it. The history holds the before and after of
 * every change, restricted words included, so reading it is itself audited (when there
 * is anything to read).
 */
export async function readHistory(db: Kysely<DB>, actor: Actor, recordType: string, recordId: string): Promise<HistoryRow[]> {
  const rows = await recordHistory(db, actor.partnershipId, recordType, recordId);
  if (rows.length) await recordRestrictedReads(db, actor, [{ recordType, id: recordId, summary: 'Read the history of this record' }]);
  return rows;
}

function asObject(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') {
    try {
      return JSON.parse(v) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

const unchangingFields = new Set(['partnership_id', 'id', 'created_at', 'updated_at']);

export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>) {
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...fields]
    .filter((f) => !unchangingFields.has(f))
    .filter((f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null))
    .map((field) => ({ field, before: before[field] ?? null, after: after[field] ?? null }));
}
