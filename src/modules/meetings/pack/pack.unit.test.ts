// The pack's pieces without a database: text the standard fonts can draw, wrapping and
// page flow, page ranges, and a pack whose agenda runs over several pages (its printed
// ranges must allow for its own length), read back with pdf.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { extractText } from 'unpdf';
import { encodesInWinAnsi, toWinAnsi } from './text.ts';
import { A4, MARGIN, layout, wrapText, type Block } from './layout.ts';
import { embedFonts, measureWith } from './paint.ts';
import { pagesText } from './agenda.ts';
import { buildAgendaPack, documentTextBlocks, itemRanges } from './pack.ts';
import type { MeetingView } from '../record.ts';

async function fonts() {
  return embedFonts(await PDFDocument.create());
}

test('text is made drawable by the standard fonts: kept, replaced or marked, never an error', async () => {
  const f = await fonts();
  const samples = ['Łódź → Kraków ≥ 5 ✓', 'Café £40 – “quoted” — ‘single’ … €5 • bullet', 'Zoë Ørsted Ægir ß', '🙂 emoji', 'Ωmega 中文', 'tab\there\u200bzero-width\u00adsoft'];
  for (const s of samples) {
    const safe = toWinAnsi(s);
    for (const ch of safe.replace(/\n/g, '')) assert.ok(encodesInWinAnsi(ch), `${JSON.stringify(ch)} from ${s}`);
    assert.doesNotThrow(() => f.regular.encodeText(safe.replace(/\n/g, ' ')), s);
    assert.doesNotThrow(() => f.bold.widthOfTextAtSize(safe.replace(/\n/g, ' '), 11), s);
  }
  assert.equal(toWinAnsi('Łódź → Kraków'), 'Lódz -> Kraków');
  assert.equal(toWinAnsi('Café – “quoted”'), 'Café – “quoted”');
  assert.equal(toWinAnsi('🙂 ok'), '? ok');
  assert.equal(toWinAnsi('a\r\nb'), 'a\nb');
});

test('every character the sanitiser lets through is one pdf-lib can encode', async () => {
  const f = await fonts();
  for (let cp = 0x20; cp < 0x3000; cp++) {
    const ch = String.fromCodePoint(cp);
    if (encodesInWinAnsi(ch)) assert.doesNotThrow(() => f.regular.encodeText(ch), `U+${cp.toString(16)}`);
  }
});

test('lines wrap within the width; a word longer than a line is broken', async () => {
  const measure = measureWith(await fonts());
  const width = 200;
  const lines = wrapText('The Partnership received an update on progress against each priority of the Community Safety Agreement. https://example.org/a/very/long/address/that/cannot/fit/on/one/line', width, 'regular', 11, measure);
  assert.ok(lines.length > 3);
  for (const l of lines) assert.ok(measure(l, 'regular', 11) <= width + 0.01, l);
  assert.equal(lines.join(' ').replace(/\s+/g, ''), 'The Partnership received an update on progress against each priority of the Community Safety Agreement. https://example.org/a/very/long/address/that/cannot/fit/on/one/line'.replace(/\s+/g, ''));
});

test('blocks flow onto new pages within the margins; headings are not left at the foot of a page', async () => {
  const measure = measureWith(await fonts());
  const blocks: Block[] = [];
  for (let i = 1; i <= 40; i++) {
    blocks.push({ kind: 'heading', level: 3, text: `${i}. Item heading` });
    blocks.push({ kind: 'text', label: '(1)', labelWidth: 28, text: 'A paragraph of the minutes that runs over more than one line when it is laid out at the body size on an A4 page.' });
  }
  const pages = layout(blocks, measure);
  assert.ok(pages.length >= 3);
  for (const page of pages) {
    for (const line of page.lines) {
      assert.ok(line.y >= MARGIN.bottom - 0.01 && line.y <= A4.height - MARGIN.top, `y ${line.y}`);
      assert.ok(line.x + measure(line.text, line.font, line.size) <= A4.width - MARGIN.right + 0.01, line.text);
    }
    const last = page.lines[page.lines.length - 1]!;
    assert.notEqual(last.size, 12, 'a page does not end with a heading');
  }
  assert.deepEqual(layout([], measure), [{ lines: [] }]);
});

test('page ranges: merged when parts follow on, printed as the seeds print them', () => {
  const ranges = itemRanges([
    { itemId: 'a', pageCount: 6 }, { itemId: 'b', pageCount: 4 }, { itemId: 'b', pageCount: 1 }, { itemId: null, pageCount: 2 }, { itemId: 'c', pageCount: 1 }, { itemId: 'a', pageCount: 2 },
  ], 3);
  assert.deepEqual(ranges.get('a'), [{ from: 3, to: 8 }, { from: 17, to: 18 }]);
  assert.deepEqual(ranges.get('b'), [{ from: 9, to: 13 }]);
  assert.equal(pagesText(ranges.get('b')!), '(Pages 9 - 13)');
  assert.equal(pagesText(ranges.get('c')!), '(Page 16)');
  assert.equal(pagesText(ranges.get('a')!), '(Pages 3 - 8, 17 - 18)');
  assert.equal(pagesText([]), '');
});

