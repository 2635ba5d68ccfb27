// The rules of funding: money, a grant's rules as data, its ledger, the stages of a
// proposal, the lock on the held-back (tactical) pot. Pure, no I/O. Money is integer pence.

// Money ------------------------------------------------------------------------------------

export type MoneyParse = { ok: true; pence: number } | { ok: false; message: string };

const MAX_PENCE = 100_000_000_000; // £1,000,000,000: more than any grant this serves

/**
 * An amount typed in pounds: "1200", "1,200", "£1,200.50". Commas only between groups of
 * three figures; pence only as exactly two figures, so "1,200.5" (pence, or a slip?) is
 * refused rather than guessed. Zero and negative amounts are refused with their own message.
 */
export function parsePounds(raw: string, label = 'The amount'): MoneyParse {
  const s = raw.trim().replace(/^£\s*/, '');
  if (!s) return { ok: false, message: `Enter ${label.toLowerCase()} in pounds, for example 1,200 or 1,200.50` };
  if (/^-/.test(s) || /^£?-/.test(raw.trim())) return { ok: false, message: `${label} must be more than £0` };
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) {
    return { ok: false, message: `${label} must be in pounds, like 1,200 or 1,200.50, with commas only between thousands` };
  }
  const pounds = m[1]!.replace(/,/g, '');
  const pence = m[2];
  if (pence !== undefined && pence.length !== 2) {
    return { ok: false, message: `${label} must have two figures for pence (1,200.50, not 1,200.5), or none (1,200)` };
  }
  const total = Number(pounds) * 100 + (pence ? Number(pence) : 0);
  if (!Number.isSafeInteger(total) || total > MAX_PENCE) return { ok: false, message: `${label} is too large: check the figure` };
  if (total === 0) return { ok: false, message: `${label} must be more than £0` };
  return { ok: true, pence: total };
}

/** 1220050 -> "£12,200.50"; whole pounds without pence: 1220000 -> "£12,200". */
export function formatPence(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(pence);
  const pounds = Math.floor(abs / 100).toLocaleString('en-GB');
  const p = abs % 100;
  return `${sign}£${pounds}${p ? `.${String(p).padStart(2, '0')}` : ''}`;
}

/** For a form field: 1220050 -> "12,200.50", 1220000 -> "12,200". */
export const penceToPoundsField = (pence: number) => formatPence(pence).replace('£', '');

// A grant's rules, as data ---------------------------------------------------------------

export type Rounding = 'down' | 'nearest' | 'up';
export type UnderspendRule = 'return' | 'carry-forward';
export type Pot = 'upfront' | 'tactical';

export const ROUNDINGS: { value: Rounding; text: string }[] = [
  { value: 'down', text: 'Down to whole pounds' },
  { value: 'nearest', text: 'To the nearest whole pound' },
  { value: 'up', text: 'Up to whole pounds' },
];
export const UNDERSPEND_RULES: { value: UnderspendRule; text: string }[] = [
  { value: 'return', text: 'Returned to the funder' },
  { value: 'carry-forward', text: 'Carried forward into the held-back pot' },
];
export const POTS: { value: Pot; text: string }[] = [
  { value: 'upfront', text: 'Upfront projects' },
  { value: 'tactical', text: 'Tactical (held-back) pot' },
];
export const potLabel = (p: string) => POTS.find((x) => x.value === p)?.text ?? p;

export interface GrantRules {
  /** The share held back, as a fraction: 1/3. */
  heldBackNumerator: number;
  heldBackDenominator: number;
  rounding: Rounding;
  /** The held-back pot cannot be drawn while projects of the same programme's earlier grants are open. */
  lockWhileEarlierOpen: boolean;
  /** 'YYYY-MM-DD': on and after this day unallocated upfront money moves to the held-back pot. */
  unallocatedMovesOn: string | null;
  underspend: UnderspendRule;
}

/** The held-back share of an award, rounded to whole pounds as the grant's rule says. */
export function heldBackPence(awardedPence: number, rules: Pick<GrantRules, 'heldBackNumerator' | 'heldBackDenominator' | 'rounding'>): number {
  const { heldBackNumerator: n, heldBackDenominator: d } = rules;
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 0 || d <= 0 || n > d) throw new RangeError('The held-back share must be a fraction from 0 to 1');
  // Integer arithmetic throughout: the share in hundredths of a penny would lose nothing,
  // but we only need whole pounds: quotient and remainder in pounds x d.
  const numerator = awardedPence * n; // exact while under 2^53
  const unit = d * 100;
  const whole = Math.floor(numerator / unit);
  const rest = numerator - whole * unit;
  const pounds = rules.rounding === 'down' ? whole
    : rules.rounding === 'up' ? whole + (rest > 0 ? 1 : 0)
    : whole + (rest * 2 >= unit ? 1 : 0);
  return Math.min(pounds * 100, awardedPence);
}

