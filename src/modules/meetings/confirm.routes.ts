// The confirmation pages before anything of a meeting is removed: an agenda item, a paper,
// a paragraph or resolution of the minutes, a declaration, a line of the attendance. Each
// GET answers a page asking "are you sure", whose button posts to the same address; the
// POST routes (pages.routes.ts) do the removal, through the commands, as before.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize } from '../../access/policy.ts';
import { NotFoundError } from '../../web/errors.ts';
import { renderConfirmation } from '../../web/confirm.ts';
import { formatDay } from '../../web/nunjucks.ts';
import { readMeeting } from './reading.ts';
import { auditRestrictedReads } from './access.ts';
import type { MeetingView } from './record.ts';

type Params = { id?: string; itemId?: string; recordId?: string; paperId?: string };

export async function meetingConfirmPages(app: FastifyInstance): Promise<void> {
  const { db } = app;

  // The meeting as this reader may see it, for one who may change it; otherwise not found or refused.
  async function meetingFor(req: FastifyRequest): Promise<MeetingView> {
    const { view } = await readMeeting(db, req, (req.params as Params).id, { audit: false });
    authorize(req.actor, 'update', { type: 'meeting', bodyId: view.meeting.body_id });
    return view;
  }
  const caption = (view: MeetingView) => `${view.meeting.body_name}, ${formatDay(view.meeting.meets_on)}`;
  const itemName = (i: { code: string | null; title: string }) => (i.code ? `item ${i.code}, “${i.title}”` : `the item “${i.title}”`);
  // A confirmation page quotes the record it removes: a restricted one is a read, audited.
  const auditItem = (req: FastifyRequest, item: { id: string; code: string | null; restricted: boolean }, what: string) =>
    item.restricted ? auditRestrictedReads(db, req.actor, [{ recordType: 'agenda-item', id: item.id, summary: `Read restricted item ${item.code ?? ''} on the page to remove ${what}` }]) : Promise.resolve();
  const crumbs = (view: MeetingView) => [{ text: 'Meetings', href: '/meetings' }, { text: caption(view), href: `/meetings/${view.meeting.id}` }];

  app.get('/meetings/:id/items/:itemId/remove', async (req, reply) => {
    const view = await meetingFor(req);
    const item = view.items.find((i) => i.id === (req.params as Params).itemId);
    if (!item) throw new NotFoundError();
    await auditItem(req, item, 'it');
    const more = [item.papers.length && `its ${item.papers.length === 1 ? 'paper' : `${item.papers.length} papers`}`,
      item.paragraphs.length && 'its minutes', item.resolutions.length && 'its resolutions'].filter(Boolean);
    return renderConfirmation(reply, {
      title: `Are you sure you want to remove ${itemName(item)}?`,
      caption: caption(view), section: 'meetings', breadcrumbs: crumbs(view),
      details: [`It is taken off the agenda${more.length ? `, with ${more.join(' and ')}` : ''}. The other items keep their order.`],
      warning: 'A removed item cannot be brought back: it would have to be added again.',
      action: `/meetings/${view.meeting.id}/items/${item.id}/remove`, confirmText: 'Yes, remove the item', cancelHref: `/meetings/${view.meeting.id}/items/${item.id}`,
    });
  });

  app.get('/meetings/:id/papers/:paperId/remove', async (req, reply) => {
    const view = await meetingFor(req);
    const paperId = (req.params as Params).paperId;
    const item = view.items.find((i) => i.papers.some((p) => p.id === paperId));
    const paper = item?.papers.find((p) => p.id === paperId);
    if (!item || !paper) throw new NotFoundError();
    await auditItem(req, item, 'a paper');
    return renderConfirmation(reply, {
      title: `Are you sure you want to remove the paper “${paper.title}”?`,
      caption: caption(view), section: 'meetings', breadcrumbs: crumbs(view),
      details: [`It is taken off ${itemName(item)}, and out of the agenda pack.`],
      action: `/meetings/${view.meeting.id}/papers/${paper.id}/remove`, confirmText: 'Yes, remove the paper', cancelHref: `/meetings/${view.meeting.id}/items/${item.id}`,
    });
  });

  for (const [path, label] of [['paragraphs', 'paragraph'], ['resolutions', 'resolution']] as const) {
    app.get(`/meetings/:id/${path}/:recordId/remove`, async (req, reply) => {
      const view = await meetingFor(req);
      const recordId = (req.params as Params).recordId;
      for (const item of view.items) {
        const record = path === 'paragraphs' ? item.paragraphs.find((p) => p.id === recordId) : item.resolutions.find((r) => r.id === recordId);
        if (!record) continue;
        await auditItem(req, item, `a ${label}`);
        const name = 'number' in record ? `paragraph ${record.number}` : `the resolution${record.label ? ` ${record.label}` : ''}`;
        return renderConfirmation(reply, {
          title: `Are you sure you want to remove ${name} of the minutes of ${itemName(item)}?`,
          caption: caption(view), section: 'meetings', breadcrumbs: crumbs(view),
          details: [`It reads: “${record.text.length > 300 ? `${record.text.slice(0, 300)}…` : record.text}”`],
          action: `/meetings/${view.meeting.id}/${path}/${record.id}/remove`, confirmText: `Yes, remove the ${label}`, cancelHref: `/meetings/${view.meeting.id}/items/${item.id}`,
        });
      }
      throw new NotFoundError();
    });
  }

  app.get('/meetings/:id/declarations/:recordId/remove', async (req, reply) => {
    const view = await meetingFor(req);
    const recordId = (req.params as Params).recordId;
    const item = view.items.find((i) => i.declarations.some((d) => d.id === recordId));
    const declaration = item?.declarations.find((d) => d.id === recordId);
    if (!item || !declaration) throw new NotFoundError();
    await auditItem(req, item, 'a declaration');
    return renderConfirmation(reply, {
      title: `Are you sure you want to remove ${declaration.personName}’s declaration of interest?`,
      caption: caption(view), section: 'meetings', breadcrumbs: crumbs(view),
      details: [`On ${itemName(item)}: “${declaration.interest}”`],
      action: `/meetings/${view.meeting.id}/declarations/${declaration.id}/remove`, confirmText: 'Yes, remove the declaration', cancelHref: `/meetings/${view.meeting.id}/items/${item.id}`,
    });
  });

  app.get('/meetings/:id/attendance/:recordId/remove', async (req, reply) => {
    const view = await meetingFor(req);
    const recordId = (req.params as Params).recordId;
    const group = view.attendance.find((g) => g.people.some((a) => a.id === recordId));
    const line = group?.people.find((a) => a.id === recordId);
    if (!group || !line) throw new NotFoundError();
    return renderConfirmation(reply, {
      title: `Are you sure you want to remove ${line.displayName} from the attendance?`,
      caption: caption(view), section: 'meetings', breadcrumbs: crumbs(view),
      details: [`They are recorded under “${group.heading}”. Removing them leaves them out of the minutes’ attendance.`],
      action: `/meetings/${view.meeting.id}/attendance/${line.id}/remove`, confirmText: 'Yes, remove them', cancelHref: `/meetings/${view.meeting.id}/attendance`,
    });
  });
}
