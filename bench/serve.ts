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
// The same HTML as the public meeting page, from memory, through every hook of the app:
// what the public page's cache is measured against.
let meetingHtml = '';
app.get('/bench/meeting-from-memory', async (_req, reply) => reply.type('text/html; charset=utf-8').send(meetingHtml));
const appAddress = await app.listen({ port: 0, host: '127.0.0.1' });

const bare = Fastify({ logger: false });
bare.get('/', async () => 'ok');
const bareAddress = await bare.listen({ port: 0, host: '127.0.0.1' });

const board = await database.db.selectFrom('bodies').select('id').where('partnership_id', '=', demo.partnershipId).where('kind', '=', 'board').executeTakeFirstOrThrow();
const meeting = await database.db.selectFrom('meetings').select('id').where('partnership_id', '=', demo.partnershipId)
  .where('agenda_published_at', 'is not', null).orderBy('starts_at', 'desc').executeTakeFirstOrThrow();
meetingHtml = (await app.inject({ url: `/meetings/${meeting.id}` })).body;
const signIn = await app.inject({ url: '/sign-in' });
const csrfCookie = signIn.cookies.find((c) => c.name === 'ph_csrf')!;
const token = /name="_csrf" value="([^"]+)"/.exec(signIn.body)![1]!;
const signedIn = await app.inject({
  method: 'POST', url: '/sign-in', headers: { cookie: `ph_csrf=${csrfCookie.value}`, 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams({ _csrf: token, email: 'officer@northshire.example', password: 'northshire-demo-2026' }).toString(),
});
const session = signedIn.cookies.find((c) => c.name === 'ph_session');
if (!session) throw new Error(`bench: the officer could not sign in (${signedIn.statusCode})`);
const officerCookie = `ph_csrf=${csrfCookie.value}; ph_session=${session.value}`;
console.log(JSON.stringify({ appAddress, bareAddress, boardId: board.id, meetingId: meeting.id, officerCookie }));
process.on('SIGTERM', async () => { await app.close(); await bare.close(); await database.close(); process.exit(0); });
