// Scores the importer against hand-labelled records with the project's own scorer
// (score.mjs), so the figure is the one CI sees: the seeds (../shared/golden) and the
// development corpus of other bodies (../shared/corpus with its labels).

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importFile } from './importer.ts';

export interface DocumentScore {
  golden: string;
  checks: number;
  score: number;
  misses: string[];
}

export interface FieldScore {
  field: string;
  checks: number;
  score: number;
}

export interface SetScore {
  name: string;
  documents: DocumentScore[];
  fields: FieldScore[];
  overall: number;
  checks: number;
}

/** The shared folder (golden records, seeds, corpus) beside the repository, or beside the worktrees' parent. */
export function findShared(from: string): string | null {
  const env = process.env.PH_SHARED;
  if (env && existsSync(join(env, 'golden/score.mjs'))) return env;
  for (const up of ['..', '../..', '../../..']) {
    const dir = resolve(from, up, 'shared');
    if (existsSync(join(dir, 'golden/score.mjs'))) return dir;
  }
  return null;
}

type Check = [string, number];
type ScoreDocument = (golden: unknown, predicted: unknown) => { checks: Check[]; score: number };

// score.mjs runs its command line when imported; only its scoring half is loaded.
async function loadScorer(scorerPath: string, dir: string): Promise<ScoreDocument> {
  const source = await readFile(scorerPath, 'utf8');
  const cut = source.indexOf('\nfunction report(');
  const file = join(dir, 'scorer.mjs');
  await writeFile(file, cut > 0 ? source.slice(0, cut) : source);
  const mod = (await import(pathToFileURL(file).href)) as { scoreDocument: ScoreDocument };
  return mod.scoreDocument;
}

const FIELDS = ['documentKind', 'body', 'meetings', 'reports', 'date', 'startTime', 'venue', 'present', 'alsoPresent', 'inAttendance', 'apologies', 'items', 'title', 'minuteNumber', 'agendaCode', 'restricted', 'pages', 'resolutions', 'actions', 'authors', 'recommendations'];

/** The field a check is about: its last word, with report fields and warnings named as such. */
export function fieldOf(check: string): string {
  if (check.startsWith('warning:')) return 'warnings';
  const last = check.split(' ').pop() ?? check;
  const field = FIELDS.includes(last) ? last : 'other';
  return check.startsWith('report ') && field !== 'reports' ? `report ${field}` : field;
}

function summarise(name: string, documents: DocumentScore[], all: Check[]): SetScore {
  const byField = new Map<string, number[]>();
  for (const [n, v] of all) {
    const f = fieldOf(n);
    byField.set(f, [...(byField.get(f) ?? []), v]);
  }
  const fields = [...byField].map(([field, v]) => ({ field, checks: v.length, score: v.reduce((a, b) => a + b, 0) / v.length })).sort((a, b) => a.field.localeCompare(b.field));
  const overall = all.length ? all.reduce((a, [, v]) => a + v, 0) / all.length : 0;
  return { name, documents, fields, overall, checks: all.length };
}

async function scoreSet(name: string, goldenDir: string, inputDir: string, scoreDocument: ScoreDocument): Promise<SetScore> {
  const files = (await readdir(goldenDir)).filter((f) => f.endsWith('.json')).sort();
  const documents: DocumentScore[] = [];
  const all: Check[] = [];
  for (const f of files) {
    const golden = JSON.parse(await readFile(join(goldenDir, f), 'utf8')) as { source: string };
    let predicted: unknown;
    try {
      predicted = JSON.parse(JSON.stringify(await importFile(join(inputDir, golden.source))));
    } catch (error) {
      predicted = { error: String((error as Error).message ?? error) };
    }
    const t = scoreDocument(golden, predicted);
    all.push(...t.checks);
    documents.push({ golden: f, checks: t.checks.length, score: t.score, misses: t.checks.filter(([, v]) => v < 1).map(([n, v]) => `${v.toFixed(2)}  ${n}`) });
  }
  return summarise(name, documents, all);
}

/** Scores the seeds and, where present, the corpus. */
export async function scoreAll(shared: string): Promise<SetScore[]> {
  const dir = await mkdtemp(join(tmpdir(), 'import-accuracy-'));
  try {
    const scoreDocument = await loadScorer(join(shared, 'golden/score.mjs'), dir);
    const sets = [await scoreSet('seeds', join(shared, 'golden'), join(shared, 'seeds'), scoreDocument)];
    if (existsSync(join(shared, 'corpus/labels'))) sets.push(await scoreSet('corpus', join(shared, 'corpus/labels'), join(shared, 'corpus'), scoreDocument));
    return sets;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The seeds alone, as before. */
export async function scoreSeeds(shared: string): Promise<{ seeds: DocumentScore[]; overall: number; checks: number }> {
  const [seeds] = await scoreAll(shared);
  return { seeds: seeds!.documents, overall: seeds!.overall, checks: seeds!.checks };
}
