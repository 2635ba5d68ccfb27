// The minutes editor: one page to write the whole meeting's minutes (GET/POST
// /meetings/:id/minutes), and the same as a JSON resource (GET/PUT
// /api/meetings/:id/minutes) that the page's script saves to as the clerk types.
// Without JavaScript the page is one form: spare rows per item, "add another" buttons
// that save and come back with one more row, every problem reported at once.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authorize, type Actor } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError, type FieldError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import { firstMinuteNumber, numberMinutes, stepProblem } from './domain.ts';
import { findBodyMeetingSettings, highestMinuteNumberBefore, personOptions } from './store.ts';
import { readMeeting } from './reading.ts';
import { auditRestrictedReads } from './access.ts';
import type { MeetingView } from './record.ts';
import {
  actionField, rowField, saveMinutes, type MinutesActionInput, type MinutesInput, type MinutesItemInput,
} from './minutes-writing.commands.ts';
import { IdParams } from './schemas.ts';

const tags = ['meetings'];
const Row = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The row’s id; for a new row, a fresh uuid made by the client, so that sending the same save twice writes it once' }),
  text: Type.String({ description: 'The words; blank removes the row. A paragraph with blank lines becomes several' }),
});
const RowOut = Type.Object({ id: Type.String({ format: 'uuid' }), text: Type.String(), confirmsMeetingId: Type.Optional(Type.Union([Type.String(), Type.Null()])) });
export const MinutesDocument = Type.Object({
  meetingId: Type.String({ format: 'uuid' }),
  status: Type.String(),
  version: Type.Integer({ description: 'Send it back with the next save: a save based on an older version is refused (409)' }),
  savedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  savedBy: Type.Union([Type.String(), Type.Null()]),
  closedAt: Type.Union([Type.String({ description: 'HH:MM' }), Type.Null()]),
  items: Type.Array(Type.Object({
    itemId: Type.String({ format: 'uuid' }), code: Type.String(), title: Type.String(), minuteNumber: Type.Union([Type.Integer(), Type.Null()]),
    restricted: Type.Boolean(), paragraphs: Type.Array(RowOut), resolutions: Type.Array(RowOut),
  })),
});
export const MinutesSave = Type.Object({
  version: Type.Integer({ minimum: 0 }),
  closedAt: Type.Optional(Type.Union([Type.String({ description: 'When the meeting closed, e.g. 15:45 or 3.45pm; empty clears it' }), Type.Null()])),
  items: Type.Array(Type.Object({
    itemId: Type.String({ format: 'uuid' }),
    paragraphs: Type.Array(Row, { description: 'All the item’s paragraphs in order; those left out are removed' }),
    resolutions: Type.Array(Row, { description: 'All the item’s RESOLVED clauses in order (the words after RESOLVED); those left out are removed' }),
  }), { description: 'Items left out are not changed' }),
});

const V = 'meetings/views/minutes-editor.njk';
const str = (v: unknown) => (Array.isArray(v) ? String(v[0] ?? '') : v === undefined || v === null ? '' : String(v));
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined || v === null || v === '' ? [] : [String(v)]);

/**
 * The form as the command takes it. Rows arrive as `rows` = "p:<item id>:<row id>" in page
 * order, each with its text in `p-<row id>` (or `r-`), a ticked `remove-<row id>` and the
 * fields of an action made from it (`action-<row id>-...`).
 */
export function readMinutesForm(body: unknown): MinutesInput {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const items = new Map<string, MinutesItemInput>();
  const actions: MinutesActionInput[] = [];
  for (const row of list(b.rows)) {
    const [kind, itemId, id] = row.split(':');
    if ((kind !== 'p' && kind !== 'r') || !itemId || !id) continue;
    let item = items.get(itemId);
    if (!item) items.set(itemId, (item = { itemId, paragraphs: [], resolutions: [] }));
    const text = str(b[`remove-${id}`]) ? '' : str(b[rowField(kind, id)]);
    (kind === 'p' ? item.paragraphs : item.resolutions).push({ id, text });
    const a = (f: string) => str(b[actionField(id, f)]).trim();
    if (!text) continue;
    if (a('description') || a('owner') || a('due_on-day') || a('due_on-month') || a('due_on-year')) {
      actions.push({
        sourceKind: kind === 'p' ? 'minute-paragraph' : 'resolution', sourceId: id, description: a('description'), owner: a('owner'),
        due: { day: a('due_on-day'), month: a('due_on-month'), year: a('due_on-year') },
      });
    }
  }
  const version = Number(str(b.version));
  return { version: Number.isInteger(version) ? version : -1, closedAt: b.closed_at === undefined ? undefined : str(b.closed_at), items: [...items.values()], actions };
}

