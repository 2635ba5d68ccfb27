// The return to the funder (the Police and Crime Commissioner's office) for one grant and
// its financial year: the award and where it stands, each funded project's allocation with
// the agreement priority it serves, what has been paid and what the lead reports spent,
// the delays, and the year-end outturn. One set of figures (buildFunderReturn) makes the
// page, the PDF (laid out and painted with the meetings pack's helpers, as the scrutiny
// pack is), the workbook and the API's answer, so they always agree.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { layout, type Block } from '../meetings/pack/layout.ts';
import { listPriorities } from '../strategy/store.ts';
import type { Sheet } from '../../web/spreadsheets.ts';
import { fractionLabel, formatPence, heldBackPence, longDate, potLabel, proposalStatusLabel } from './domain.ts';
import { listProposals, type GrantView } from './store.ts';

export interface FunderReturnProject {
  id: string; title: string; leadOrganisation: string; pot: string; status: string; statusLabel: string;
  priority: string | null; allocated: number; paid: number; reportedSpend: number | null; reportedSpendOn: string | null;
  underspend: number | null; underspendRule: string | null; deliveryEndsOn: string; delays: { recordedOn: string; reason: string; fromEndsOn: string; toEndsOn: string }[];
}
export interface FunderReturn {
  grant: { id: string; label: string; funder: string; recipient: string | null; programme: string; financialYear: string; awardedOn: string };
  awarded: number; heldBackAtAward: number; share: string;
  ledger: GrantView['ledger'];
  projects: FunderReturnProject[];
  totals: { allocated: number; paid: number; reportedSpend: number; underspend: number };
  outturn: { on: string; spent: number; returned: number; carriedForward: number } | null;
  preparedOn: string;
}

export async function buildFunderReturn(db: Kysely<DB>, grant: GrantView, today: string): Promise<FunderReturn> {
  const pid = grant.partnership_id;
  const priorities = new Map((await listPriorities(db, pid)).map((p) => [p.id, `${p.title} (agreement ${p.agreement_period})`]));
  const funded = (await listProposals(db, pid, { grantId: grant.id })).filter((p) => Number(p.allocated_pence) > 0);
  const delays = funded.length ? await db.selectFrom('funding_delays').selectAll().where('partnership_id', '=', pid).where('proposal_id', 'in', funded.map((p) => p.id)).orderBy('recorded_on').execute() : [];
  const projects: FunderReturnProject[] = funded.map((p) => ({
    id: p.id, title: p.title, leadOrganisation: p.lead_organisation_name, pot: potLabel(p.pot), status: p.status, statusLabel: proposalStatusLabel(p.status),
    priority: (p.priority_id ? priorities.get(p.priority_id) : null) ?? p.priority_text ?? null,
    allocated: Number(p.allocated_pence), paid: p.spent_pence, reportedSpend: p.reported_spend_pence,
    reportedSpendOn: (p as { reported_spend_on?: string | null }).reported_spend_on ?? null,
    underspend: p.underspend_pence === null ? null : Number(p.underspend_pence), underspendRule: p.underspend_rule,
    deliveryEndsOn: p.delivery_ends_on,
    delays: delays.filter((d) => d.proposal_id === p.id).map((d) => ({ recordedOn: d.recorded_on, reason: d.reason, fromEndsOn: d.from_ends_on, toEndsOn: d.to_ends_on })),
  }));
  const sum = (f: (p: FunderReturnProject) => number) => projects.reduce((s, p) => s + f(p), 0);
  return {
    grant: { id: grant.id, label: grant.label, funder: grant.funder_name, recipient: grant.recipient_name, programme: grant.programme, financialYear: grant.yearLabel, awardedOn: grant.awarded_on },
    awarded: grant.ledger.awarded, heldBackAtAward: heldBackPence(grant.ledger.awarded, grant.rules),
    share: fractionLabel(grant.held_back_numerator, grant.held_back_denominator), ledger: grant.ledger, projects,
    totals: { allocated: sum((p) => p.allocated), paid: sum((p) => p.paid), reportedSpend: sum((p) => p.reportedSpend ?? 0), underspend: sum((p) => p.underspend ?? 0) },
    outturn: grant.outturn_on ? { on: grant.outturn_on, spent: Number(grant.outturn_spent_pence), returned: Number(grant.outturn_returned_pence), carriedForward: Number(grant.outturn_carried_forward_pence) } : null,
    preparedOn: today,
  };
}

