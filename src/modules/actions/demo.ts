// Demo actions for the fictional Northshire partnership: some open, some overdue, some
// done or dropped, owned by demo people and organisations. Dates are relative to the
// day the demo is loaded, so there is always something overdue and something due soon.
import { indexActions } from './search.ts';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ActionStatus } from './tables.ts';
import { addDays } from './domain.ts';

type Owner = { person: string } | { organisation: string };

interface DemoAction {
  body: 'board' | 'working' | 'reviews';
  description: string;
  owner: Owner;
  /** Days from today. */
  due: number;
  /** Days before today that the action was agreed. */
  agreed: number;
  quote?: string;
  /** Later updates: [days before today, new status, note]. */
  updates?: [number, ActionStatus, string][];
  restricted?: boolean;
}

const ACTIONS: DemoAction[] = [
  {
    body: 'board', description: "Report back to the Partnership on the community safety team's accommodation",
    owner: { person: 'Ramaswamy' }, due: -20, agreed: 110,
    quote: 'The Chair asked for an update on the accommodation of the community safety team. Ms Ramaswamy agreed to report back to the Partnership.',
  },
  {
    body: 'board', description: 'Update the Partnership every year on domestic abuse developments',
    owner: { person: 'Hartley' }, due: 150, agreed: 110,
    quote: 'Ms Hartley agreed to update the Partnership annually on domestic abuse developments.',
    updates: [[60, 'in-progress', 'The first annual update is being drafted with Safe Homes Northshire.']],
  },
  {
    body: 'board', description: 'Circulate the refreshed Community Safety Agreement to partners for comment',
    owner: { organisation: 'Northshire County Council' }, due: 25, agreed: 30,
  },
  {
    body: 'board', description: 'Present the fire safety campaign for older people living alone',
    owner: { person: 'Macrae' }, due: -6, agreed: 110,
    updates: [[40, 'in-progress', 'Campaign materials agreed with Northshire Voluntary Action; the presentation is waiting for the evaluation figures.']],
  },
  {
    body: 'board', description: 'Share the night-time economy data with the district councils',
    owner: { organisation: 'Northshire Police' }, due: -40, agreed: 110,
    updates: [[45, 'done', 'Data shared with Ashby Vale, Brackenford and Corran Heath on the secure portal.']],
  },
  {
    body: 'board', description: 'Brief the Partnership on the serious violence duty',
    owner: { person: 'Chen' }, due: 4, agreed: 30,
  },
  {
    body: 'working', description: 'Return the progress forms for the crime reduction grant projects',
    owner: { person: 'Macrae' }, due: 3, agreed: 30,
    quote: 'Project leads were asked to return their progress forms before the next meeting of the Working Group.',
  },
  {
    body: 'working', description: 'Send the partner data for the strategic assessment',
    owner: { organisation: 'Probation Service, Northshire region' }, due: -12, agreed: 75,
  },
  {
    body: 'working', description: 'Arrange a lunchtime information session on cuckooing',
    owner: { person: 'Fairweather' }, due: 10, agreed: 75,
    updates: [[20, 'dropped', 'Covered by the county exploitation group’s own session next month; the Working Group agreed not to duplicate it.']],
  },
  {
    body: 'reviews', description: 'Chase the outstanding chronology from health partners',
    owner: { person: 'Kowalczyk' }, due: -3, agreed: 50, restricted: true,
  },
];

export async function seedActionsDemo(trx: Transaction<DB>, partnershipId: string, today: string): Promise<void> {
  const bodies = await trx.selectFrom('bodies').select(['id', 'name', 'kind']).where('partnership_id', '=', partnershipId).execute();
  const bodyId = (b: DemoAction['body']) => (b === 'board' ? bodies.find((x) => x.kind === 'board')
    : b === 'reviews' ? bodies.find((x) => x.kind === 'panel') : bodies.find((x) => x.name === 'Working Group'))?.id;
  const people = await trx.selectFrom('people').select(['id', 'family_name']).where('partnership_id', '=', partnershipId).execute();
  const organisations = await trx.selectFrom('organisations').select(['id', 'name']).where('partnership_id', '=', partnershipId).execute();
  const clerk = await trx.selectFrom('partnership_users').innerJoin('users', 'users.id', 'partnership_users.user_id')
    .select(['users.id', 'users.display_name']).where('partnership_users.partnership_id', '=', partnershipId)
    .where('partnership_users.role', '=', 'officer').orderBy('users.created_at').executeTakeFirst();
  const daysAgo = (n: number) => new Date(Date.parse(`${addDays(today, -n)}T10:00:00Z`));

  for (const a of ACTIONS) {
    const body = bodyId(a.body);
    const personId = 'person' in a.owner ? people.find((p) => p.family_name === (a.owner as { person: string }).person)?.id : null;
    const organisationId = 'organisation' in a.owner ? organisations.find((o) => o.name === (a.owner as { organisation: string }).organisation)?.id : null;
    if (!body || (!personId && !organisationId)) continue; // a partnership seeded without that body or owner
    const dueOn = addDays(today, a.due);
    let status: ActionStatus = 'open';
    const row = await trx.insertInto('actions').values({
      partnership_id: partnershipId, body_id: body, description: a.description,
      owner_person_id: personId ?? null, owner_organisation_id: organisationId ?? null, due_on: dueOn, status,
      source_kind: 'manual', source_text: a.quote ?? null, restricted: a.restricted ?? false, marked_restricted: a.restricted ?? false,
      created_by: clerk?.id ?? null, created_at: daysAgo(a.agreed), updated_at: daysAgo(a.agreed),
    }).returningAll().executeTakeFirstOrThrow();
    await indexActions(trx, [row]);
    const author = { author_user_id: clerk?.id ?? null, author_label: clerk?.display_name ?? 'system' };
    await trx.insertInto('action_updates').values({
      partnership_id: partnershipId, action_id: row.id, ...author, at: daysAgo(a.agreed),
      note: null, from_status: null, to_status: 'open', from_due_on: null, to_due_on: dueOn,
    }).execute();
    for (const [ago, to, note] of a.updates ?? []) {
      await trx.insertInto('action_updates').values({
        partnership_id: partnershipId, action_id: row.id, ...author, at: daysAgo(ago),
        note, from_status: status, to_status: to, from_due_on: dueOn, to_due_on: dueOn,
      }).execute();
      status = to;
    }
    if (status !== 'open') {
      await trx.updateTable('actions').set({ status, updated_at: daysAgo(a.updates!.at(-1)![0]) })
        .where('partnership_id', '=', partnershipId).where('id', '=', row.id).execute();
    }
  }
}