/** Reads "1/3", "33%" or "0.25" as a fraction; null when it is not one from 0 to 1. */
export function parseFraction(raw: string): { numerator: number; denominator: number } | null {
  const s = raw.trim();
  let m = /^(\d+)\s*\/\s*(\d+)$/.exec(s);
  if (m) {
    const n = Number(m[1]); const d = Number(m[2]);
    return d > 0 && n <= d ? { numerator: n, denominator: d } : null;
  }
  m = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%$/.exec(s);
  if (m) {
    const n = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
    return n <= 10000 ? reduce(n, 10000) : null;
  }
  m = /^0?\.(\d{1,4})$/.exec(s);
  if (m) return reduce(Number(m[1]!.padEnd(4, '0')), 10000);
  if (s === '0' || s === '1') return { numerator: Number(s), denominator: 1 };
  return null;
}
function reduce(n: number, d: number) {
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  const g = gcd(n, d) || 1;
  return { numerator: n / g, denominator: d / g };
}
export const fractionLabel = (n: number, d: number) => (n === 1 && d === 3 ? 'a third' : n === 1 && d === 4 ? 'a quarter' : n === 1 && d === 2 ? 'a half' : `${n}/${d}`);

// Financial years ----------------------------------------------------------------------

/** The UK financial year starting in April of `startYear`: 2021 -> 2021/22, 1 April 2021 to 31 March 2022. */
export function financialYear(startYear: number) {
  return {
    label: `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`,
    startsOn: `${startYear}-04-01`,
    endsOn: `${startYear + 1}-03-31`,
  };
}
export const inFinancialYear = (iso: string, startYear: number) => {
  const y = financialYear(startYear);
  return iso >= y.startsOn && iso <= y.endsOn;
};
/** The financial year a day falls in: 2022-02-10 -> 2021. */
export const financialYearOf = (iso: string) => {
  const y = Number(iso.slice(0, 4));
  return iso.slice(5) >= '04-01' ? y : y - 1;
};

// The ledger ---------------------------------------------------------------------------

/**
 * Where every penny of an award is: allocated to projects, unallocated (upfront money not
 * yet allocated), held back (the tactical pot, not yet allocated) or returned to the
 * funder. The four always add up to the award; the database refuses anything else.
 */
export interface Ledger {
  awarded: number;
  allocated: number;
  unallocated: number;
  heldBack: number;
  returned: number;
}

export const balances = (l: Ledger) =>
  l.allocated + l.unallocated + l.heldBack + l.returned === l.awarded
  && [l.allocated, l.unallocated, l.heldBack, l.returned].every((x) => Number.isSafeInteger(x) && x >= 0);

export function openingLedger(awarded: number, rules: GrantRules): Ledger {
  const heldBack = heldBackPence(awarded, rules);
  return { awarded, allocated: 0, unallocated: awarded - heldBack, heldBack, returned: 0 };
}

/** What is left to allocate in a pot. */
export const available = (l: Ledger, pot: Pot) => (pot === 'upfront' ? l.unallocated : l.heldBack);

export type LedgerChange = { ok: true; ledger: Ledger } | { ok: false; message: string };

/** An allocation at approval: never more than is left in the pot. */
export function allocate(l: Ledger, pot: Pot, amount: number): LedgerChange {
  if (!Number.isSafeInteger(amount) || amount <= 0) return { ok: false, message: 'The amount to allocate must be more than £0' };
  const left = available(l, pot);
  if (amount > left) {
    return {
      ok: false,
      message: left === 0
        ? `Nothing is left in the ${pot === 'upfront' ? 'upfront' : 'tactical'} pot: decline or withdraw the proposal, or ask for it to be drawn from the other pot`
        : `Only ${formatPence(left)} is left in the ${pot === 'upfront' ? 'upfront' : 'tactical'} pot: approve ${formatPence(left)} or less`,
    };
  }
  return { ok: true, ledger: pot === 'upfront' ? { ...l, unallocated: l.unallocated - amount, allocated: l.allocated + amount } : { ...l, heldBack: l.heldBack - amount, allocated: l.allocated + amount } };
}

