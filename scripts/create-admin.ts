// Creates an administrator of a real deployment, and the partnership if there is none:
//   npm run create-admin [-- --email a@b.org --name "Ann Smith" --slug northshire
//                          --partnership "Northshire Community Safety Partnership" --short-name "Northshire CSP"
//                          --hostname csp.northshire.gov.uk --url https://csp.northshire.gov.uk]
// Asks for anything not given. Prints a link, valid once for 72 hours, where the new
// administrator chooses their own password: nobody else ever knows it.
// Reads the same environment as the server. With the embedded database, stop the server first.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { loadConfig, ConfigError } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createAdministrator, FirstAdminError } from '../src/access/firstAdmin.ts';
import { setupPath, SETUP_LINK_HOURS } from '../src/access/setupLinks.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' }, name: { type: 'string' }, slug: { type: 'string' }, partnership: { type: 'string' },
      'short-name': { type: 'string' }, hostname: { type: 'string' }, url: { type: 'string' },
    },
  });
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const ask = async (given: string | undefined, question: string) => given ?? (await rl.question(question)).trim();
  try {
    await migrate(database);
    const count = Number((await database.db.selectFrom('partnerships').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const email = await ask(values.email, 'Email address of the administrator: ');
    const name = await ask(values.name, 'Their name, as the site should show it: ');
    let partnership: { slug: string; name?: string; shortName?: string; hostname?: string | null } | undefined;
    if (count === 0) {
      console.log('There is no partnership yet; this creates it.');
      const full = await ask(values.partnership, 'Full name of the partnership: ');
      partnership = {
        name: full,
        shortName: await ask(values['short-name'], 'Short name (for page headers): '),
        slug: await ask(values.slug, 'Slug (lower-case letters, digits, hyphens, e.g. northshire): '),
        hostname: values.hostname ?? null,
      };
    } else if (values.slug) {
      partnership = { slug: values.slug };
    }
    const result = await createAdministrator(database.db, { email, name, partnership });
    const base = (values.url ?? config.baseUrl).replace(/\/$/, '');
    if (result.createdPartnership) console.log(`Created the partnership ${result.partnership.name}.`);
    console.log(`${name} <${email.toLowerCase()}> is an administrator of ${result.partnership.name}.`);
    console.log(`Send them this link to choose their password (it works once, for ${SETUP_LINK_HOURS} hours):`);
    console.log(`  ${base}${setupPath(result.token)}`);
    return 0;
  } catch (e) {
    if (e instanceof FirstAdminError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  } finally {
    rl.close();
    await database.close();
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
