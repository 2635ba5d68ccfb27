// E-mails about a person's own account (invitations, password resets, changes). Sent
// after the answer, so neither their time nor a failure tells anything about the address;
// the message itself is never logged, since its links carry one-time tokens.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mailerFromConfig, type MailMessage } from '../mail/mailer.ts';

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
 * reset links carry their token in the path.
 */
export const withoutLinkTokens = (url: string) => url.replace(/^\/(set-up|reset-password)\/[^/?#]+/, '/$1/[token]');
