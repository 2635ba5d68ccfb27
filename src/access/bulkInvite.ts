// Inviting many people at once from a CSV file of names, e-mail addresses, roles and the
// bodies whose restricted business they may read. Every row is checked first: any
// problem, named by its row, and nothing is created; otherwise all of them are created
// in one transaction, each through the same commands as the single "Add a user" form.
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from './policy.ts';
import { authorize } from './policy.ts';
import { inTransaction } from './context.ts';
import { createUser, grantAccess, roleValues, type Invitation } from './users.commands.ts';
import { findAccountByEmail, isUserOf, listBodyNames } from './users.store.ts';
import { ValidationError } from '../web/errors.ts';

export const MAX_INVITE_ROWS = 500;
export const INVITE_COLUMNS = ['name', 'email', 'role', 'bodies'] as const;

export interface InviteRow {
  /** The row's number as a spreadsheet shows it: the header is row 1. */
  row: number;
  name: string;
  email: string;
  role: string;
  bodies: { id: string; name: string }[];
}
export interface RowProblem { row: number; column: string; message: string }

const isEmailAddress = (v: string) => v.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);

/** The file's cells, or the one problem that stops it being read as a CSV file at all. */
export function readInviteCsv(text: string): string[][] {
  try {
    return parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new ValidationError([{ field: 'file', message: `The file could not be read as CSV${line ? ` (near row ${line})` : ''}: save it from your spreadsheet as "CSV UTF-8" and try again` }]);
  }
}

/** Checks every row against the partnership: the rows to create, or every problem with its row and column. */
export async function checkInviteRows(db: Kysely<DB>, partnershipId: string, cells: string[][]): Promise<{ rows: InviteRow[]; problems: RowProblem[] }> {
  const problems: RowProblem[] = [];
  const header = (cells[0] ?? []).map((h) => h.toLowerCase().replace(/[^a-z]/g, ''));
  const at = (name: string) => header.indexOf(name);
  const missing = ['name', 'email', 'role'].filter((c) => at(c) < 0);
  if (!cells.length || missing.length) {
    return { rows: [], problems: [{ row: 1, column: missing.join(', ') || 'name', message: `The first row must name the columns: name, email, role and (if you wish) bodies. Missing: ${missing.join(', ') || 'every column'}` }] };
  }
  const data = cells.slice(1);
  if (!data.length) return { rows: [], problems: [{ row: 2, column: 'name', message: 'The file has no one to invite below its first row' }] };
  if (data.length > MAX_INVITE_ROWS) return { rows: [], problems: [{ row: MAX_INVITE_ROWS + 2, column: 'name', message: `Invite at most ${MAX_INVITE_ROWS} people at once: split the file` }] };
  const bodies = await listBodyNames(db, partnershipId);
  const bodyByName = new Map(bodies.map((b) => [b.name.toLowerCase(), b]));
  const seen = new Map<string, number>();
  const rows: InviteRow[] = [];
  for (const [i, r] of data.entries()) {
    const row = i + 2;
    const cell = (c: string) => (at(c) >= 0 ? (r[at(c)] ?? '').trim() : '');
    const name = cell('name');
    const email = cell('email').toLowerCase();
    const role = cell('role').toLowerCase();
    if (!name) problems.push({ row, column: 'name', message: 'Enter the name to show for this person' });
    else if (name.length > 200) problems.push({ row, column: 'name', message: 'The name must be 200 characters or fewer' });
    if (!email) problems.push({ row, column: 'email', message: 'Enter an email address' });
    else if (!isEmailAddress(email)) problems.push({ row, column: 'email', message: `"${email}" is not an email address in the correct format, like name@example.org` });
    else if (seen.has(email)) problems.push({ row, column: 'email', message: `${email} is also in row ${seen.get(email)}` });
    else {
      seen.set(email, row);
      const account = await findAccountByEmail(db, email);
      if (account && (await isUserOf(db, partnershipId, account.id))) problems.push({ row, column: 'email', message: `A user with the address ${email} already exists` });
    }
    if (!(roleValues as string[]).includes(role)) problems.push({ row, column: 'role', message: `The role must be administrator, officer or member${role ? `, not "${cell('role')}"` : ''}` });
    const found: InviteRow['bodies'] = [];
    for (const b of cell('bodies').split(';').map((s) => s.trim()).filter(Boolean)) {
      const body = bodyByName.get(b.toLowerCase());
      if (!body) problems.push({ row, column: 'bodies', message: `There is no body called "${b}". Use the body's name as shown on its page; separate several with ;` });
      else if (!found.some((f) => f.id === body.id)) found.push(body);
    }
    rows.push({ row, name, email, role, bodies: found });
  }
  return { rows, problems };
}

/** Creates every row's user and their body grants in one transaction; returns the invitations to send. */
export async function applyInvites(db: Kysely<DB>, actor: Actor, cells: string[][]): Promise<Invitation[]> {
  authorize(actor, 'administer', { type: 'user' });
  const { rows, problems } = await checkInviteRows(db, actor.partnershipId, cells);
  if (problems.length) {
    throw new ValidationError([{ field: 'file', message: `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in the file, such as row ${problems[0]!.row}: ${problems[0]!.message}. Nobody has been invited` }]);
  }
  return inTransaction({ db, actor }, async (trx) => {
    const invitations: Invitation[] = [];
    for (const r of rows) {
      const ctx = { db: trx, actor };
      const created = await createUser(ctx, { email: r.email, display_name: r.name, role: r.role });
      for (const b of r.bodies) await grantAccess(ctx, created.id, { scope_kind: 'body', body_id: b.id });
      invitations.push(created.invitation);
    }
    return invitations;
  });
}
