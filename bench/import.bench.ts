// The importer's speed: documents per second for text (the seed minutes, read in a
// loop), and the time to read a generated 60-page PDF as a ratio to Debian's
// pdftotext on the same file in the same run.
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { importBytes } from '../src/modules/documents/import/index.ts';
import { findShared } from '../src/modules/documents/import/accuracy.ts';

const shared = findShared(resolve('.')) ?? resolve('..', 'shared');
const seedsDir = join(shared, 'seeds');
const seeds = readdirSync(seedsDir).filter((f) => f.endsWith('.txt')).map((f) => ({ name: f, bytes: readFileSync(join(seedsDir, f)) }));
// The corpus of other bodies' records (PDF, HTML, Markdown), where it is beside the repository.
const corpusDir = join(shared, 'corpus');
const corpus = existsSync(corpusDir)
  ? readdirSync(corpusDir).filter((f) => /\.(pdf|html?|md|docx|xml)$/i.test(f) && f !== 'SOURCES.md').map((f) => ({ name: f, bytes: readFileSync(join(corpusDir, f)) }))
  : [];

// Text: every seed once to warm up, then as many rounds as fit in about five seconds.
for (const s of seeds) await importBytes(s.bytes, s.name);
let docs = 0;
let bytes = 0;
const t0 = performance.now();
while (performance.now() - t0 < 5000) {
  for (const s of seeds) {
    await importBytes(s.bytes, s.name);
    docs++;
    bytes += s.bytes.length;
  }
}
const seconds = (performance.now() - t0) / 1000;
console.log(`text: ${(docs / seconds).toFixed(0)} documents/s (${(bytes / seconds / 1024 / 1024).toFixed(1)} MB/s) over the ${seeds.length} seed documents`);

if (corpus.length) {
  for (const c of corpus) await importBytes(c.bytes, c.name);
  let n = 0;
  const c0 = performance.now();
  while (performance.now() - c0 < 5000) {
    for (const c of corpus) {
      await importBytes(c.bytes, c.name);
      n++;
    }
  }
  console.log(`corpus: ${(n / ((performance.now() - c0) / 1000)).toFixed(1)} documents/s over the ${corpus.length} documents of other bodies (PDF, HTML, Markdown)`);
}

// A 60-page PDF of minutes-like text, written with pdf-lib.
const pdf = await PDFDocument.create();
const font = await pdf.embedFont(StandardFonts.Helvetica);
const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
let minute = 101;
for (let page = 1; page <= 60; page++) {
  const p = pdf.addPage([595, 842]);
  let y = 790;
  p.drawText(`Northshire Community Safety Partnership - Minutes`, { x: 50, y: 810, size: 9, font });
  while (y > 90) {
    p.drawText(`${minute}. Item B${(minute % 7) + 1}: Update on the community safety action plan`, { x: 50, y, size: 12, font: bold });
    y -= 20;
    for (let line = 0; line < 5 && y > 80; line++) {
      p.drawText(`(${line + 1}) The Partnership received an update on progress against priority ${line + 1}, noting that partners had`, { x: 60, y, size: 10, font });
      y -= 14;
    }
    p.drawText(`RESOLVED that the update be noted and officers report back at the next meeting.`, { x: 60, y, size: 10, font });
    y -= 26;
    minute++;
  }
  p.drawText(`Page ${page}`, { x: 290, y: 40, size: 9, font });
}
const pdfBytes = await pdf.save();
const dir = mkdtempSync(join(tmpdir(), 'ph-bench-'));
const pdfPath = join(dir, 'minutes-60-pages.pdf');
writeFileSync(pdfPath, pdfBytes);

const time = async (fn: () => Promise<unknown> | unknown, rounds = 3) => {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const s = performance.now();
    await fn();
    times.push(performance.now() - s);
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
};
const ours = await time(() => importBytes(new Uint8Array(pdfBytes), 'minutes-60-pages.pdf'));
const check = spawnSync('pdftotext', ['-v']);
if (check.error) {
  console.log(`60-page PDF: ${ours.toFixed(0)} ms to read; pdftotext not installed (apt-get install poppler-utils) so no ratio`);
} else {
  const theirs = await time(() => spawnSync('pdftotext', ['-layout', pdfPath, join(dir, 'out.txt')]));
  console.log(`60-page PDF (${(pdfBytes.length / 1024).toFixed(0)} KB): ours ${ours.toFixed(0)} ms (extraction and reading), pdftotext ${theirs.toFixed(0)} ms (extraction only, process start included): ratio ${(ours / theirs).toFixed(1)}x`);
}
