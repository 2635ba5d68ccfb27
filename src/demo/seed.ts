// The demo partnership: Northshire, a fictional two-tier county, written for this
// project. Loaded on the first start of an empty database so every page looks alive.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { hashPassword } from '../access/passwords.ts';
import { addDays, addYears, reviewDueOn, todayIso } from '../modules/partnership/domain.ts';
import { seedMeetingsDemo } from '../modules/meetings/demo.ts';
import { seedActionsDemo } from '../modules/actions/demo.ts';
import { seedReviewsDemo } from '../modules/reviews/demo.ts';
import { seedReviewsMoneyDemo } from '../modules/reviews/money.demo.ts';
import { seedFundingDemo } from '../modules/funding/demo.ts';
import { seedStrategyDemo } from '../modules/strategy/demo.ts';
import { seedSiteDemo } from '../modules/site/demo.ts';
import { seedEngagementDemo } from '../modules/engagement/demo.ts';
import { seedAssessmentDemo } from '../modules/assessment/demo.ts';

export const DEMO_PASSWORD = 'northshire-demo-2026';

const organisations = [
  ['Northshire County Council', 'NCC', 'county-council'],
  ['Ashby Vale District Council', 'AVDC', 'district-council'],
  ['Brackenford Borough Council', 'BBC', 'district-council'],
  ['Corran Heath District Council', 'CHDC', 'district-council'],
  ['Northshire Police', 'NP', 'police'],
  ['Northshire Fire and Rescue Service', 'NFRS', 'fire-and-rescue'],
  ['Probation Service, Northshire region', 'PS', 'probation'],
  ['Northshire Integrated Care Board', 'ICB', 'health'],
  ['Office of the Northshire Police and Crime Commissioner', 'OPCC', 'pcc'],
  ['Northshire Voluntary Action', 'NVA', 'voluntary'],
  ['Safe Homes Northshire', 'SHN', 'voluntary'],
  ['Northshire Youth Justice Service', 'YJS', 'other'],
] as const;

// [honorific, given, family, honours, job title, organisation short name]
const people = [
  ['Cllr', 'Harriet', 'Kellaway', null, 'Cabinet Member for Communities', 'NCC'],
  ['Supt', 'Daniel', 'Osei', null, 'Superintendent, Partnerships', 'NP'],
  ['Ms', 'Priya', 'Ramaswamy', null, 'Head of Community Safety', 'NCC'],
  ['Mr', 'Tomas', 'Lindqvist', null, 'Community Safety Team Leader', 'NCC'],
  ['Mrs', 'Gwen', 'Abernethy', null, 'Partnership Clerk', 'NCC'],
  ['Mr', 'Callum', 'Fairweather', null, 'Community Safety Officer', 'NCC'],
  ['Cllr', 'Rashid', 'Begum', null, 'Portfolio Holder for Safer Communities', 'AVDC'],
  ['Ms', 'Eleanor', 'Stroud', null, 'Community Safety Manager', 'AVDC'],
  ['Cllr', 'Morag', 'Penhaligon', 'MBE', 'Cabinet Member for Housing', 'BBC'],
  ['Mr', 'Joseph', 'Adeyemi', null, 'Head of Housing and Community Safety', 'BBC'],
  ['Cllr', 'Owen', 'Treharne', null, 'Leader of the Council', 'CHDC'],
  ['Ms', 'Sinead', 'Gallagher', null, 'Environmental Health and Community Safety Lead', 'CHDC'],
  ['DI', 'Mark', 'Chen', null, 'Detective Inspector, Safeguarding', 'NP'],
  ['Mr', 'Stuart', 'Macrae', 'QFSM', 'Assistant Chief Fire Officer', 'NFRS'],
  ['Ms', 'Abena', 'Mensah', null, 'Head of Probation Delivery', 'PS'],
  ['Dr', 'Fiona', 'Whitlock', null, 'Director of Public Health', 'NCC'],
  ['Ms', 'Laura', 'Kowalczyk', null, 'Designated Nurse, Safeguarding Adults', 'ICB'],
  ['Mr', 'Graham', 'Pellow', 'OBE', 'Chief Executive', 'OPCC'],
  ['Ms', 'Natasha', 'Ibekwe', null, 'Commissioning Manager', 'OPCC'],
  ['Mr', 'Hugo', 'Carver', null, 'Chief Officer', 'NVA'],
  ['Ms', 'Beatrice', 'Lamb', null, 'Director of Services', 'SHN'],
  ['Mr', 'Imran', 'Qureshi', null, 'Head of Youth Justice', 'YJS'],
  ['Ms', 'Zoe', 'Hartley', null, 'Domestic Abuse Coordinator', 'NCC'],
  ['Mr', 'Felix', 'Okonkwo', null, 'Prevent Coordinator', 'NCC'],
  ['Mrs', 'Ruth', 'Delaney', null, 'Scrutiny Research Officer', 'NCC'],
  ['Ch Supt', 'Amelia', 'Grant', null, 'Chief Superintendent, Local Policing', 'NP'],
] as const;

