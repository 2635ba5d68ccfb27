// The never-leak walk, shared by test/leak.test.ts (meetings, actions, strategy, funding,
// reviews) and each module's own file under test/leak/. A module seeds records holding
// marker words found nowhere else, lists the addresses of its GET routes with the ids of
// those records put in, and asserts that a role not entitled sees no marker and no id
// there, in the body, a header or a PDF's text, while a role that is entitled sees every
// marker somewhere (so the walk would notice a leak).
import assert from 'node:assert/strict';
import { extractText, getDocumentProxy } from 'unpdf';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { appRoutes } from './routes.ts';
import { readFirstSheet, XLSX_TYPE } from '../../src/web/spreadsheets.ts';
import type { Client } from './app.ts';

/** A response as a reader could see it: its headers (not cookies), its body, a PDF's text and a workbook's cells. */
export async function readable(res: LightMyRequestResponse): Promise<string> {
  const headers = Object.entries(res.headers).filter(([k]) => k !== 'set-cookie').map(([k, v]) => `${k}: ${String(v)}`).join('\n');
  let text = res.body;
  if (String(res.headers['content-type'] ?? '').startsWith('application/pdf') && res.statusCode === 200) {
    const pdf = await getDocumentProxy(new Uint8Array(res.rawPayload));
    text += '\n' + (await extractText(pdf, { mergePages: true })).text;
  }
  // A workbook is a compressed zip: its words are found only in its cells.
  if (String(res.headers['content-type'] ?? '').startsWith(XLSX_TYPE) && res.statusCode === 200) {
    text += '\n' + (await readFirstSheet(res.rawPayload)).map((r) => r.join('\t')).join('\n');
  }
  return `${headers}\n${text}`;
}

export interface Crawl { seen: Map<string, string[]>; serverErrors: string[]; pdfs: number }

/** Requests each address as the client and notes where each marker (or record id) appears. */
export async function crawl(client: Client, urls: string[], markers: string[], idMarkers: Record<string, string> = {}): Promise<Crawl> {
  const seen = new Map<string, string[]>();
  const serverErrors: string[] = [];
  let pdfs = 0;
  for (const url of urls) {
    const res = await client.get(url);
    if (res.statusCode >= 500) serverErrors.push(`${url}: ${res.statusCode}`);
    if (String(res.headers['content-type'] ?? '').startsWith('application/pdf') && res.statusCode === 200) pdfs++;
    const text = await readable(res);
    for (const m of markers) if (text.includes(m)) seen.set(m, [...(seen.get(m) ?? []), url]);
    // A record's id counts as a leak too, unless the address asked for it.
    for (const [name, id] of Object.entries(idMarkers)) if (!url.includes(id) && text.includes(id)) seen.set(name, [...(seen.get(name) ?? []), url]);
  }
  return { seen, serverErrors, pdfs };
}

/**
 * The addresses of every GET route whose path starts with one of the prefixes (both the
 * page and its /api twin are meant: pass '/engagement' and '/api/engagement'), each
 * parameter filled with every candidate the module gives for it (at most 60 per route).
 */
export async function moduleAddresses(
  app: FastifyInstance,
  prefixes: string[],
  candidates: (route: string, param: string) => string[] | Promise<string[]>,
): Promise<{ routes: string[]; urls: string[] }> {
  const gets = appRoutes(app).filter((r) => r.methods.includes('GET') && prefixes.some((p) => r.path === p || r.path.startsWith(p.endsWith('/') ? p : `${p}/`) || r.path.startsWith(`${p}.`)));
  const urls: string[] = [];
  for (const { path } of gets) {
    let filled = [path];
    for (const p of [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!)) {
      const values = await candidates(path, p);
      filled = filled.flatMap((u) => values.map((v) => u.replace(`:${p}`, v)));
    }
    urls.push(...filled.slice(0, 60));
  }
  return { routes: gets.map((r) => r.path), urls: [...new Set(urls)] };
}

export interface LeakRole { name: string; client: Client; markers: string[]; idMarkers?: Record<string, string> }

/**
 * The whole check: the entitled client sees every marker somewhere; each role sees none
 * of its markers or ids; no address answers with a server error. Returns a one-line
 * summary for the test's diagnostic.
 */
export async function assertNoLeaks(entitled: Client, urls: string[], allMarkers: string[], roles: LeakRole[]): Promise<string> {
  const staff = await crawl(entitled, urls, allMarkers);
  for (const m of allMarkers) assert.ok(staff.seen.has(m), `the entitled reader never saw ${m}: the test could not notice its leak`);
  const leaks: string[] = [];
  const errors = staff.serverErrors.map((e) => `entitled ${e}`);
  let checks = 0;
  let pdfs = staff.pdfs;
  for (const role of roles) {
    const result = await crawl(role.client, urls, role.markers, role.idMarkers ?? {});
    checks += urls.length * (role.markers.length + Object.keys(role.idMarkers ?? {}).length);
    pdfs += result.pdfs;
    for (const [marker, where] of result.seen) leaks.push(`${role.name} saw ${marker} at ${where.slice(0, 5).join(', ')}`);
    errors.push(...result.serverErrors.map((e) => `${role.name} ${e}`));
  }
  assert.deepEqual(leaks, []);
  assert.deepEqual(errors, [], 'no route answers with a server error');
  return `${urls.length} addresses, ${allMarkers.length} markers, ${roles.length} roles (${roles.map((r) => r.name).join('; ')}), ${pdfs} PDFs read: ${checks} checks, 0 leaks`;
}
