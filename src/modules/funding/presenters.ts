// Funding records as the API gives them: one place turns a row into its JSON.
import type { GrantView, ProposalView } from './store.ts';
import { financialYear, fractionLabel, type EarlierProject } from './domain.ts';

export function presentGrant(g: GrantView) {
  return {
    id: g.id, label: g.label,
    funder: { id: g.funder_organisation_id, name: g.funder_name },
    recipient: g.recipient_organisation_id ? { id: g.recipient_organisation_id, name: g.recipient_name ?? '' } : null,
    programme: g.programme, financialYear: financialYear(g.financial_year).label, awardedOn: g.awarded_on, conditions: g.conditions,
    rules: {
      heldBackShare: `${g.held_back_numerator}/${g.held_back_denominator}`, rounding: g.rounding, lockWhileEarlierOpen: g.lock_while_earlier_open,
      unallocatedMovesOn: g.unallocated_moves_on, underspend: g.underspend_rule,
    },
    ledger: g.ledger,
    outturn: g.outturn_on ? {
      on: g.outturn_on, spent: Number(g.outturn_spent_pence), returned: Number(g.outturn_returned_pence), carriedForward: Number(g.outturn_carried_forward_pence),
    } : null,
  };
}

export const presentPots = (g: GrantView, lock: { locked: boolean; holders: EarlierProject[] }, moveDue: boolean) => ({
  upfront: { available: g.ledger.unallocated },
  tactical: { available: g.ledger.heldBack, locked: lock.locked, heldBy: lock.holders.map((h) => ({ id: h.id, title: h.title, grant: h.grantLabel, status: h.status })) },
  unallocatedMoveDue: moveDue,
});

/** The public sees what the funder approved; the rest only signed-in people. */
export function presentProposal(p: ProposalView, signedIn: boolean) {
  return {
    id: p.id, grantId: p.grant_id, grant: p.grant_label, title: p.title, description: p.description, pot: p.pot, status: p.status,
    leadOrganisation: { id: p.lead_organisation_id, name: p.lead_organisation_name },
    amountAsked: Number(p.amount_asked_pence), allocated: Number(p.allocated_pence),
    deliveryStartsOn: p.delivery_starts_on, deliveryEndsOn: p.delivery_ends_on, delayed: p.delayed,
    approvedOn: p.approved_on, completedOn: p.completed_on,
    spent: signedIn ? p.spent_pence : null,
    reportedSpend: signedIn ? p.reported_spend_pence : null,
    latestUpdate: signedIn ? p.latest_update : null,
    priority: signedIn ? p.priority_text : null,
    priorityId: signedIn ? p.priority_id : null,
    measures: signedIn ? p.measures : null,
    submittedOn: signedIn ? p.submitted_on : null,
    considered: signedIn && p.considered_on ? { on: p.considered_on, meetingId: p.considered_meeting_id, agendaItemId: p.considered_agenda_item_id, resolutionId: p.considered_resolution_id } : null,
    endorsed: signedIn && p.endorsed_on && p.endorsed_by_person_id ? { on: p.endorsed_on, personId: p.endorsed_by_person_id, name: p.endorser_name ?? '', role: p.endorsed_role ?? '' } : null,
    approval: signedIn && p.approved_on ? { on: p.approved_on, by: p.approved_by ?? '', evidence: p.approval_evidence ?? '' } : null,
    closedReason: signedIn ? p.closed_reason : null,
    underspend: signedIn && p.underspend_pence !== null ? { amount: Number(p.underspend_pence), rule: p.underspend_rule ?? '' } : null,
  };
}

export const shareText = (g: { held_back_numerator: number; held_back_denominator: number }) => {
  const f = fractionLabel(g.held_back_numerator, g.held_back_denominator);
  return f.charAt(0).toUpperCase() + f.slice(1);
};

/** A progress return as the API gives it. */
export const presentProgress = (r: { id: string; reported_on: string; text: string; figures: string | null; author_label: string; spend_to_date_pence: number | null; via: 'officer' | 'lead' | 'link' }) => ({
  id: r.id, reportedOn: r.reported_on, text: r.text, figures: r.figures, author: r.author_label,
  spendToDate: r.spend_to_date_pence === null ? null : Number(r.spend_to_date_pence), via: r.via,
});