/** Unallocated upfront money moves to the held-back pot (on the grant's date). */
export const moveUnallocated = (l: Ledger): Ledger => ({ ...l, heldBack: l.heldBack + l.unallocated, unallocated: 0 });

/** Whether the grant's date for moving unallocated money has come and there is money to move. */
export const unallocatedMoveDue = (l: Ledger, rules: Pick<GrantRules, 'unallocatedMovesOn'>, today: string) =>
  l.unallocated > 0 && rules.unallocatedMovesOn !== null && today >= rules.unallocatedMovesOn;

/** A completed project's unspent allocation: returned to the funder, or carried forward into the held-back pot. */
export function settleUnderspend(l: Ledger, amount: number, rule: UnderspendRule): Ledger {
  if (amount <= 0) return l;
  if (amount > l.allocated) throw new RangeError('An underspend cannot exceed what is allocated');
  return rule === 'return'
    ? { ...l, allocated: l.allocated - amount, returned: l.returned + amount }
    : { ...l, allocated: l.allocated - amount, heldBack: l.heldBack + amount };
}

// The lock on the held-back pot -----------------------------------------------------------

export interface EarlierProject { id: string; title: string; grantLabel: string; status: ProposalStatus }

/**
 * The held-back pot is locked while any project funded by an earlier grant of the same
 * programme is still open (approved or in delivery), when the grant's rules say so. The
 * answer names exactly those projects.
 */
export function tacticalLock(rules: Pick<GrantRules, 'lockWhileEarlierOpen'>, earlier: EarlierProject[]): { locked: boolean; holders: EarlierProject[] } {
  if (!rules.lockWhileEarlierOpen) return { locked: false, holders: [] };
  const holders = earlier.filter((p) => isOpenProject(p.status));
  return { locked: holders.length > 0, holders };
}

// Proposals and their stages -----------------------------------------------------------------

export type ProposalStatus = 'submitted' | 'considered' | 'endorsed' | 'approved' | 'in-delivery' | 'complete' | 'withdrawn' | 'declined';

export const PROPOSAL_STATUSES: { value: ProposalStatus; text: string }[] = [
  { value: 'submitted', text: 'Submitted' },
  { value: 'considered', text: 'Considered by the Working Group' },
  { value: 'endorsed', text: 'Endorsed' },
  { value: 'approved', text: 'Approved by the funder' },
  { value: 'in-delivery', text: 'In delivery' },
  { value: 'complete', text: 'Complete' },
  { value: 'withdrawn', text: 'Withdrawn' },
  { value: 'declined', text: 'Declined' },
];
export const proposalStatusLabel = (s: string) => PROPOSAL_STATUSES.find((x) => x.value === s)?.text ?? s;
export const proposalStatusValues = PROPOSAL_STATUSES.map((s) => s.value);

/** Approved and not yet complete: a project holding money. */
export const isOpenProject = (s: string) => s === 'approved' || s === 'in-delivery';
/** Funded: approved at some point and not withdrawn (complete included). */
export const isFunded = (s: string) => s === 'approved' || s === 'in-delivery' || s === 'complete';
export const isClosed = (s: string) => s === 'complete' || s === 'withdrawn' || s === 'declined';
/** Before approval: the Working Group's business, not public. */
export const isUnderConsideration = (s: string) => s === 'submitted' || s === 'considered' || s === 'endorsed';

export type Move = 'consider' | 'endorse' | 'approve' | 'start' | 'complete' | 'withdraw' | 'decline';

/**
 * The stages as one table: which move leads from which status to which, and what each
 * requires. Pages and commands ask `moveProblem`, never repeat the rule.
 */
export const MOVES: Record<Move, { from: readonly ProposalStatus[]; to: ProposalStatus; label: string; requires: string }> = {
  consider: { from: ['submitted'], to: 'considered', label: 'Record the Working Group’s consideration', requires: 'the meeting, and the agenda item and resolution where there are ones' },
  endorse: { from: ['considered'], to: 'endorsed', label: 'Record the endorsement', requires: 'the chair or vice-chair who endorsed it' },
  approve: { from: ['endorsed'], to: 'approved', label: 'Record the funder’s approval', requires: 'who approved it, when, the evidence and the amount, no more than is left in the pot' },
  start: { from: ['approved'], to: 'in-delivery', label: 'Start delivery', requires: 'nothing more' },
  complete: { from: ['in-delivery'], to: 'complete', label: 'Mark as complete', requires: 'the date; any underspend is settled by the grant’s rule' },
  withdraw: { from: ['submitted', 'considered', 'endorsed', 'approved', 'in-delivery'], to: 'withdrawn', label: 'Withdraw', requires: 'the reason' },
  decline: { from: ['submitted', 'considered', 'endorsed'], to: 'declined', label: 'Decline', requires: 'the reason' },
};

