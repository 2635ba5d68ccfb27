// Reading a meeting for one request: the record filtered for the reader (record.ts),
// with every restricted record shown audited, and paper downloads. Shared by the pages
// and the API so both answer the same.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { NotFoundError } from '../../web/errors.ts';
import { isUuid } from '../../web/forms.ts';
import { findPaperMeta, loadMeetingRecord, readPaperContent, type MeetingRecord } from './store.ts';
import { keepRecord, keptRecord } from './recordCache.ts';
import { changeGeneration } from '../../db/changes.ts';
import { buildMeetingView } from './record.ts';
import { auditRestrictedReads, authorizeRecord } from './access.ts';
import { safeFileName } from './papers.ts';
import { can } from '../../access/policy.ts';
import { listMattersArising, type MatterArising } from '../actions/mattersArising.ts';
import type { MeetingView } from './record.ts';

/** The meeting as this reader may see it; each restricted record shown is audited unless `audit` is false. */
export async function readMeeting(db: Kysely<DB>, req: FastifyRequest, id: string | undefined, opts: { audit?: boolean } = {}) {
  if (!id || !isUuid(id)) throw new NotFoundError();
  const record = await meetingRecord(db, req, id);
  const view = buildMeetingView(record, req.actor, { laterMeetings: record.laterMeetings });
  if (opts.audit !== false) await auditRestrictedReads(db, req.actor, view.restrictedShown);
  return { record, view };
}

/**
 * The meeting's whole record, unfiltered: from memory when the request read the meeting's
 * counter with its session and the record kept is at that count (recordCache.ts), else
 * from the database (and kept, on the routes that read the counter).
 */
async function meetingRecord(db: Kysely<DB>, req: FastifyRequest, id: string): Promise<MeetingRecord> {
  const counted = req.meetingVersion?.meetingId === id ? req.meetingVersion : null;
  const partnershipId = req.partnership.id;
  const generation = changeGeneration(partnershipId);
  const kept = counted?.version != null ? keptRecord(db, partnershipId, id, counted.version, generation) : undefined;
  if (kept) return kept;
  const record = await loadMeetingRecord(db, partnershipId, id);
  if (!record) throw new NotFoundError();
  // Not kept when anything in the partnership changed while it was read: it may hold the old state.
  if (counted && changeGeneration(partnershipId) === generation) keepRecord(db, partnershipId, id, record, generation);
  return record;
}

/**
 * A paper's original bytes. The agenda must be readable by this reader (published, or
 * one of the partnership's people), then the paper itself: a restricted paper only for
 * readers the policy entitles, and that read is audited. Anything else is not found.
 */
export async function sendPaper(db: Kysely<DB>, req: FastifyRequest, reply: FastifyReply, meetingId: string | undefined, paperId: string | undefined) {
  if (!meetingId || !paperId || !isUuid(meetingId) || !isUuid(paperId)) throw new NotFoundError();
  const paper = await findPaperMeta(db, req.partnership.id, meetingId, paperId);
  if (!paper) throw new NotFoundError();
  const { view } = await readMeeting(db, req, meetingId, { audit: false });
  if (!view.agendaVisible) throw new NotFoundError();
  authorizeRecord(req.actor, paper, view.meeting.body_id);
  const item = view.items.find((i) => i.id === paper.agenda_item_id);
  if (!item) throw new NotFoundError();
  const content = await readPaperContent(db, req.partnership.id, paper.id);
  if (!content) throw new NotFoundError();
  const restricted = paper.restricted || item.restricted;
  if (restricted) {
    await auditRestrictedReads(db, req.actor, [{ recordType: 'paper', id: paper.id, summary: `Downloaded restricted paper “${paper.title}” (item ${item.code})` }]);
  }
  return reply
    .type(paper.media_type)
    .header('content-disposition', `attachment; filename="${safeFileName(paper.file_name, paper.media_type)}"`)
    .header('cache-control', restricted ? 'private, no-store' : 'private, max-age=300')
    .header('x-content-sha256', paper.sha256)
    .send(content);
}

/**
 * The actions the body's agenda carries as matters arising (from the actions module),
 * for a meeting with a "matters arising" item. Actions are the partnership's working
 * record: signed-in readers only, restricted ones as the policy allows, reads audited.
 */
export async function mattersArisingFor(db: Kysely<DB>, req: FastifyRequest, view: MeetingView): Promise<MatterArising[]> {
  if (req.actor.kind !== 'user' || !view.items.some((i) => i.kind === 'matters-arising')) return [];
  const actions = await listMattersArising(db, req.partnership.id, view.meeting.body_id, view.meeting.meets_on);
  const readable = actions.filter((a) => can(req.actor, 'read', { type: 'action', published: false, restricted: a.restricted, bodyId: a.bodyId }));
  await auditRestrictedReads(db, req.actor, readable.filter((a) => a.restricted).map((a) => ({ recordType: 'action', id: a.id, summary: 'Read as a matter arising' })));
  return readable;
}
