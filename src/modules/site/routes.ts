// The partnership's own face: its brand (colour, logo, footer) set by an administrator,
// and the statutory pages every public service needs: the accessibility statement, the
// privacy notice, the cookies page and the contact page. Public to read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFile } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import { join } from 'node:path';
import { authorize, type Actor } from '../../access/policy.ts';
import { formOutcome } from '../../web/forms.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { readForm, removeUploadFiles, uploadGate, type ReadForm } from '../../web/uploads.ts';
import { COMPLIANCE, COOKIES, LOGO_MAX_BYTES, PAGE_FIELDS, PAGE_TITLES, SITE_PAGES, type SitePage } from './domain.ts';
import { readBrand, readLogo, readPage, type Brand as BrandView } from './store.ts';
import { removeLogo, setLogo, updateBrand, updatePage } from './commands.ts';
import { siteResource } from './access.ts';
import { Brand, BrandInput, PageInput, PageParams, SitePage as SitePageSchema } from './schemas.ts';

const ctx = (req: FastifyRequest) => ({ db: req.server.db, actor: req.actor as Actor });
const isPage = (p: string): p is SitePage => (SITE_PAGES as string[]).includes(p);

/** The header's small icon: the partnership's initials on its colour (no GOV.UK crown). */
export function iconSvg(shortName: string, colour: string): string {
  const initials = shortName.replace(/[^A-Za-z0-9 ]/g, '').split(/\s+/).filter(Boolean).map((w) => w[0]!.toUpperCase()).join('').slice(0, 3) || 'P';
  const size = initials.length > 2 ? 22 : 28;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="10" fill="${colour}"/>`
    + `<text x="32" y="41" font-family="Arial, Helvetica, sans-serif" font-size="${size}" font-weight="700" fill="#ffffff" text-anchor="middle">${initials}</text></svg>`;
}

const footerLinksText = (b: BrandView) => b.footerLinks.map((l) => `${l.text} | ${l.href}`).join('\n');

export async function siteRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  // Only the logo form sends files; its limits end a larger request early (web/uploads.ts).
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: LOGO_MAX_BYTES + 1, files: 1, fields: 4, fieldSize: 1000, parts: 5 } });

  // ---------------------------------------------------------------- brand files

  app.get('/brand/theme.css', async (req, reply) => {
    const { colour } = req.partnership.brand;
    return reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400')
      .send(`:root{--govuk-brand-colour:${colour}}.govuk-generic-header{background:${colour}}\n`);
  });
  app.get('/brand/icon.svg', async (req, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(iconSvg(req.partnership.short_name, req.partnership.brand.colour)));
  app.get('/brand/logo', async (req, reply) => {
    const logo = await readLogo(db, req.partnership.id);
    if (!logo) throw new NotFoundError('There is no logo');
    // Opened on its own, an SVG still runs nothing: it was sanitised, and the app's policy allows no inline script.
    return reply.type(logo.mediaType).header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff')
      .send(logo.bytes);
  });

  // ---------------------------------------------------------------- statutory pages

  app.get('/accessibility', async (req, reply) => {
    const page = await readPage(db, req.partnership.id, 'accessibility');
    return reply.view('site/views/accessibility.njk', {
      title: PAGE_TITLES.accessibility, f: page.fields, updatedAt: page.updatedAt,
      compliance: COMPLIANCE.find((c) => c.value === page.fields.compliance)?.value ?? null,
      canEdit: req.actor.kind === 'user' && req.actor.role === 'administrator',
    });
  });
  app.get('/privacy', async (req, reply) => {
    const page = await readPage(db, req.partnership.id, 'privacy');
    return reply.view('site/views/privacy.njk', { title: PAGE_TITLES.privacy, f: page.fields, updatedAt: page.updatedAt, canEdit: req.actor.kind === 'user' && req.actor.role === 'administrator' });
  });
  app.get('/cookies', async (_req, reply) => reply.view('site/views/cookies.njk', { title: 'Cookies', cookies: COOKIES }));
  app.get('/contact', async (req, reply) => {
    const page = await readPage(db, req.partnership.id, 'contact');
    return reply.view('site/views/contact.njk', { title: PAGE_TITLES.contact, f: page.fields, canEdit: req.actor.kind === 'user' && req.actor.role === 'administrator' });
  });

  // ---------------------------------------------------------------- administration

  async function renderAdmin(req: FastifyRequest, reply: FastifyReply, opts: { errors?: FieldError[]; values?: Record<string, unknown>; logoErrors?: FieldError[] } = {}) {
    authorize(req.actor, 'administer', siteResource());
    const brand = await readBrand(db, req.partnership.id);
    const pages = await Promise.all(SITE_PAGES.map(async (p) => ({ page: p, title: PAGE_TITLES[p], updatedAt: (await readPage(db, req.partnership.id, p)).updatedAt })));
    const errors = [...(opts.errors ?? []), ...(opts.logoErrors ?? [])];
    return reply.code(errors.length ? 400 : 200).view('site/views/admin.njk', {
      title: 'Brand and public pages', section: 'admin', brand, pages, errors, logoErrors: opts.logoErrors, logoMaxKb: LOGO_MAX_BYTES / 1024,
      values: opts.values ?? {
        colour: brand.colour, copyright_holder: brand.copyrightHolder || req.partnership.name, data_licence_name: brand.dataLicenceName,
        data_licence_url: brand.dataLicenceUrl, footer_links: footerLinksText(brand), logo_alt: brand.logoAlt ?? req.partnership.name,
      },
    });
  }
  app.get('/admin/site', async (req, reply) => renderAdmin(req, reply));
  app.post('/admin/site/brand', async (req, reply) => {
    const outcome = await formOutcome(() => updateBrand(ctx(req), req.body));
    if (outcome.ok) return reply.flash('Brand saved').redirect('/admin/site', 303);
    return renderAdmin(req, reply, { errors: outcome.errors, values: req.body as Record<string, unknown> });
  });

  app.decorateRequest('uploadTokenChecked', false);
  app.decorateRequest('uploadTempFiles', null);
  const gate = uploadGate((req) => authorize(req.actor, 'administer', siteResource()));
  // The form is read before the CSRF check (which takes its token from the fields), its file written to a temporary file.
  const uploads = new WeakMap<FastifyRequest, ReadForm>();
  const readUpload = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.isMultipart()) return;
    uploads.set(req, await readForm(req, reply, { dir: join(app.config.dataDir, 'uploads'), fileField: 'file', maxFiles: 1, maxFileBytes: LOGO_MAX_BYTES, maxTotalBytes: LOGO_MAX_BYTES }));
  };
  app.post('/admin/site/logo', { onRequest: gate, preValidation: readUpload, onResponse: removeUploadFiles }, async (req, reply) => {
    const form = uploads.get(req);
    const outcome = await formOutcome(async () => {
      if (form?.tooLarge.length) throw ValidationError.single('logo', `The logo must be smaller than ${LOGO_MAX_BYTES / 1024} KB`);
      const file = form?.files[0];
      return setLogo(ctx(req), file ? await readFile(file.path) : null, String(form?.fields.logo_alt ?? ''));
    });
    if (outcome.ok) return reply.flash('Logo saved').redirect('/admin/site', 303);
    return renderAdmin(req, reply, { logoErrors: outcome.errors });
  });
  app.post('/admin/site/logo/remove', async (req, reply) => {
    await removeLogo(ctx(req));
    return reply.flash('Logo removed').redirect('/admin/site', 303);
  });

  async function renderPageForm(req: FastifyRequest, reply: FastifyReply, page: SitePage, values?: Record<string, unknown>, errors?: FieldError[]) {
    authorize(req.actor, 'administer', siteResource());
    const saved = values ?? (await readPage(db, req.partnership.id, page)).fields;
    return reply.code(errors ? 400 : 200).view('site/views/page-form.njk', {
      title: `Edit the ${PAGE_TITLES[page].toLowerCase()}`, section: 'admin', page, fields: PAGE_FIELDS[page], values: saved, errors,
      back: `/${page}`,
    });
  }
  app.get('/admin/site/pages/:page', async (req, reply) => {
    const { page } = req.params as { page: string };
    if (!isPage(page)) throw new NotFoundError();
    return renderPageForm(req, reply, page);
  });
  app.post('/admin/site/pages/:page', async (req, reply) => {
    const { page } = req.params as { page: string };
    if (!isPage(page)) throw new NotFoundError();
    const outcome = await formOutcome(() => updatePage(ctx(req), page, req.body));
    if (outcome.ok) return reply.flash(`${PAGE_TITLES[page]} saved`).redirect(`/${page}`, 303);
    return renderPageForm(req, reply, page, req.body as Record<string, unknown>, outcome.errors);
  });

  // ---------------------------------------------------------------- API

  const tags = ['site'];
  const presentBrand = (b: BrandView) => ({
    colour: b.colour, logoUrl: b.logoSha256 ? `/brand/logo?v=${b.logoSha256.slice(0, 12)}` : null, logoAlt: b.logoAlt,
    copyrightHolder: b.copyrightHolder, dataLicenceName: b.dataLicenceName, dataLicenceUrl: b.dataLicenceUrl, footerLinks: b.footerLinks,
  });
  app.get('/api/site/brand', { schema: { tags, summary: "The partnership's brand", response: { 200: Brand } } }, async (req) =>
    presentBrand(await readBrand(db, req.partnership.id)));
  app.put('/api/site/brand', { schema: { tags, summary: 'Change the brand (administrators)', body: BrandInput, response: { 200: Brand } } }, async (req) => {
    await updateBrand(ctx(req), req.body);
    return presentBrand(await readBrand(db, req.partnership.id));
  });
  app.get('/api/site/pages/:page', { schema: { tags, summary: 'A statutory page’s fields: accessibility, privacy or contact', params: PageParams, response: { 200: SitePageSchema } } }, async (req) => {
    const { page } = req.params as { page: SitePage };
    const saved = await readPage(db, req.partnership.id, page);
    return { page, title: PAGE_TITLES[page], fields: saved.fields, updatedAt: saved.updatedAt?.toISOString() ?? null };
  });
  app.put('/api/site/pages/:page', { schema: { tags, summary: 'Change a statutory page (administrators)', params: PageParams, body: PageInput, response: { 200: SitePageSchema } } }, async (req) => {
    const { page } = req.params as { page: SitePage };
    await updatePage(ctx(req), page, req.body);
    const saved = await readPage(db, req.partnership.id, page);
    return { page, title: PAGE_TITLES[page], fields: saved.fields, updatedAt: saved.updatedAt?.toISOString() ?? null };
  });
}
