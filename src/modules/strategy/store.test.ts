// The strategy tables on both engines, and listPriorities as other modules call it.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../../../test/support/database.ts';
import type { Database } from '../../db/database.ts';
import { listPlan, listPlanLines, listPlanMatches, listPriorities, planCounts, storeRollUp } from './store.ts';
import { filterPlan, PLAN_STATUS_FILTERS } from './planFilters.ts';
import { LINE_STATUSES } from './domain.ts';

// Opened in a hook: scripts/test.mjs loads test files with require(), which refuses a top-level await.
let database: Database;
before(async () => { database = await createTestDatabase(); });
after(() => database.close());

test('priorities are listed in their order with stable ids, and the plan rolls up under them', async () => {
  const { db } = database;
  const p = await db.insertInto('partnerships').values({ slug: 'eastmere', name: 'Eastmere CSP', short_name: 'Eastmere', hostname: null }).returning('id').executeTakeFirstOrThrow();
  const a = await db.insertInto('strategy_agreements').values({ partnership_id: p.id, period: '2026-27', title: 'Eastmere Community Safety Agreement', starts_on: '2026-04-01', ends_on: '2027-03-31' })
    .returningAll().executeTakeFirstOrThrow();
  assert.equal(a.status, 'draft');
  const second = await db.insertInto('strategy_priorities').values({ partnership_id: p.id, agreement_id: a.id, kind: 'priority', position: 2, title: 'Safer roads' }).returning('id').executeTakeFirstOrThrow();
  const first = await db.insertInto('strategy_priorities').values({ partnership_id: p.id, agreement_id: a.id, kind: 'priority', position: 1, title: 'Violence against women and girls' }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('strategy_priorities').values({ partnership_id: p.id, agreement_id: a.id, kind: 'theme', position: 1, title: 'Early intervention' }).execute();
  const priorities = await listPriorities(db, p.id);
  assert.deepEqual(priorities.map((x) => [x.id, x.title, x.agreement_period, x.agreement_status]), [
    [first.id, 'Violence against women and girls', '2026-27', 'draft'], [second.id, 'Safer roads', '2026-27', 'draft'],
  ]);
  assert.equal((await listPriorities(db, p.id, { kind: 'theme' }))[0]!.title, 'Early intervention');

  const o = await db.insertInto('strategy_plan_lines').values({ partnership_id: p.id, agreement_id: a.id, priority_id: first.id, level: 'objective', position: 1, ref: '1.1', title: 'Fewer repeat victims' }).returning('id').executeTakeFirstOrThrow();
  for (const [i, progress, weight] of [[1, 100, 1], [2, 20, 3]] as const) {
    await db.insertInto('strategy_plan_lines').values({ partnership_id: p.id, agreement_id: a.id, priority_id: first.id, parent_id: o.id, level: 'action', position: i, ref: `1.1.${i}`, title: `Action ${i}`, progress, weight, status: 'on-track', due_on: '2026-06-30', starts_on: '2026-04-01' }).execute();
  }
  const plan = await listPlan(db, p.id, a.id, '2026-07-01');
  assert.deepEqual(plan.map((l) => [l.ref, l.depth, l.rolled.progress, l.overdue]), [['1.1', 0, 40, false], ['1.1.1', 1, 100, true], ['1.1.2', 1, 20, true]]);
  // The database refuses an action due before it starts, whatever the command says.
  await assert.rejects(db.insertInto('strategy_plan_lines').values({ partnership_id: p.id, agreement_id: a.id, priority_id: first.id, parent_id: o.id, level: 'action', position: 3, ref: '1.1.3', title: 'Backwards', starts_on: '2026-05-01', due_on: '2026-04-01' }).execute());
});

test('the plan filtered in SQL matches the plan filtered line by line, in tree order, and the page is read in full', async () => {
  const { db } = database;
  const p = await db.insertInto('partnerships').values({ slug: 'westmere', name: 'Westmere CSP', short_name: 'Westmere', hostname: null }).returning('id').executeTakeFirstOrThrow();
  const pid = p.id;
  const a = await db.insertInto('strategy_agreements').values({ partnership_id: pid, period: '2026-27', title: 'Westmere Community Safety Agreement', starts_on: '2026-04-01', ends_on: '2027-03-31' })
    .returningAll().executeTakeFirstOrThrow();
  // Priorities written out of order, so that tree order is not the order of writing.
  const p2 = await db.insertInto('strategy_priorities').values({ partnership_id: pid, agreement_id: a.id, kind: 'priority', position: 2, title: 'Safer roads' }).returning('id').executeTakeFirstOrThrow();
  const p1 = await db.insertInto('strategy_priorities').values({ partnership_id: pid, agreement_id: a.id, kind: 'priority', position: 1, title: 'Fewer victims' }).returning('id').executeTakeFirstOrThrow();
  const theme = await db.insertInto('strategy_priorities').values({ partnership_id: pid, agreement_id: a.id, kind: 'theme', position: 1, title: 'Early help' }).returning('id').executeTakeFirstOrThrow();
  const org = await db.insertInto('organisations').values({ partnership_id: pid, name: 'Westmere Council', short_name: null, kind: 'local-authority', statutory: true, website: null }).returning('id').executeTakeFirstOrThrow();
  const person = await db.insertInto('people').values({ partnership_id: pid, given_name: 'Ada', family_name: 'Quill' }).returning('id').executeTakeFirstOrThrow();
  const statuses = ['on-track', 'at-risk', 'off-track', 'complete', 'not-started', 'cancelled'] as const;
  let n = 0;
  const add = async (priority: string, parent: string | null, level: 'objective' | 'action' | 'sub-action', position: number) => {
    const i = n++;
    const leaf = level === 'sub-action';
    const row = await db.insertInto('strategy_plan_lines').values({
      partnership_id: pid, agreement_id: a.id, priority_id: priority, parent_id: parent, level, position, ref: `L${i}`, title: `Line ${i}`,
      status: leaf ? statuses[i % statuses.length]! : 'on-track', progress: leaf ? (i * 7) % 101 : 0, weight: 1 + (i % 2),
      starts_on: '2026-04-01', due_on: i % 3 ? '2026-06-30' : '2027-03-31', restricted: i % 5 === 0,
      owner_person_id: i % 4 === 0 ? person.id : null, lead_organisation_id: i % 4 === 1 ? org.id : null,
    }).returning('id').executeTakeFirstOrThrow();
    if (i % 3 === 1) await db.insertInto('strategy_plan_line_themes').values({ partnership_id: pid, line_id: row.id, theme_id: theme.id }).execute();
    return row.id;
  };
  for (const priority of [p2.id, p1.id]) {
    for (const o of [2, 1]) {
      const objective = await add(priority, null, 'objective', o);
      for (const ac of [3, 1, 2]) {
        const action = await add(priority, objective, 'action', ac);
        for (const sa of [2, 1]) await add(priority, action, 'sub-action', sa);
      }
    }
  }
  await storeRollUp(db, pid, a.id);
  const today = '2026-07-01';
  const plan = await listPlan(db, pid, a.id, today);
  const none = { priority: '', owner: '', status: '', theme: '' };
  const cases = [
    ...PLAN_STATUS_FILTERS.map((s) => ({ ...none, status: s.value })),
    { ...none, priority: p2.id }, { ...none, owner: person.id }, { ...none, owner: org.id }, { ...none, theme: theme.id },
    { ...none, priority: p1.id, status: 'open', theme: theme.id }, { ...none, owner: person.id, status: 'overdue' },
  ];
  for (const f of cases) {
    const want = filterPlan(plan, f);
    const got = await listPlanMatches(db, pid, a.id, today, f);
    assert.deepEqual(got.map((l) => [l.id, l.depth, l.restricted, l.owner_person_id]), want.map((l) => [l.id, l.depth, l.restricted, l.owner_person_id]), JSON.stringify(f));
  }
  assert.ok(filterPlan(plan, { ...none, status: 'overdue' }).length > 0 && filterPlan(plan, { ...none, status: 'at-risk' }).length > 0, 'the cases match something');
  assert.deepEqual(await listPlanMatches(db, pid, a.id, today, { ...none, owner: 'not-an-id' }), [], 'an id that is not one matches nothing');
  // A page read in full is the same as the lines of the whole plan.
  const page = (await listPlanMatches(db, pid, a.id, today, { ...none, status: 'open' })).slice(3, 9);
  const full = await listPlanLines(db, pid, a.id, today, page);
  const byId = new Map(plan.map((l) => [l.id, l]));
  assert.deepEqual(full, page.map((m) => byId.get(m.id)));
  // The agreement page's figures, from the kept roll-up.
  const counts = await planCounts(db, pid, a.id, today);
  assert.equal(counts.total, plan.length);
  assert.equal(counts.overdue, plan.filter((l) => l.overdue).length);
  for (const st of LINE_STATUSES) assert.equal(counts.byStatus.get(st.value) ?? 0, plan.filter((l) => l.rolled.status === st.value && l.level !== 'objective').length, st.value);
});
