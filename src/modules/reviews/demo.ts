// Demo review cases for the fictional Northshire partnership, written for this project:
// the pseudonyms, people and events are invented, and nothing comes from a real review.
// One domestic abuse related death review under way (its completion overdue) and one
// safeguarding adults review published. The clerk (officer@) coordinates both; the panel
// member (panel@) sits on the first only. Dates are relative to the day the demo is loaded.
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { addDays } from '../partnership/domain.ts';
import { seedReviewStagesDemo } from './stages.demo.ts';

interface DemoCase {
  kind: string;
  pseudonym: string;
  year: number;
  notified: number;
  notifiedHow: string;
  subject: string;
  stages: [string, number, string?, string?][];
  chair: string;
  author: string;
  withPanelUser: boolean;
  themes: string[];
  recommendations: { text: string; agency: string; due: number; theme: string; owner: string; updates?: [number, 'in-progress' | 'completed', string | null, string | null][] }[];
  published?: { days: number; summary: string; where: string };
}

const CASES = (year: number): DemoCase[] => [
  {
    kind: 'dardr', pseudonym: 'Ashgrove', year: year - 1, notified: -240, notifiedHow: 'Telephone call from the police major crime team, confirmed by e-mail',
    subject: 'A woman in her fifties, living in Brackenford with her adult son; her former partner is the alleged perpetrator. (Fictional demo case.)',
    stages: [
      ['decision', -215, 'review'], ['home-office-told', -210], ['panel-set-up', -180], ['chronologies-requested', -170],
      ['family-contacted', -160], ['first-draft', -40, undefined, 'Criminal trial adjourned twice; the panel waited for the verdict'],
    ],
    chair: 'Dr Miriam Holt', author: 'Peter Vance', withPanelUser: true,
    themes: ['coercive-control', 'separation', 'economic-abuse'],
    recommendations: [
      { text: 'Ask about controlling behaviour at every contact after a reported separation', agency: 'Northshire Police', due: 60, theme: 'coercive-control', owner: 'Head of Public Protection',
        updates: [[20, 'in-progress', 'Briefing written for response officers', null]] },
      { text: 'Check joint tenancy and finances when a victim asks for rehousing', agency: 'Brackenford Borough Council', due: -10, theme: 'economic-abuse', owner: 'Housing Options Manager' },
      { text: 'Offer a routine enquiry about abuse at first mental health appointments', agency: 'Northshire Integrated Care Board', due: 120, theme: 'separation', owner: 'Designated Nurse' },
    ],
  },
  {
    kind: 'sar', pseudonym: 'Linden', year: year - 2, notified: -600, notifiedHow: 'Referral from the adult social care safeguarding team',
    subject: 'A man in his eighties who lived alone in Corran Heath and died after a fall at home. (Fictional demo case.)',
    stages: [
      ['decision', -590, 'review'], ['panel-set-up', -560], ['chronologies-requested', -550], ['family-contacted', -540],
      ['first-draft', -450], ['panel-sign-off', -420], ['board-sign-off', -400], ['findings-response', -390, 'accepted'],
    ],
    chair: 'Janet Orme', author: 'Janet Orme', withPanelUser: false,
    themes: ['self-neglect', 'older-people', 'mental-health'],
    recommendations: [
      { text: 'Agree one self-neglect pathway across the district councils and adult social care', agency: 'Northshire County Council', due: -200, theme: 'self-neglect', owner: 'Principal Social Worker',
        updates: [[300, 'in-progress', 'Draft pathway shared with partners', null], [210, 'completed', null, 'Pathway adopted by the board; published on the board website']] },
      { text: 'Fire safety visits for people known to hoard', agency: 'Northshire Fire and Rescue Service', due: 30, theme: 'older-people', owner: 'Prevention Manager' },
    ],
    published: { days: -300, summary: 'Linden was a retired engineer who valued his independence. The review found that agencies saw his home deteriorate but did not share what they saw, and it recommends one pathway for self-neglect.', where: 'northshire.example/safeguarding/reviews' },
  },
];

