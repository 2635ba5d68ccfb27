// The agenda pack's generation time for a meeting whose papers total 100 pages (ten
// PDF papers of ten text-filled pages, made with pdf-lib), as a ratio to a baseline in the
// same run: pdf-lib alone copying the same 100 pages into a new document and saving it,
// without our cover, agenda, page ranges or page numbers. Also the whole request
// (GET /meetings/:id/agenda-pack.pdf through the app, papers read from the database).
import { performance } from 'node:perf_hooks';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { createTestApp, Client, demoUsers } from '../test/support/app.ts';
import { buildBody, itemId, multipartBody, redirectedId, sectionsOf } from '../src/modules/meetings/testing.ts';
import { loadMeetingRecord, readPaperContent } from '../src/modules/meetings/store.ts';
import { buildMeetingView } from '../src/modules/meetings/record.ts';
import { buildAgendaPack } from '../src/modules/meetings/pack/pack.ts';

const PAPERS = 10;
const PAGES_PER_PAPER = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

async function paper(n: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  for (let p = 1; p <= PAGES_PER_PAPER; p++) {
    const page = pdf.addPage([595, 842]);
    page.drawText(`Report ${n}: community safety action plan, page ${p}`, { x: 56, y: 780, size: 14, font: bold });
    for (let line = 0; line < 44; line++) {
      page.drawText(`${line + 1}. Partners reported progress against priority ${(line % 7) + 1}; figures for the quarter are in the table below.`, { x: 56, y: 750 - line * 15, size: 10, font });
    }
  }
  return pdf.save();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up, not counted
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const s = performance.now();
    await fn();
    times.push(performance.now() - s);
  }
  return median(times);
}

const t = await createTestApp();
try {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const bodyId = await buildBody(t, 'Bench Community Safety Partnership');
  await officer.get(`/bodies/${bodyId}/meetings/new`);
  const meetingId = redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, {
    'meets_on-day': '18', 'meets_on-month': '11', 'meets_on-year': '2021', starts_at: '10:00', ends_at: '1pm', format: 'in-person', venue: 'Council Chamber',
  }));
  const sections = await sectionsOf(t, meetingId);
  const papers: Uint8Array[] = [];
  for (let n = 1; n <= PAPERS; n++) {
    await officer.post(`/meetings/${meetingId}/items/new`, { section_id: sections.B!, title: `Report ${n} on the community safety action plan` });
    const item = await itemId(t, meetingId, `B${n}`);
    const bytes = await paper(n);
    papers.push(bytes);
    const page = await officer.get(`/meetings/${meetingId}/items/${item}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const { payload, contentType } = multipartBody({ _csrf: csrf, title: `Report ${n}` }, { name: `report-${n}.pdf`, type: 'application/pdf', bytes });
    const res = await t.app.inject({ method: 'POST', url: `/meetings/${meetingId}/items/${item}/papers`, payload, headers: { host: 'localhost', cookie: officer.cookieHeader(), 'content-type': contentType } });
    if (res.statusCode !== 303) throw new Error(`upload failed: ${res.statusCode}`);
  }
  await officer.post(`/meetings/${meetingId}/publish-agenda`, { confirm_warnings: 'yes' });

  // Baseline: pdf-lib copies the same 100 pages into a new document and saves it.
  const baseline = await time(async () => {
    const doc = await PDFDocument.create();
    for (const bytes of papers) {
      const src = await PDFDocument.load(bytes);
      for (const p of await doc.copyPages(src, src.getPageIndices())) doc.addPage(p);
    }
    return doc.save();
  });

  // Ours, the builder alone: the same papers in memory, the view built once.
  const record = (await loadMeetingRecord(t.database.db, t.partnershipId, meetingId))!;
  const view = buildMeetingView(record, { kind: 'public', partnershipId: t.partnershipId });
  const contents = new Map<string, Uint8Array>();
  for (const p of record.papers) contents.set(p.id, (await readPaperContent(t.database.db, t.partnershipId, p.id))!);
  let pages = 0;
  let size = 0;
  const builder = await time(async () => {
    const r = await buildAgendaPack({ partnershipName: 'Northshire Community Safety Partnership', view, membersPack: false, previousMinutes: null, readPaper: async (id) => contents.get(id) ?? null });
    pages = r.pageCount;
    size = r.bytes.length;
  });

  // The whole request: meeting and papers read from the database (PGlite), pack built and sent.
  const pub = new Client(t.app);
  const request = await time(async () => {
    const res = await pub.get(`/meetings/${meetingId}/agenda-pack.pdf`);
    if (res.statusCode !== 200) throw new Error(`pack request answered ${res.statusCode}`);
  });

  console.log(`agenda pack: ${PAPERS} PDF papers of ${PAGES_PER_PAPER} pages, pack of ${pages} pages (${(size / 1024).toFixed(0)} KB); median of ${ROUNDS} rounds`);
  console.log(`baseline, pdf-lib copying the same 100 pages and saving: ${baseline.toFixed(0)} ms`);
  console.log(`pack builder (cover, agenda with page ranges, papers, page numbers): ${builder.toFixed(0)} ms, ratio ${(builder / baseline).toFixed(2)}x the baseline`);
  console.log(`whole request GET /meetings/:id/agenda-pack.pdf (database reads included): ${request.toFixed(0)} ms, ratio ${(request / baseline).toFixed(2)}x the baseline`);
} finally {
  await t.close();
}
