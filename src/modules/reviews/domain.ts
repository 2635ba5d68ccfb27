// Reviews: the kinds of review, their stages and timescales, recommendation statuses and
// the fixed list of themes, as data; and the pure rules every page and command asks
// (is this stage overdue, may these dates be recorded, may this status change happen).
// No I/O here.
//
// Timescales follow the statutory guidance's defaults and are data on each kind: the
// decision whether to hold a review is due a month after the partnership was notified;
// the review is due to be completed (submitted to the Home Office quality assurance
// panel, or for a safeguarding adults review signed off by the board) six months after
// the decision. A paused clock (while criminal proceedings run) is not modelled: a delay
// is recorded with its reason against the stage, and the stage still shows as late.

// ------------------------------------------------------------------ kinds

export type StageSet = 'dhr' | 'sar';

export interface ReviewKind {
  code: string;
  label: string;
  shortLabel: string;
  stageSet: StageSet;
  decisionMonths: number;
  completionMonths: number;
  builtIn: boolean;
}

/** The kinds every partnership has. A partnership may relabel them or add others (review_kinds). */
export const BUILT_IN_KINDS: readonly ReviewKind[] = [
  { code: 'dhr', label: 'Domestic homicide review', shortLabel: 'DHR', stageSet: 'dhr', decisionMonths: 1, completionMonths: 6, builtIn: true },
  { code: 'dardr', label: 'Domestic abuse related death review', shortLabel: 'DARDR', stageSet: 'dhr', decisionMonths: 1, completionMonths: 6, builtIn: true },
  { code: 'sar', label: 'Safeguarding adults review', shortLabel: 'SAR', stageSet: 'sar', decisionMonths: 1, completionMonths: 6, builtIn: true },
  { code: 'joint', label: 'Joint review (domestic abuse related death and safeguarding adults)', shortLabel: 'Joint', stageSet: 'dhr', decisionMonths: 1, completionMonths: 6, builtIn: true },
];

export interface KindRow {
  code: string;
  label: string;
  short_label: string;
  stage_set: StageSet;
  decision_months: number;
  completion_months: number;
}

/** The built-in kinds, as the partnership has relabelled them, then the kinds it added. */
export function effectiveKinds(rows: readonly KindRow[]): ReviewKind[] {
  const fromRow = (r: KindRow, builtIn: boolean): ReviewKind => ({
    code: r.code, label: r.label, shortLabel: r.short_label, stageSet: r.stage_set,
    decisionMonths: r.decision_months, completionMonths: r.completion_months, builtIn,
  });
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const builtIn = BUILT_IN_KINDS.map((k) => (byCode.has(k.code) ? fromRow(byCode.get(k.code)!, true) : k));
  const added = rows.filter((r) => !BUILT_IN_KINDS.some((k) => k.code === r.code)).map((r) => fromRow(r, false))
    .sort((a, b) => a.label.localeCompare(b.label));
  return [...builtIn, ...added];
}

// ------------------------------------------------------------------ stages

export interface Stage {
  code: string;
  label: string;
  /** Outcomes the stage records, when it records one. */
  outcomes?: readonly { value: string; text: string }[];
  /** Outcomes that need reasons (a decision not to review, findings not accepted). */
  outcomesNeedingReasons?: readonly string[];
  /** The timescale this stage is measured against, if any. */
  timescale?: 'decision' | 'completion';
  /** Stages after a decision not to review do not apply. */
  afterDecision?: boolean;
}

const DECISION: Stage = {
  code: 'decision', label: 'Decision whether to hold a review', timescale: 'decision',
  outcomes: [{ value: 'review', text: 'Hold a review' }, { value: 'no-review', text: 'Do not hold a review' }],
  outcomesNeedingReasons: ['no-review'],
};