export async function seedReviewsDemo(trx: Transaction<DB>, partnershipId: string, today: string): Promise<void> {
  const users = await trx.selectFrom('users').innerJoin('partnership_users', 'partnership_users.user_id', 'users.id')
    .select(['users.id', 'users.email', 'users.display_name']).where('partnership_users.partnership_id', '=', partnershipId).execute();
  const officer = users.find((u) => u.email.startsWith('officer@'));
  const panel = users.find((u) => u.email.startsWith('panel@'));
  if (!officer) return;
  const year = Number(today.slice(0, 4));
  for (const c of CASES(year)) {
    const row = await trx.insertInto('review_cases').values({
      partnership_id: partnershipId, kind_code: c.kind, pseudonym: c.pseudonym, year: c.year, notified_on: addDays(today, c.notified),
      died_or_incident_on: addDays(today, c.notified - 3), notified_how: c.notifiedHow, notified_by: 'Northshire Police', subject_details: c.subject,
      created_by: officer.id,
      published_on: c.published ? addDays(today, c.published.days) : null, published_summary: c.published?.summary ?? null, published_where: c.published?.where ?? null,
    }).returning('id').executeTakeFirstOrThrow();
    const stages = c.published ? [...c.stages, ['published', c.published.days] as [string, number]] : c.stages;
    for (const [stage, days, outcome, delay] of stages) {
      await trx.insertInto('review_stage_events').values({
        partnership_id: partnershipId, case_id: row.id, stage, happened_on: addDays(today, days), outcome: outcome ?? null, delay_reason: delay ?? null, recorded_by: officer.id,
      }).execute();
    }
    const people: { place: 'coordinator' | 'independent-chair' | 'author' | 'agency-representative'; user_id: string | null; name: string; agency: string | null }[] = [
      { place: 'coordinator', user_id: officer.id, name: officer.display_name, agency: 'Northshire County Council' },
      { place: 'independent-chair', user_id: null, name: c.chair, agency: 'Independent' },
      ...(c.author !== c.chair ? [{ place: 'author' as const, user_id: null, name: c.author, agency: 'Independent' }] : []),
      ...(c.withPanelUser && panel ? [{ place: 'agency-representative' as const, user_id: panel.id, name: panel.display_name, agency: 'Northshire Integrated Care Board' }] : []),
    ];
    for (const p of people) {
      await trx.insertInto('review_case_people').values({
        partnership_id: partnershipId, case_id: row.id, ...p, added_by: officer.id,
        independence_declared_on: p.place === 'coordinator' ? null : addDays(today, c.notified + 60),
      }).execute();
      if (p.user_id) await trx.insertInto('access_grants').values({ partnership_id: partnershipId, user_id: p.user_id, scope_kind: 'case', scope_id: row.id, granted_by: officer.id }).execute();
    }
    await trx.insertInto('review_case_themes').values(c.themes.map((theme) => ({ partnership_id: partnershipId, case_id: row.id, theme }))).execute();
    let number = 0;
    for (const r of c.recommendations) {
      const last = r.updates?.[r.updates.length - 1];
      const rec = await trx.insertInto('review_recommendations').values({
        partnership_id: partnershipId, case_id: row.id, number: ++number, text: r.text, agency: r.agency, owner: r.owner,
        due_on: addDays(today, r.due), theme: r.theme, status: last?.[1] ?? 'open',
      }).returning('id').executeTakeFirstOrThrow();
      let from: 'open' | 'in-progress' | 'completed' = 'open';
      await trx.insertInto('review_recommendation_updates').values({ partnership_id: partnershipId, recommendation_id: rec.id, author_label: officer.display_name, author_user_id: officer.id, to_status: 'open', at: new Date(`${addDays(today, c.notified + 200)}T10:00:00Z`) }).execute();
      for (const [daysAgo, to, note, evidence] of r.updates ?? []) {
        await trx.insertInto('review_recommendation_updates').values({
          partnership_id: partnershipId, recommendation_id: rec.id, author_label: officer.display_name, author_user_id: officer.id,
          from_status: from, to_status: to, note, evidence, at: new Date(`${addDays(today, -daysAgo)}T10:00:00Z`),
        }).execute();
        from = to;
      }
    }
  }
  await seedReviewStagesDemo(trx, partnershipId, today, officer);
}
