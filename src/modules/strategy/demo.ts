// The fictional Northshire partnership's own Community Safety Agreement, in our own
// words: last year's (superseded), this year's (published, the plan's progress public,
// one restricted action) and next year's draft. Dates follow the financial year the demo
// is loaded in, so the plan always has work due, overdue and done.
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { addDays } from '../partnership/domain.ts';
import type { LineStatus } from './tables.ts';
import { nextPeriod, periodDates, periodOf } from './domain.ts';
import { indexAgreement } from './search.ts';

type Trx = Transaction<DB>;

interface DemoLine {
  title: string;
  owner?: string;
  lead?: string;
  partners?: string;
  /** Days after the period starts. */
  starts?: number;
  due?: number;
  status?: LineStatus;
  progress?: number;
  weight?: number;
  themes?: string[];
  restricted?: boolean;
  /** [days after the period starts, status, progress, note] */
  updates?: [number, LineStatus, number, string][];
  children?: DemoLine[];
}

interface DemoPriority { title: string; description: string; reasons: string; lead: string; person: string; objectives: DemoLine[] }

const THEMES = [
  { title: 'Listening to victims and communities', description: 'What residents and people harmed tell us shapes each action.' },
  { title: 'Acting early', description: 'Reaching people before harm escalates, especially children and young adults.' },
  { title: 'Using what we know together', description: 'Sharing data and intelligence between partners under the sharing agreement.' },
];

