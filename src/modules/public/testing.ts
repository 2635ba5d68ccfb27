// Test helpers for the public face: a meeting run through the clerk's own pages (items,
// papers, attendance, minutes, publication), so the public pages and files are tested
// against records made the way a clerk makes them. Used by this module's tests and by
// test/leak.test.ts.
import { pageText, type Client, type TestApp } from '../../../test/support/app.ts';
import { buildPdf, itemId, multipartBody, redirectedId, sectionsOf } from '../meetings/testing.ts';

export interface ItemSpec {
  section: 'A' | 'B' | 'C' | 'D';
  title: string;
  description?: string;
  kind?: string;
  presenterId?: string;
  paragraphs?: string[];
  resolutions?: string[];
  paper?: { title: string; fileName: string; lines: string[] };
  declaration?: { personId: string; interest: string };
}

export interface MeetingSpec {
  /** 'YYYY-MM-DD' */
  on: string;
  at?: string;
  items: ItemSpec[];
  attendance?: { personId: string; kind: 'present' | 'in-attendance' | 'also-present' | 'apologies' | 'absent'; capacity?: string }[];
  /** How far the meeting gets: its agenda published, minutes written but kept back, or minutes published. */
  stage: 'scheduled' | 'agenda' | 'minutes-unpublished' | 'minutes';
}

export interface HeldMeeting {
  id: string;
  /** Item ids by title. */
  items: Record<string, string>;
  /** Paper ids by title. */
  papers: Record<string, string>;
}

function expectRedirect(res: { statusCode: number; body: string }, what: string) {
  if (res.statusCode !== 303) throw new Error(`${what}: ${res.statusCode} ${pageText(res.body).slice(0, 600)}`);
}

/** Uploads a paper through the item page's form, as a browser would. */
export async function uploadPaper(t: TestApp, officer: Client, meetingId: string, item: string, title: string, file: { name: string; bytes: Uint8Array }) {
  const page = await officer.get(`/meetings/${meetingId}/items/${item}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const { payload, contentType } = multipartBody({ _csrf: csrf, title }, { name: file.name, type: 'application/pdf', bytes: file.bytes });
  const res = await t.app.inject({
    method: 'POST', url: `/meetings/${meetingId}/items/${item}/papers`, payload,
    headers: { host: 'localhost', cookie: officer.cookieHeader(), 'content-type': contentType },
  });
  expectRedirect(res, `upload ${title}`);
}

export async function holdMeeting(t: TestApp, officer: Client, bodyId: string, spec: MeetingSpec): Promise<HeldMeeting> {
  const [y, m, d] = spec.on.split('-');
  await officer.get(`/bodies/${bodyId}/meetings/new`);
  const id = redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, {
    'meets_on-day': String(Number(d)), 'meets_on-month': String(Number(m)), 'meets_on-year': y!, starts_at: spec.at ?? '10:00', format: 'online',
  }));
  const sections = await sectionsOf(t, id);
  const items: Record<string, string> = {};
  const papers: Record<string, string> = {};
  for (const item of spec.items) {
    expectRedirect(await officer.post(`/meetings/${id}/items/new`, {
      section_id: sections[item.section]!, title: item.title, kind: item.kind ?? 'business', ...(item.presenterId ? { presenter_person_id: item.presenterId } : {}),
      ...(item.description ? { description: item.description } : {}),
    }), `item ${item.title}`);
    const rows = await t.database.db.selectFrom('agenda_items').select(['id', 'code']).where('meeting_id', '=', id).where('title', '=', item.title).execute();
    items[item.title] = await itemId(t, id, rows[0]!.code);
  }
  for (const item of spec.items) {
    if (!item.paper) continue;
    await uploadPaper(t, officer, id, items[item.title]!, item.paper.title, { name: item.paper.fileName, bytes: await buildPdf(item.paper.lines) });
    const row = await t.database.db.selectFrom('papers').select('id').where('meeting_id', '=', id).where('title', '=', item.paper.title).executeTakeFirstOrThrow();
    papers[item.paper.title] = row.id;
  }
  if (spec.stage === 'scheduled') return { id, items, papers };
  expectRedirect(await officer.post(`/meetings/${id}/publish-agenda`, { confirm_warnings: 'yes' }), 'publish the agenda');
  if (spec.stage === 'agenda') return { id, items, papers };
  expectRedirect(await officer.post(`/meetings/${id}/held`, {}), 'hold');
  for (const a of spec.attendance ?? []) {
    await officer.get(`/meetings/${id}/attendance`);
    expectRedirect(await officer.post(`/meetings/${id}/attendance`, {
      person_id: a.personId, kind: a.kind, ...(a.capacity ? { capacity: a.capacity } : {}), ...(a.kind === 'present' ? { mode: 'in-person' } : {}),
    }), 'attendance');
  }
  expectRedirect(await officer.post(`/meetings/${id}/start-minutes`, {}), 'start the minutes');
  for (const item of spec.items) {
    const itemRef = items[item.title]!;
    if (item.declaration) {
      expectRedirect(await officer.post(`/meetings/${id}/items/${itemRef}/declarations`, { person_id: item.declaration.personId, interest: item.declaration.interest }), 'declaration');
    }
    if (item.kind === 'previous-minutes') {
      expectRedirect(await officer.post(`/meetings/${id}/items/${itemRef}/correct-record`, {}), 'approve the last minutes');
    }
    for (const text of item.paragraphs ?? []) expectRedirect(await officer.post(`/meetings/${id}/items/${itemRef}/paragraphs`, { text }), 'paragraph');
    for (const text of item.resolutions ?? []) expectRedirect(await officer.post(`/meetings/${id}/items/${itemRef}/resolutions`, { text }), 'resolution');
  }
  if (spec.stage === 'minutes') expectRedirect(await officer.post(`/meetings/${id}/publish-minutes`, { confirm_warnings: 'yes' }), 'publish the minutes');
  return { id, items, papers };
}

/**
 * A strict RFC 4180 reader, for tests: every record must have as many fields as the
 * header, quotes only around whole fields with inner quotes doubled, CRLF line ends.
 * Anything else throws, so a file that only looks like CSV fails.
 */
export function parseCsvStrict(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  let fieldStart = true;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false;
        i++;
        if (i < text.length && text[i] !== ',' && text[i] !== '\r') throw new Error(`characters after a closing quote at ${i}`);
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (!fieldStart) throw new Error(`a quote inside an unquoted field at ${i}`);
      quoted = true;
      fieldStart = false;
      i++;
      continue;
    }
    if (c === ',') { record.push(field); field = ''; fieldStart = true; i++; continue; }
    if (c === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`a CR without LF at ${i}`);
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      fieldStart = true;
      i += 2;
      continue;
    }
    if (c === '\n') throw new Error(`a bare LF at ${i}: lines must end with CRLF`);
    field += c;
    fieldStart = false;
    i++;
  }
  if (quoted) throw new Error('the file ends inside a quoted field');
  if (field !== '' || record.length) throw new Error('the last line does not end with CRLF');
  const [header, ...rows] = records;
  if (!header) throw new Error('no header row');
  return rows.map((r, n) => {
    if (r.length !== header.length) throw new Error(`row ${n + 2} has ${r.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, k) => [h, r[k]!]));
  });
}
