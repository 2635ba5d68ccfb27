// reply.view(template, data): renders a Nunjucks page with what every page needs
// (the partnership, the actor, the CSRF token, a one-time flash message).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type nunjucks from 'nunjucks';

export const FLASH_COOKIE = 'ph_flash';

declare module 'fastify' {
  interface FastifyReply {
    view(template: string, data?: Record<string, unknown>): FastifyReply;
    flash(message: string): FastifyReply;
  }
}

export function registerRendering(app: FastifyInstance, env: nunjucks.Environment, secureCookies: boolean): void {
  app.decorateReply('view', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
    const req = this.request;
    const flash = req.cookies[FLASH_COOKIE];
    if (flash) this.clearCookie(FLASH_COOKIE, { path: '/' });
    const html = env.render(template, {
      partnership: req.partnership,
      actor: req.actor,
      csrfToken: req.csrfToken,
      currentPath: req.url,
      flash: flash ? decodeURIComponent(flash) : undefined,
      ...data,
    });
    return this.type('text/html; charset=utf-8').send(html);
  });
  app.decorateReply('flash', function (this: FastifyReply, message: string) {
    return this.setCookie(FLASH_COOKIE, encodeURIComponent(message), {
      path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies, maxAge: 60,
    });
  });
}
