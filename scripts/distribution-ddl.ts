// Prints the statements that spread the database over a Citus cluster by partnership
// (docs/national.md), after checking that the schema allows it:
// `npm run db:distribution-ddl` with DATABASE_URL set (or on the embedded database).
import { loadConfig, ConfigError } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { distributionDdl, distributionProblems, readSchemaKeys } from '../src/db/distribution.ts';

const config = loadConfig();
try {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(database);
    const schema = await readSchemaKeys(database.db);
    const problems = distributionProblems(schema);
    if (problems.length) {
      console.error(`The schema cannot be distributed by partnership:\n${problems.map((p) => `- ${p}`).join('\n')}`);
      process.exitCode = 1;
    } else {
      process.stdout.write(distributionDdl(schema));
    }
  } finally {
    await database.close();
  }
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exitCode = 1;
}
