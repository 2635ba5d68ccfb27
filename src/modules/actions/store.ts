// SQL of the actions module. Every query is scoped by partnership_id. The names of
// bodies, people and organisations are read (never written) for display, through the
// foreign keys the actions table already holds.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { displayName } from '../partnership/domain.ts';
import type { ActionStatus } from './tables.ts';
import { compareActions, isOverdue, standing, type Standing } from './domain.ts';

type Db = Kysely<DB>;

function actionsWithNames(db: Db, partnershipId: string) {
  return db
    .selectFrom('actions')
    .innerJoin('bodies', (j) => j.onRef('bodies.partnership_id', '=', 'actions.partnership_id').onRef('bodies.id', '=', 'actions.body_id'))
    .leftJoin('people', (j) => j.onRef('people.partnership_id', '=', 'actions.partnership_id').onRef('people.id', '=', 'actions.owner_person_id'))
    .leftJoin('organisations', (j) =>
      j.onRef('organisations.partnership_id', '=', 'actions.partnership_id').onRef('organisations.id', '=', 'actions.owner_organisation_id'))
    .selectAll('actions')
    .select([
      'bodies.name as body_name',
      'people.honorific as owner_honorific', 'people.given_name as owner_given_name', 'people.family_name as owner_family_name',
      'people.honours as owner_honours', 'people.email as owner_email',
      'organisations.name as owner_organisation_name',
    ])
    .where('actions.partnership_id', '=', partnershipId);
}

type RawRow = Awaited<ReturnType<ReturnType<typeof actionsWithNames>['executeTakeFirstOrThrow']>>;

/** An action as pages, the API and reminders use it: with the names it points at. */
export interface ActionView extends Omit<RawRow, 'owner_honorific' | 'owner_given_name' | 'owner_family_name' | 'owner_honours'> {
  owner_name: string;
  overdue: boolean;
  standing: Standing;
}

function toView(r: RawRow, today: string): ActionView {
  const { owner_honorific, owner_given_name, owner_family_name, owner_honours, ...rest } = r;
  const owner_name = owner_family_name !== null
    ? displayName({ honorific: owner_honorific, given_name: owner_given_name, family_name: owner_family_name, honours: owner_honours })
    : (r.owner_organisation_name ?? '');
  return { ...rest, owner_name, overdue: isOverdue(r, today), standing: standing(r, today) };
}

export interface ActionFilters {
  bodyId?: string | null;
  ownerPersonId?: string | null;
  ownerOrganisationId?: string | null;
  statuses?: ActionStatus[] | null;
  /** Only those overdue on this day. */
  overdueOn?: string | null;
}

/** Actions in the order a list shows them: overdue first, then outstanding, then closed. */
export async function listActions(db: Db, partnershipId: string, today: string, f: ActionFilters = {}): Promise<ActionView[]> {
  return actionViews(await actionRows(db, partnershipId, f).execute(), today);
}

/** listActions's query, for a caller that runs it inside a statement of its own (the meeting page's matters arising). */
export function actionRows(db: Db, partnershipId: string, f: ActionFilters = {}) {
  let q = actionsWithNames(db, partnershipId);
  if (f.bodyId) q = q.where('actions.body_id', '=', f.bodyId);
  if (f.ownerPersonId) q = q.where('actions.owner_person_id', '=', f.ownerPersonId);
  if (f.ownerOrganisationId) q = q.where('actions.owner_organisation_id', '=', f.ownerOrganisationId);
  if (f.statuses?.length) q = q.where('actions.status', 'in', f.statuses);
  if (f.overdueOn) q = q.where('actions.status', 'in', ['open', 'in-progress']).where('actions.due_on', '<', f.overdueOn);
  return q.orderBy('actions.due_on').orderBy('actions.created_at');
}

export type ActionRow = RawRow;

/** listActions's answer from actionRows's rows, in the order it gave them. */
export const actionViews = (rows: readonly RawRow[], today: string): ActionView[] => rows.map((r) => toView(r, today)).sort(compareActions(today));

export async function findAction(db: Db, partnershipId: string, id: string, today: string): Promise<ActionView | undefined> {
  const row = await actionsWithNames(db, partnershipId).where('actions.id', '=', id).executeTakeFirst();
  return row ? toView(row, today) : undefined;
}

/** The bare row, for commands (before and after in the audit log). */
export function findActionRow(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('actions').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function listActionUpdates(db: Db, partnershipId: string, actionId: string) {
  return db.selectFrom('action_updates').selectAll().where('partnership_id', '=', partnershipId).where('action_id', '=', actionId)
    .orderBy('at').orderBy('id').execute();
}

export async function countOverdueActions(db: Db, partnershipId: string, today: string): Promise<number> {
  const row = await db.selectFrom('actions').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('partnership_id', '=', partnershipId).where('status', 'in', ['open', 'in-progress']).where('due_on', '<', today)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findBody(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('bodies').select(['id', 'name', 'kind']).where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

/** A meeting, for an action agreed at it: its body and whether its agenda is published (read, never written). */
export function findMeetingOf(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('meetings').select(['id', 'body_id', 'agenda_published_at']).where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function bodyOptions(db: Db, partnershipId: string) {
  return db.selectFrom('bodies').select(['id as value', 'name as text', 'kind']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export async function personOptions(db: Db, partnershipId: string) {
  const rows = await db.selectFrom('people').select(['id', 'honorific', 'given_name', 'family_name', 'honours'])
    .where('partnership_id', '=', partnershipId).orderBy('family_name').orderBy('given_name').execute();
  return rows.map((p) => ({ value: p.id, text: displayName(p) }));
}

export function organisationOptions(db: Db, partnershipId: string) {
  return db.selectFrom('organisations').select(['id as value', 'name as text']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export async function personExists(db: Db, partnershipId: string, id: string) {
  return Boolean(await db.selectFrom('people').select('id').where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst());
}

export async function organisationExists(db: Db, partnershipId: string, id: string) {
  return Boolean(await db.selectFrom('organisations').select('id').where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst());
}

/** Outstanding actions due on or before `horizon`, with their owners' e-mail addresses. */
export async function reminderCandidates(db: Db, partnershipId: string, today: string, horizon: string): Promise<ActionView[]> {
  const rows = await actionsWithNames(db, partnershipId)
    .where('actions.status', 'in', ['open', 'in-progress']).where('actions.due_on', '<=', horizon)
    .orderBy('actions.due_on').execute();
  return rows.map((r) => toView(r, today));
}

export async function actionsRemindedOn(db: Db, partnershipId: string, day: string): Promise<Set<string>> {
  const rows = await db.selectFrom('action_reminders').select('action_id').where('partnership_id', '=', partnershipId).where('sent_on', '=', day).execute();
  return new Set(rows.map((r) => r.action_id));
}
