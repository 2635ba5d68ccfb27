// The importer's speed: documents per second for text (the seed minutes, read in a
// loop), and the time to read a generated 60-page PDF as a ratio to Debian's
// pdftotext on the same file in the same run (issue 19: within 1.5x).
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { importBytes } from '../src/modules/documents/import/index.ts';
import { findShared } from '../src/modules/documents/import/accuracy.ts';
import { extractDocument } from '../src/modules/documents/extract/index.ts';
import { stopHelper } from '../src/modules/documents/extract/pdfHelper.ts';

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

// Ours and pdftotext take turns, round by round, so that a change in the machine's load
// falls on both. The first read of each is printed apart: ours then loads pdf.js and
// starts the helper thread, which a long-running server or a command-line import of many
// files pays once. CPU time (ours: every thread of this process; pdftotext: the child's)
// is printed too, as it moves less with other work on the machine than wall time does.
const childCpuMs = () => {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return NaN;
  }
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const check = spawnSync('pdftotext', ['-v']);
const pdftotext = () => spawnSync('pdftotext', ['-layout', pdfPath, join(dir, 'out.txt')]);
const cold = async (fn: () => unknown) => {
  const s = performance.now();
  await fn();
  return performance.now() - s;
};
const oursCold = await cold(() => importBytes(new Uint8Array(pdfBytes), 'minutes-60-pages.pdf'));
const theirsCold = check.error ? NaN : await cold(pdftotext);
const rounds = 9;
const wall = { ours: [] as number[], extraction: [] as number[], theirs: [] as number[] };
const cpu = { ours: [] as number[], theirs: [] as number[] };
for (let i = 0; i < rounds; i++) {
  let c = process.cpuUsage();
  let s = performance.now();
  await importBytes(new Uint8Array(pdfBytes), 'minutes-60-pages.pdf');
  wall.ours.push(performance.now() - s);
  const used = process.cpuUsage(c);
  cpu.ours.push((used.user + used.system) / 1000);
  s = performance.now();
  await extractDocument(new Uint8Array(pdfBytes), 'minutes-60-pages.pdf');
  wall.extraction.push(performance.now() - s);
  if (check.error) continue;
  const c0 = childCpuMs();
  s = performance.now();
  pdftotext();
  wall.theirs.push(performance.now() - s);
  cpu.theirs.push(childCpuMs() - c0);
}
await stopHelper();
const load = `load ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
const ours = median(wall.ours);
if (check.error) {
  console.log(`60-page PDF: ${ours.toFixed(0)} ms to read (extraction ${median(wall.extraction).toFixed(0)} ms; first read ${oursCold.toFixed(0)} ms); pdftotext not installed (apt-get install poppler-utils) so no ratio; ${load}`);
} else {
  const theirs = median(wall.theirs);
  // Ticks of 10 ms: the mean over the rounds, not the median.
  const theirsCpu = cpu.theirs.reduce((a, b) => a + b, 0) / rounds;
  console.log(`60-page PDF (${(pdfBytes.length / 1024).toFixed(0)} KB), medians of ${rounds} rounds taken in turn, ${load}:`);
  console.log(`  ours ${ours.toFixed(0)} ms (extraction and reading; extraction alone ${median(wall.extraction).toFixed(0)} ms), pdftotext ${theirs.toFixed(0)} ms (extraction only, process start included): ratio ${(ours / theirs).toFixed(1)}x (extraction alone ${(median(wall.extraction) / theirs).toFixed(1)}x)`);
  console.log(`  first read: ours ${oursCold.toFixed(0)} ms, pdftotext ${theirsCold.toFixed(0)} ms: ratio ${(oursCold / theirsCold).toFixed(1)}x`);
  console.log(`  CPU: ours ${median(cpu.ours).toFixed(0)} ms over all threads, pdftotext ${theirsCpu.toFixed(0)} ms: ratio ${(median(cpu.ours) / theirsCpu).toFixed(1)}x`);
}
