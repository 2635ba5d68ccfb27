// Test helpers for the meetings module: a fresh body to run meetings for, and small
// ways to find what a page created. Used by the *.test.ts files beside this one.
import type { LightMyRequestResponse } from 'fastify';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { Document, Packer, Paragraph } from 'docx';
import type { TestApp } from '../../../test/support/app.ts';

/** A body of its own per test file, so demo meetings never get in the way. */
export async function buildBody(t: TestApp, name: string, opts: { kind?: 'board' | 'subgroup' | 'panel' } = {}) {
  const row = await t.database.db.insertInto('bodies').values({ partnership_id: t.partnershipId, name, kind: opts.kind ?? 'board', description: null })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function personId(t: TestApp, familyName: string): Promise<string> {
  const row = await t.database.db.selectFrom('people').select('id').where('partnership_id', '=', t.partnershipId).where('family_name', '=', familyName).executeTakeFirstOrThrow();
  return row.id;
}

/** The id at the end of a redirect's location, e.g. /meetings/<id>. */
export function redirectedId(res: LightMyRequestResponse): string {
  const location = String(res.headers.location ?? '');
  const m = /\/meetings\/([0-9a-f-]{36})/.exec(location);
  if (!m) throw new Error(`no meeting in redirect (${res.statusCode} ${location}): ${res.body.slice(0, 500)}`);
  return m[1]!;
}

export async function sectionsOf(t: TestApp, meetingId: string): Promise<Record<string, string>> {
  const rows = await t.database.db.selectFrom('meeting_sections').select(['id', 'code']).where('partnership_id', '=', t.partnershipId).where('meeting_id', '=', meetingId).execute();
  return Object.fromEntries(rows.map((r) => [r.code, r.id]));
}

/** The meeting's items in agenda order: code, title, minute number and id. */
export async function itemsOf(t: TestApp, meetingId: string) {
  return t.database.db.selectFrom('agenda_items')
    .innerJoin('meeting_sections as s', (j) => j.onRef('s.partnership_id', '=', 'agenda_items.partnership_id').onRef('s.id', '=', 'agenda_items.section_id'))
    .select(['agenda_items.id', 'agenda_items.code', 'agenda_items.title', 'agenda_items.minute_number', 'agenda_items.kind'])
    .where('agenda_items.partnership_id', '=', t.partnershipId).where('agenda_items.meeting_id', '=', meetingId)
    .orderBy('s.position').orderBy('agenda_items.position').execute();
}

export async function itemId(t: TestApp, meetingId: string, code: string): Promise<string> {
  const item = (await itemsOf(t, meetingId)).find((i) => i.code === code);
  if (!item) throw new Error(`no item ${code}`);
  return item.id;
}

export async function buildPdf(lines: string[], pages = 1): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = pdf.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 18, size: 11, font }));
  }
  return pdf.save();
}

export async function buildDocx(text: string): Promise<Uint8Array> {
  return Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph(text)] }] }));
}

/** A multipart/form-data body as a browser sends it: fields, then one file. */
export function multipartBody(fields: Record<string, string>, file: { name: string; type: string; bytes: Uint8Array } | null) {
  const boundary = `----meetings${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  const f = file ?? { name: '', type: 'application/octet-stream', bytes: new Uint8Array() };
  chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`));
  chunks.push(Buffer.from(f.bytes));
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The items of a meeting as the API answers it, in agenda order across sections. */
export interface ApiAgendaItem { id: string; code: string; order: number; title: string; minuteNumber: number | null; papers: unknown[]; restricted: boolean }
export const agendaItems = (detail: { agenda: { sections: { items: ApiAgendaItem[] }[] } | null }) => detail.agenda?.sections.flatMap((s) => s.items) ?? [];
