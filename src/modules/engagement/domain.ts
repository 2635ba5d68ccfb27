// Rules of the engagement module, pure (no I/O): addresses, signed links, the consent a
// person gives, what an import may do, the headers every bulk message carries, the
// per-recipient return path that lets a bounce name its recipient, and what a delivery
// status notification says.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ConsentMethod, SuppressionReason } from './tables.ts';

// ------------------------------------------------------------------ addresses

/** One address per person: trimmed and in lower case. */
export const normaliseEmail = (s: string) => s.trim().toLowerCase();

/**
 * An address we would send to: one @, a local part without spaces, a domain with a dot
 * and no empty label. Not every RFC 5322 form: the ones people type.
 */
export function isEmail(s: string): boolean {
  if (s.length > 254) return false;
  const m = /^([^\s@"<>(),;:\\[\]]+)@([a-z0-9-]+(?:\.[a-z0-9-]+)+)$/i.exec(s);
  if (!m) return false;
  const [, local, domain] = m;
  if (local!.length > 64 || local!.startsWith('.') || local!.endsWith('.') || local!.includes('..')) return false;
  return domain!.split('.').every((l) => l.length > 0 && l.length <= 63 && !l.startsWith('-') && !l.endsWith('-'));
}

// ------------------------------------------------------------------ signed links

/**
 * A link that needs no account: record ids (uuids, as 16 bytes each, so the link stays
 * short) and an HMAC of them and of the link's purpose under the deployment's secret, so
 * a changed id, or a link made for another purpose, is refused.
 */
export function signLink(secret: string, purpose: string, ids: readonly string[]): string {
  const payload = Buffer.concat(ids.filter(Boolean).map(uuidBytes)).toString('base64url');
  return `${payload}.${mac(secret, purpose, payload)}`;
}

/** The ids of a link made by signLink for this purpose, or null when tampered with. */
export function readLink(secret: string, purpose: string, token: string): string[] | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 200) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(secret, purpose, payload));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const bytes = Buffer.from(payload, 'base64url');
  if (!bytes.length || bytes.length % 16) return null;
  const ids: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) ids.push(bytesUuid(bytes.subarray(i, i + 16)));
  return ids;
}

const mac = (secret: string, purpose: string, payload: string) => createHmac('sha256', secret).update(`engagement:${purpose}:${payload}`).digest('base64url').slice(0, 22);

/** How long a sign-up confirmation link may be used. */
export const CONFIRMATION_DAYS = 7;

// ------------------------------------------------------------------ consent

export const CONSENT_METHODS: readonly { value: ConsentMethod; text: string }[] = [
  { value: 'sign-up', text: 'Signed up on the website and confirmed by e-mail' },
  { value: 'officer', text: 'Added by an officer' },
  { value: 'import', text: 'Imported from a list' },
];
export const consentMethodLabel = (m: string) => CONSENT_METHODS.find((c) => c.value === m)?.text ?? m;

export const SUPPRESSION_REASONS: readonly { value: SuppressionReason; text: string }[] = [
  { value: 'unsubscribed', text: 'Unsubscribed' },
  { value: 'hard-bounce', text: 'Bounced: the address does not exist' },
  { value: 'complaint', text: 'Reported the bulletin as unwanted' },
  { value: 'officer', text: 'Removed by an officer' },
];
export const suppressionLabel = (r: string) => SUPPRESSION_REASONS.find((c) => c.value === r)?.text ?? r;

/** A basis for an officer's addition or an import: said in words, long enough to mean something. */
export function basisProblem(basis: string): string | null {
  if (!basis.trim()) return 'Enter the basis on which these people agreed to receive the bulletin, for example "asked at the partnership conference, 12 March"';
  if (basis.trim().length < 10) return 'Describe the basis in a few words, for example "asked at the partnership conference, 12 March"';
  if (basis.length > 500) return 'The basis must be 500 characters or fewer';
  return null;
}

// ------------------------------------------------------------------ importing a list

export interface ImportRow { row: number; email: string; name: string | null; organisation: string | null }
export interface ImportProblem { row: number; column: string; message: string }
export interface ImportPlan {
  rows: (ImportRow & { outcome: 'add' | 'already' | 'suppressed' })[];
  problems: ImportProblem[];
}

