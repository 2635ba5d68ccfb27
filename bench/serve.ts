// The server side of the HTTP bench, in its own process: the app on an embedded
// database with the demo partnership, and a bare Fastify route as the baseline.
// Prints one JSON line with the ports and ids the bench needs.
import Fastify from 'fastify';
import { openPglite } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemoPartnership } from '../src/demo/seed.ts';

const database = await openPglite();
await migrate(database);
const demo = await seedDemoPartnership(database.db, { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP' });
const app = await buildApp({ db: database.db, config: loadConfig({ LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv), logger: false });
const appAddress = await app.listen({ port: 0, host: '127.0.0.1' });

const bare = Fastify({ logger: false });
bare.get('/', async () => 'ok');
const bareAddress = await bare.listen({ port: 0, host: '127.0.0.1' });

const board = await database.db.selectFrom('bodies').select('id').where('partnership_id', '=', demo.partnershipId).where('kind', '=', 'board').executeTakeFirstOrThrow();
console.log(JSON.stringify({ appAddress, bareAddress, boardId: board.id }));
process.on('SIGTERM', async () => { await app.close(); await bare.close(); await database.close(); process.exit(0); });
