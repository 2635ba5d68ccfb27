// The bulletin's pages and API: issues and their articles (officers), previews as e-mail
// and as a web page, a test copy to oneself, the send as a job with its progress and
// figures, bounces received; and the public archive of sent issues with its Atom feed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { readForm, removeUploadFiles, uploadGate, type ReadForm } from '../../web/uploads.ts';
import { ARTICLE_IMAGE_MAX_BYTES } from './domain.ts';
import { authorize, can, engagementResources } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError, type FieldError } from '../../web/errors.ts';
import { mailerFromConfig, type Mailer } from '../../mail/mailer.ts';
import { publicOrigin } from '../public/address.ts';
import { buildAtom } from '../public/domain.ts';
import { listLists } from './store.ts';
import { articleHtml, bySection, compileIssue } from './bulletin.message.ts';
import { addArticle, createIssue, issueWithArticles, receiveDsn, removeArticle, scheduleIssue, sendIssue, sendTest, unscheduleIssue } from './bulletin.commands.ts';
import { BulletinSender, issueFigures, queueDueIssues } from './bulletin.sending.ts';
import { fromApi } from './subscribers.routes.ts';
import * as S from './schemas.ts';

const tags = ['engagement'];
const ukWhen = (d: Date) => d.toLocaleString('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export async function bulletinRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  // Only the article form sends a file (its image); these limits end a larger request early.
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: ARTICLE_IMAGE_MAX_BYTES + 1, files: 1, fields: 12, fieldSize: 20_000, parts: 14 } });
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });
  const origin = (req: FastifyRequest) => publicOrigin(req.partnership, app.config);
  const staff = (req: FastifyRequest) => authorize(req.actor, 'read', engagementResources.people());

  // The send job: one sender in this process, woken by a send and at start.
  let sender: BulletinSender | null = null;
  let senderMailer: Mailer | null = null;
  const kick = () => {
    if (!sender) {
      senderMailer = mailerFromConfig(app.config, { pool: 4 });
      if (!senderMailer) return;
      sender = new BulletinSender({
        db, mailer: senderMailer, secret: app.config.sessionSecret, bounceAddress: app.config.bounceAddress, rate: app.config.bulletinRate,
        origin: async (pid) => publicOrigin((await db.selectFrom('partnerships').select(['public_url', 'hostname']).where('id', '=', pid).executeTakeFirstOrThrow()), app.config),
      });
    }
    sender.run().catch((e) => app.log.error(e, 'bulletin send stopped')).finally(() => {
      senderMailer?.close();
      sender = null;
      senderMailer = null;
    });
  };
  // Scheduled issues are queued when their time comes: looked for every minute.
  const sendDue = async () => {
    try {
      if (await queueDueIssues(db)) kick();
    } catch (e) {
      app.log.error(e, 'scheduled bulletins not queued');
    }
  };
  let dueTimer: NodeJS.Timeout | null = null;
  app.addHook('onReady', async () => {
    const sending = await db.selectFrom('engagement_issues').select('id').where('status', '=', 'sending').limit(1).executeTakeFirst();
    if (sending) kick();
    await sendDue();
    dueTimer = setInterval(() => void sendDue(), 60_000);
    dueTimer.unref();
  });
  app.addHook('onClose', async () => {
    if (dueTimer) clearInterval(dueTimer);
    await sender?.stop();
  });

  async function loadIssue(req: FastifyRequest) {
    const id = (req.params as { id: string }).id;
    const found = isUuid(id) ? await issueWithArticles(ctx(req), req.partnership.id, id) : null;
    if (!found) throw new NotFoundError();
    authorize(req.actor, 'read', engagementResources.issue(found.issue));
    return found;
  }

  app.get('/engagement/bulletins', async (req, reply) => {
    staff(req);
    const issues = await db.selectFrom('engagement_issues').selectAll().where('partnership_id', '=', req.partnership.id).orderBy('number', 'desc').execute();
    return reply.view('engagement/views/bulletins.njk', { title: 'The bulletin', section: 'engagement', issues });
  });

  const newForm = async (req: FastifyRequest, reply: FastifyReply, values: unknown, errors?: FieldError[]) =>
    reply.view('engagement/views/issue-form.njk', { title: 'Start an issue', section: 'engagement', values, errors, lists: (await listLists(db, req.partnership.id)).map((l) => ({ value: l.id, text: l.name })) });
  app.get('/engagement/bulletins/new', async (req, reply) => {
    authorize(req.actor, 'create', engagementResources.people());
    return newForm(req, reply, {});
  });
  app.post('/engagement/bulletins/new', async (req, reply) => {
    authorize(req.actor, 'create', engagementResources.people());
    const outcome = await formOutcome(() => createIssue(ctx(req), req.body));
    if (outcome.ok) return reply.flash(`Issue ${outcome.value.number} started`).redirect(`/engagement/bulletins/${outcome.value.id}`, 303);
    return newForm(req, reply.code(400), req.body, outcome.errors);
  });

  async function issuePage(req: FastifyRequest, reply: FastifyReply, errors?: FieldError[], values: unknown = {}) {
    const { issue, articles } = await loadIssue(req);
    staff(req);
    const figures = await issueFigures(db, req.partnership.id, issue.id);
    const list = await db.selectFrom('engagement_lists').select('name').where('partnership_id', '=', req.partnership.id).where('id', '=', issue.list_id).executeTakeFirst();
    return reply.view('engagement/views/issue.njk', {
      title: `Issue ${issue.number}: ${issue.title}`, section: 'engagement', issue, articles, figures, listName: list?.name, errors, values,
      sections: [...new Set(articles.map((a) => a.section))],
    });
  }
  app.get('/engagement/bulletins/:id', async (req, reply) => issuePage(req, reply));
  const issuePost = (path: string, work: (req: FastifyRequest, id: string) => Promise<unknown>, flash: (v: unknown) => string) =>
    app.post(`/engagement/bulletins/:id/${path}`, async (req, reply) => {
      staff(req);
      const { issue } = await loadIssue(req);
      const outcome = await formOutcome(() => work(req, issue.id));
      if (outcome.ok) return reply.flash(flash(outcome.value)).redirect(`/engagement/bulletins/${issue.id}`, 303);
      return issuePage(req, reply.code(400), outcome.errors, req.body);
    });
  // An article, with an image uploaded or given by address. The form is multipart when it
  // carries a file: its permission and token are checked before the file is read.
  const articleUploads = new WeakMap<FastifyRequest, ReadForm>();
  app.post('/engagement/bulletins/:id/articles', {
    onRequest: uploadGate((req) => authorize(req.actor, 'update', engagementResources.people())),
    preValidation: async (req, reply) => {
      if (!req.isMultipart()) return;
      articleUploads.set(req, await readForm(req, reply, { dir: join(app.config.dataDir, 'uploads'), fileField: 'image', maxFiles: 1, maxFileBytes: ARTICLE_IMAGE_MAX_BYTES, maxTotalBytes: ARTICLE_IMAGE_MAX_BYTES }));
    },
    onResponse: removeUploadFiles,
  }, async (req, reply) => {
    staff(req);
    const { issue } = await loadIssue(req);
    const form = articleUploads.get(req);
    const outcome = await formOutcome(async () => {
      const file = form?.files[0];
      const image = form?.tooLarge.length ? { tooLarge: true as const } : file && file.size > 0 ? { bytes: await readFile(file.path) } : undefined;
      return addArticle(ctx(req), issue.id, form ? form.fields : req.body, image);
    });
    if (outcome.ok) return reply.flash('Article added').redirect(`/engagement/bulletins/${issue.id}`, 303);
    return issuePage(req, reply.code(400), outcome.errors, form ? form.fields : req.body);
  });
  issuePost('remove-article', (req, id) => removeArticle(ctx(req), id, String((req.body as Record<string, unknown>).article_id ?? '')), () => 'Article removed');
  issuePost('test', async (req, id) => {
    const mailer = mailerFromConfig(app.config);
    if (!mailer) throw new (await import('../../web/errors.ts')).ValidationError([{ field: 'form', message: 'E-mail is not set up, so no test can be sent. Ask your administrator to connect the service to an e-mail server.' }]);
    try { return await sendTest({ ...ctx(req), mailer, origin: origin(req), partnershipName: req.partnership.name }, id); } finally { mailer.close(); }
  }, (to) => `Test copy sent to ${String(to)}`);
  issuePost('schedule', (req, id) => scheduleIssue(ctx(req), id, req.body), (when) => `Scheduled to be sent ${ukWhen(when as Date)}`);
  issuePost('unschedule', (req, id) => unscheduleIssue(ctx(req), id), () => 'Taken off the schedule: it is a draft again');
  issuePost('send', async (req, id) => {
    const n = await sendIssue(ctx(req), id);
    kick();
    return n;
  }, (n) => `Sending to ${Number(n)} ${Number(n) === 1 ? 'person' : 'people'}: the figures below show the progress`);

  // Previews: the e-mail as it is sent (with placeholder links), and the web page.
  app.get('/engagement/bulletins/:id/preview.html', async (req, reply) => {
    staff(req);
    const { issue, articles } = await loadIssue(req);
    const c = await compileIssue(issue, articles, { partnershipName: req.partnership.name, origin: origin(req) });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'private, no-store')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'none'").send(c.html);
  });
  app.get('/engagement/bulletins/:id/preview.txt', async (req, reply) => {
    staff(req);
    const { issue, articles } = await loadIssue(req);
    const c = await compileIssue(issue, articles, { partnershipName: req.partnership.name, origin: origin(req) });
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'private, no-store').send(c.text);
  });
  app.get('/engagement/bulletins/:id/preview', async (req, reply) => {
    staff(req);
    const { issue, articles } = await loadIssue(req);
    return webPage(req, reply, issue, articles, true);
  });

  function webPage(req: FastifyRequest, reply: FastifyReply, issue: { number: number; title: string; introduction: string | null; sent_at: Date | null; id: string }, articles: Parameters<typeof bySection>[0], preview: boolean) {
    const o = origin(req);
    return reply.view('engagement/views/issue-web.njk', {
      title: issue.title, section: 'public', issue, preview, introduction: issue.introduction ? articleHtml(issue.introduction, o) : null,
      sections: bySection(articles).map((s) => ({ section: s.section, articles: s.articles.map((a) => ({ ...a, html: articleHtml(a.body, o) })) })),
    });
  }

  // An article's uploaded image: public once its issue is sent, to officers before.
  app.get('/bulletins/images/:imageId', async (req, reply) => {
    const imageId = (req.params as { imageId: string }).imageId;
    if (!isUuid(imageId)) throw new NotFoundError();
    const article = await db.selectFrom('engagement_articles as a')
      .innerJoin('engagement_issues as i', (j) => j.onRef('i.partnership_id', '=', 'a.partnership_id').onRef('i.id', '=', 'a.issue_id'))
      .select(['i.status']).where('a.partnership_id', '=', req.partnership.id).where('a.image_url', '=', `/bulletins/images/${imageId}`)
      .orderBy('i.status', 'desc').executeTakeFirst();
    const sent = article?.status === 'sent' || article?.status === 'sending';
    if (!article || (!sent && !can(req.actor, 'read', engagementResources.people()))) throw new NotFoundError();
    const image = await db.selectFrom('engagement_images').select(['media_type', 'bytes']).where('partnership_id', '=', req.partnership.id).where('id', '=', imageId).executeTakeFirst();
    if (!image) throw new NotFoundError();
    return reply.type(image.media_type).header('cache-control', sent ? 'public, max-age=86400' : 'private, no-store').header('x-content-type-options', 'nosniff').send(Buffer.from(image.bytes));
  });

  // Bounces received --------------------------------------------------------------------------
  app.get('/engagement/bounces', async (req, reply) => {
    staff(req);
    const rows = await db.selectFrom('engagement_bounces').selectAll().where('partnership_id', '=', req.partnership.id).orderBy('created_at', 'desc').limit(200).execute();
    return reply.view('engagement/views/bounces.njk', { title: 'Bounces', section: 'engagement', rows, values: {} });
  });
  app.post('/engagement/bounces', async (req, reply) => {
    staff(req);
    const raw = String((req.body as Record<string, unknown>)?.message ?? '');
    const outcome = await formOutcome(() => receiveDsn({ ...ctx(req), secret: app.config.sessionSecret }, raw));
    if (outcome.ok) return reply.flash(`Bounce read: ${outcome.value.recipients.map((r) => `${r.email} ${r.kind ?? 'no failure'} (${r.status})${r.suppressed ? ', now never e-mailed' : ''}`).join('; ') || 'no recipient in it'}`).redirect('/engagement/bounces', 303);
    const rows = await db.selectFrom('engagement_bounces').selectAll().where('partnership_id', '=', req.partnership.id).orderBy('created_at', 'desc').limit(200).execute();
    return reply.code(400).view('engagement/views/bounces.njk', { title: 'Bounces', section: 'engagement', rows, values: req.body, errors: outcome.errors });
  });

  // The public archive --------------------------------------------------------------------------
  const sentIssues = (pid: string) => db.selectFrom('engagement_issues').selectAll().where('partnership_id', '=', pid).where('status', '=', 'sent').orderBy('number', 'desc').execute();
  app.get('/bulletins', async (req, reply) => reply.view('engagement/views/archive.njk', { title: 'The bulletin', section: 'public', issues: await sentIssues(req.partnership.id) }));
  app.get('/bulletins/:number', async (req, reply) => {
    const n = Number((req.params as { number: string }).number);
    if (!Number.isInteger(n) || n < 1 || n > 1e6) throw new NotFoundError();
    const issue = await db.selectFrom('engagement_issues').selectAll().where('partnership_id', '=', req.partnership.id).where('number', '=', n).executeTakeFirst();
    if (!issue || !can(req.actor, 'read', engagementResources.issue(issue)) || issue.status !== 'sent') throw new NotFoundError();
    const articles = await db.selectFrom('engagement_articles').selectAll().where('partnership_id', '=', req.partnership.id).where('issue_id', '=', issue.id).orderBy('position').execute();
    return webPage(req, reply, issue, articles, false);
  });
  app.get('/bulletins.atom', async (req, reply) => {
    const o = origin(req);
    const issues = (await sentIssues(req.partnership.id)).slice(0, 50);
    return reply.type('application/atom+xml; charset=utf-8').send(buildAtom({
      id: `${o}/bulletins`, title: `${req.partnership.name}: the bulletin`, subtitle: 'Every issue of the partnership’s bulletin, as sent',
      updated: issues[0]?.sent_at ?? new Date(0), selfLink: `${o}/bulletins.atom`, alternateLink: `${o}/bulletins`, author: req.partnership.name,
      entries: issues.map((i) => ({ id: `${o}/bulletins/${i.number}`, title: i.title, updated: i.sent_at ?? i.updated_at, published: i.sent_at ?? i.updated_at, link: `${o}/bulletins/${i.number}`, summary: i.introduction ?? i.title, category: 'bulletin' })),
    }));
  });

  // The API ---------------------------------------------------------------------------------------
  const presentIssue = (i: { id: string; number: number; title: string; introduction: string | null; status: string; list_id: string; sent_at: Date | null; scheduled_for?: Date | null }) =>
    ({ id: i.id, number: i.number, title: i.title, introduction: i.introduction, status: i.status, listId: i.list_id, sentAt: i.sent_at?.toISOString() ?? null, scheduledFor: i.scheduled_for?.toISOString() ?? null });
  app.get('/api/engagement/bulletins', { schema: { tags, summary: 'Every issue of the bulletin, drafts included (officers)', response: { 200: S.ListOf(S.Issue) } } }, async (req) => {
    staff(req);
    const issues = await db.selectFrom('engagement_issues').selectAll().where('partnership_id', '=', req.partnership.id).orderBy('number', 'desc').execute();
    return { items: issues.map(presentIssue) };
  });
  app.post('/api/engagement/bulletins', { schema: { tags, summary: 'Start an issue', body: S.IssueInput, response: { 201: S.Issue } } }, async (req, reply) =>
    reply.code(201).send(presentIssue(await createIssue(ctx(req), fromApi(req.body)))));
  app.get('/api/engagement/bulletins/:id', { schema: { tags, summary: 'One issue with its articles and its figures: sent, delivered, bounced, unsubscribed', params: S.IdParams, response: { 200: S.IssueWithArticles } } }, async (req) => {
    staff(req);
    const { issue, articles } = await loadIssue(req);
    return { ...presentIssue(issue), figures: await issueFigures(db, req.partnership.id, issue.id), articles: articles.map((a) => ({ id: a.id, section: a.section, title: a.title, body: a.body, linkUrl: a.link_url, linkLabel: a.link_label, imageUrl: a.image_url, imageAlt: a.image_alt })) };
  });
  app.post('/api/engagement/bulletins/:id/articles', { schema: { tags, summary: 'Add an article to a draft issue', params: S.IdParams, body: S.ArticleInput, response: { 201: S.Created } } }, async (req, reply) => {
    const { issue } = await loadIssue(req);
    return reply.code(201).send({ id: (await addArticle(ctx(req), issue.id, fromApi(req.body))).id });
  });
  app.post('/api/engagement/bulletins/:id/send', { schema: { tags, summary: 'Send the issue: a job over an outbox, each recipient once; follow it on GET /api/engagement/bulletins/:id', params: S.IdParams, response: { 202: S.SendResult } } }, async (req, reply) => {
    const { issue } = await loadIssue(req);
    const recipients = await sendIssue(ctx(req), issue.id);
    kick();
    return reply.code(202).send({ recipients });
  });
  app.post('/api/engagement/bulletins/:id/schedule', { schema: { tags, summary: 'Schedule a draft to be sent at a date and time (UK time); it can be taken off the schedule until then', params: S.IdParams, body: S.ScheduleInput, response: { 200: S.Issue } } }, async (req) => {
    const { issue } = await loadIssue(req);
    const b = req.body as { date: string; time: string };
    await scheduleIssue(ctx(req), issue.id, { send_date: b.date, send_time: b.time });
    return presentIssue((await loadIssue(req)).issue);
  });
  app.delete('/api/engagement/bulletins/:id/schedule', { schema: { tags, summary: 'Take a scheduled issue off the schedule: a draft again', params: S.IdParams, response: { 200: S.Issue } } }, async (req) => {
    const { issue } = await loadIssue(req);
    await unscheduleIssue(ctx(req), issue.id);
    return presentIssue((await loadIssue(req)).issue);
  });
  app.post('/api/engagement/bounces', { schema: { tags, summary: 'A bounce received on the bounce address: the raw delivery status notification (RFC 3464)', body: S.DsnInput, response: { 200: S.DsnResult } } }, async (req) =>
    receiveDsn({ ...ctx(req), secret: app.config.sessionSecret }, (req.body as { message: string }).message));
}