const HEADERS: Record<string, 'email' | 'name' | 'organisation'> = {
  email: 'email', 'e-mail': 'email', 'email address': 'email', 'e-mail address': 'email',
  name: 'name', 'full name': 'name', organisation: 'organisation', organization: 'organisation',
};

/**
 * The rows of an import (the first is the header: email, and optionally name and
 * organisation), each checked: every problem carries its row number as a spreadsheet
 * shows it (the header is row 1). Addresses already on the list, and those suppressed
 * (they unsubscribed or bounced), are shown but not added: no import undoes a suppression.
 */
export function planImport(records: readonly string[][], known: { onList: ReadonlySet<string>; suppressed: ReadonlySet<string> }): ImportPlan {
  const problems: ImportProblem[] = [];
  const rows: ImportPlan['rows'] = [];
  const [header, ...data] = records;
  if (!header) return { rows, problems: [{ row: 1, column: 'email', message: 'The file is empty: the first row must name the columns (email, name, organisation)' }] };
  const columns = header.map((h) => HEADERS[h.trim().toLowerCase()] ?? null);
  const at = (c: 'email' | 'name' | 'organisation') => columns.indexOf(c);
  if (at('email') < 0) return { rows, problems: [{ row: 1, column: 'email', message: 'The first row must have a column named email' }] };
  if (!data.length) problems.push({ row: 2, column: 'email', message: 'The file has no one in it below the first row' });
  const firstRow = new Map<string, number>();
  data.forEach((cells, i) => {
    const row = i + 2;
    const cell = (c: 'email' | 'name' | 'organisation') => (at(c) >= 0 ? (cells[at(c)] ?? '').trim() : '');
    const email = normaliseEmail(cell('email'));
    const name = cell('name') || null;
    const organisation = cell('organisation') || null;
    if (!email) problems.push({ row, column: 'email', message: `Row ${row}: enter an e-mail address` });
    else if (!isEmail(email)) problems.push({ row, column: 'email', message: `Row ${row}: "${email.slice(0, 80)}" is not an e-mail address` });
    else if (firstRow.has(email)) problems.push({ row, column: 'email', message: `Row ${row}: ${email} is already on row ${firstRow.get(email)}` });
    if (name && name.length > 200) problems.push({ row, column: 'name', message: `Row ${row}: the name must be 200 characters or fewer` });
    if (organisation && organisation.length > 200) problems.push({ row, column: 'organisation', message: `Row ${row}: the organisation must be 200 characters or fewer` });
    if (email && !firstRow.has(email)) firstRow.set(email, row);
    rows.push({ row, email, name, organisation, outcome: known.suppressed.has(email) ? 'suppressed' : known.onList.has(email) ? 'already' : 'add' });
  });
  return { rows, problems };
}

export const MAX_IMPORT_ROWS = 20_000;

// ------------------------------------------------------------------ bulk message headers

/**
 * The headers of every bulk message (RFC 2369 and RFC 8058): an unsubscribe address that
 * works with one POST, and List-Unsubscribe-Post saying so, plus List-Id for filtering.
 */
