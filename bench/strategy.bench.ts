// The strategy module on a large plan (issue 12): an action plan of 2,000 lines in 5 levels
// (agreement, priority, objective, action, sub-action) with 20 dated updates each, on the
// embedded database (PGlite, one connection), beside the demo partnership.
//  - the plan page (GET /strategy/agreements/:id/plan, as the public: the objectives,
//    with the roll-up kept on the lines) and the roll-up (each priority's figures, read
//    from the objectives), p95 of 30 runs, beside a plain select of the same 2,000 rows
//    and a static page through the app's hooks, measured in the same run; also the page
//    with two objectives opened, the page filtered (in SQL, a page of 100), the agreement
//    page (figures from the kept roll-up), the roll-up
//    worked out from every line as it was before, and what keeping it costs a write;
//  - the 2,000-row CSV upload (the downloaded plan, each sub-action's progress raised):
//    preview (read + row-by-row changes) and apply (one transaction, each change kept as
//    an update and audited), beside a plain update of the same rows in one transaction;
//  - the scrutiny evidence pack for the plan's year (the plan is public, so every line is
//    listed: about 60 pages), beside a PDF of as many pages of plain text drawn with the
//    same fonts.
// Goals: the plan page and the roll-up p95 <= 50 ms; upload previewed and applied <= 3 s;
// the pack <= 2 s.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PDFDocument } from 'pdf-lib';
import { openPglite } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemoPartnership } from '../src/demo/seed.ts';
import { listLinesForImport, listPlan, listPriorities, planPriorityFigures, priorityRollUp, storeRollUp } from '../src/modules/strategy/store.ts';
import { planCsv } from '../src/modules/strategy/spreadsheet.ts';
import { currentForImport, parseCsv, planChanges } from '../src/modules/strategy/planImport.ts';
import { addProgressUpdate, applyPlanImport } from '../src/modules/strategy/commands.ts';
import { gatherScrutiny } from '../src/modules/strategy/scrutiny.ts';
import { buildScrutinyPdf } from '../src/modules/strategy/scrutinyPdf.ts';
import { embedFonts } from '../src/modules/meetings/pack/paint.ts';
import type { Actor } from '../src/access/policy.ts';
import type { LineStatus } from '../src/modules/strategy/tables.ts';

const RUNS = 30;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;
async function timed(n: number, work: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await work();
  const out: number[] = [];
  for (let i = 0; i < n; i++) { const t0 = performance.now(); await work(); out.push(performance.now() - t0); }
  return out;
}
const ms = (x: number) => `${x.toFixed(1)} ms`;

