// E-mails about a person's own account (invitations, password resets, changes). Sent
// after the answer, so neither their time nor a failure tells anything about the address;
// the message itself is never logged, since its links carry one-time tokens.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mailerFromConfig, type MailMessage } from '../mail/mailer.ts';
import { publicOrigin } from '../modules/public/address.ts';
import { setupPath, SETUP_LINK_HOURS } from './setupLinks.ts';
import { roleLabel, type Invitation } from './users.commands.ts';

export function sendAccountMail(app: FastifyInstance, req: FastifyRequest, message: MailMessage, what: string): void {
  const log = req.log;
  setImmediate(() => void (async () => {
    const mailer = mailerFromConfig(app.config);
    if (!mailer) return void log.warn(`no SMTP_URL: the ${what} e-mail could not be sent`);
    try {
      await mailer.send(message);
    } catch (e) {
      log.error({ err: (e as Error).message }, `the ${what} e-mail could not be sent`);
    } finally {
      mailer.close();
    }
  })());
}

/**
 * A request's address with any one-time token taken out, for logs: the set-up and
 * reset links, and the links agencies send review progress through, carry their token in the path.
 */
export const withoutLinkTokens = (url: string) => url.replace(/^\/(set-up|reset-password|review-progress)\/[^/?#]+/, '/$1/[token]');

/**
 * A new user's invitation: a link to choose their password when the account is new, else
 * a note that they were added (the administrator's answer is the same either way).
 */
export function sendInvitationMail(app: FastifyInstance, req: FastifyRequest, invitation: Invitation): void {
  const site = publicOrigin(req.partnership, app.config);
  const inviter = req.actor.kind === 'user' ? req.actor.displayName : 'An administrator';
  const text = [
    `Dear ${invitation.displayName},`, '',
    `${inviter} has added you to ${req.partnership.name} as ${roleLabel(invitation.role).toLowerCase()}.`, '',
    ...(invitation.setupToken
      ? [`Choose your password with this link. It works once, within ${SETUP_LINK_HOURS} hours:`, `${site}${setupPath(invitation.setupToken)}`]
      : ['Sign in with this e-mail address and the password you already use:', `${site}/sign-in`]),
    '', 'If you did not expect this, you can ignore this e-mail.',
  ].join('\n');
  sendAccountMail(app, req, { to: invitation.to, subject: `Your account for ${req.partnership.short_name}`, text }, 'invitation');
}