export interface DemoLoaded {
  partnershipId: string;
  officerEmail: string;
  password: string;
}

/** Loads the demo partnership when the database holds none; null when it holds one already. */
export async function loadDemoIfEmpty(db: Kysely<DB>): Promise<DemoLoaded | null> {
  const any = await db.selectFrom('partnerships').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  return seedDemoPartnership(db, { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP' });
}

export async function seedDemoPartnership(
  db: Kysely<DB>,
  opts: { slug: string; name: string; shortName: string; hostname?: string; emailDomain?: string },
): Promise<DemoLoaded> {
  const today = todayIso();
  const domain = opts.emailDomain ?? `${opts.slug}.example`;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction().execute(async (trx) => {
    const p = await trx.insertInto('partnerships')
      .values({ slug: opts.slug, name: opts.name, short_name: opts.shortName, hostname: opts.hostname ?? null })
      .returning('id').executeTakeFirstOrThrow();
    const pid = p.id;

    const orgIds = new Map<string, string>();
    for (const [name, short, kind] of organisations) {
      const statutory = !['pcc', 'voluntary', 'other'].includes(kind);
      const row = await trx.insertInto('organisations').values({ partnership_id: pid, name, short_name: short, kind, statutory }).returning('id').executeTakeFirstOrThrow();
      orgIds.set(short, row.id);
    }
    const personIds: string[] = [];
    for (const [honorific, given, family, honours, job, org] of people) {
      const row = await trx.insertInto('people').values({
        partnership_id: pid, honorific, given_name: given, family_name: family, honours, job_title: job,
        organisation_id: orgIds.get(org) ?? null, email: `${given}.${family}@${domain}`.toLowerCase(),
      }).returning('id').executeTakeFirstOrThrow();
      personIds.push(row.id);
    }
    const person = (i: number) => personIds[i]!;
    const orgOf = (i: number) => orgIds.get(people[i]![5]) ?? null;

    const board = await trx.insertInto('bodies').values({ partnership_id: pid, name: opts.name, short_name: 'Partnership', kind: 'board',
      description: 'The statutory board of the responsible authorities. Meets twice a year.', quorum: 4 }).returning('id').executeTakeFirstOrThrow();
    const working = await trx.insertInto('bodies').values({ partnership_id: pid, name: 'Working Group', kind: 'subgroup', parent_id: board.id,
      description: 'Officers who monitor the action plan and recommend grant projects. Meets quarterly.' }).returning('id').executeTakeFirstOrThrow();
    const reviews = await trx.insertInto('bodies').values({ partnership_id: pid, name: 'Review Steering Group', kind: 'panel', parent_id: board.id,
      description: 'Oversees domestic abuse related death reviews. Its business is restricted.',
      // Review business goes to the named panel members it is granted to, not to every member.
      members_see_restricted: false }).returning('id').executeTakeFirstOrThrow();

    const started = addYears(today, -2);
    const memberships: { body: string; i: number; role: 'chair' | 'vice-chair' | 'member' | 'substitute' | 'adviser' | 'officer'; from?: string }[] = [
      { body: board.id, i: 0, role: 'chair', from: addYears(today, -1) },
      { body: board.id, i: 1, role: 'vice-chair', from: addYears(today, -1) },
      ...[6, 8, 10, 13, 14, 15, 16, 17, 19, 25].map((i) => ({ body: board.id, i, role: 'member' as const })),
      { body: board.id, i: 12, role: 'substitute' },
      { body: board.id, i: 24, role: 'adviser' },
      { body: board.id, i: 2, role: 'officer' },
      { body: board.id, i: 4, role: 'officer' },
      { body: working.id, i: 3, role: 'chair' },
      { body: working.id, i: 7, role: 'vice-chair' },
      ...[9, 11, 12, 18, 20, 21, 22, 23].map((i) => ({ body: working.id, i, role: 'member' as const })),
      { body: working.id, i: 5, role: 'officer' },
      { body: reviews.id, i: 2, role: 'chair' },
      ...[12, 16, 20, 22, 14].map((i) => ({ body: reviews.id, i, role: 'member' as const })),
    ];
    for (const m of memberships) {
      await trx.insertInto('memberships').values({
        partnership_id: pid, body_id: m.body, person_id: person(m.i), role: m.role, organisation_id: orgOf(m.i), starts_on: m.from ?? started,
      }).execute();
    }
    // The previous chair of the board, who stood down at last year's election.
    await trx.insertInto('memberships').values({ partnership_id: pid, body_id: board.id, person_id: person(10), role: 'chair', organisation_id: orgOf(10), starts_on: addYears(today, -3), ends_on: addDays(addYears(today, -1), -1) }).execute();
    await trx.insertInto('elections').values([
      { partnership_id: pid, body_id: board.id, role: 'chair', nominee_id: person(0), mover_id: person(8), seconder_id: person(17), held_on: addYears(today, -1), result: 'elected' },
      { partnership_id: pid, body_id: board.id, role: 'vice-chair', nominee_id: person(1), mover_id: person(0), seconder_id: person(13), held_on: addYears(today, -1), result: 'elected' },
    ]).execute();

    // Terms of reference: the board's is in date, the Working Group's is overdue.
    const tor = (body: string, version: number, agreed: string, summary: string) =>
      ({ partnership_id: pid, body_id: body, version, agreed_on: agreed, review_due_on: reviewDueOn(agreed), summary });
    await trx.insertInto('terms_of_reference').values([
      tor(board.id, 1, addYears(today, -2), 'Purpose, membership of the responsible authorities, quorum of four, two meetings a year.'),
      tor(board.id, 2, addDays(today, -120), 'Adds the duty to review domestic abuse related deaths and the serious violence duty.'),
      tor(working.id, 1, addDays(addYears(today, -1), -30), 'Monitors the action plan; recommends projects for the crime reduction grant.'),
      tor(reviews.id, 1, addDays(today, -300), 'Commissions and oversees reviews; membership limited to named panel members.'),
    ]).execute();

    const isa1 = await trx.insertInto('sharing_agreements').values({ partnership_id: pid, title: 'Northshire Information Sharing Agreement', version: '3.0', effective_on: addYears(today, -3) }).returning('id').executeTakeFirstOrThrow();
    const isa2 = await trx.insertInto('sharing_agreements').values({ partnership_id: pid, title: 'Northshire Information Sharing Agreement', version: '4.0', effective_on: addDays(today, -90) }).returning('id').executeTakeFirstOrThrow();
    const orgList = [...orgIds.values()];
    for (const id of orgList) {
      await trx.insertInto('sharing_agreement_signatures').values({ partnership_id: pid, agreement_id: isa1.id, organisation_id: id, signed_on: addDays(addYears(today, -3), 20) }).execute();
    }
    for (const id of orgList.slice(0, 8)) {
      await trx.insertInto('sharing_agreement_signatures').values({ partnership_id: pid, agreement_id: isa2.id, organisation_id: id, signed_on: addDays(today, -60) }).execute();
    }

    const users: [string, string, 'administrator' | 'officer' | 'member', number | null][] = [
      [`admin@${domain}`, 'Site Administrator', 'administrator', null],
      [`officer@${domain}`, 'Gwen Abernethy', 'officer', 4],
      [`member@${domain}`, 'Stuart Macrae', 'member', 13],
      [`panel@${domain}`, 'Laura Kowalczyk', 'member', 16],
    ];
    for (const [email, name, role, personIndex] of users) {
      // Marked demo: its password is published, so it never signs in under NODE_ENV=production.
      const u = await trx.insertInto('users').values({ email, display_name: name, password_hash: passwordHash, demo: true }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('partnership_users').values({ partnership_id: pid, user_id: u.id, role, person_id: personIndex === null ? null : person(personIndex) }).execute();
      if (email.startsWith('panel@')) {
        await trx.insertInto('access_grants').values({ partnership_id: pid, user_id: u.id, scope_kind: 'body', scope_id: reviews.id }).execute();
      }
    }
    await trx.insertInto('audit_log').values({ partnership_id: pid, actor_label: 'system', action: 'create', record_type: 'partnership', record_id: pid, summary: 'Demo partnership loaded' }).execute();
    // Each module adds its own demo records, through ids only.
    await seedSiteDemo(trx, pid, today);
    await seedMeetingsDemo(trx, pid, today);
    await seedActionsDemo(trx, pid, today);
    await seedReviewsDemo(trx, pid, today);
    await seedReviewsMoneyDemo(trx, pid, today);
    await seedFundingDemo(trx, pid, today);
    await seedStrategyDemo(trx, pid, today);
    await seedEngagementDemo(trx, pid);
    await seedAssessmentDemo(trx, pid, today);
    return { partnershipId: pid, officerEmail: `officer@${domain}`, password: DEMO_PASSWORD };
  });
}