const PRIORITIES: DemoPriority[] = [
  {
    title: 'Ending violence against women and girls', lead: 'NCC', person: 'Hartley',
    description: 'Fewer women and girls harmed at home, online and in public places, and better support when they are.',
    reasons: 'The strategic assessment found domestic abuse incidents up by a sixth in two years, with repeat victims in most of them.',
    objectives: [{
      title: 'Cut repeat domestic abuse against the same victim', owner: 'Hartley', lead: 'NCC', due: 360, themes: ['Listening to victims and communities'],
      children: [
        { title: 'Give every high-risk victim an independent adviser within two working days', owner: 'Lamb', lead: 'SHN', partners: 'Northshire Police', starts: 0, due: 180, weight: 2, status: 'complete', progress: 100,
          updates: [[60, 'on-track', 50, 'Two advisers recruited; referrals answered within three days on average.'], [170, 'complete', 100, 'Target met for the last two quarters.']] },
        { title: 'Train front-line housing staff to spot coercive control', owner: 'Adeyemi', lead: 'BBC', starts: 30, due: 240, status: 'at-risk', progress: 40,
          updates: [[120, 'at-risk', 40, 'Two of five sessions held; the trainer left and a replacement is being sought.']],
          children: [
            { title: 'Brackenford housing officers trained', owner: 'Adeyemi', lead: 'BBC', due: 150, status: 'complete', progress: 100 },
            { title: 'Ashby Vale and Corran Heath housing officers trained', owner: 'Stroud', lead: 'AVDC', due: 240, status: 'off-track', progress: 0,
              updates: [[130, 'off-track', 0, 'No sessions booked yet: waiting for the new trainer.']] },
          ] },
      ],
    }, {
      title: 'Make the night-time economy safer for women', owner: 'Osei', lead: 'NP', due: 300, themes: ['Listening to victims and communities', 'Using what we know together'],
      children: [
        { title: 'Welfare and vulnerability training for door staff in the three town centres', owner: 'Macrae', lead: 'NFRS', starts: 60, due: 200, status: 'on-track', progress: 60,
          updates: [[150, 'on-track', 60, 'Brackenford and Ashby Vale venues done; Corran Heath booked for next month.']] },
        { title: 'Run a safe-space scheme with late-opening shops and venues', owner: 'Gallagher', lead: 'CHDC', starts: 90, due: 330, status: 'not-started', progress: 0 },
      ],
    }],
  },
  {
    title: 'Reducing serious violence and exploitation', lead: 'NP', person: 'Grant',
    description: 'Fewer people hurt or killed by knives and other weapons, and fewer children drawn into county lines.',
    reasons: 'Knife-enabled offences are concentrated in two town centres; the serious violence duty requires a joint strategy.',
    objectives: [{
      title: 'Steer young people away from weapons and gangs', owner: 'Qureshi', lead: 'YJS', due: 360, themes: ['Acting early'],
      children: [
        { title: 'Youth workers in the emergency department on Friday and Saturday nights', owner: 'Qureshi', lead: 'YJS', partners: 'Northshire Integrated Care Board', starts: 0, due: 330, weight: 3, status: 'on-track', progress: 55,
          updates: [[90, 'on-track', 30, 'Pilot started in October; 41 young people seen.'], [180, 'on-track', 55, 'Funding confirmed to the end of the year.']] },
        { title: 'Knife-crime lessons in every secondary school', owner: 'Chen', lead: 'NP', starts: 30, due: 120, status: 'on-track', progress: 80 },
        { title: 'Share exploitation hotspot intelligence with the disruption panel', owner: 'Chen', lead: 'NP', due: 200, status: 'at-risk', progress: 30, restricted: true, themes: ['Using what we know together'],
          updates: [[100, 'at-risk', 30, 'Two locations need a closure order first; the panel will consider them in private.']] },
      ],
    }],
  },
  {
    title: 'Tackling anti-social behaviour where people live', lead: 'AVDC', person: 'Stroud',
    description: 'Quicker, joined-up answers to anti-social behaviour that blights streets, estates and parks.',
    reasons: 'Residents rank anti-social behaviour as their first concern in the county survey; reports cluster on four estates.',
    objectives: [{
      title: 'Resolve persistent cases faster', owner: 'Stroud', lead: 'AVDC', due: 365, themes: ['Listening to victims and communities'],
      children: [
        { title: 'Hold a monthly case panel in each district', owner: 'Stroud', lead: 'AVDC', due: 90, status: 'complete', progress: 100 },
        { title: 'Offer the community trigger review within 15 working days of a request', owner: 'Fairweather', lead: 'NCC', due: -10, status: 'at-risk', progress: 70,
          updates: [[40, 'at-risk', 70, 'Two reviews took longer because a partner could not attend.']] },
      ],
    }, {
      title: 'Cut deliberate fires in open spaces', owner: 'Macrae', lead: 'NFRS', due: 300, themes: ['Acting early'],
      children: [
        { title: 'Fire-setter education sessions for referred children', owner: 'Macrae', lead: 'NFRS', due: 240, status: 'on-track', progress: 45 },
        { title: 'Clear fly-tipped waste from the ten worst sites before the summer', owner: 'Gallagher', lead: 'CHDC', due: 120, status: 'carried-forward', progress: 20 },
      ],
    }],
  },
  {
    title: 'Reducing reoffending', lead: 'PS', person: 'Mensah',
    description: 'Fewer people returning to crime after a sentence, through housing, work and treatment.',
    reasons: 'A small group of prolific offenders accounts for a third of acquisitive crime in the county.',
    objectives: [{
      title: 'Secure housing on release for people managed in the community', owner: 'Mensah', lead: 'PS', due: 365,
      children: [
        { title: 'A named housing officer for each prison leaving to Northshire', owner: 'Adeyemi', lead: 'BBC', partners: 'Probation Service', due: 180, status: 'on-track', progress: 65 },
        { title: 'Drug treatment starts within three weeks of release', owner: 'Whitlock', lead: 'NCC', due: 270, status: 'not-started', progress: 0 },
      ],
    }],
  },
  {
    title: 'Keeping people safe from fraud and online harm', lead: 'OPCC', person: 'Ibekwe',
    description: 'Older and vulnerable residents protected from scams, and everyone better able to stay safe online.',
    reasons: 'Reported fraud losses in the county doubled in three years; most victims are over seventy.',
    objectives: [{
      title: 'Reach residents most at risk of scams', owner: 'Ibekwe', lead: 'OPCC', due: 330, themes: ['Acting early', 'Using what we know together'],
      children: [
        { title: 'Scam-awareness talks in libraries and day centres', owner: 'Carver', lead: 'NVA', due: 300, status: 'on-track', progress: 50 },
        { title: 'Call blockers for repeat victims referred by the police', owner: 'Ibekwe', lead: 'OPCC', due: 210, status: 'complete', progress: 100 },
      ],
    }],
  },
];

const MEASURES = [
  { title: 'Repeat victims of domestic abuse (share of all victims)', unit: '%', baseline: 31, target: 26, direction: 'down' as const, priority: 0, values: [['Q1', 30.5], ['Q2', 29], ['Q3', 27.8]] as const },
  { title: 'Knife-enabled offences', unit: '', baseline: 212, target: 190, direction: 'down' as const, priority: 1, values: [['Q1', 58], ['Q2', 61], ['Q3', 49]] as const },
  { title: 'Residents who feel safe after dark (county survey)', unit: '%', baseline: 54, target: 60, direction: 'up' as const, priority: 2, values: [['Q2', 56]] as const },
];

