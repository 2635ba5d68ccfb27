// Demo distribution lists for the fictional Northshire partnership, written for this
// project: the monthly bulletin and the information sessions list, people from partner
// organisations who signed up, were added by an officer or came in with an imported list,
// and one address that unsubscribed (so it is suppressed).
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

const BULLETIN_WORDING = 'I agree to receive the Northshire Community Safety Partnership bulletin by e-mail, about once a month. I can unsubscribe at any time from the link in every bulletin.';
const SESSIONS_WORDING = 'I agree to receive invitations to the partnership’s lunchtime information sessions by e-mail. I can unsubscribe at any time.';

const PEOPLE: [string, string, string, 'sign-up' | 'officer' | 'import', ('bulletin' | 'sessions')[]][] = [
  ['Harriet Oyelaran', 'harriet.oyelaran@ashbyvale-housing.example', 'Ashby Vale Housing Trust', 'sign-up', ['bulletin', 'sessions']],
  ['Tomasz Wielgosz', 'tomasz.wielgosz@northshire-fire.example', 'Northshire Fire and Rescue Service', 'officer', ['bulletin']],
  ['Ruth Penhaligon', 'ruth.penhaligon@brackenford-pcn.example', 'Brackenford Primary Care Network', 'import', ['bulletin']],
  ['Daniel Achterberg', 'daniel.achterberg@northshire-probation.example', 'Probation Service, Northshire', 'import', ['bulletin', 'sessions']],
  ['Priya Ramaswamy', 'priya.ramaswamy@fernleigh-college.example', 'Fernleigh College', 'sign-up', ['bulletin']],
  ['Owen Treharne', 'owen.treharne@northshire-carers.example', 'Northshire Carers’ Network', 'sign-up', ['sessions']],
  ['Leila Haddadi', 'leila.haddadi@brackenford-dc.example', 'Brackenford District Council', 'officer', ['bulletin', 'sessions']],
  ['Marcus Eldridge', 'marcus.eldridge@northshire-police.example', 'Northshire Police', 'import', ['bulletin']],
];

export async function seedEngagementDemo(trx: Transaction<DB>, pid: string): Promise<void> {
  const bulletin = await trx.insertInto('engagement_lists').values({
    partnership_id: pid, name: 'Monthly bulletin', description: 'News of the partnership’s work, funding rounds and events, about once a month', consent_wording: BULLETIN_WORDING,
  }).returning('id').executeTakeFirstOrThrow();
  const sessions = await trx.insertInto('engagement_lists').values({
    partnership_id: pid, name: 'Information sessions', description: 'Invitations to the lunchtime sessions for partners, three or four a year', consent_wording: SESSIONS_WORDING,
  }).returning('id').executeTakeFirstOrThrow();
  const lists = { bulletin: { id: bulletin.id, wording: BULLETIN_WORDING }, sessions: { id: sessions.id, wording: SESSIONS_WORDING } };
  const source = {
    'sign-up': 'The sign-up page, confirmed by the link e-mailed',
    officer: 'Added by an officer: asked to be added at the partnership conference, October',
    import: 'Imported from the old distribution spreadsheet: people on the team’s list who had asked to receive the bulletin',
  };
  for (const [name, email, organisation, method, on] of PEOPLE) {
    const s = await trx.insertInto('engagement_subscribers').values({ partnership_id: pid, email, name, organisation }).returning('id').executeTakeFirstOrThrow();
    for (const l of on) {
      await trx.insertInto('engagement_subscriptions').values({
        partnership_id: pid, subscriber_id: s.id, list_id: lists[l].id, status: 'subscribed', consent_method: method, consent_wording: lists[l].wording,
        consent_source: source[method], confirmed_at: new Date(),
      }).execute();
    }
  }
  // Someone who left: off the list, and never mailed in bulk again.
  const gone = await trx.insertInto('engagement_subscribers').values({ partnership_id: pid, email: 'former.reader@example.org', name: 'A former reader', organisation: null }).returning('id').executeTakeFirstOrThrow();
  await trx.insertInto('engagement_subscriptions').values({
    partnership_id: pid, subscriber_id: gone.id, list_id: bulletin.id, status: 'unsubscribed', consent_method: 'sign-up', consent_wording: BULLETIN_WORDING,
    consent_source: source['sign-up'], confirmed_at: new Date(), unsubscribed_at: new Date(),
  }).execute();
  await trx.insertInto('engagement_suppressions').values({ partnership_id: pid, email: 'former.reader@example.org', reason: 'unsubscribed', detail: 'From Monthly bulletin' }).execute();
}
