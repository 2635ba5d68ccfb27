// The public's pages for the distribution lists, no account needed: sign up (double
// opt-in: a confirmation e-mail with a single-use link, confirmed by pressing a button so
// a link scanner's GET changes nothing), one-click unsubscribe (RFC 8058: POST only; the
// GET shows a button), and a preferences page reached by a signed link.
import { countPublicWrite } from '../../access/publicLimits.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formOutcome } from '../../web/forms.ts';
import type { FieldError } from '../../web/errors.ts';
import { mailerFromConfig } from '../../mail/mailer.ts';
import { publicOrigin } from '../public/address.ts';
import { readLink } from './domain.ts';
import { listLists, subscriptionsOf } from './store.ts';
import { confirmSignUp, readConfirmation, readPreferences, savePreferences, signUp, unsubscribe } from './subscribers.commands.ts';

export async function signUpRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const secret = app.config.sessionSecret;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });
  // Every page here is about one person: never kept by a shared cache.
  const personal = (reply: FastifyReply) => reply.header('cache-control', 'private, no-store');

  async function signUpForm(req: FastifyRequest, reply: FastifyReply, values: unknown, errors?: FieldError[]) {
    const lists = (await listLists(db, req.partnership.id)).filter((l) => l.open_to_sign_up);
    return reply.view('engagement/views/sign-up.njk', { title: 'Sign up for the bulletin', section: 'public', lists, values, errors });
  }
  app.get('/bulletins/sign-up', async (req, reply) => signUpForm(req, reply, {}));
  app.post('/bulletins/sign-up', async (req, reply) => {
    await countPublicWrite(db, req.actor, 'sign-up', req.ip);
    const mailer = mailerFromConfig(app.config);
    if (!mailer) return signUpForm(req, reply.code(503), req.body, [{ field: 'email', message: 'Signing up is not possible at the moment because e-mail is not set up. Try again later.' }]);
    try {
      const outcome = await formOutcome(() => signUp({ ...ctx(req), mailer, links: { secret, origin: publicOrigin(req.partnership, app.config) }, partnershipName: req.partnership.name }, req.body));
      if (!outcome.ok) return signUpForm(req, reply.code(400), req.body, outcome.errors);
      // The same answer whoever the address belongs to: the page does not say who is on a list.
      return reply.redirect('/bulletins/sign-up/check-your-email', 303);
    } finally { mailer.close(); }
  });
  app.get('/bulletins/privacy', async (req, reply) => reply.view('engagement/views/message.njk', {
    title: 'How we use your details: the bulletin and information sessions', section: 'public', lines: [
      `${req.partnership.name} keeps your e-mail address, and your name and organisation if you give them, to send you what you asked for, with a record of when and how you agreed.`,
      'We do not track whether you open our e-mails or which links you follow: our messages carry no tracking images and no tracked links.',
      'If an e-mail to you bounces because the address does not exist, we stop sending to it. If you unsubscribe, we keep your address only on a list of addresses never to e-mail, so that no later list can add you again.',
      'Registrations for information sessions are kept to run the session and to count attendance by organisation; only the partnership’s officers see them.',
      'Every bulletin has a link to unsubscribe at once and a link to change what you receive.',
    ], signUp: true,
  }));
  app.get('/bulletins/sign-up/check-your-email', async (_req, reply) =>
    reply.view('engagement/views/message.njk', { title: 'Check your e-mail', section: 'public', lines: ['We have sent you an e-mail with a link. Open it and press the button to confirm: until then you are not on the list.', 'The link works once, for 7 days.'] }));

  app.get('/bulletins/confirm/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token;
    const read = await readConfirmation(ctx(req), secret, token);
    personal(reply);
    if (read.state !== 'ready') return linkProblem(reply, read.state);
    return reply.view('engagement/views/confirm.njk', { title: 'Confirm your sign-up', section: 'public', token, lists: read.lists });
  });
  app.post('/bulletins/confirm/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token;
    const outcome = await formOutcome(() => confirmSignUp(ctx(req), secret, token));
    personal(reply);
    if (!outcome.ok) return linkProblem(reply, 'used');
    if (outcome.value !== 'confirmed') return linkProblem(reply, outcome.value);
    return reply.view('engagement/views/message.njk', { title: 'You are signed up', section: 'public', lines: ['Thank you: you will receive the bulletin from its next issue.', 'Every bulletin has a link to unsubscribe or change what you receive.'] });
  });

  function linkProblem(reply: FastifyReply, state: 'invalid' | 'used' | 'expired') {
    const lines = {
      invalid: ['This link is not right: it may have been cut short or changed. Copy the whole link from the e-mail into your browser.'],
      used: ['This link has already been used. If you did confirm, you are on the list.'],
      expired: ['This link has expired. Sign up again to get a new one.'],
    }[state];
    return reply.code(state === 'invalid' ? 404 : 410).view('engagement/views/message.njk', { title: state === 'invalid' ? 'The link is not right' : state === 'used' ? 'The link has been used' : 'The link has expired', section: 'public', lines, signUp: state !== 'used' });
  }

  // Unsubscribe: the GET only shows a button; the POST (from that button or from a mail
  // client's one-click) takes effect at once.
  app.get('/bulletins/unsubscribe/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token;
    personal(reply);
    if (!readLink(secret, 'unsubscribe', token)) return linkProblem(reply, 'invalid');
    return reply.view('engagement/views/unsubscribe.njk', { title: 'Unsubscribe', section: 'public', token });
  });
  app.post('/bulletins/unsubscribe/:token', { config: { oneClick: true } }, async (req, reply) => {
    const token = (req.params as { token: string }).token;
    const done = await unsubscribe(ctx(req), secret, token);
    personal(reply);
    if (!done) return linkProblem(reply, 'invalid');
    return reply.view('engagement/views/message.njk', { title: 'You have unsubscribed', section: 'public', lines: [`You will not receive ${done.listName} again.`, 'If this was a mistake, sign up again: you will be asked to confirm by e-mail.'], signUp: true });
  });

  async function preferencesPage(req: FastifyRequest, reply: FastifyReply, token: string, errors?: FieldError[]) {
    const subscriber = await readPreferences(ctx(req), secret, token);
    personal(reply);
    if (!subscriber) return linkProblem(reply, 'invalid');
    const subs = await subscriptionsOf(db, req.partnership.id, subscriber.id);
    return reply.view('engagement/views/preferences.njk', { title: 'Your bulletin preferences', section: 'public', token, subscriber, subscriptions: subs.filter((s) => s.status !== 'unsubscribed'), errors });
  }
  app.get('/bulletins/preferences/:token', async (req, reply) => preferencesPage(req, reply, (req.params as { token: string }).token));
  app.post('/bulletins/preferences/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token;
    const outcome = await formOutcome(() => savePreferences(ctx(req), secret, token, req.body));
    if (!outcome.ok) return preferencesPage(req, reply.code(400), token, outcome.errors);
    return reply.flash(outcome.value.left ? 'Saved: you have left the lists you unticked' : 'Saved').redirect(`/bulletins/preferences/${token}`, 303);
  });
}
