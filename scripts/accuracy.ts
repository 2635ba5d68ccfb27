// npm run accuracy: reads every seed in ../shared/seeds and scores the readings
// against ../shared/golden with the shared scorer, per seed and overall.
//   --exact   run the scorer's own directory mode instead (spawns the import script per seed)
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scoreSeeds } from '../src/modules/documents/import/accuracy.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(repoRoot, '../shared');
const target = 0.97;

if (process.argv.includes('--exact')) {
  const result = spawnSync(
    process.execPath,
    [resolve(shared, 'golden/score.mjs'), '--golden', resolve(shared, 'golden'), '--inputs', resolve(shared, 'seeds'), '--cmd', `npx tsx ${resolve(repoRoot, 'scripts/import.ts')} --json {}`, '-v'],
    { stdio: 'inherit', cwd: repoRoot },
  );
  process.exit(result.status ?? 1);
}

const { seeds, overall, checks } = await scoreSeeds(shared);
for (const s of seeds) {
  console.log(`${s.golden}\t${s.checks} checks\t${s.score.toFixed(3)}`);
  for (const m of s.misses) console.log(`    ${m}`);
}
console.log(`overall: ${overall.toFixed(3)} (${checks} checks), target ${target}`);
process.exitCode = overall >= target ? 0 : 1;
