// Downloads of a meeting as PDF: the agenda pack and the minutes, on a page's address and
// under /api. Each is built from the meeting as this reader may see it (readMeeting), so
// the public gets the public pack and a reader entitled to restricted business gets the
// members' pack; every restricted record included is audited as a read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../../web/errors.ts';
import { mattersArisingFor, readMeeting } from '../reading.ts';
import { auditRestrictedReads, mayReadRestricted } from '../access.ts';
import { buildMeetingView, type MeetingView } from '../record.ts';
import { loadMeetingRecord, previousMeetingOf, readPaperContent } from '../store.ts';
import { IdParams } from '../schemas.ts';
import type { PackResult } from './pack.ts';
import type { CoverDetails } from './agenda.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import { displayName } from '../../partnership/domain.ts';

const tags = ['meetings'];
const pdfResponse = {
  200: { description: 'A PDF document', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
};

/** The agenda pack's address, for links from the meeting's page. */
export const agendaPackUrl = (meetingId: string) => `/meetings/${meetingId}/agenda-pack.pdf`;
export const minutesPdfUrl = (meetingId: string) => `/meetings/${meetingId}/minutes.pdf`;

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'meeting';

function sendPdf(reply: FastifyReply, result: PackResult, fileName: string, restricted: boolean) {
  return reply
    .type('application/pdf')
    .header('content-disposition', `inline; filename="${fileName}"`)
    // A copy with restricted business is never kept by a browser or a proxy.
    .header('cache-control', restricted ? 'private, no-store' : 'no-cache')
    .header('x-pack-pages', String(result.pageCount))
    .send(Buffer.from(result.bytes));
}

/**
 * The previous meeting's minutes for the "notes of the last meeting" item, as this reader
 * may see them: none when the agenda has no such item or the minutes are not visible.
 */
async function previousMinutes(app: FastifyInstance, req: FastifyRequest, view: MeetingView) {
  const item = view.items.find((i) => i.kind === 'previous-minutes');
  if (!item) return null;
  const pid = req.partnership.id;
  const previousId = item.previous_meeting_id ?? (await previousMeetingOf(app.db, pid, view.meeting))?.id;
  if (!previousId) return null;
  const record = await loadMeetingRecord(app.db, pid, previousId);
  if (!record) return null;
  const previous = buildMeetingView(record, req.actor);
  return previous.minutesVisible ? { view: previous, itemId: item.id } : null;
}

/** The body's membership on the meeting's date, its quorum, and the joining link for the partnership's own people. */
async function coverDetails(db: Kysely<DB>, partnershipId: string, m: { body_id: string; meets_on: string; online: boolean; joining_url: string | null }, signedIn: boolean): Promise<CoverDetails> {
  const [members, body] = await Promise.all([
    db.selectFrom('memberships as ms').innerJoin('people as p', (j) => j.onRef('p.partnership_id', '=', 'ms.partnership_id').onRef('p.id', '=', 'ms.person_id'))
      .select(['p.honorific', 'p.given_name', 'p.family_name', 'p.honours', 'ms.role'])
      .where('ms.partnership_id', '=', partnershipId).where('ms.body_id', '=', m.body_id).where('ms.role', 'in', ['chair', 'vice-chair', 'member'])
      .where('ms.starts_on', '<=', m.meets_on).where((eb) => eb.or([eb('ms.ends_on', 'is', null), eb('ms.ends_on', '>=', m.meets_on)]))
      .orderBy('p.family_name').orderBy('p.given_name').execute(),
    db.selectFrom('bodies').select('quorum').where('partnership_id', '=', partnershipId).where('id', '=', m.body_id).executeTakeFirst(),
  ]);
  const order: Record<string, number> = { chair: 0, 'vice-chair': 1, member: 2 };
  return {
    members: members.sort((a, b) => (order[a.role] ?? 3) - (order[b.role] ?? 3))
      .map((p) => `${displayName(p)}${p.role === 'chair' ? ' (Chair)' : p.role === 'vice-chair' ? ' (Vice-Chair)' : ''}`),
    quorum: body?.quorum ?? null,
    joiningUrl: signedIn && m.online ? m.joining_url : null,
  };
}

export async function packRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;

  async function agendaPack(req: FastifyRequest, reply: FastifyReply) {
    const { id } = req.params as { id?: string };
    const { view } = await readMeeting(db, req, id, { audit: false });
    if (!view.agendaVisible) throw new NotFoundError();
    const membersPack = mayReadRestricted(req.actor, view.meeting.body_id);
    // pdf-lib is loaded on first use, not at start.
    const { buildAgendaPack } = await import('./pack.ts');
    const result = await buildAgendaPack({
      partnershipName: req.partnership.name,
      view,
      membersPack,
      cover: await coverDetails(db, req.partnership.id, view.meeting, req.actor.kind === 'user'),
      // Actions are never public; the reader's own are read (and restricted ones audited) as on the meeting page.
      mattersArising: req.actor.kind === 'user' ? await mattersArisingFor(db, req, view) : undefined,
      previousMinutes: await previousMinutes(app, req, view),
      readPaper: (paperId) => readPaperContent(db, req.partnership.id, paperId),
    });
    await auditRestrictedReads(db, req.actor, result.restrictedIncluded);
    const name = `${slug(view.meeting.body_name)}-${view.meeting.meets_on}-agenda-pack${membersPack ? '-members' : ''}.pdf`;
    return sendPdf(reply, result, name, result.restrictedIncluded.length > 0);
  }

  async function minutes(req: FastifyRequest, reply: FastifyReply) {
    const { id } = req.params as { id?: string };
    const { view } = await readMeeting(db, req, id, { audit: false });
    if (!view.minutesVisible) throw new NotFoundError();
    const { buildMinutesPdf } = await import('./pack.ts');
    const result = await buildMinutesPdf({ partnershipName: req.partnership.name, view });
    await auditRestrictedReads(db, req.actor, result.restrictedIncluded);
    const name = `${slug(view.meeting.body_name)}-${view.meeting.meets_on}-${view.minutesDraft ? 'draft-minutes' : 'minutes'}.pdf`;
    return sendPdf(reply, result, name, result.restrictedIncluded.length > 0);
  }

  app.get('/meetings/:id/agenda-pack.pdf', agendaPack);
  app.get('/meetings/:id/minutes.pdf', minutes);
  app.get('/api/meetings/:id/agenda-pack.pdf', {
    schema: {
      tags, params: IdParams, response: pdfResponse,
      summary: 'The agenda pack as PDF: cover, agenda with page ranges, previous minutes, papers. Restricted items only for readers entitled to them',
    },
  }, agendaPack);
  app.get('/api/meetings/:id/minutes.pdf', {
    schema: { tags, params: IdParams, response: pdfResponse, summary: 'The minutes as PDF, marked DRAFT until approved; once published for the public' },
  }, minutes);
}
