// Administrators invite many people at once: upload a CSV file, see every row (or every
// problem with its row and column, and nothing created), then confirm.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authorize } from './policy.ts';
import { formOutcome } from '../web/forms.ts';
import { UnprocessableError, ValidationError, type FieldError } from '../web/errors.ts';
import { readForm, removeUploadFiles, uploadGate, type ReadForm } from '../web/uploads.ts';
import { applyInvites, checkInviteRows, readInviteCsv, MAX_INVITE_ROWS, type RowProblem } from './bulkInvite.ts';
import { roleLabel } from './users.commands.ts';
import { sendInvitationMail } from './accountMail.ts';

const MAX_BYTES = 1024 * 1024;
const RESOURCE = { type: 'user' } as const;

export async function bulkInviteRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app;
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: MAX_BYTES + 1, files: 1, fields: 5, fieldSize: 1000, parts: 6 } });
  app.decorateRequest('uploadTokenChecked', false);
  app.decorateRequest('uploadTempFiles', null);
  const breadcrumbs = [{ text: 'Governance', href: '/governance' }, { text: 'Users', href: '/admin/users' }];

  const form = (reply: FastifyReply, extra: { errors?: FieldError[]; problems?: RowProblem[] } = {}) =>
    reply.code(extra.errors ? 400 : 200).view('views/users/import.njk', { title: 'Invite people from a CSV file', section: 'governance', breadcrumbs, maxRows: MAX_INVITE_ROWS, ...extra });

  app.get('/admin/users/import', async (req, reply) => {
    authorize(req.actor, 'administer', RESOURCE);
    return form(reply);
  });

  app.get('/admin/users/import/example.csv', async (req, reply) => {
    authorize(req.actor, 'administer', RESOURCE);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="invite-example.csv"')
      .send('name,email,role,bodies\r\nAsha Patel,asha.patel@example.org,member,Working Group\r\nTom Reid,tom.reid@example.org,officer,\r\n');
  });

  const gate = uploadGate((req) => authorize(req.actor, 'administer', RESOURCE));
  const uploads = new WeakMap<FastifyRequest, ReadForm>();
  const readUpload = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.isMultipart()) return;
    uploads.set(req, await readForm(req, reply, { dir: join(config.dataDir, 'uploads'), fileField: 'file', maxFiles: 1, maxFileBytes: MAX_BYTES, maxTotalBytes: MAX_BYTES }));
  };
  app.post('/admin/users/import', { onRequest: gate, preValidation: readUpload, onResponse: removeUploadFiles }, async (req, reply) => {
    authorize(req.actor, 'administer', RESOURCE);
    const read = uploads.get(req);
    if (read?.tooLarge.length) return form(reply, { errors: [{ field: 'file', message: 'The file must be smaller than 1MB' }] });
    const file = read?.files[0];
    if (!file || file.size === 0) return form(reply, { errors: [{ field: 'file', message: 'Select a CSV file of the people to invite' }] });
    let cells: string[][];
    try {
      cells = readInviteCsv(await readFile(file.path, 'utf8'));
    } catch (e) {
      if (e instanceof ValidationError) return form(reply, { errors: e.errors });
      throw e;
    }
    const { rows, problems } = await checkInviteRows(db, req.partnership.id, cells);
    if (problems.length) {
      return form(reply, { problems, errors: [{ field: 'file', message: `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in the file: nobody has been invited. Correct ${problems.length === 1 ? 'it' : 'them'} and upload the file again` }] });
    }
    return reply.view('views/users/import-preview.njk', {
      title: 'Check the people to invite', section: 'governance', breadcrumbs, fileName: file.name, cells: JSON.stringify(cells),
      rows: rows.map((r) => ({ ...r, roleText: roleLabel(r.role), bodyNames: r.bodies.map((b) => b.name).join(', ') })),
    });
  });

  app.post('/admin/users/import/apply', async (req, reply) => {
    authorize(req.actor, 'administer', RESOURCE);
    let cells: string[][] = [];
    try { cells = JSON.parse(String((req.body as Record<string, unknown>)?.cells ?? '[]')) as string[][]; } catch { cells = []; }
    if (!Array.isArray(cells) || !cells.every((r) => Array.isArray(r))) cells = [];
    const outcome = await formOutcome(async () => {
      if (config.production && !config.smtpUrl) throw ValidationError.single('file', 'E-mail is not set up, so nobody can be sent an invitation. Ask whoever runs the service to set SMTP_URL');
      return applyInvites(db, req.actor, cells.map((r) => r.map(String)));
    });
    if (!outcome.ok) return form(reply, { errors: outcome.errors });
    for (const invitation of outcome.value) sendInvitationMail(app, req, invitation);
    const n = outcome.value.length;
    return reply.flash(`${n} ${n === 1 ? 'person has' : 'people have'} been invited. Each has been sent an e-mail`).redirect('/admin/users', 303);
  });

  // The API: the same file as text. Without `apply` it only checks; with it, creates all or nothing.
  const Problem = Type.Object({ row: Type.Integer(), column: Type.String(), message: Type.String() });
  const Row = Type.Object({ row: Type.Integer(), name: Type.String(), email: Type.String(), role: Type.String(), bodies: Type.Array(Type.String()) });
  app.post('/api/users/import', {
    schema: {
      tags: ['users'], summary: 'Invite people from CSV text (name, email, role, bodies): check it, or with apply create all of them or nobody',
      body: Type.Object({ csv: Type.String({ maxLength: MAX_BYTES }), apply: Type.Optional(Type.Boolean()) }),
      response: { 200: Type.Object({ rows: Type.Array(Row), problems: Type.Array(Problem), invited: Type.Integer() }) },
    },
  }, async (req) => {
    authorize(req.actor, 'administer', RESOURCE);
    const { csv, apply } = req.body as { csv: string; apply?: boolean };
    const cells = readInviteCsv(csv);
    const { rows, problems } = await checkInviteRows(db, req.partnership.id, cells);
    const shown = rows.map((r) => ({ row: r.row, name: r.name, email: r.email, role: r.role, bodies: r.bodies.map((b) => b.name) }));
    if (!apply) return { rows: shown, problems, invited: 0 };
    if (problems.length) {
      throw new UnprocessableError('Nobody has been invited', problems.map((p) => ({ field: `row ${p.row} ${p.column}`, message: p.message, severity: 'error' as const })));
    }
    if (config.production && !config.smtpUrl) throw ValidationError.single('csv', 'E-mail is not set up, so nobody can be sent an invitation');
    const invitations = await applyInvites(db, req.actor, cells);
    for (const invitation of invitations) sendInvitationMail(app, req, invitation);
    return { rows: shown, problems: [], invited: invitations.length };
  });
}