/** The stages of each stage set, in the order they happen. */
export const STAGES: Record<StageSet, readonly Stage[]> = {
  dhr: [
    { code: 'notification', label: 'Notification received' },
    DECISION,
    { code: 'home-office-told', label: 'Home Office told of the decision' },
    { code: 'panel-set-up', label: 'Panel set up (independent chair and author appointed)', afterDecision: true },
    { code: 'chronologies-requested', label: 'Chronologies and agency reports requested', afterDecision: true },
    { code: 'family-contacted', label: 'Family contacted and offered involvement', afterDecision: true },
    { code: 'first-draft', label: 'First draft received', afterDecision: true },
    { code: 'panel-sign-off', label: 'Signed off by the panel', afterDecision: true },
    { code: 'partnership-sign-off', label: 'Signed off by the partnership', afterDecision: true },
    { code: 'submitted-qa', label: 'Submitted to the Home Office quality assurance panel', timescale: 'completion', afterDecision: true },
    {
      code: 'qa-outcome', label: 'Quality assurance panel outcome', afterDecision: true,
      outcomes: [
        { value: 'approved', text: 'Approved' },
        { value: 'approved-subject-to-changes', text: 'Approved subject to changes' },
        { value: 'resubmit', text: 'Resubmit' },
      ],
    },
    { code: 'resubmitted', label: 'Resubmitted', afterDecision: true },
    { code: 'published', label: 'Published', afterDecision: true },
  ],
  sar: [
    { code: 'notification', label: 'Referral received' },
    DECISION,
    { code: 'panel-set-up', label: 'Panel set up (independent reviewer appointed)', afterDecision: true },
    { code: 'chronologies-requested', label: 'Agency information requested', afterDecision: true },
    { code: 'family-contacted', label: 'Family and the adult contacted and offered involvement', afterDecision: true },
    { code: 'first-draft', label: 'First draft received', afterDecision: true },
    { code: 'panel-sign-off', label: 'Signed off by the panel', afterDecision: true },
    { code: 'board-sign-off', label: 'Signed off by the board', timescale: 'completion', afterDecision: true },
    {
      code: 'findings-response', label: 'Findings accepted or not', afterDecision: true,
      outcomes: [{ value: 'accepted', text: 'Findings accepted' }, { value: 'not-accepted', text: 'Findings not accepted' }],
      outcomesNeedingReasons: ['not-accepted'],
    },
    { code: 'published', label: 'Published', afterDecision: true },
  ],
};

export const stagesOf = (kind: Pick<ReviewKind, 'stageSet'>) => STAGES[kind.stageSet];
export const findStage = (kind: Pick<ReviewKind, 'stageSet'>, code: string) => stagesOf(kind).find((s) => s.code === code);
export const outcomeLabel = (stage: Stage | undefined, value: string | null) =>
  (value && stage?.outcomes?.find((o) => o.value === value)?.text) ?? value ?? '';

// ------------------------------------------------------------------ dates

/** Adds whole months to a 'YYYY-MM-DD' date; the 31st of a shorter month is its last day. */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

// ------------------------------------------------------------------ timeline

export interface StageEvent {
  stage: string;
  happened_on: string;
  outcome: string | null;
  reasons: string | null;
  delay_reason: string | null;
}

export type StageState = 'done' | 'done-late' | 'overdue' | 'due' | 'waiting' | 'not-applicable';

export interface TimelineRow {
  code: string;
  label: string;
  happenedOn: string | null;
  outcome: string | null;
  outcomeLabel: string | null;
  reasons: string | null;
  delayReason: string | null;
  dueOn: string | null;
  state: StageState;
  /** Days past the due date: today's for an overdue stage, the day it happened for one done late. */
  daysLate: number;
}

/** When each stage with a timescale is due, from the dates recorded so far. */
export function dueDates(kind: Pick<ReviewKind, 'decisionMonths' | 'completionMonths'>, notifiedOn: string, events: readonly StageEvent[]) {
  const decision = events.find((e) => e.stage === 'decision');
  return {
    decision: addMonths(notifiedOn, kind.decisionMonths),
    completion: decision && decision.outcome === 'review' ? addMonths(decision.happened_on, kind.completionMonths) : null,
  };
}

/** The case's stages as a timeline: what happened when, what is due, and what is overdue at `today`. */
export function timeline(kind: ReviewKind, notifiedOn: string, events: readonly StageEvent[], today: string): TimelineRow[] {
  const due = dueDates(kind, notifiedOn, events);
  const decision = events.find((e) => e.stage === 'decision');
  const noReview = decision?.outcome === 'no-review';
  return stagesOf(kind).map((stage) => {
    const event = events.find((e) => e.stage === stage.code)
      ?? (stage.code === 'notification' ? { stage: 'notification', happened_on: notifiedOn, outcome: null, reasons: null, delay_reason: null } : undefined);
    const dueOn = stage.timescale ? due[stage.timescale] : null;
    let state: StageState;
    let daysLate = 0;
    if (event) {
      daysLate = dueOn ? Math.max(0, daysBetween(dueOn, event.happened_on)) : 0;
      state = daysLate > 0 ? 'done-late' : 'done';
    } else if (noReview && stage.afterDecision) {
      state = 'not-applicable';
    } else if (dueOn && dueOn < today) {
      state = 'overdue';
      daysLate = daysBetween(dueOn, today);
    } else {
      state = dueOn ? 'due' : 'waiting';
    }
    return {
      code: stage.code, label: stage.label,
      happenedOn: event?.happened_on ?? null,
      outcome: event?.outcome ?? null,
      outcomeLabel: event?.outcome ? outcomeLabel(stage, event.outcome) : null,
      reasons: event?.reasons ?? null,
      delayReason: event?.delay_reason ?? null,
      dueOn, state, daysLate,
    };
  });
}

