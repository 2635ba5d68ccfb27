// Scores the importer against the hand-labelled golden records in ../shared,
// using the project's own scorer (score.mjs) so the figure is the one CI sees.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { importFile } from './importer.ts';

const run = promisify(execFile);

export interface SeedScore {
  golden: string;
  checks: number;
  score: number;
  misses: string[];
}

/** Reads each seed in-process and asks score.mjs for its score, one document at a time. */
export async function scoreSeeds(shared: string): Promise<{ seeds: SeedScore[]; overall: number; checks: number }> {
  const goldenDir = join(shared, 'golden');
  const scorer = join(goldenDir, 'score.mjs');
  const dir = await mkdtemp(join(tmpdir(), 'import-accuracy-'));
  const seeds: SeedScore[] = [];
  try {
    const files = (await readdir(goldenDir)).filter((f) => f.endsWith('.json')).sort();
    await Promise.all(
      files.map(async (f) => {
        const golden = JSON.parse(await readFile(join(goldenDir, f), 'utf8')) as { source: string };
        let predicted: unknown = null;
        try {
          predicted = await importFile(join(shared, 'seeds', golden.source));
        } catch (error) {
          predicted = { error: String((error as Error).message ?? error) };
        }
        const out = join(dir, f);
        await writeFile(out, JSON.stringify(predicted));
        const { stdout } = await run(process.execPath, [scorer, join(goldenDir, f), out], { maxBuffer: 16 << 20 });
        const last = /overall: ([\d.]+) \((\d+) checks\)/.exec(stdout);
        const misses = stdout.split('\n').filter((l) => /^\s+\d\.\d\d\s/.test(l)).map((l) => l.trim());
        seeds.push({ golden: f, score: Number(last?.[1] ?? 0), checks: Number(last?.[2] ?? 0), misses });
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  seeds.sort((a, b) => a.golden.localeCompare(b.golden));
  const checks = seeds.reduce((n, s) => n + s.checks, 0);
  const overall = checks ? seeds.reduce((n, s) => n + s.score * s.checks, 0) / checks : 0;
  return { seeds, overall, checks };
}
