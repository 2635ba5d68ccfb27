// `npm run backup -- [FILE]`: a consistent copy of the database, taken while the server runs.
// Reads the same environment as the server: DATA_DIR for the embedded database (the running
// server makes the copy and sends it over the data folder's admin channel), or
// DATABASE_URL for a PostgreSQL server (pg_dump). See docs/operations.md.
import { loadConfig, ConfigError } from '../src/config.ts';
import { backupPglite, backupPostgres, defaultBackupFile } from '../src/db/backup.ts';

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.length > 1 || args.some((a) => a.startsWith('-'))) {
    console.error('Usage: npm run backup -- [FILE]');
    return 2;
  }
  const config = loadConfig();
  const started = Date.now();
  if (config.databaseUrl) {
    const file = args[0] ?? defaultBackupFile('postgres');
    await backupPostgres(config.databaseUrl, file);
    console.log(`Backed up the PostgreSQL database to ${file} (pg_dump custom format) in ${Date.now() - started} ms`);
  } else {
    const file = args[0] ?? defaultBackupFile('pglite');
    const { from, files } = await backupPglite(config.dataDir, file);
    console.log(`Backed up ${config.dataDir} (${files} files, copied by the ${from}) to ${file} in ${Date.now() - started} ms`);
  }
  return 0;
}

main().then((code) => process.exit(code), (e: Error) => {
  console.error(e instanceof ConfigError ? e.message : `Backup failed: ${e.message}`);
  process.exit(1);
});