export const STAGE_STATE_LABELS: Record<StageState, string> = {
  done: 'Done', 'done-late': 'Done late', overdue: 'Overdue', due: 'Due', waiting: 'Not yet', 'not-applicable': 'Does not apply',
};

/** The stage a case has reached: the last one recorded, in stage order. */
export function currentStage(rows: readonly TimelineRow[]): TimelineRow {
  return [...rows].reverse().find((r) => r.happenedOn) ?? rows[0]!;
}

/**
 * Problems with recording `event` on a case: the outcome and reasons the stage needs, a
 * date in the future, or dates out of order with the stages already recorded (a stage
 * may not happen before one that comes before it, nor after one that comes after it).
 */
export function stageEventProblems(
  kind: ReviewKind, notifiedOn: string, recorded: readonly StageEvent[], event: StageEvent, today: string,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const stages = stagesOf(kind);
  const index = stages.findIndex((s) => s.code === event.stage);
  const stage = stages[index];
  if (!stage) return [{ field: 'stage', message: 'Select a stage of this kind of review' }];
  if (stage.code === 'notification') return [{ field: 'stage', message: 'The notification is recorded when the case is opened; select a later stage' }];
  if (event.happened_on > today) problems.push({ field: 'happened_on', message: 'The date must be today or in the past' });
  if (stage.outcomes) {
    if (!event.outcome || !stage.outcomes.some((o) => o.value === event.outcome)) {
      problems.push({ field: 'outcome', message: `Select the outcome: ${stage.outcomes.map((o) => o.text.toLowerCase()).join(', or ')}` });
    } else if (stage.outcomesNeedingReasons?.includes(event.outcome) && !event.reasons) {
      problems.push({ field: 'reasons', message: `Enter the reasons for the outcome "${outcomeLabel(stage, event.outcome).toLowerCase()}"` });
    }
  } else if (event.outcome) {
    problems.push({ field: 'outcome', message: 'This stage records a date, not an outcome' });
  }
  const decision = recorded.find((e) => e.stage === 'decision');
  if (stage.afterDecision && decision?.outcome === 'no-review') {
    problems.push({ field: 'stage', message: 'The partnership decided not to hold a review, so this stage does not apply' });
  }
  if (stage.afterDecision && !decision && event.stage !== 'decision') {
    problems.push({ field: 'stage', message: 'Record the decision to hold a review first' });
  }
  if (event.happened_on && event.happened_on < notifiedOn) {
    problems.push({ field: 'happened_on', message: 'The date must be on or after the date the partnership was notified' });
  } else if (event.happened_on) {
    const dated = [{ stage: 'notification', happened_on: notifiedOn }, ...recorded.filter((e) => e.stage !== event.stage)];
    for (const other of dated) {
      const j = stages.findIndex((s) => s.code === other.stage);
      if (j < 0) continue;
      if (j < index && other.happened_on > event.happened_on) {
        problems.push({ field: 'happened_on', message: `The date must be on or after ${stages[j]!.label.toLowerCase()} (${other.happened_on})` });
        break;
      }
      if (j > index && other.happened_on < event.happened_on) {
        problems.push({ field: 'happened_on', message: `The date must be on or before ${stages[j]!.label.toLowerCase()} (${other.happened_on})` });
        break;
      }
    }
  }
  return problems;
}

// ------------------------------------------------------------------ people

export const PLACES = [
  { value: 'coordinator', text: 'Review coordinator' },
  { value: 'independent-chair', text: 'Independent chair' },
  { value: 'author', text: 'Independent author' },
  { value: 'agency-representative', text: 'Agency representative' },
  { value: 'other', text: 'Other panel member' },
] as const;
export type Place = (typeof PLACES)[number]['value'];
export const placeValues = PLACES.map((p) => p.value);
export const placeLabel = (v: string) => PLACES.find((p) => p.value === v)?.text ?? v;