interface EditorRow { id: string; text: string; saved: string | null; fixed: boolean; number: number; isNew?: boolean; changedMeanwhile?: boolean }

export async function minutesWritingRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: { actor: Actor }) => ({ db, actor: req.actor });
  const idOf = (req: FastifyRequest) => {
    const { id } = req.params as { id?: string };
    if (!id || !isUuid(id)) throw new NotFoundError();
    return id;
  };

  /** The meeting for its clerk: staff only, and not a cancelled one. */
  async function load(req: FastifyRequest) {
    const { view } = await readMeeting(db, req, idOf(req), { audit: false });
    authorize(req.actor, 'update', { type: 'meeting', bodyId: view.meeting.body_id });
    if (view.meeting.status === 'cancelled') throw new NotFoundError('This meeting was cancelled');
    // Audited once the reader is known to be let in: the clerk reads every restricted item here.
    await auditRestrictedReads(db, req.actor, view.restrictedShown);
    return view;
  }

  /** Minute numbers to show: the given ones, or those the first save will give. */
  async function numbersFor(req: FastifyRequest, view: MeetingView): Promise<Map<string, number>> {
    if (view.items.some((i) => i.minute_number !== null)) {
      return new Map(view.items.filter((i) => i.minute_number !== null).map((i) => [i.id, i.minute_number!]));
    }
    const settings = await findBodyMeetingSettings(db, req.partnership.id, view.meeting.body_id);
    const highest = await highestMinuteNumberBefore(db, req.partnership.id, view.meeting);
    return numberMinutes(view.items, firstMinuteNumber(settings?.first_minute_number ?? 1, highest));
  }

  async function render(req: FastifyRequest, reply: FastifyReply, view: MeetingView, opts: { sent?: MinutesInput; body?: Record<string, unknown>; errors?: FieldError[]; more?: string[] } = {}) {
    const m = view.meeting;
    const numbers = await numbersFor(req, view);
    const sent = new Map(opts.sent?.items.map((i) => [i.itemId, i]) ?? []);
    const more = opts.more ?? [];
    const rowsOf = (kind: 'p' | 'r', item: MeetingView['items'][number]): EditorRow[] => {
      const saved = kind === 'p' ? item.paragraphs : item.resolutions;
      const savedText = new Map(saved.map((x) => [x.id, x.text]));
      const fixed = kind === 'r' ? item.resolutions.filter((x) => x.confirms_meeting_id) : [];
      const given = sent.get(item.id);
      // After a refused save, the writer's own rows and words; else the saved minutes.
      const rows: EditorRow[] = given
        ? [...fixed.map((x) => ({ id: x.id, text: x.text, saved: x.text, fixed: true, number: 0 })),
          ...(kind === 'p' ? given.paragraphs : given.resolutions).filter((x) => !fixed.some((f) => f.id === x.id))
            .map((x) => ({ id: x.id, text: x.text, saved: savedText.get(x.id) ?? null, fixed: false, number: 0 })),
          // What someone else added meanwhile stays too: the next save would otherwise remove it.
          ...saved.filter((x) => !fixed.includes(x as never) && !(kind === 'p' ? given.paragraphs : given.resolutions).some((g) => g.id === x.id))
            .map((x) => ({ id: x.id, text: x.text, saved: x.text, fixed: false, number: 0 }))]
        : saved.map((x) => ({ id: x.id, text: x.text, saved: x.text, fixed: fixed.includes(x as never), number: 0 }));
      const spare = (rows.some((r) => !r.text && !r.fixed) ? 0 : 1) + more.filter((x) => x === `${kind}:${item.id}`).length;
      for (let n = 0; n < spare; n++) rows.push({ id: randomUUID(), text: '', saved: null, fixed: false, number: 0 });
      rows.forEach((r, i) => { r.number = i + 1; r.isNew = r.saved === null; r.changedMeanwhile = r.saved !== null && r.saved !== r.text; });
      return rows;
    };
    const items = view.items.map((i) => ({
      id: i.id, code: i.code, title: i.title, restricted: i.restricted, number: numbers.get(i.id) ?? null,
      paragraphs: rowsOf('p', i), resolutions: rowsOf('r', i),
    }));
    const [people, organisations] = await Promise.all([
      personOptions(db, req.partnership.id),
      db.selectFrom('organisations').select(['id', 'name']).where('partnership_id', '=', req.partnership.id).orderBy('name').execute(),
    ]);
    const owners = [...people.map((p) => ({ value: `person:${p.value}`, text: p.text })), ...organisations.map((o) => ({ value: `organisation:${o.id}`, text: `${o.name} (organisation)` }))];
    const started = m.status === 'minutes-draft';
    const locked = m.status === 'minutes-approved';
    const tooEarly = stepProblem(m, 'hold', todayIso()) !== null && !started && m.status !== 'held' && !locked;
    return reply.view(V, {
      title: `Write the minutes: ${m.body_name}`, section: 'meetings', view, m, items, owners, started, locked, tooEarly,
      version: opts.sent && opts.errors?.some((e) => e.field === 'form') ? m.minutes_version : (opts.sent?.version ?? m.minutes_version),
      values: opts.body ?? { closed_at: m.closed_at ?? '' }, errors: opts.errors,
      apiUrl: `/api/meetings/${m.id}/minutes`,
    });
  }

  app.get('/meetings/:id/minutes', async (req, reply) => {
    const view = await load(req);
    const q = req.query as { more?: string | string[] };
    return render(req, reply, view, { more: list(q.more) });
  });

  app.post('/meetings/:id/minutes', async (req, reply) => {
    const view = await load(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const sent = readMinutesForm(body);
    const more = list(body.more);
    const outcome = await formOutcome(() => saveMinutes(ctx(req), view.meeting.id, sent));
    if (outcome.ok) {
      const { changes, actions, startedNow } = outcome.value;
      const said = [startedNow ? 'Meeting recorded as held and its minutes numbered' : null, 'Minutes saved',
        actions.length ? `${actions.length} action${actions.length === 1 ? '' : 's'} created` : null].filter(Boolean).join('. ');
      void changes;
      const query = more.map((x) => `more=${encodeURIComponent(x)}`).join('&');
      const anchor = more[0] ? `#item-${more[0].split(':')[1]}` : '';
      return reply.flash(said).redirect(`/meetings/${view.meeting.id}/minutes${query ? `?${query}` : ''}${anchor}`, 303);
    }
    // Nothing was saved: the page again with every problem, and every word as typed.
    const fresh = (await readMeeting(db, req, view.meeting.id, { audit: false })).view;
    return render(req, reply.code(outcome.errors.some((e) => e.field === 'form') ? 409 : 400), fresh, { sent, body, errors: outcome.errors, more });
  });

  app.post('/meetings/:id/minutes/start', async (req, reply) => {
    const view = await load(req);
    const outcome = await formOutcome(() => saveMinutes(ctx(req), view.meeting.id, { version: view.meeting.minutes_version, items: [] }));
    if (outcome.ok) return reply.flash('Meeting recorded as held and its minutes numbered: write them below').redirect(`/meetings/${view.meeting.id}/minutes`, 303);
    return render(req, reply.code(400), view, { errors: outcome.errors });
  });

  // ---------------------------------------------------------------- JSON

  const documentOf = (view: MeetingView) => ({
    meetingId: view.meeting.id, status: view.meeting.status, version: view.meeting.minutes_version,
    savedAt: view.meeting.minutes_saved_at ? view.meeting.minutes_saved_at.toISOString() : null, savedBy: view.meeting.minutes_saved_by,
    closedAt: view.meeting.closed_at,
    items: view.items.map((i) => ({
      itemId: i.id, code: i.code, title: i.title, minuteNumber: i.minute_number, restricted: i.restricted,
      paragraphs: i.paragraphs.map((p) => ({ id: p.id, text: p.text })),
      resolutions: i.resolutions.map((r) => ({ id: r.id, text: r.text, confirmsMeetingId: r.confirms_meeting_id })),
    })),
  });

  app.get('/api/meetings/:id/minutes', {
    schema: { tags, summary: 'The minutes as their writer edits them: every item’s paragraphs and resolutions with their ids, and the version to save against', params: IdParams, response: { 200: MinutesDocument } },
  }, async (req) => documentOf(await load(req)));

  app.put('/api/meetings/:id/minutes', {
    schema: {
      tags, params: IdParams, body: MinutesSave, response: { 200: MinutesDocument },
      summary: 'Save the minutes as a whole (the first save records the meeting as held and numbers its minutes). Refused with 409 when the version is not the current one',
    },
  }, async (req) => {
    const view = await load(req);
    const body = req.body as { version: number; closedAt?: string | null; items: MinutesItemInput[] };
    await saveMinutes(ctx(req), view.meeting.id, { version: body.version, closedAt: body.closedAt === null ? '' : body.closedAt, items: body.items });
    return documentOf((await readMeeting(db, req, view.meeting.id, { audit: false })).view);
  });
}
