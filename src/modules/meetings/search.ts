// Keeps the search index (src/modules/search) in step with a meeting, inside the same
// transaction as the change. Each entry says whether it is restricted (a section D item)
// and whether it is public (its agenda or minutes published), so search shows a reader
// no more than the meeting page would.
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { indexForSearch, removeFromSearch, type SearchEntry } from '../search/index.ts';
import { loadMeetingRecord } from './store.ts';
import { paperUrl } from './papers.ts';
import { followMinuteSources } from '../actions/sources.ts';
import type { AuditActor } from '../../access/audit.ts';

type Trx = Transaction<DB>;

/**
 * Writes the meeting's agenda items, minute paragraphs and resolutions afresh, and the
 * flags of its papers; actions made from its minutes take their sources' restriction
 * again (audited as `actor`'s change when given: the person whose change moved them).
 */
export async function reindexMeeting(trx: Trx, partnershipId: string, meetingId: string, actor?: AuditActor): Promise<void> {
  const record = await loadMeetingRecord(trx, partnershipId, meetingId);
  if (!record) return;
  const m = record.meeting;
  const agendaPublic = m.agenda_published_at !== null;
  const minutesPublic = m.minutes_published_at !== null && (m.status === 'minutes-draft' || m.status === 'minutes-approved');
  await trx.deleteFrom('search_entries').where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId)
    .where('kind', 'in', ['agenda-item', 'minute-paragraph', 'resolution']).execute();

  const base = { partnershipId, bodyId: m.body_id, meetingId, occurredOn: m.meets_on };
  const items = new Map(record.items.map((i) => [i.id, i]));
  const itemUrl = (itemId: string) => `/meetings/${meetingId}/items/${itemId}`;
  const heading = (i: { code: string; title: string; minute_number: number | null }) =>
    `${i.minute_number ? `${i.minute_number}. ` : ''}${i.title} (Item ${i.code}), ${m.body_name}`;
  const entries: SearchEntry[] = record.items.map((i) => ({
    ...base, kind: 'agenda-item', recordId: i.id, title: `${i.code} ${i.title}, ${m.body_name}`,
    content: [i.title, i.description, i.presenter_name, i.presenter_person_id ? record.names.get(i.presenter_person_id) : null].filter(Boolean).join('\n'),
    url: itemUrl(i.id), restricted: i.restricted,
    // A late item is public once a supplementary agenda publishes it.
    public: agendaPublic && (!i.late || i.supplement_id !== null),
  }));
  for (const p of record.paragraphs) {
    const item = items.get(p.agenda_item_id);
    if (!item) continue;
    entries.push({ ...base, kind: 'minute-paragraph', recordId: p.id, title: heading(item), content: p.text, url: itemUrl(item.id), restricted: item.restricted, public: minutesPublic });
  }
  for (const r of record.resolutions) {
    const item = items.get(r.agenda_item_id);
    if (!item) continue;
    entries.push({ ...base, kind: 'resolution', recordId: r.id, title: heading(item), content: `RESOLVED ${r.text}`, url: itemUrl(item.id), restricted: item.restricted, public: minutesPublic });
  }
  await indexForSearch(trx, entries);

  // Papers keep their text (read once, on upload); publication and sections move their flags.
  for (const p of record.papers) {
    const item = items.get(p.agenda_item_id);
    const restricted = p.restricted || (item?.restricted ?? true);
    const published = (!p.late || p.supplement_id !== null) && (!item?.late || item.supplement_id !== null);
    await trx.updateTable('search_entries').set({ restricted, public: agendaPublic && published && !restricted, occurred_on: m.meets_on })
      .where('partnership_id', '=', partnershipId).where('kind', '=', 'paper').where('record_id', '=', p.id).execute();
  }

  // Copies of the minutes' words outside the meeting: actions quote them.
  await followMinuteSources(trx, actor ?? { kind: 'system', partnershipId }, partnershipId, meetingId);
}

/** A paper's text goes into the index once, when it is uploaded. */
export async function indexPaper(
  trx: Trx, partnershipId: string,
  paper: { id: string; meeting_id: string; title: string; file_name: string; media_type: Parameters<typeof paperUrl>[0]['media_type']; restricted: boolean },
  bodyId: string, meetsOn: string, text: string,
): Promise<void> {
  await indexForSearch(trx, [{
    partnershipId, kind: 'paper', recordId: paper.id, bodyId, meetingId: paper.meeting_id, occurredOn: meetsOn, title: paper.title,
    content: text || paper.title, url: paperUrl(paper), restricted: paper.restricted, public: false,
  }]);
}

export const unindexPaper = (trx: Trx, partnershipId: string, paperId: string) => removeFromSearch(trx, partnershipId, 'paper', [paperId]);
