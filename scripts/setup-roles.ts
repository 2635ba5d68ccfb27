// `npm run db:setup-roles -- --admin URL [--database partnership_hub] [--owner partnership_hub_owner] [--app partnership_hub_app]`
// Sets up a PostgreSQL server so that the application cannot change its own audit log:
// an owner role that owns the tables and runs migrations, and the application's role,
// which may only INSERT and SELECT on audit_log. Run as a server administrator; safe to
// run again (after a restore, or to convert a deployment that ran as one role).
// Prints the DATABASE_URL and DATABASE_OWNER_URL to configure. See docs/operations.md.
import { parseArgs } from 'node:util';
import { setupRoles } from '../src/db/roles.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      admin: { type: 'string' },
      database: { type: 'string', default: 'partnership_hub' },
      owner: { type: 'string', default: 'partnership_hub_owner' },
      app: { type: 'string', default: 'partnership_hub_app' },
    },
  });
  if (!values.admin) {
    console.error('Usage: npm run db:setup-roles -- --admin postgres://ADMIN@HOST/postgres [--database NAME] [--owner ROLE] [--app ROLE]');
    return 2;
  }
  const result = await setupRoles(values.admin, { database: values.database, owner: values.owner, app: values.app });
  const said = (made: boolean, what: string) => `${what} ${made ? 'created' : 'already there, brought into line'}`;
  console.log([
    said(result.created.owner, `Owner role ${values.owner}`),
    said(result.created.app, `Application role ${values.app}`),
    said(result.created.database, `Database ${values.database}`),
    ...(result.reassigned ? [`Tables that ${values.app} owned now belong to ${values.owner}.`] : []),
    `Migrations applied: ${result.migrations.length ? result.migrations.join(', ') : 'none were pending'}.`,
    `${values.app} may read and add to audit_log, never change, remove or empty it.`,
    '',
    'Configure the server with (passwords appear only for roles created now; keep them safe):',
    `  DATABASE_URL=${result.appUrl}`,
    `  DATABASE_OWNER_URL=${result.ownerUrl}`,
  ].join('\n'));
  return 0;
}

main().then((code) => process.exit(code), (e: Error) => {
  console.error(`Setting up the roles failed: ${e.message}`);
  process.exit(1);
});