/** Why this move cannot happen now, worded to say what to do; null when it can. */
export function moveProblem(move: Move, status: ProposalStatus): string | null {
  const m = MOVES[move];
  if (m.from.includes(status)) return null;
  if (move === 'approve' && (status === 'submitted' || status === 'considered')) {
    return 'This proposal has not been endorsed: record the chair’s or vice-chair’s endorsement before the funder’s approval';
  }
  if (move === 'endorse' && status === 'submitted') return 'Record the Working Group’s consideration before the endorsement';
  if (isClosed(status)) return `This proposal is ${proposalStatusLabel(status).toLowerCase()}: it cannot move on`;
  if (move === 'decline' && isFunded(status)) return 'An approved project cannot be declined: withdraw it, with the reason';
  return `A proposal that is ${proposalStatusLabel(status).toLowerCase()} cannot be moved to ${proposalStatusLabel(m.to).toLowerCase()}`;
}

export const movesFrom = (status: ProposalStatus): Move[] => (Object.keys(MOVES) as Move[]).filter((m) => MOVES[m].from.includes(status));

// Spend and outturn ------------------------------------------------------------------------

/** A claim may not take spend beyond the allocation. */
export function claimProblem(allocated: number, spent: number, amount: number): string | null {
  if (amount <= 0) return 'The amount paid must be more than £0';
  if (spent + amount > allocated) {
    const left = allocated - spent;
    return left <= 0
      ? `The whole allocation of ${formatPence(allocated)} has been paid: nothing more can be claimed`
      : `Only ${formatPence(left)} of the allocation of ${formatPence(allocated)} is left to pay: enter ${formatPence(left)} or less`;
  }
  return null;
}

/** The year-end outturn of one grant: what was spent, what went back, what is carried forward. */
export function outturn(l: Ledger, spent: number) {
  return {
    spent,
    returned: l.returned,
    // Everything neither spent nor returned: open allocations and both pots.
    carriedForward: l.awarded - spent - l.returned,
  };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** "2026-03-03" -> "3 March 2026", for messages. */
export function longDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return y && m && d ? `${d} ${MONTHS[m - 1]} ${y}` : iso;
}

// Changing a grant's rules ---------------------------------------------------------------

/**
 * The ledger after a change of the held-back share or its rounding: the difference between
 * the new and the old held-back amount of the award moves between the upfront (unallocated)
 * money and the held-back pot. Refused, with what to do, when either would go below £0,
 * that is when money already allocated or drawn stands in the way.
 */
export function changeRules(l: Ledger, from: GrantRules, to: GrantRules): LedgerChange {
  if (!Number.isInteger(to.heldBackNumerator) || !Number.isInteger(to.heldBackDenominator) || to.heldBackNumerator < 0
    || to.heldBackDenominator <= 0 || to.heldBackNumerator > to.heldBackDenominator) {
    return { ok: false, message: 'Enter the share held back as a fraction from 0 to 1, for example 1/3 or 25%' };
  }
  const delta = heldBackPence(l.awarded, to) - heldBackPence(l.awarded, from);
  const next: Ledger = { ...l, heldBack: l.heldBack + delta, unallocated: l.unallocated - delta };
  if (next.unallocated < 0) {
    return {
      ok: false,
      message: `The new share would hold back ${formatPence(delta)} more, but only ${formatPence(l.unallocated)} of upfront money is unallocated: choose a smaller share, or change the rules before allocating or moving the upfront money`,
    };
  }
  if (next.heldBack < 0) {
    return {
      ok: false,
      message: `The new share would hold back ${formatPence(-delta)} less, but only ${formatPence(l.heldBack)} is left in the held-back pot: choose a larger share`,
    };
  }
  if (!balances(next)) return { ok: false, message: 'The change would break the ledger: allocated + unallocated + held back + returned must equal the award' };
  return { ok: true, ledger: next };
}
