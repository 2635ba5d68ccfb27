// `npm run restore -- FILE`: restores a backup made by `npm run backup` into a new, empty
// database: DATA_DIR must be a new or empty folder (embedded database), or DATABASE_URL an
// empty database on a PostgreSQL server (pg_restore). It never overwrites a database.
// See docs/operations.md.
import { existsSync } from 'node:fs';
import { loadConfig, ConfigError } from '../src/config.ts';
import { backupFormat, restorePglite, restorePostgres } from '../src/db/backup.ts';

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    console.error('Usage: npm run restore -- FILE');
    return 2;
  }
  const file = args[0]!;
  if (!existsSync(file)) {
    console.error(`${file} does not exist`);
    return 2;
  }
  const config = loadConfig();
  const format = backupFormat(file);
  const engine = config.databaseUrl ? 'postgres' : 'pglite';
  if (format !== engine) {
    console.error(format === 'pglite'
      ? `${file} is a copy of an embedded (PGlite) database: unset DATABASE_URL and set DATA_DIR to a new folder to restore it.`
      : `${file} is a pg_dump of a PostgreSQL database: set DATABASE_URL to a new, empty database to restore it.`);
    return 2;
  }
  if (config.databaseUrl) {
    await restorePostgres(file, config.databaseUrl);
    console.log(`Restored ${file} into the PostgreSQL database. Start the server with the same DATABASE_URL.`);
  } else {
    const { migrations } = await restorePglite(file, config.dataDir);
    console.log(`Restored ${file} into ${config.dataDir} (${migrations} migrations applied in the copy). Start the server with DATA_DIR=${config.dataDir}.`);
  }
  return 0;
}

main().then((code) => process.exit(code), (e: Error) => {
  console.error(e instanceof ConfigError ? e.message : `Restore failed: ${e.message}`);
  process.exit(1);
});
