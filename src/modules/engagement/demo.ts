// Demo distribution lists for the fictional Northshire partnership, written for this
// project: the monthly bulletin and the information sessions list, people from partner
// organisations who signed up, were added by an officer or came in with an imported list,
// and one address that unsubscribed (so it is suppressed); lunchtime information sessions,
// past ones with their register and feedback and ones to come with registrations.
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { indexIssue, indexSession } from './search.ts';
import { ukInstant } from './sessions.domain.ts';
import { ukClock } from '../../web/nunjucks.ts';

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
  await seedBulletins(trx, pid, bulletin.id);
  await seedSessions(trx, pid);
}

const SESSIONS: { topic: string; description: string; speakers: string; daysFromNow: number; audience: 'partners' | 'public'; venue: string | null; online: string | null; capacity: number; people: number[] }[] = [
  {
    topic: 'Organised dog crime: what partners see', daysFromNow: -150, audience: 'partners', venue: 'Committee Room 2, County Hall, Northshire', online: null, capacity: 25, people: [1, 3, 6, 7],
    description: 'Dog theft, illegal breeding and dog fighting: the signs that housing officers, vets and neighbourhood teams notice, and who to tell.',
    speakers: 'Northshire Police rural crime team; the RSPCA local inspector',
  },
  {
    topic: 'Older people and domestic abuse', daysFromNow: -45, audience: 'partners', venue: null, online: 'https://meet.example.org/j/northshire-later-life', capacity: 40, people: [0, 2, 3, 5, 6],
    description: 'Domestic abuse in later life is often missed or taken for carer stress. How to ask, what help there is, and the referral route.',
    speakers: 'Northshire Domestic Abuse Service; an adult safeguarding lead',
  },
  {
    topic: 'Stalking: recognising it and what to do', daysFromNow: 18, audience: 'partners', venue: null, online: 'https://meet.example.org/j/northshire-stalking', capacity: 40, people: [0, 4, 6],
    description: 'A lunchtime briefing: the behaviours that make up stalking, how it differs from harassment, risk, and what partners should record and report.',
    speakers: 'Northshire Police public protection unit; a stalking advocate',
  },
  {
    topic: 'Fraud against older people: spotting it and stopping it', daysFromNow: 32, audience: 'public', venue: 'Brackenford Library, Market Street', online: 'https://meet.example.org/j/northshire-fraud', capacity: 30, people: [5, 7],
    description: 'Doorstep, telephone and online fraud aimed at older residents: how it works, the words scammers use, and what family, carers and neighbours can do.',
    speakers: 'Northshire Trading Standards; the police economic crime unit',
  },
];

async function seedSessions(trx: Transaction<DB>, pid: string) {
  const day = (n: number) => ukClock(new Date(Date.now() + n * 86_400_000)).iso;
  for (const s of SESSIONS) {
    const starts_at = ukInstant(day(s.daysFromNow), '12:30');
    const session = await trx.insertInto('engagement_sessions').values({
      partnership_id: pid, topic: s.topic, description: s.description, speakers: s.speakers, starts_at, ends_at: ukInstant(day(s.daysFromNow), '13:30'),
      venue: s.venue, online_link: s.online, capacity: s.capacity, audience: s.audience,
      registration_opens_at: ukInstant(day(s.daysFromNow - 40), '00:00'), registration_closes_at: starts_at,
    }).returning('id').executeTakeFirstOrThrow();
    await indexSession(trx, pid, session.id);
    const past = s.daysFromNow < 0;
    for (const [i, n] of s.people.entries()) {
      const [name, email, organisation] = PEOPLE[n]!;
      const attended = past ? i !== 1 : null;
      const reg = await trx.insertInto('engagement_registrations').values({ partnership_id: pid, session_id: session.id, name, email, organisation, status: 'registered', attended, feedback_sent_at: attended ? starts_at : null })
        .returning('id').executeTakeFirstOrThrow();
      if (attended && i % 2 === 0) {
        await trx.insertInto('engagement_feedback').values({
          partnership_id: pid, registration_id: reg.id, session_id: session.id, overall: 5 - (i % 3 === 2 ? 1 : 0), usefulness: 4, speakers: 5,
          comments: i === 0 ? 'Practical and to the point; the referral route was what our team needed.' : null,
        }).execute();
      }
    }
  }
}

const ISSUES: { title: string; introduction: string; daysAgo: number | null; articles: [string, string, string, string | null, string | null][] }[] = [
  {
    title: 'Bulletin, spring: safer streets and a new grant round', daysAgo: 40,
    introduction: 'Welcome to the spring bulletin. This issue brings news of the **Safer Streets** work in Brackenford, the opening of this year’s grant round and the next lunchtime session.',
    articles: [
      ['News', 'Safer Streets in Brackenford town centre', 'Street lighting has been improved on six routes between the bus station and the leisure centre, following the walkabout with residents last autumn.\n\nThe partnership will review the effect on reports of antisocial behaviour at the Working Group in the summer.', null, null],
      ['Funding', 'The Crime Reduction Grant round is open', 'Partners can propose projects for this year’s Crime Reduction Grant until the end of the month. Proposals go to the Working Group, then to the chair and the Commissioner.', '/funding', 'How the grant works'],
      ['Events', 'Lunchtime session: older people and domestic abuse', 'A one-hour online session for partner staff on recognising domestic abuse in later life, with time for questions.', '/bulletins/sign-up', 'Sign up for news of sessions'],
    ],
  },
  {
    title: 'Bulletin, summer: water safety and the annual report', daysAgo: null,
    introduction: 'A draft for the summer issue.',
    articles: [
      ['News', 'Open water safety', 'Fire and rescue crews will be at Ashby Vale lake on summer Saturdays with advice for families.', null, null],
    ],
  },
];

async function seedBulletins(trx: Transaction<DB>, pid: string, listId: string) {
  const recipients = await trx.selectFrom('engagement_subscriptions as s').innerJoin('engagement_subscribers as p', (j) => j.onRef('p.id', '=', 's.subscriber_id').onRef('p.partnership_id', '=', 's.partnership_id'))
    .select(['p.id', 'p.email']).where('s.partnership_id', '=', pid).where('s.list_id', '=', listId).where('s.status', '=', 'subscribed').execute();
  let number = 0;
  for (const i of ISSUES) {
    const sentAt = i.daysAgo === null ? null : new Date(Date.now() - i.daysAgo * 86_400_000);
    const issue = await trx.insertInto('engagement_issues').values({
      partnership_id: pid, list_id: listId, number: ++number, title: i.title, introduction: i.introduction, status: sentAt ? 'sent' : 'draft', send_started_at: sentAt, sent_at: sentAt,
    }).returning('id').executeTakeFirstOrThrow();
    let position = 0;
    for (const [section, title, body, link_url, link_label] of i.articles) {
      await trx.insertInto('engagement_articles').values({ partnership_id: pid, issue_id: issue.id, section, position: ++position, title, body, link_url, link_label }).execute();
    }
    if (sentAt && recipients.length) {
      await trx.insertInto('engagement_outbox').values(recipients.map((r) => ({ partnership_id: pid, issue_id: issue.id, subscriber_id: r.id, email: r.email, state: 'sent' as const, attempts: 1, sent_at: sentAt }))).execute();
      await indexIssue(trx, pid, issue.id);
    }
  }
}
