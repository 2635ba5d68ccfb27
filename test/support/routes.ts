// Every route the app has, read from Fastify's own router printout, and the ids of real
// records to put in their parameters, for tests that walk all of them.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';

export interface AppRoute { path: string; methods: string[] }

/** Each route with its methods; wildcards and static files are left out. */
export function appRoutes(app: FastifyInstance): AppRoute[] {
  const lines = app.printRoutes({ commonPrefix: false }).split('\n').filter((l) => l.trim());
  const prefixes: string[] = [''];
  const routes: AppRoute[] = [];
  for (const line of lines) {
    const m = /^([\s│├└─]*)(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) throw new Error(`unreadable route line: ${line}`);
    const depth = m[1]!.length / 4;
    const path = (prefixes[depth - 1] ?? '') + m[2]!;
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    if (m[3] && !path.includes('*') && !path.startsWith('/assets/') && !path.startsWith('/static/')) routes.push({ path, methods: m[3].split(', ') });
  }
  return routes;
}

const NONE = '00000000-0000-4000-8000-000000000000';

/** Ids of one real record per kind, to fill route parameters with. */
export async function sampleIds(db: Kysely<DB>, partnershipId: string): Promise<Record<string, string>> {
  const first = async (table: string, where = true) => {
    const q = db.selectFrom(table as 'bodies').select('id');
    const row = await (where ? q.where('partnership_id', '=', partnershipId) : q).limit(1).executeTakeFirst();
    return (row as { id: string } | undefined)?.id ?? NONE;
  };
  return {
    meetings: await first('meetings'), bodies: await first('bodies'), people: await first('people'),
    organisations: await first('organisations'), actions: await first('actions'), memberships: await first('memberships'),
    users: await first('users', false), 'sharing-agreements': await first('sharing_agreements'),
    'agenda-sections': await first('agenda_section_defaults'), itemId: await first('agenda_items'),
    paperId: await first('papers'), recordId: await first('minute_paragraphs'), grantId: await first('access_grants'),
  };
}

/** The route's path with its parameters filled in from sampleIds. */
export function fillRoute(path: string, ids: Record<string, string>): string {
  const segment = path.replace(/^\/api\//, '/').split('/')[1] ?? '';
  const kind = segment === 'admin' ? 'users' : segment === 'governance' ? 'sharing-agreements' : segment === 'sections' ? 'agenda-sections' : segment;
  return path
    .replace(':recordType', 'meeting')
    .replace(':fileName', 'paper.pdf')
    .replace(/:(\w+)/g, (_m, name: string) => (name === 'id' ? ids[path.includes('/meetings/sections/') ? 'agenda-sections' : kind] : ids[name]) ?? NONE);
}
