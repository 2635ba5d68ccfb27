// Demo funding for the fictional Northshire partnership: three years of the Northshire
// Police and Crime Commissioner's Crime Reduction Grant, written for this project. The
// oldest year still has one project in delivery (delayed), which keeps the later years'
// tactical pots locked; the current year has proposals at every stage.
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import {
  allocate, financialYear, financialYearOf, moveUnallocated, openingLedger, settleUnderspend, type GrantRules, type Ledger, type Pot, type ProposalStatus,
} from './domain.ts';
import { boardChairs } from './store.ts';
import { indexFunding } from './search.ts';
import { addDays } from '../partnership/domain.ts';

interface DemoProject {
  title: string; description: string; lead: string; asked: number; pot?: Pot; status: ProposalStatus; priority: string; measures: string;
  /** Days after the start of the financial year that it was submitted. A delay's new end is days after today. */
  submitted: number;
  allocated?: number;
  claims?: [number, number, string][];
  progress?: [number, string, string | null][];
  delay?: { reason: string; extraDays: number };
  reason?: string;
}

const pounds = (n: number) => Math.round(n * 100);

const YEARS: { offset: number; awarded: number; rounding: GrantRules['rounding']; projects: DemoProject[] }[] = [
  {
    offset: -2, awarded: 36_451, rounding: 'down', projects: [
      { title: 'Doorstep crime cameras for trading standards', description: 'Ten door cameras lent to older residents targeted by rogue traders, fitted by the county wardens.', lead: 'NCC', asked: 900, status: 'complete', priority: 'Protecting vulnerable people', measures: 'Cameras fitted; repeat visits by traders', submitted: 20, claims: [[80, 900, 'Brackenford Security Supplies']], progress: [[150, 'All ten cameras fitted across Ashby Vale and Brackenford.', '10 cameras fitted']] },
      { title: 'Safer streets social media campaign', description: 'A winter campaign on vehicle crime and personal safety on the partners’ social media accounts.', lead: 'NP', asked: 1_400, status: 'complete', priority: 'Neighbourhood crime', measures: 'Video views and link clicks', submitted: 20, claims: [[120, 1_180.4, 'Northshire Police media team']], progress: [[200, 'Campaign ran for eight weeks and has ended.', '7,212 video views; 104 link clicks']] },
      { title: 'Youth diversion boxing sessions', description: 'Weekly evening boxing sessions for young people referred by the youth justice service.', lead: 'YJS', asked: 4_800, status: 'complete', priority: 'Serious violence', measures: 'Young people attending; referrals re-offending', submitted: 25, claims: [[90, 2_400, 'Corran Heath Boxing Club'], [250, 2_400, 'Corran Heath Boxing Club']] },
      { title: 'Night-time economy welfare volunteers', description: 'Trained volunteers on Friday and Saturday nights in Brackenford town centre, with a welfare point.', lead: 'NVA', asked: 6_250, status: 'in-delivery', priority: 'Violence against women and girls', measures: 'Nights covered; people helped', submitted: 25, claims: [[160, 3_000, 'Northshire Voluntary Action']], progress: [[300, 'Eleven volunteers trained; the welfare point opens on 24 weekends a year.', '11 volunteers; 31 nights covered']], delay: { reason: 'Recruiting volunteers took longer than planned, so the second half of the year starts later.', extraDays: 120 } },
      { title: 'Hate crime reporting centre training', description: 'Training for staff of third-party reporting centres.', lead: 'BBC', asked: 2_000, status: 'declined', priority: 'Hate crime', measures: 'Centres trained', submitted: 30, reason: 'The Working Group asked for the training to be bought jointly with the other districts next year.' },
    ],
  },
  {
    offset: -1, awarded: 36_451, rounding: 'up', projects: [
      { title: 'Community champions resource packs', description: 'Branded packs and leaflets for the network of volunteer champions who support people facing abuse at home.', lead: 'SHN', asked: 2_300, status: 'complete', priority: 'Domestic abuse', measures: 'Champions equipped', submitted: 18, claims: [[110, 2_300, 'Safe Homes Northshire']], progress: [[180, 'Packs printed and given to 64 champions.', '64 champions']] },
      { title: 'Scams awareness module for schools', description: 'A short online lesson on scams for secondary schools, with a quiz for parents.', lead: 'NCC', asked: 3_100, status: 'in-delivery', priority: 'Protecting vulnerable people', measures: 'Schools using it; pupils completing', submitted: 18, claims: [[140, 1_550, 'Lessonwise Learning Ltd']], progress: [[210, 'The module is written and being tested in two schools.', null]] },
      { title: 'Licensing training for responsible authorities', description: 'A day’s training on the Licensing Act 2003 for officers of the responsible authorities.', lead: 'AVDC', asked: 1_750, status: 'approved', priority: 'Neighbourhood crime', measures: 'Officers trained', submitted: 30 },
      { title: 'Community café drop-in', description: 'A weekly drop-in café with partners present.', lead: 'NVA', asked: 1_200, status: 'withdrawn', priority: 'Neighbourhood crime', measures: 'Visitors', submitted: 30, reason: 'The lead found other funding for the café.' },
    ],
  },
  {
    offset: 0, awarded: 37_020, rounding: 'down', projects: [
      { title: 'Shop theft prevention packs', description: 'Advice packs and shelf signs for independent shops in the four districts.', lead: 'NP', asked: 1_600, status: 'in-delivery', priority: 'Neighbourhood crime', measures: 'Shops visited', submitted: 15, claims: [[75, 640, 'Northshire Print Services']], progress: [[90, 'Packs designed; the first 80 delivered in Ashby Vale.', '80 shops']] },
      { title: 'Rural business crime subscription extension', description: 'Extends the business crime reduction scheme’s alerts to rural businesses for a year.', lead: 'CHDC', asked: 4_200, status: 'endorsed', priority: 'Neighbourhood crime', measures: 'Rural members joining', submitted: 20 },
      { title: 'Workshops on men and boys and violence against women and girls', description: 'Four workshops with youth workers on involving men and boys in the conversation.', lead: 'SHN', asked: 2_750, status: 'considered', priority: 'Violence against women and girls', measures: 'Workshops held; youth workers attending', submitted: 20 },
      { title: 'Anti-social behaviour practitioner conference', description: 'A hybrid conference for practitioners on the new anti-social behaviour powers.', lead: 'NCC', asked: 3_000, status: 'submitted', priority: 'Anti-social behaviour', measures: 'Attendees; feedback', submitted: 40 },
      { title: 'Community engagement games bus', description: 'A games bus visiting estates to start conversations with young people about extremism.', lead: 'NFRS', asked: 2_500, pot: 'tactical', status: 'endorsed', priority: 'Preventing extremism', measures: 'Visits; young people engaged', submitted: 45 },
    ],
  },
];

