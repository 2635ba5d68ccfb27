// SQL of the assessments, datasets, request events and returns.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { daysLate, requestStatus, type RequestStatus } from './requests.domain.ts';
import type { AssessmentKind, RequestEventKind } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface Assessment {
  partnership_id: string; id: string; year: number; kind: AssessmentKind; title: string; restricted: boolean; body_id: string | null;
  requests_by: string; data_due_on: string; draft_by: string; agreed_by: string; remind_days_before: number; chase_every_days: number; created_at: Date;
}

export async function listAssessments(db: Db, pid: string): Promise<Assessment[]> {
  return db.selectFrom('assessment_assessments').selectAll().where('partnership_id', '=', pid).orderBy('year', 'desc').orderBy('kind').execute() as Promise<Assessment[]>;
}
export async function findAssessment(db: Db, pid: string, id: string): Promise<Assessment | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  return db.selectFrom('assessment_assessments').selectAll().where('partnership_id', '=', pid).where('id', '=', id).executeTakeFirst() as Promise<Assessment | undefined>;
}

export interface DatasetView {
  partnership_id: string; id: string; assessment_id: string; organisation_id: string; organisation_name: string; name: string; description: string | null;
  period: string; format: string; due_on: string; contact_name: string; contact_email: string;
  events: { kind: RequestEventKind; at: Date; on_date: string; by_label: string; note: string | null }[];
  returns: { id: string; version: number; file_name: string; size: number; sha256: string; received_at: Date }[];
  status: RequestStatus; daysLate: number;
}

async function datasets(db: Db, pid: string, where: { assessmentId?: string; id?: string }, today: string): Promise<DatasetView[]> {
  let q = db.selectFrom('assessment_datasets as d').innerJoin('organisations as o', (j) => j.onRef('o.partnership_id', '=', 'd.partnership_id').onRef('o.id', '=', 'd.organisation_id'))
    .select(['d.partnership_id', 'd.id', 'd.assessment_id', 'd.organisation_id', 'o.name as organisation_name', 'd.name', 'd.description', 'd.period', 'd.format', 'd.due_on', 'd.contact_name', 'd.contact_email'])
    .where('d.partnership_id', '=', pid);
  if (where.assessmentId) q = q.where('d.assessment_id', '=', where.assessmentId);
  if (where.id) q = q.where('d.id', '=', where.id);
  const rows = await q.orderBy('o.name').orderBy('d.name').execute();
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const events = await db.selectFrom('assessment_request_events').select(['dataset_id', 'kind', 'at', 'on_date', 'by_label', 'note']).where('partnership_id', '=', pid).where('dataset_id', 'in', ids).orderBy('id').execute();
  const returns = await db.selectFrom('assessment_returns').select(['id', 'dataset_id', 'version', 'file_name', 'size', 'sha256', 'received_at']).where('partnership_id', '=', pid).where('dataset_id', 'in', ids).orderBy('version').execute();
  return rows.map((r) => {
    const ev = events.filter((e) => e.dataset_id === r.id);
    const status = requestStatus(ev, r.due_on, today);
    return { ...r, events: ev, returns: returns.filter((x) => x.dataset_id === r.id), status, daysLate: status === 'late' ? daysLate(r.due_on, today) : 0 };
  });
}
export const listDatasets = (db: Db, pid: string, assessmentId: string, today: string) => datasets(db, pid, { assessmentId }, today);
export async function findDataset(db: Db, pid: string, id: string, today: string): Promise<DatasetView | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  return (await datasets(db, pid, { id }, today))[0];
}

export async function matrix(db: Db, pid: string, assessmentId: string) {
  const criteria = (await db.selectFrom('assessment_criteria').select(['id', 'name', 'weight', 'position']).where('partnership_id', '=', pid).where('assessment_id', '=', assessmentId).orderBy('position').execute())
    .map((c) => ({ ...c, weight: Number(c.weight) }));
  const issues = await db.selectFrom('assessment_issues').select(['id', 'title', 'description', 'priority_id']).where('partnership_id', '=', pid).where('assessment_id', '=', assessmentId).orderBy('created_at').execute();
  const scores = issues.length ? await db.selectFrom('assessment_scores').select(['issue_id', 'criterion_id', 'score']).where('partnership_id', '=', pid).where('issue_id', 'in', issues.map((i) => i.id)).execute() : [];
  return { criteria, issues, scores };
}
