import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from './config.ts';

test('defaults serve on port 3000 from the embedded database in ./data', () => {
  const c = loadConfig({} as NodeJS.ProcessEnv);
  assert.equal(c.port, 3000);
  assert.equal(c.databaseUrl, undefined);
  assert.match(c.dataDir, /data$/);
  assert.equal(c.loadDemo, true);
});

test('every problem in the environment is reported at once', () => {
  assert.throws(
    () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOAD_DEMO: 'perhaps', NODE_ENV: 'production' } as NodeJS.ProcessEnv),
    (e: Error) => e instanceof ConfigError && /PORT/.test(e.message) && /DATABASE_URL/.test(e.message) && /LOAD_DEMO/.test(e.message) && /SESSION_SECRET/.test(e.message),
  );
});
