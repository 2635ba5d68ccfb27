// `npm run bench`: runs every bench/*.bench.ts in turn, each in its own process so
// that one's memory and warm caches do not colour the next. Each prints its figures.
//   npm run bench -- http      only the benches whose file name contains "http"
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).filter((f) => !filters.length || filters.some((x) => f.includes(x))).sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n## ${file.replace('.bench.ts', '')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
