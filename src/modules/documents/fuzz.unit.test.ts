import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importBytes } from './import/importer.ts';
import { readDocument } from './import/reader.ts';
import { ExtractionError } from './extract/index.ts';
import * as docs from './testing/documents.ts';

// Every input must end in a reading or a typed ExtractionError, quickly: never a
// crash, a hang or an untyped exception. The generator is seeded so a failure can be replayed.

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const enc = (s: string) => new TextEncoder().encode(s);
const limits = { timeoutMs: 5000, maxUnzippedBytes: 20 * 1024 * 1024 };

async function outcome(bytes: Uint8Array, name: string): Promise<'reading' | 'refused'> {
  const started = Date.now();
  try {
    const r = await importBytes(bytes, name, { limits });
    assert.ok(Array.isArray(r.meetings) && Array.isArray(r.warnings), `${name}: a reading has the schema's shape`);
    JSON.stringify(r);
    return 'reading';
  } catch (error) {
    assert.ok(error instanceof ExtractionError, `${name}: ${String((error as Error)?.stack ?? error)}`);
    assert.ok(error.message.includes(name.split('/').pop()!), `${name}: the error names the file`);
    return 'refused';
  } finally {
    assert.ok(Date.now() - started < 8000, `${name}: answered in bounded time`);
  }
}

test('random bytes, truncations and mutations of valid files always give a reading or a typed error', { timeout: 240_000 }, async () => {
  const rand = prng(20250723);
  const bases: [string, Uint8Array][] = [
    ['parish.txt', enc(docs.parishMinutesText)],
    ['hwb.md', enc(docs.wellbeingMinutesMarkdown)],
    ['sab.html', enc(docs.safeguardingPageHtml)],
    ['csp.xml', enc(docs.moderngovXml)],
    ['hwb.docx', await docs.wellbeingMinutesDocx()],
    ['sab.pdf', await docs.safeguardingMinutesPdf()],
  ];
  const cases: [string, Uint8Array][] = [];
  const prefixes = ['', '%PDF-1.4\n', 'PK\u0003\u0004', '<html><body>', '<?xml version="1.0"?><getmeeting>', '\uFEFF', '# Minutes\n'];
  for (let i = 0; i < 120; i++) {
    const body = new Uint8Array(Math.floor(rand() * 3000));
    for (let k = 0; k < body.length; k++) body[k] = Math.floor(rand() * 256);
    const prefix = enc(prefixes[i % prefixes.length]!);
    const bytes = new Uint8Array(prefix.length + body.length);
    bytes.set(prefix);
    bytes.set(body, prefix.length);
    cases.push([`random-${i}.bin`, bytes]);
  }
  for (const [name, base] of bases) {
    for (let i = 0; i < 25; i++) cases.push([`cut-${i}-${name}`, base.slice(0, Math.floor(rand() * base.length))]);
    for (let i = 0; i < 25; i++) {
      const copy = base.slice();
      const flips = 1 + Math.floor(rand() * 20);
      for (let k = 0; k < flips; k++) copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
      // Sometimes splice out or repeat a run of bytes as well.
      if (rand() < 0.3) {
        const at = Math.floor(rand() * copy.length);
        const len = Math.floor(rand() * 200);
        cases.push([`splice-${i}-${name}`, new Uint8Array([...copy.slice(0, at), ...copy.slice(at + len)])]);
      }
      cases.push([`flip-${i}-${name}`, copy]);
    }
  }
  const tally = { reading: 0, refused: 0 };
  for (const [name, bytes] of cases) tally[await outcome(bytes, name)]++;
  assert.ok(cases.length >= 400, `${cases.length} cases`);
  assert.ok(tally.reading > 50 && tally.refused > 50, `both outcomes happen: ${JSON.stringify(tally)}`);
});

test('the reader survives text soup built from the words it looks for', () => {
  const rand = prng(42);
  const pieces = ['RESOLVED', 'RESOLVED that', 'PRESENT:', 'Apologies:', 'IN ATTENDANCE:', '12.', '152.', '(Item D1)', '(Pages 3 -', '- ', '  - ', '|', '| a | b |', '#', '## 4.', 'Mr', 'Cllr A', 'agreed to', 'would circulate', 'by 31 July 2025', 'NOTES of a meeting of the', 'held in the', 'on', 'AGENDA', 'Subject:', 'To:', 'From:', 'Recommendations', '4.1', 'D -RESTRICTED ITEM(S)', 'PART 2', '...', '(', ')', '**', '[x](y)', 'view the full minutes text', 'FIELD_TITLE', 'and', ',', '.', '\n', '\n\n', 'Board', 'Thursday, 18th November, 2021'];
  for (let i = 0; i < 300; i++) {
    let text = '';
    const n = Math.floor(rand() * 400);
    for (let k = 0; k < n; k++) text += pieces[Math.floor(rand() * pieces.length)]! + (rand() < 0.7 ? ' ' : '');
    const r = readDocument(text, `soup-${i}.txt`);
    assert.ok(Array.isArray(r.meetings));
  }
});

test('a megabyte of unpunctuated prose is read in bounded time', () => {
  const words = ['the', 'Board', 'agreed', 'to', 'would', 'be', 'provided', 'Mr', 'Smith', 'asks', 'report', 'held', 'in', 'on'];
  const rand = prng(9);
  const parts: string[] = [];
  for (let i = 0; i < 180_000; i++) parts.push(words[Math.floor(rand() * words.length)]!);
  // CPU time, not the clock: on a machine busy with other tests the clock counts their turns
  // too (22 s at load 20 for what takes 4 s alone); a reader that backtracks takes minutes.
  const started = process.cpuUsage();
  readDocument(parts.join(' '), 'prose.txt');
  const used = process.cpuUsage(started);
  const ms = (used.user + used.system) / 1000;
  assert.ok(ms < 15_000, `took ${ms.toFixed(0)} ms of CPU`);
});