const STAGE_ORDER: ProposalStatus[] = ['submitted', 'considered', 'endorsed', 'approved', 'in-delivery', 'complete'];
const reached = (status: ProposalStatus, stage: ProposalStatus) => STAGE_ORDER.indexOf(status) >= STAGE_ORDER.indexOf(stage);

export async function seedFundingDemo(trx: Transaction<DB>, pid: string, today: string): Promise<void> {
  const orgs = await trx.selectFrom('organisations').select(['id', 'short_name']).where('partnership_id', '=', pid).execute();
  const org = (short: string) => orgs.find((o) => o.short_name === short)?.id;
  const funder = org('OPCC'); const council = org('NCC');
  if (!funder || !council) return;
  const fy = financialYearOf(today);
  const clamp = (iso: string) => (iso > today ? today : iso);
  for (const [short, identifier] of [['NCC', 'GB-LAE-NRS'], ['NVA', 'GB-CHC-1190876'], ['SHN', 'GB-CHC-1183342'], ['AVDC', 'GB-LAE-AVX'], ['BBC', 'GB-LAE-BRX'], ['CHDC', 'GB-LAE-CHX']] as const) {
    const id = org(short);
    if (id) await trx.insertInto('funding_organisation_identifiers').values({ partnership_id: pid, organisation_id: id, identifier }).execute();
  }

  for (const year of YEARS) {
    const y = financialYear(fy + year.offset);
    const rules: GrantRules = { heldBackNumerator: 1, heldBackDenominator: 3, rounding: year.rounding, lockWhileEarlierOpen: true, unallocatedMovesOn: addDays(y.startsOn, year.offset === 0 ? 300 : 183), underspend: 'return' };
    let ledger: Ledger = openingLedger(pounds(year.awarded), rules);
    const grant = await trx.insertInto('grants').values({
      partnership_id: pid, funder_organisation_id: funder, recipient_organisation_id: council, programme: 'Crime Reduction Grant', financial_year: fy + year.offset,
      awarded_on: clamp(addDays(y.startsOn, 9)), conditions: 'To be spent on projects serving the priorities of the Community Safety Agreement and the Police and Crime Plan; a return on spend and outcomes at the end of the year.',
      held_back_numerator: 1, held_back_denominator: 3, rounding: year.rounding, lock_while_earlier_open: true,
      unallocated_moves_on: rules.unallocatedMovesOn, underspend_rule: 'return', awarded_pence: ledger.awarded,
      allocated_pence: 0, unallocated_pence: ledger.unallocated, held_back_pence: ledger.heldBack, returned_pence: 0,
    }).returning('id').executeTakeFirstOrThrow();

    for (const p of year.projects) {
      const on = (days: number) => clamp(addDays(y.startsOn, p.submitted + days));
      const endorsedOn = on(40);
      const chair = (await boardChairs(trx, pid, endorsedOn))[0] ?? (await boardChairs(trx, pid, today))[0];
      const funded = reached(p.status, 'approved');
      const allocatedPence = funded ? pounds(p.allocated ?? p.asked) : 0;
      if (funded) {
        const r = allocate(ledger, p.pot ?? 'upfront', allocatedPence);
        if (!r.ok) throw new Error(`demo funding: ${r.message}`);
        ledger = r.ledger;
      }
      const spent = (p.claims ?? []).reduce((s, c) => s + pounds(c[1]), 0);
      const underspend = p.status === 'complete' ? allocatedPence - spent : null;
      if (underspend) ledger = settleUnderspend(ledger, underspend, 'return');
      const endsOn = addDays(y.startsOn, 330);
      const row = await trx.insertInto('funding_proposals').values({
        partnership_id: pid, grant_id: grant.id, pot: p.pot ?? 'upfront', title: p.title, description: p.description, priority_text: p.priority,
        amount_asked_pence: pounds(p.asked), lead_organisation_id: org(p.lead)!, lead_contact_name: null, lead_contact_email: null,
        delivery_starts_on: addDays(y.startsOn, 60), delivery_ends_on: p.delay ? addDays(today, p.delay.extraDays) : endsOn, measures: p.measures,
        status: p.status, submitted_on: on(0),
        considered_on: reached(p.status, 'considered') ? on(21) : null,
        endorsed_on: reached(p.status, 'endorsed') && chair ? endorsedOn : null,
        endorsed_by_person_id: reached(p.status, 'endorsed') && chair ? chair.personId : null,
        endorsed_role: reached(p.status, 'endorsed') && chair ? chair.role : null,
        approved_on: funded ? on(55) : null, approved_by: funded ? 'Chief Finance Officer, Office of the Police and Crime Commissioner' : null,
        approval_evidence: funded ? `Approval letter CRG/${y.label}/${p.title.length}` : null, allocated_pence: allocatedPence,
        started_on: reached(p.status, 'in-delivery') ? on(60) : null, completed_on: p.status === 'complete' ? on(300) : null,
        underspend_pence: underspend, underspend_rule: underspend !== null ? 'return' : null,
        closed_on: p.reason ? on(30) : null, closed_reason: p.reason ?? null, delayed: Boolean(p.delay),
      }).returning('id').executeTakeFirstOrThrow();
      for (const [days, amount, payee] of p.claims ?? []) {
        await trx.insertInto('funding_claims').values({ partnership_id: pid, proposal_id: row.id, paid_on: on(days), amount_pence: pounds(amount), payee, reference: `INV-${days}${Math.round(amount)}`, evidence: 'Invoice held by the community safety team' }).execute();
      }
      for (const [days, text, figures] of p.progress ?? []) {
        // The lead's spend to date: what had been claimed by the day of the return.
        const spendToDate = (p.claims ?? []).filter(([d]) => d <= days).reduce((sum, [, amount]) => sum + pounds(amount), 0);
        await trx.insertInto('funding_progress').values({ partnership_id: pid, proposal_id: row.id, reported_on: on(days), text, figures, spend_to_date_pence: spendToDate, via: 'lead', author_label: 'Tomas Lindqvist' }).execute();
      }
      if (p.delay) {
        await trx.insertInto('funding_delays').values({ partnership_id: pid, proposal_id: row.id, recorded_on: on(290), reason: p.delay.reason, from_ends_on: endsOn, to_ends_on: addDays(today, p.delay.extraDays), author_label: 'Tomas Lindqvist' }).execute();
      }
    }
    // Past years: what was left unallocated moved to the held-back pot on the grant's date.
    if (rules.unallocatedMovesOn! <= today) ledger = moveUnallocated(ledger);
    await trx.updateTable('grants').set({
      allocated_pence: ledger.allocated, unallocated_pence: ledger.unallocated, held_back_pence: ledger.heldBack, returned_pence: ledger.returned,
    }).where('partnership_id', '=', pid).where('id', '=', grant.id).execute();
  }
  await indexFunding(trx, pid);
}
