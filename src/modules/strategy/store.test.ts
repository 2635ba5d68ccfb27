// The strategy tables on both engines, and listPriorities as other modules call it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../../../test/support/database.ts';
import { listPlan, listPriorities } from './store.ts';

const database = await createTestDatabase();
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
