// The history page in plain English: each changed field by its name on the forms, and each
// id in a change as the thing it names (a person, a body, a meeting), looked up in one
// round of queries. The audit log itself keeps the raw rows; this only words them.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { HistoryRow } from './audit.ts';
import { formatDateTime, formatDay } from '../web/nunjucks.ts';
import { displayName } from '../modules/partnership/domain.ts';

/** The words for a field, as its form or page calls it. */
const FIELD_LABELS: Record<string, string> = {
  name: 'Name', short_name: 'Short name', title: 'Title', description: 'Description', text: 'Text', kind: 'Kind',
  honorific: 'Title (Mr, Ms, Dr)', given_name: 'Given name', family_name: 'Family name', honours: 'Honours', email: 'E-mail address',
  job_title: 'Job title', phone: 'Phone', website: 'Website', address: 'Address',
  body_id: 'Body', parent_body_id: 'Part of', person_id: 'Person', organisation_id: 'Organisation', meeting_id: 'Meeting',
  owner_person_id: 'Owner', owner_organisation_id: 'Owner', contact_person_id: 'Contact officer', presenter_person_id: 'Presenter',
  substitute_for_person_id: 'Substitute for', previous_meeting_id: 'Minutes it confirms', confirms_meeting_id: 'Minutes it confirms',
  approved_at_meeting_id: 'Approved at', agenda_item_id: 'Agenda item', item_id: 'Agenda item', section_id: 'Section',
  election_id: 'Election', source_kind: 'Recorded from', source_text: 'Words of the minutes',
  created_by: 'Recorded by', accepted_by: 'Accepted by', user_id: 'Account', granted_by: 'Granted by',
  role: 'Role', starts_on: 'From', ends_on: 'To', held_on: 'Held on', agreed_on: 'Agreed on', effective_on: 'In effect from',
  signed_on: 'Signed on', signed_by: 'Signed by', review_due_on: 'Review due', version: 'Version',
  meets_on: 'Date', starts_at: 'Start time', ends_at: 'End time', venue: 'Venue', online: 'Online', status: 'Status',
  cancelled_reason: 'Reason for cancelling', agenda_published_at: 'Agenda published', minutes_published_at: 'Minutes published',
  minutes_approved_at: 'Minutes approved', code: 'Item code', code_fixed: 'Item code fixed by the clerk', minute_number: 'Minute number',
  position: 'Place in the list', presenter: 'Presenter', restricted: 'Restricted (not open to the press and public)',
  exemption_reason: 'Reason for exclusion', minuted: 'Minuted', number: 'Number', label: 'Label', interest: 'Interest',
  capacity: 'Capacity', mode: 'How they attended', due_on: 'Due date', note: 'Note', file_name: 'File', page_count: 'Pages',
  disabled_at: 'Account disabled', display_name: 'Name', first_minute_number: 'First minute number', reason: 'Reason',
};

const humanise = (field: string) => {
  const words = field.replace(/_id$/, '').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};
export const fieldLabel = (field: string) => FIELD_LABELS[field] ?? humanise(field);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** Values of fields whose stored words are codes ('minutes-draft'), as the pages say them. */
const CODE_WORDS: Record<string, string> = {
  scheduled: 'Scheduled', 'agenda-published': 'Agenda published', held: 'Held', 'minutes-draft': 'Minutes in draft',
  'minutes-approved': 'Minutes approved', cancelled: 'Cancelled', open: 'Open', 'in-progress': 'In progress', done: 'Done',
  dropped: 'Dropped', 'vice-chair': 'Vice-chair', chair: 'Chair', member: 'Member', substitute: 'Substitute', adviser: 'Adviser',
  officer: 'Officer', administrator: 'Administrator', present: 'Present', apologies: 'Apologies', absent: 'Absent',
  'in-attendance': 'In attendance', 'also-present': 'Also present', 'in-person': 'In person', virtual: 'Online',
  'minute-paragraph': 'A paragraph of the minutes', resolution: 'A resolution', manual: 'Added by hand',
};
const CODED_FIELDS = new Set(['status', 'role', 'kind', 'mode', 'source_kind']);

export interface HistoryChangeView { field: string; label: string; before: string; after: string }
export interface HistoryRowView extends Omit<HistoryRow, 'changes'> { changes: HistoryChangeView[] }

/** Names for the ids a history mentions, in one round of queries (each by primary key). */
async function namesFor(db: Kysely<DB>, partnershipId: string, ids: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (!ids.length) return names;
  const [people, organisations, bodies, meetings, items, users] = await Promise.all([
    db.selectFrom('people').select(['id', 'honorific', 'given_name', 'family_name', 'honours']).where('partnership_id', '=', partnershipId).where('id', 'in', ids).execute(),
    db.selectFrom('organisations').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('id', 'in', ids).execute(),
    db.selectFrom('bodies').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('id', 'in', ids).execute(),
    db.selectFrom('meetings').innerJoin('bodies', (j) => j.onRef('bodies.partnership_id', '=', 'meetings.partnership_id').onRef('bodies.id', '=', 'meetings.body_id'))
      .select(['meetings.id', 'meetings.meets_on', 'bodies.name']).where('meetings.partnership_id', '=', partnershipId).where('meetings.id', 'in', ids).execute(),
    db.selectFrom('agenda_items').select(['id', 'code', 'title']).where('partnership_id', '=', partnershipId).where('id', 'in', ids).execute(),
    db.selectFrom('users').innerJoin('partnership_users', 'partnership_users.user_id', 'users.id')
      .select(['users.id', 'users.display_name']).where('partnership_users.partnership_id', '=', partnershipId).where('users.id', 'in', ids).execute(),
  ]);
  for (const p of people) names.set(p.id, displayName(p));
  for (const o of organisations) names.set(o.id, o.name);
  for (const b of bodies) names.set(b.id, b.name);
  for (const m of meetings) names.set(m.id, `the meeting of ${m.name} on ${formatDay(m.meets_on)}`);
  for (const i of items) names.set(i.id, i.code ? `item ${i.code}, ${i.title}` : i.title);
  for (const u of users) names.set(u.id, u.display_name);
  return names;
}

function describe(field: string, value: unknown, names: Map<string, string>): string {
  if (value === null || value === undefined || value === '') return '(blank)';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string') {
    if (UUID.test(value)) return names.get(value) ?? 'another record';
    if (ISO_DAY.test(value)) return formatDay(value);
    if (ISO_INSTANT.test(value)) return formatDateTime(new Date(value));
    if (CODED_FIELDS.has(field)) return CODE_WORDS[value] ?? value;
    return value;
  }
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** Fields whose changes say nothing to a reader (keys, and the source id the quoted words already show). */
const UNSHOWN = new Set(['search_text', 'partnership_id', 'source_id']);

export async function presentHistory(db: Kysely<DB>, partnershipId: string, rows: HistoryRow[]): Promise<HistoryRowView[]> {
  const ids = new Set<string>();
  for (const r of rows) for (const c of r.changes) for (const v of [c.before, c.after]) if (typeof v === 'string' && UUID.test(v)) ids.add(v);
  const names = await namesFor(db, partnershipId, [...ids]);
  return rows.map((r) => ({
    ...r,
    changes: r.changes.filter((c) => !UNSHOWN.has(c.field)).map((c) => ({
      field: c.field, label: fieldLabel(c.field), before: describe(c.field, c.before, names), after: describe(c.field, c.after, names),
    })),
  }));
}