const money = formatPence;

/** The return as a PDF for the funder: the grant, the projects one by one, the delays, the outturn. */
export async function funderReturnPdf(r: FunderReturn, partnershipName: string): Promise<Uint8Array> {
  // pdf-lib is loaded on first use, not at start: the page, the workbook and the API need none of it.
  const [{ PDFDocument }, { embedFonts, measureWith, paintPages, stampPageNumbers }] = await Promise.all([import('pdf-lib'), import('../meetings/pack/paint.ts')]);
  const doc = await PDFDocument.create();
  const fonts = await embedFonts(doc);
  const measure = measureWith(fonts);
  doc.setTitle(`${partnershipName}: return to ${r.grant.funder}, ${r.grant.label}`);
  doc.setAuthor(partnershipName);
  doc.setCreator('Partnership Hub');
  doc.setProducer('Partnership Hub (pdf-lib)');
  doc.setLanguage('en-GB');
  const t = (text: string, extra: Partial<Extract<Block, { kind: 'text' }>> = {}): Block => ({ kind: 'text', text, ...extra });
  const h = (text: string, level: 1 | 2 | 3): Block => ({ kind: 'heading', text, level });
  const l = r.ledger;
  const blocks: Block[] = [
    t(partnershipName, { font: 'bold', size: 13 }),
    h(`Return to ${r.grant.funder}: ${r.grant.label}`, 1),
    t(`Prepared on ${longDate(r.preparedOn)}.`),
    h('1. The grant', 2),
    t(`${r.grant.funder} awarded ${money(r.awarded)} from the ${r.grant.programme} for ${r.grant.financialYear} on ${longDate(r.grant.awardedOn)}${r.grant.recipient ? `, received by ${r.grant.recipient}` : ''}. ${r.share.charAt(0).toUpperCase()}${r.share.slice(1)} (${money(r.heldBackAtAward)}) was held back in the tactical pot.`),
    t(`Where the money stands: allocated to projects ${money(l.allocated)}; not yet allocated ${money(l.unallocated)}; held back ${money(l.heldBack)}; returned to the funder ${money(l.returned)}; together the ${money(l.awarded)} awarded.`),
    h('2. Allocation by project', 2),
  ];
  if (!r.projects.length) blocks.push(t('No project has been allocated money from this grant yet.', { font: 'italic' }));
  r.projects.forEach((p, i) => {
    blocks.push(t(`${p.title} (${p.leadOrganisation})`, { font: 'bold', label: `2.${i + 1}`, labelWidth: 34, spaceAfter: 2, keepWithNext: true }));
    blocks.push(t([
      `Priority served: ${p.priority ?? 'not recorded'}.`,
      `${p.statusLabel}; ${p.pot.toLowerCase()}.`,
      `Allocated ${money(p.allocated)}; paid in claims ${money(p.paid)}; spend to date reported by the lead ${p.reportedSpend === null ? 'none yet' : `${money(p.reportedSpend)}${p.reportedSpendOn ? ` (${longDate(p.reportedSpendOn)})` : ''}`}.`,
      p.underspend !== null ? `Underspend ${money(p.underspend)} ${p.underspendRule === 'carry-forward' ? 'carried forward' : 'returned'}.` : '',
      `Delivery ends ${longDate(p.deliveryEndsOn)}.`,
    ].filter(Boolean).join(' '), { indent: 34 }));
  });
  blocks.push(t(`Total allocated ${money(r.totals.allocated)}; paid in claims ${money(r.totals.paid)}; spend to date reported ${money(r.totals.reportedSpend)}.`, { font: 'bold' }));
  blocks.push(h('3. Delays', 2));
  const delayed = r.projects.filter((p) => p.delays.length);
  if (!delayed.length) blocks.push(t('No project has been delayed.'));
  for (const p of delayed) for (const d of p.delays) blocks.push(t(`${p.title}: recorded ${longDate(d.recordedOn)}, from ${longDate(d.fromEndsOn)} to ${longDate(d.toEndsOn)}. ${d.reason}`, { label: '•', labelWidth: 14 }));
  blocks.push(h('4. Year-end outturn', 2));
  blocks.push(r.outturn
    ? t(`At ${longDate(r.outturn.on)}: spent ${money(r.outturn.spent)}; returned to the funder ${money(r.outturn.returned)}; carried forward ${money(r.outturn.carriedForward)}.`)
    : t('The outturn has not been recorded yet: these figures stand as at the date of preparation.', { font: 'italic' }));
  paintPages(doc, fonts, layout(blocks, measure));
  stampPageNumbers(doc, fonts, { ofTotal: true });
  return doc.save();
}