const database = await openPglite();
await migrate(database);
const { db } = database;
const demo = await seedDemoPartnership(db, { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP' });
const pid = demo.partnershipId;
const officerRow = await db.selectFrom('users').select(['id', 'display_name']).where('email', '=', 'officer@northshire.example').executeTakeFirstOrThrow();
const officer: Actor = { kind: 'user', partnershipId: pid, userId: officerRow.id, displayName: officerRow.display_name, role: 'officer', personId: null, grants: [] };

// ---------------------------------------------------------------- the plan: 2,000 lines, 20 updates each
const s0 = performance.now();
const working = (await db.selectFrom('bodies').select('id').where('partnership_id', '=', pid).where('name', '=', 'Working Group').executeTakeFirstOrThrow()).id;
const people = (await db.selectFrom('people').select('id').where('partnership_id', '=', pid).limit(10).execute()).map((p) => p.id);
const agreement = await db.insertInto('strategy_agreements').values({
  partnership_id: pid, period: '2019-20', title: 'Bench Community Safety Agreement 2019-20', starts_on: '2019-04-01', ends_on: '2020-03-31', status: 'published',
  agreed_on: '2019-05-01', published_at: new Date('2019-05-02T10:00:00Z'), plan_public: true, monitoring_body_id: working,
}).returningAll().executeTakeFirstOrThrow();
const priorities = [];
for (let p = 1; p <= 5; p++) {
  priorities.push(await db.insertInto('strategy_priorities').values({ partnership_id: pid, agreement_id: agreement.id, kind: 'priority', position: p, title: `Bench priority ${p}: safer places and people`, description: 'A priority of the bench plan.' }).returningAll().executeTakeFirstOrThrow());
}
type NewLine = { id: string; priority_id: string; parent_id: string | null; level: 'objective' | 'action' | 'sub-action'; position: number; ref: string };
const lines: NewLine[] = [];
const objectives: NewLine[] = [];
const actions: NewLine[] = [];
for (const p of priorities) {
  for (let o = 1; o <= 10; o++) objectives.push({ id: randomUUID(), priority_id: p.id, parent_id: null, level: 'objective', position: o, ref: `${p.position}.${o}` });
}
objectives.forEach((o) => { for (let a = 1; a <= 7; a++) actions.push({ id: randomUUID(), priority_id: o.priority_id, parent_id: o.id, level: 'action', position: a, ref: `${o.ref}.${a}` }); });
const subs: NewLine[] = [];
const perAction = new Map<string, number>();
for (let i = 0; i < 2000 - objectives.length - actions.length; i++) {
  const parent = actions[i % actions.length]!;
  const n = (perAction.get(parent.id) ?? 0) + 1;
  perAction.set(parent.id, n);
  subs.push({ id: randomUUID(), priority_id: parent.priority_id, parent_id: parent.id, level: 'sub-action', position: n, ref: `${parent.ref}.${n}` });
}
lines.push(...objectives, ...actions, ...subs);
const STATUSES: LineStatus[] = ['on-track', 'on-track', 'at-risk', 'not-started', 'complete', 'off-track'];
const leafState = (i: number) => { const status = STATUSES[i % STATUSES.length]!; return { status, progress: status === 'complete' ? 100 : status === 'not-started' ? 0 : 10 + (i % 60) }; };
for (let i = 0; i < lines.length; i += 250) {
  await db.insertInto('strategy_plan_lines').values(lines.slice(i, i + 250).map((l, k) => ({
    ...l, partnership_id: pid, agreement_id: agreement.id, title: `Bench ${l.level} ${l.ref}: work with partners on the streets that need it`,
    owner_person_id: people[(i + k) % people.length] ?? null, starts_on: '2019-04-01', due_on: '2020-03-31', weight: 1 + ((i + k) % 3), ...(l.level === 'sub-action' ? leafState(i + k) : { status: 'on-track' as const, progress: 0 }),
  }))).execute();
}
// 20 updates each: 40,000 rows, dated through the year.
const updates = lines.flatMap((l, i) => Array.from({ length: 20 }, (_, u) => ({
  partnership_id: pid, line_id: l.id, on_date: `2019-${String(4 + Math.floor(u / 3)).padStart(2, '0')}-${String(1 + (u % 3) * 9).padStart(2, '0')}`, author_label: 'Bench',
  status: (u === 19 && l.level === 'sub-action' ? leafState(i).status : 'on-track') as LineStatus, progress: Math.min(100, u * 5), source: (u === 0 ? 'create' : 'update') as 'create' | 'update', note: u % 4 ? null : 'Met the partners; next steps agreed.',
})));
for (let i = 0; i < updates.length; i += 1000) await db.insertInto('strategy_plan_updates').values(updates.slice(i, i + 1000)).execute();
console.log(`setup: demo partnership and a plan of ${lines.length} lines (${objectives.length} objectives, ${actions.length} actions, ${subs.length} sub-actions under 5 priorities) with ${updates.length} updates in ${((performance.now() - s0) / 1000).toFixed(1)} s`);

const app = await buildApp({ db, config: loadConfig({ LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv), logger: false });
app.get('/bench/static', async (_req, reply) => reply.type('text/html; charset=utf-8').send('<!doctype html><title>Bench</title><p>Static</p>'));
await app.ready();

// ---------------------------------------------------------------- the plan page and the roll-up
const today = new Date().toISOString().slice(0, 10);
const rawRead = p95(await timed(RUNS, () => db.selectFrom('strategy_plan_lines').selectAll().where('partnership_id', '=', pid).where('agreement_id', '=', agreement.id).execute()));
const staticPage = p95(await timed(RUNS, () => app.inject({ url: '/bench/static' })));
// The roll-up as pages read it: kept on the lines (migration 046) and read from the
// objectives; beside it, the roll-up worked out from every line as it was before.
const priorities5 = await listPriorities(db, pid, { agreementId: agreement.id, kind: 'all' });
const rollUp = p95(await timed(RUNS, () => planPriorityFigures(db, pid, agreement.id, priorities5)));
const fullRollUp = p95(await timed(10, async () => priorityRollUp(await listPriorities(db, pid, { agreementId: agreement.id, kind: 'all' }), await listPlan(db, pid, agreement.id, today))));
const kept = await planPriorityFigures(db, pid, agreement.id, priorities5);
const worked = priorityRollUp(priorities5, await listPlan(db, pid, agreement.id, today));
if (JSON.stringify(kept.map((k) => [k.progress, k.status])) !== JSON.stringify(worked.map((k) => [k.progress, k.status]))) throw new Error('the kept roll-up differs from the one worked out');
const page = await app.inject({ url: `/strategy/agreements/${agreement.id}/plan` });
if (page.statusCode !== 200) throw new Error(`plan page: ${page.statusCode}`);
const planPage = p95(await timed(RUNS, () => app.inject({ url: `/strategy/agreements/${agreement.id}/plan` })));
const openUrl = `/strategy/agreements/${agreement.id}/plan?open=${objectives[0]!.id}&open=${objectives[1]!.id}`;
const opened = await app.inject({ url: openUrl });
const openPage = p95(await timed(RUNS, () => app.inject({ url: openUrl })));
const filteredUrl = `/strategy/agreements/${agreement.id}/plan?status=at-risk`;
const filtered = await app.inject({ url: filteredUrl });
const filteredPage = p95(await timed(RUNS, () => app.inject({ url: filteredUrl })));
const agreementUrl = `/strategy/agreements/${agreement.id}`;
if ((await app.inject({ url: agreementUrl })).statusCode !== 200) throw new Error('agreement page');
const agreementPage = p95(await timed(RUNS, () => app.inject({ url: agreementUrl })));
// The cost moved to writing: an owner's update now works the roll-up out again and keeps it.
const leaf = subs[0]!;
let pct = 0;
const updateMs = p95(await timed(10, () => addProgressUpdate({ db, actor: officer }, leaf.id, { status: 'on-track', progress: String(Math.min(100, ++pct)), note: 'Bench' }, today)));
const keepMs = p95(await timed(10, () => storeRollUp(db, pid, agreement.id)));
console.log(`baseline: a plain select of the ${lines.length} lines p95 ${ms(rawRead)}; a static page through the app p95 ${ms(staticPage)}`);
console.log(`roll-up (each priority's figures, from the roll-up kept on the lines): p95 ${ms(rollUp)}, ${(rollUp / rawRead).toFixed(2)}x the plain select (goal <= 50 ms: ${rollUp <= 50 ? 'met' : 'not met'}); worked out from every line as before: p95 ${ms(fullRollUp)}`);
console.log(`plan page (objectives only, ${(page.body.length / 1024).toFixed(0)} KB of HTML, as the public): p95 ${ms(planPage)}, ${(planPage / rawRead).toFixed(2)}x the plain select, ${(planPage / staticPage).toFixed(1)}x the static page (goal <= 50 ms: ${planPage <= 50 ? 'met' : 'not met'})`);
console.log(`plan page with two objectives opened (${(opened.body.length / 1024).toFixed(0)} KB): p95 ${ms(openPage)}; filtered by a status, 100 lines a page (${(filtered.body.length / 1024).toFixed(0)} KB): p95 ${ms(filteredPage)}, ${(filteredPage / rawRead).toFixed(2)}x the plain select`);
console.log(`agreement page (each priority's figures, status counts, as the public): p95 ${ms(agreementPage)}, ${(agreementPage / rawRead).toFixed(2)}x the plain select`);
console.log(`writing: an owner's update (the roll-up worked out again and kept) p95 ${ms(updateMs)}; the roll-up worked out and kept with nothing moved p95 ${ms(keepMs)}`);

// ---------------------------------------------------------------- the 2,000-row upload
const plan = await listPlan(db, pid, agreement.id, today);
const csv = planCsv(plan, await listPriorities(db, pid, { agreementId: agreement.id, kind: 'all' }), true);
const rows = parseCsv(csv);
const header = rows[0]!;
const progressCol = header.indexOf('Progress (%)');
const leaves = new Set(plan.filter((l) => l.rolled.leaf).map((l) => l.id));
for (const r of rows.slice(1)) if (leaves.has(r[0]!) && Number(r[progressCol]) < 100) r[progressCol] = String(Number(r[progressCol]) + 1);
const edited = rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');

const rawWriteIds = plan.map((l) => l.id);
const w0 = performance.now();
await db.transaction().execute(async (trx) => {
  for (const id of rawWriteIds) await trx.updateTable('strategy_plan_lines').set({ updated_at: new Date() }).where('partnership_id', '=', pid).where('id', '=', id).execute();
});
const rawWrite = performance.now() - w0;

const u0 = performance.now();
const readBack = parseCsv(edited);
const preview = planChanges(readBack, currentForImport(await listLinesForImport(db, pid, agreement.id)));
const previewMs = performance.now() - u0;
if (preview.problems.length) throw new Error(`upload problems: ${JSON.stringify(preview.problems.slice(0, 3))}`);
const a0 = performance.now();
const applied = await applyPlanImport({ db, actor: officer }, agreement.id, readBack, today);
const applyMs = performance.now() - a0;
const uploadMs = previewMs + applyMs;
console.log(`baseline: a plain update of the ${rawWriteIds.length} lines in one transaction ${ms(rawWrite)}`);
console.log(`upload of ${readBack.length - 1} rows (${preview.changes.length} changes): preview ${ms(previewMs)}, apply ${ms(applyMs)} (${applied.changes.length} lines, each an update and an audit entry), together ${(uploadMs / 1000).toFixed(2)} s, ${(uploadMs / rawWrite).toFixed(1)}x the plain update (goal <= 3 s: ${uploadMs <= 3000 ? 'met' : 'not met'})`);

// ---------------------------------------------------------------- the scrutiny pack
const partnership = await db.selectFrom('partnerships').select(['id', 'name']).where('id', '=', pid).executeTakeFirstOrThrow();
const period = { from: '2019-04-01', to: '2020-03-31' };
await buildScrutinyPdf(await gatherScrutiny(db, partnership, period, today), today); // warm-up
const k0 = performance.now();
const pack = await buildScrutinyPdf(await gatherScrutiny(db, partnership, period, today), today);
const packMs = performance.now() - k0;
const b0 = performance.now();
const plain = await PDFDocument.create();
const fonts = await embedFonts(plain);
for (let i = 0; i < pack.pageCount; i++) {
  const pg = plain.addPage([595.28, 841.89]);
  for (let y = 0; y < 50; y++) pg.drawText(`Line ${y} of a page of plain text, as long as a line of the pack is.`, { x: 64, y: 770 - y * 14, size: 10, font: fonts.regular });
}
await plain.save();
const plainMs = performance.now() - b0;
console.log(`baseline: a PDF of ${pack.pageCount} pages of plain text (50 lines each, same fonts) ${ms(plainMs)}`);
console.log(`scrutiny pack: ${pack.pageCount} pages (${(pack.bytes.length / 1024).toFixed(0)} KB) gathered and built in ${ms(packMs)}, ${(packMs / plainMs).toFixed(1)}x the plain PDF (goal <= 2 s: ${packMs <= 2000 ? 'met' : 'not met'})`);

await app.close();
await database.close();
process.exit(0);
