import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findShared, scoreSeeds } from './accuracy.ts';

const shared = findShared(resolve(dirname(fileURLToPath(import.meta.url)), '../../../..')) ?? '/nonexistent';

test('the importer reads the seed documents into the golden records with at least 0.97 accuracy', { skip: !existsSync(resolve(shared, 'golden/score.mjs')) && 'no ../shared/golden beside the repository' }, async () => {
  const { seeds, overall } = await scoreSeeds(shared);
  assert.ok(seeds.length >= 5, 'every golden record was scored');
  for (const s of seeds) assert.ok(s.checks > 0, `${s.golden} was scored`);
  assert.ok(overall >= 0.97, `overall ${overall.toFixed(3)} is below 0.97:\n${seeds.map((s) => `${s.golden} ${s.score} ${s.misses.join('; ')}`).join('\n')}`);
});