test('a Word paper’s text keeps its headings, lists and tables', () => {
  const blocks = documentTextBlocks('# Heading\n\nA paragraph.\n\n- first\n  - nested\n| a | b |\n| --- | --- |\n| 1 | 2 |\n');
  assert.deepEqual(blocks.map((b) => (b.kind === 'heading' ? `H:${b.text}` : b.kind === 'text' ? `${b.label ?? ''}${b.indent ?? 0}:${b.text}` : b.kind)), [
    'H:Heading', '0:A paragraph.', '•0:first', '•14:nested', '0:a   |   b', '0:1   |   2',
  ]);
});

/** A meeting view with many items, each with a one-page PDF paper, so the agenda runs over pages. */
function bigView(items: number): MeetingView {
  const list = Array.from({ length: items }, (_, i) => ({
    id: `item-${i + 1}`, code: `B${i + 1}`, title: `Report number ${i + 1} on the community safety action plan and its priorities for the year ahead`,
    presenter: i % 3 === 0 ? 'Ms Example Presenter' : null, description: i % 2 === 0 ? 'To note the report and agree the recommendations in section 4.' : null,
    generatedText: null, restricted: false, kind: 'business', previous_meeting_id: null, section_id: 's-b',
    papers: [{ id: `paper-${i + 1}`, title: `Paper ${i + 1}`, file_name: `p${i + 1}.pdf`, media_type: 'application/pdf', restricted: false }],
    paragraphs: [], resolutions: [], declarations: [], minute_number: null,
  }));
  return {
    meeting: {
      id: 'm', body_id: 'b', body_name: 'Test Board', meets_on: '2024-01-18', starts_at: '10:00', ends_at: null, venue: 'Hall', online: false,
      status: 'agenda-published', cancelled_reason: null, agenda_published_at: new Date('2024-01-10T09:00:00Z'), minutes_approved_at: null,
    },
    when: '10am', where: 'Hall', contactName: null, agendaVisible: true, minutesVisible: false, minutesDraft: true,
    sections: [{ id: 's-b', code: 'B', title: 'Matters for discussion', restricted: false, exemption_reason: null, items: list, withheld: [] }],
    items: list, attendance: [], amendments: [],
  } as unknown as MeetingView;
}

test('when the agenda itself runs over several pages, the printed ranges still point at each paper', async () => {
  const view = bigView(45);
  const papers = new Map<string, Uint8Array>();
  for (let i = 1; i <= 45; i++) {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    pdf.addPage([595, 842]).drawText(`UNIQUE-PAPER-${i}-END`, { x: 60, y: 700, size: 14, font });
    papers.set(`paper-${i}`, await pdf.save());
  }
  const result = await buildAgendaPack({ partnershipName: 'Test Partnership', view, membersPack: false, previousMinutes: null, readPaper: async (id) => papers.get(id) ?? null });
  const pages = (await extractText(new Uint8Array(result.bytes), { mergePages: false })).text.map((p) => p.replace(/\s+/g, ' '));
  assert.equal(result.pageCount, pages.length);
  const agendaPages = pages.slice(1, pages.length - 45);
  assert.ok(agendaPages.length >= 3, `agenda runs over ${agendaPages.length} pages`);
  const agenda = agendaPages.join(' ');
  for (let i = 1; i <= 45; i++) {
    const m = new RegExp(`year ahead \\(Page (\\d+)\\)[^]*?`).exec(agenda.split(`Report number ${i} on`)[1] ?? '');
    assert.ok(m, `range for item ${i}`);
    const printed = Number(m[1]);
    assert.match(pages[printed - 1]!, new RegExp(`UNIQUE-PAPER-${i}-END`), `item ${i} says page ${printed}`);
  }
  pages.forEach((p, i) => assert.match(p, new RegExp(`Page ${i + 1}(?!\\d)`)));
  assert.deepEqual(result.parts.map((p) => p.from), Array.from({ length: 45 }, (_, i) => pages.length - 45 + i + 1));
});

test('a paper that cannot be read stands as a page saying so, and the pack is still made', async () => {
  const view = bigView(2);
  const good = await PDFDocument.create();
  good.addPage();
  const goodBytes = await good.save();
  const result = await buildAgendaPack({
    partnershipName: 'Test Partnership', view, membersPack: false, previousMinutes: null,
    readPaper: async (id) => (id === 'paper-1' ? new TextEncoder().encode('%PDF-1.7 broken') : goodBytes),
  });
  assert.match(result.parts[0]!.problem ?? '', /cannot be read/);
  const pages = (await extractText(new Uint8Array(result.bytes), { mergePages: false })).text;
  assert.match(pages[result.parts[0]!.from - 1]!.replace(/\s+/g, ' '), /This paper could not be included in the pack/);
});

test('the minutes print a minute number as the record prints it (24/31), or the whole number', async () => {
  const { minutesBlocks } = await import('./minutes.ts');
  const view = bigView(2);
  view.items[0]!.minute_number = null;
  (view.items[0] as { minute_printed?: string | null }).minute_printed = '24/31';
  view.items[1]!.minute_number = 32;
  (view.items[1] as { minute_printed?: string | null }).minute_printed = null;
  const text = JSON.stringify(minutesBlocks(view));
  assert.match(text, /24\/31\. Report number 1 on/);
  assert.match(text, /32\. Report number 2 on/);
});