// ------------------------------------------------------------------ recommendations

export const RECOMMENDATION_STATUSES = [
  { value: 'open', text: 'Open' },
  { value: 'in-progress', text: 'In progress' },
  { value: 'completed', text: 'Completed' },
  { value: 'not-accepted', text: 'Not accepted' },
] as const;
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number]['value'];
export const recommendationStatusValues = RECOMMENDATION_STATUSES.map((s) => s.value);
export const recommendationStatusLabel = (v: string) => RECOMMENDATION_STATUSES.find((s) => s.value === v)?.text ?? v;
export const isOutstandingRecommendation = (status: string) => status === 'open' || status === 'in-progress';
export const recommendationOverdue = (r: { status: string; due_on: string | null }, today: string) =>
  isOutstandingRecommendation(r.status) && r.due_on !== null && r.due_on < today;

/** The moves a recommendation's status may make. Every one is a new row of its history. */
export const NEXT_RECOMMENDATION_STATUSES: Record<RecommendationStatus, readonly RecommendationStatus[]> = {
  open: ['in-progress', 'completed', 'not-accepted'],
  'in-progress': ['open', 'completed', 'not-accepted'],
  completed: ['in-progress'],
  'not-accepted': ['open'],
};

export function recommendationUpdateProblems(u: { from: RecommendationStatus; to: RecommendationStatus; note: string | null; evidence: string | null }) {
  const problems: { field: string; message: string }[] = [];
  if (u.from === u.to) {
    if (!u.note && !u.evidence) problems.push({ field: 'note', message: 'Enter a note, or choose a new status' });
    return problems;
  }
  if (!NEXT_RECOMMENDATION_STATUSES[u.from].includes(u.to)) {
    problems.push({ field: 'status', message: `A recommendation that is ${recommendationStatusLabel(u.from).toLowerCase()} cannot become ${recommendationStatusLabel(u.to).toLowerCase()}` });
  }
  if (u.to === 'completed' && !u.evidence) problems.push({ field: 'evidence', message: 'Enter the evidence that the recommendation has been completed' });
  if (u.to === 'not-accepted' && !u.note) problems.push({ field: 'note', message: 'Enter why the recommendation was not accepted' });
  if (u.from === 'completed' && !u.note) problems.push({ field: 'note', message: 'Enter why a completed recommendation is being reopened' });
  return problems;
}

// ------------------------------------------------------------------ themes

/**
 * The fixed list of themes reviews are coded with (docs/reviews.md). Fixed so that counts
 * over years compare like with like; a new theme is a change to this list, documented.
 */
export const THEMES = [
  { value: 'coercive-control', text: 'Coercive and controlling behaviour' },
  { value: 'economic-abuse', text: 'Economic abuse' },
  { value: 'stalking', text: 'Stalking and harassment' },
  { value: 'separation', text: 'Separation or recent separation' },
  { value: 'children-present', text: 'Children in the household' },
  { value: 'alcohol', text: 'Alcohol' },
  { value: 'substance-misuse', text: 'Substance misuse' },
  { value: 'mental-health', text: 'Mental health' },
  { value: 'suicide', text: 'Suicide or self-harm' },
  { value: 'housing', text: 'Housing and homelessness' },
  { value: 'older-people', text: 'Older people and carers' },
  { value: 'adult-family', text: 'Abuse by an adult family member' },
  { value: 'disability', text: 'Disability' },
  { value: 'immigration', text: 'Immigration status and language' },
  { value: 'risk-assessment', text: 'Risk assessment and MARAC' },
  { value: 'information-sharing', text: 'Information sharing between agencies' },
  { value: 'professional-curiosity', text: 'Professional curiosity' },
  { value: 'self-neglect', text: 'Self-neglect' },
] as const;
export type Theme = (typeof THEMES)[number]['value'];
export const themeValues = THEMES.map((t) => t.value);
export const themeLabel = (v: string) => THEMES.find((t) => t.value === v)?.text ?? v;

/** Counts of cases per theme per year: rows in the fixed order, a column per year. */
export function themeCounts(cases: readonly { year: number; themes: readonly string[] }[]) {
  const years = [...new Set(cases.map((c) => c.year))].sort((a, b) => a - b);
  const rows = THEMES.map((t) => {
    const perYear = years.map((y) => cases.filter((c) => c.year === y && c.themes.includes(t.value)).length);
    return { theme: t.value, label: t.text, perYear, total: perYear.reduce((a, b) => a + b, 0) };
  });
  return { years, rows };
}
