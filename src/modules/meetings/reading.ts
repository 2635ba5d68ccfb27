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
import { listMattersArising, mattersArisingFrom, type MatterArising } from '../actions/mattersArising.ts';
import { MATTER_ARISING_READ, MeetingPageStatement, type Read } from './pageStatement.ts';
import type { MeetingView } from './record.ts';

/** The meeting as this reader may see it; each restricted record shown is audited unless `audit` is false. */
export async function readMeeting(db: Kysely<DB>, req: FastifyRequest, id: string | undefined, opts: { audit?: boolean } = {}) {
  if (!id || !isUuid(id)) throw new NotFoundError();
  const record = await meetingRecord(db, req, id);
  const read = pageStatementOf(req, id);
  // Built in advance for this very actor from this very record (pageStatement.ts): the same view.
  const view = read?.predicted?.record === record ? read.predicted.view : buildMeetingView(record, req.actor, { laterMeetings: record.laterMeetings });
  if (opts.audit !== false) await auditReads(db, req, view.restrictedShown);
  return { record, view };
}

/** The statement read with the session for this meeting's page, if it was. */
const pageStatementOf = (req: FastifyRequest, meetingId: string) =>
  req.sessionRider instanceof MeetingPageStatement && req.sessionRider.meetingId === meetingId ? req.sessionRider : null;

/** Audits each read, less those the session's statement wrote already (each once). */
async function auditReads(db: Kysely<DB>, req: FastifyRequest, reads: Read[]): Promise<void> {
  const written = req.sessionRider instanceof MeetingPageStatement ? req.sessionRider.audited : [];
  const rest = written.length ? reads.filter((r) => {
    const at = written.findIndex((w) => w.recordType === r.recordType && w.id === r.id && w.summary === r.summary);
    if (at === -1) return true;
    written.splice(at, 1);
    return false;
  }) : reads;
  await auditRestrictedReads(db, req.actor, rest);
}

/**
 * The meeting's whole record, unfiltered: from memory when the request read the meeting's
 * counter with its session and the record kept is at that count (recordCache.ts), else
 * from the database (and kept, on the routes that read the counter).
 */
async function meetingRecord(db: Kysely<DB>, req: FastifyRequest, id: string): Promise<MeetingRecord> {
  const counted = pageStatementOf(req, id);
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
  // Read with the session for the kept record when it is still the meeting's (pageStatement.ts).
  const read = pageStatementOf(req, view.meeting.id);
  const actions = read?.matters
    ? mattersArisingFrom(read.matters, view.meeting.meets_on)
    : await listMattersArising(db, req.partnership.id, view.meeting.body_id, view.meeting.meets_on);
  const readable = actions.filter((a) => can(req.actor, 'read', { type: 'action', published: false, restricted: a.restricted, bodyId: a.bodyId }));
  await auditReads(db, req, readable.filter((a) => a.restricted).map((a) => ({ recordType: 'action', id: a.id, summary: MATTER_ARISING_READ })));
  return readable;
}
