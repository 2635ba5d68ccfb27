// The child process of a first start (src/db/firstStart.ts): creates and prepares the
// database in DATA_DIR, closes it and exits, giving all the memory that took back.
import * as nodeModule from 'node:module';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { loadConfig, ConfigError } = await import('../config.ts');
const { openPglite } = await import('./database.ts');
const { DataDirInUseError } = await import('./dataDirLock.ts');
const { prepareDatabase } = await import('../prepare.ts');

try {
  const config = loadConfig();
  const database = await openPglite(config.dataDir);
  try {
    await prepareDatabase(database, config);
  } finally {
    await database.close();
  }
} catch (e) {
  console.error(e instanceof ConfigError || e instanceof DataDirInUseError ? e.message : e);
  process.exit(1);
}