export async function seedStrategyDemo(trx: Trx, pid: string, today: string): Promise<void> {
  const id = async (table: 'people' | 'organisations', key: string) => {
    const row = table === 'people'
      ? await trx.selectFrom('people').select('id').where('partnership_id', '=', pid).where('family_name', '=', key).executeTakeFirstOrThrow()
      : await trx.selectFrom('organisations').select('id').where('partnership_id', '=', pid).where('short_name', '=', key).executeTakeFirstOrThrow();
    return row.id;
  };
  const working = (await trx.selectFrom('bodies').select('id').where('partnership_id', '=', pid).where('name', '=', 'Working Group').executeTakeFirstOrThrow()).id;
  const current = periodOf(today);
  const previous = `${Number(current.slice(0, 4)) - 1}-${current.slice(2, 4)}`;
  const cur = periodDates(current)!;
  const day = (n: number) => addDays(cur.startsOn, n);
  // Early in a year the agreement may not yet have been agreed in real life; the demo's is, the day before.
  const past = (d: string) => (d >= today ? addDays(today, -1) : d);

  // Last year's agreement: superseded, priorities only.
  const prevDates = periodDates(previous)!;
  const old = await trx.insertInto('strategy_agreements').values({
    partnership_id: pid, period: previous, title: `Northshire Community Safety Agreement ${previous}`, starts_on: prevDates.startsOn, ends_on: prevDates.endsOn,
    status: 'superseded', agreed_on: addDays(prevDates.startsOn, 70), published_at: new Date(`${addDays(prevDates.startsOn, 80)}T10:00:00Z`), monitoring_body_id: working,
    summary: 'The partnership’s priorities for the year, agreed by the Partnership board.',
  }).returningAll().executeTakeFirstOrThrow();
  const oldIds: string[] = [];
  for (const [i, p] of PRIORITIES.slice(0, 4).entries()) {
    const title = i === 2 ? 'Anti-social behaviour' : p.title;
    oldIds.push((await trx.insertInto('strategy_priorities').values({ partnership_id: pid, agreement_id: old.id, kind: 'priority', position: i + 1, title, description: p.description, lead_organisation_id: await id('organisations', p.lead) }).returning('id').executeTakeFirstOrThrow()).id);
  }
  await trx.insertInto('strategy_priorities').values({ partnership_id: pid, agreement_id: old.id, kind: 'priority', position: 5, title: 'Road safety on rural routes', description: 'Fewer people killed or seriously injured on the county’s rural roads.' }).execute();

  // This year's: published, the plan's progress public.
  const a = await trx.insertInto('strategy_agreements').values({
    partnership_id: pid, period: current, title: `Northshire Community Safety Agreement ${current}`, starts_on: cur.startsOn, ends_on: cur.endsOn,
    status: 'published', agreed_on: past(day(70)), published_at: new Date(`${past(day(75))}T10:00:00Z`), plan_public: true, monitoring_body_id: working, refreshed_from_id: old.id,
    summary: 'Five priorities for a safer Northshire, chosen from this year’s strategic assessment and what residents told us. The Working Group monitors the action plan at each meeting and reports to the Partnership twice a year.',
  }).returningAll().executeTakeFirstOrThrow();
  const themeIds = new Map<string, string>();
  for (const [i, t] of THEMES.entries()) {
    themeIds.set(t.title, (await trx.insertInto('strategy_priorities').values({ partnership_id: pid, agreement_id: a.id, kind: 'theme', position: i + 1, title: t.title, description: t.description }).returning('id').executeTakeFirstOrThrow()).id);
  }
  const priorityIds: string[] = [];
  const officer = await trx.selectFrom('partnership_users').innerJoin('users', 'users.id', 'partnership_users.user_id').select(['users.id', 'users.display_name'])
    .where('partnership_users.partnership_id', '=', pid).where('partnership_users.role', '=', 'officer').executeTakeFirst();
  for (const [i, p] of PRIORITIES.entries()) {
    const priority = await trx.insertInto('strategy_priorities').values({
      partnership_id: pid, agreement_id: a.id, kind: 'priority', position: i + 1, title: p.title, description: p.description, reasons: p.reasons,
      lead_organisation_id: await id('organisations', p.lead), lead_person_id: await id('people', p.person), carried_from_id: oldIds[i] ?? null,
    }).returning('id').executeTakeFirstOrThrow();
    priorityIds.push(priority.id);
    const add = async (l: DemoLine, parent: string | null, ref: string, position: number, depth: number) => {
      const status = l.status ?? 'not-started';
      const row = await trx.insertInto('strategy_plan_lines').values({
        partnership_id: pid, agreement_id: a.id, priority_id: priority.id, parent_id: parent, level: depth === 0 ? 'objective' : depth === 1 ? 'action' : 'sub-action',
        position, ref, title: l.title, owner_person_id: l.owner ? await id('people', l.owner) : null, lead_organisation_id: l.lead ? await id('organisations', l.lead) : null,
        partners: l.partners ?? null, starts_on: l.starts !== undefined ? day(l.starts) : null, due_on: l.due !== undefined ? (l.due < 0 ? addDays(today, l.due) : day(l.due)) : null,
        status, progress: l.progress ?? 0, weight: l.weight ?? 1, restricted: l.restricted ?? false,
      }).returning('id').executeTakeFirstOrThrow();
      const author = { author_user_id: officer?.id ?? null, author_label: officer?.display_name ?? 'system' };
      await trx.insertInto('strategy_plan_updates').values({ partnership_id: pid, line_id: row.id, on_date: past(day(75)), ...author, status: 'not-started', progress: 0, source: 'create' }).execute();
      let from: { status: LineStatus; progress: number } = { status: 'not-started', progress: 0 };
      for (const [d, s, pr, note] of l.updates ?? []) {
        const on = past(day(d));
        await trx.insertInto('strategy_plan_updates').values({ partnership_id: pid, line_id: row.id, on_date: on, ...author, from_status: from.status, status: s, from_progress: from.progress, progress: pr, note }).execute();
        from = { status: s, progress: pr };
      }
      if (from.status !== status || from.progress !== (l.progress ?? 0)) {
        await trx.insertInto('strategy_plan_updates').values({ partnership_id: pid, line_id: row.id, on_date: past(day(200)), ...author, from_status: from.status, status, from_progress: from.progress, progress: l.progress ?? 0, note: 'Reported at the Working Group.' }).execute();
      }
      for (const t of l.themes ?? []) await trx.insertInto('strategy_plan_line_themes').values({ partnership_id: pid, line_id: row.id, theme_id: themeIds.get(t)! }).execute();
      for (const [j, c] of (l.children ?? []).entries()) await add(c, row.id, `${ref}.${j + 1}`, j + 1, depth + 1);
    };
    for (const [j, o] of p.objectives.entries()) await add(o, null, `${i + 1}.${j + 1}`, j + 1, 0);
  }
  for (const [i, m] of MEASURES.entries()) {
    const measure = await trx.insertInto('strategy_measures').values({
      partnership_id: pid, agreement_id: a.id, priority_id: priorityIds[m.priority]!, title: m.title, unit: m.unit || null, baseline: m.baseline, baseline_period: previous,
      target: m.target, direction: m.direction, position: i + 1,
    }).returning('id').executeTakeFirstOrThrow();
    for (const [k, [q, v]] of m.values.entries()) {
      await trx.insertInto('strategy_measure_values').values({ partnership_id: pid, measure_id: measure.id, period: `${current} ${q}`, on_date: past(day(90 * (k + 1))), value: v }).execute();
    }
  }

  // Next year's draft: for the partnership's own people only.
  const next = nextPeriod(current);
  const nd = periodDates(next)!;
  const draft = await trx.insertInto('strategy_agreements').values({
    partnership_id: pid, period: next, title: `Northshire Community Safety Agreement ${next}`, starts_on: nd.startsOn, ends_on: nd.endsOn,
    monitoring_body_id: working, refreshed_from_id: a.id, summary: 'Draft for consultation with partners before the Partnership agrees it.',
  }).returningAll().executeTakeFirstOrThrow();
  for (const [i, p] of PRIORITIES.entries()) {
    // One change proposed so far: reoffending widened to include people on remand.
    const description = i === 3 ? 'Fewer people returning to crime after a sentence or a period on remand, through housing, work and treatment.' : p.description;
    await trx.insertInto('strategy_priorities').values({
      partnership_id: pid, agreement_id: draft.id, kind: 'priority', position: i + 1, title: p.title, description, reasons: p.reasons,
      lead_organisation_id: await id('organisations', p.lead), lead_person_id: await id('people', p.person), carried_from_id: priorityIds[i]!,
    }).execute();
  }
  for (const [i, t] of THEMES.entries()) {
    await trx.insertInto('strategy_priorities').values({ partnership_id: pid, agreement_id: draft.id, kind: 'theme', position: i + 1, title: t.title, description: t.description, carried_from_id: themeIds.get(t.title)! }).execute();
  }
  await trx.insertInto('strategy_priorities').values({ partnership_id: pid, agreement_id: draft.id, kind: 'priority', position: PRIORITIES.length + 1, title: 'Safer roads for walkers and cyclists', description: 'Proposed after the consultation: fewer people hurt on foot or by bicycle.' }).execute();
  for (const ag of [old, a, draft]) await indexAgreement(trx, ag);
}