export function bulkHeaders(o: { unsubscribeUrl: string; listName: string; listId: string; host: string }): Record<string, string> {
  return {
    'List-Unsubscribe': `<${o.unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': `${o.listName.replace(/[<>"\r\n]/g, '')} <${o.listId}.${o.host}>`,
    Precedence: 'bulk',
  };
}

// ------------------------------------------------------------------ per-recipient return path

/**
 * The envelope sender of one recipient's copy (VERP): bounces come back to an address that
 * names the subscriber and the issue, signed so a forged bounce cannot suppress anyone.
 * `bounces+<token>@domain`; the local part stays within 64 characters.
 */
export function returnPath(secret: string, bounceAddress: string, subscriberId: string, issueId: string | null): string {
  const at = bounceAddress.lastIndexOf('@');
  const local = bounceAddress.slice(0, at);
  const domain = bounceAddress.slice(at + 1);
  const ids = Buffer.concat([uuidBytes(subscriberId), issueId ? uuidBytes(issueId) : Buffer.alloc(0)]).toString('base64url');
  const sig = createHmac('sha256', secret).update(`verp:${ids}`).digest('base64url').slice(0, 8);
  return `${local}+${ids}.${sig}@${domain}`;
}

/** The subscriber and issue a return path names, or null when it is not one of ours. */
export function readReturnPath(secret: string, address: string): { subscriberId: string; issueId: string | null } | null {
  const m = /\+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{8})@/.exec(address);
  if (!m) return null;
  const sig = createHmac('sha256', secret).update(`verp:${m[1]}`).digest('base64url').slice(0, 8);
  if (sig !== m[2]) return null;
  const bytes = Buffer.from(m[1]!, 'base64url');
  if (bytes.length !== 16 && bytes.length !== 32) return null;
  return { subscriberId: bytesUuid(bytes.subarray(0, 16)), issueId: bytes.length === 32 ? bytesUuid(bytes.subarray(16)) : null };
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const bytesUuid = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

// ------------------------------------------------------------------ bounces

/** After this many hard bounces an address is suppressed. */
export const HARD_BOUNCE_LIMIT = 1;

/** An SMTP reply or an RFC 3463 status: 5xx / 5.x.x is permanent (hard), 4xx / 4.x.x transient (soft). */
export function bounceKind(status: string | number | null | undefined): 'hard' | 'soft' | null {
  const s = String(status ?? '').trim();
  if (/^5(\d\d|\.\d{1,3}\.\d{1,3})/.test(s)) return 'hard';
  if (/^4(\d\d|\.\d{1,3}\.\d{1,3})/.test(s)) return 'soft';
  return null;
}

export interface DsnRecipient { finalRecipient: string | null; originalRecipient: string | null; action: string; status: string; diagnostic: string | null; kind: 'hard' | 'soft' | null }

/**
 * The per-recipient fields of a message/delivery-status body (RFC 3464): groups of header
 * fields separated by blank lines, the first for the message, the rest one per recipient.
 */
export function readDeliveryStatus(body: string): DsnRecipient[] {
  const groups = body.replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ').split(/\n\s*\n/).map((g) => {
    const fields = new Map<string, string>();
    for (const line of g.split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    return fields;
  });
  const address = (v: string | undefined) => (v ? normaliseEmail(v.replace(/^[^;]*;\s*/, '').replace(/^<|>$/g, '')) : null);
  return groups.filter((f) => f.has('action') && f.has('status')).map((f) => {
    const status = (f.get('status') ?? '').split(/\s/)[0]!;
    const action = (f.get('action') ?? '').toLowerCase();
    return {
      finalRecipient: address(f.get('final-recipient')), originalRecipient: address(f.get('original-recipient')), action, status,
      diagnostic: f.get('diagnostic-code')?.replace(/^[^;]*;\s*/, '').slice(0, 500) ?? null,
      kind: action === 'failed' ? bounceKind(status) ?? 'hard' : action === 'delayed' ? 'soft' : null,
    };
  });
}

// ---------------------------------------------------------------- article images

/** An article's image: e-mail clients cope with these two, and 1 MB keeps messages light. */
export const ARTICLE_IMAGE_MAX_BYTES = 1024 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The image's type, read from its bytes (never from its name), or what is wrong with it. */
export function checkArticleImage(bytes: Buffer): { ok: true; mediaType: 'image/png' | 'image/jpeg' } | { ok: false; message: string } {
  if (bytes.length === 0) return { ok: false, message: 'The selected image is empty' };
  if (bytes.length > ARTICLE_IMAGE_MAX_BYTES) return { ok: false, message: `The image must be smaller than ${ARTICLE_IMAGE_MAX_BYTES / 1024 / 1024} MB` };
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    if (bytes.length < 33 || bytes.toString('latin1', 12, 16) !== 'IHDR') return { ok: false, message: 'The image is not a complete PNG' };
    return { ok: true, mediaType: 'image/png' };
  }
  // JPEG: starts with a start-of-image marker and ends with an end-of-image marker.
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9) return { ok: false, message: 'The image is not a complete JPEG' };
    return { ok: true, mediaType: 'image/jpeg' };
  }
  return { ok: false, message: 'The image must be a PNG or a JPEG' };
}