const pounds = (pence: number | null) => (pence === null ? null : Number(pence) / 100);

/** The return as a workbook: a summary, the projects (amounts as numbers), the delays. */
export function funderReturnSheets(r: FunderReturn): Sheet[] {
  return [
    {
      name: 'Summary', columns: [{ header: 'Item', width: 40 }, { header: 'Amount (£)', width: 16, kind: 'number' }, { header: 'Note', width: 50 }],
      rows: [
        ['Awarded', pounds(r.awarded), `${r.grant.funder}, ${r.grant.programme} ${r.grant.financialYear}, ${r.grant.awardedOn}`],
        ['Held back at award', pounds(r.heldBackAtAward), r.share],
        ['Allocated', pounds(r.ledger.allocated), ''], ['Not yet allocated', pounds(r.ledger.unallocated), ''],
        ['Held back', pounds(r.ledger.heldBack), ''], ['Returned to the funder', pounds(r.ledger.returned), ''],
        ['Paid in claims', pounds(r.totals.paid), ''], ['Spend to date reported by leads', pounds(r.totals.reportedSpend), ''],
        ['Outturn: spent', r.outturn ? pounds(r.outturn.spent) : null, r.outturn ? r.outturn.on : 'Not recorded yet'],
        ['Outturn: returned', r.outturn ? pounds(r.outturn.returned) : null, ''],
        ['Outturn: carried forward', r.outturn ? pounds(r.outturn.carriedForward) : null, ''],
      ],
    },
    {
      name: 'Projects',
      columns: [
        { header: 'Project', width: 40 }, { header: 'Lead organisation', width: 28 }, { header: 'Priority served', width: 40 }, { header: 'Pot', width: 18 }, { header: 'Status', width: 16 },
        { header: 'Allocated (£)', width: 14, kind: 'number' }, { header: 'Paid in claims (£)', width: 16, kind: 'number' }, { header: 'Spend to date reported (£)', width: 20, kind: 'number' },
        { header: 'Underspend (£)', width: 14, kind: 'number' }, { header: 'Delivery ends', width: 14, kind: 'date' }, { header: 'Delayed', width: 9 },
      ],
      rows: r.projects.map((p) => [p.title, p.leadOrganisation, p.priority ?? '', p.pot, p.statusLabel, pounds(p.allocated), pounds(p.paid), pounds(p.reportedSpend), pounds(p.underspend), p.deliveryEndsOn, p.delays.length ? 'Yes' : 'No']),
    },
    {
      name: 'Delays',
      columns: [{ header: 'Project', width: 40 }, { header: 'Recorded', width: 14, kind: 'date' }, { header: 'Was to end', width: 14, kind: 'date' }, { header: 'Now ends', width: 14, kind: 'date' }, { header: 'Reason', width: 60 }],
      rows: r.projects.flatMap((p) => p.delays.map((d) => [p.title, d.recordedOn, d.fromEndsOn, d.toEndsOn, d.reason])),
    },
  ];
}
