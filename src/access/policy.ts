// The one place that decides who may do what. Every path (pages, API, search, feeds,
// exports, PDFs) asks `can` or `authorize`; nothing else inspects roles.
// docs/permissions.md is the same matrix in words; keep the two in step.
import { ForbiddenError, NotFoundError } from '../web/errors.ts';

export type Role = 'administrator' | 'officer' | 'member';

export interface Grant {
  scopeKind: 'body' | 'case';
  scopeId: string;
}

/**
 * A seat the user's person holds on a body (memberships, with its dates). While it is
 * current it opens the body's restricted business, unless the body keeps that business
 * to the people it is granted to (`bodyOpensToMembers` false, e.g. a review panel).
 */
export interface BodySeat {
  bodyId: string;
  /** 'YYYY-MM-DD', UK dates as the register of members keeps them. */
  startsOn: string;
  endsOn: string | null;
  bodyOpensToMembers: boolean;
}

export type Actor =
  | { kind: 'public'; partnershipId: string }
  | {
      kind: 'user';
      partnershipId: string;
      userId: string;
      displayName: string;
      role: Role;
      personId: string | null;
      grants: Grant[];
      /** The user's person's seats on bodies; absent or empty for a user not linked to a person. */
      seats?: BodySeat[];
    };

export type Action = 'read' | 'create' | 'update' | 'delete' | 'read-history' | 'administer';

/**
 * What is being acted on. `restricted` marks content held without press and public;
 * `bodyId` and `caseId` say which body or case it belongs to, for scoped grants.
 */
export interface Resource {
  type: string;
  restricted?: boolean;
  bodyId?: string | null;
  caseId?: string | null;
  /** Unpublished records (a draft agenda) are for the partnership's own people. */
  published?: boolean;
  /** An action's owner, when a person: they may add updates to it (see `can`). */
  ownerPersonId?: string | null;
  /** The account that leads a funded project (its lead contact): it may post the project's progress returns. */
  ownerUserId?: string | null;
  /** The clerk's working views (the governance overview): officers and administrators only. */
  staffOnly?: boolean;
  /** The actor's own settings (which notices they get): theirs to change once signed in. */
  ownAccount?: boolean;
  /** Sent through a one-purpose link e-mailed to someone without an account: the link, checked by its module, is the authority. */
  linkHolder?: boolean;
}

export function can(actor: Actor, action: Action, resource: Resource): boolean {
  const role = actor.kind === 'user' ? actor.role : null;

  if (action === 'administer') return role === 'administrator';
  if (action === 'read-history') return role === 'administrator' || role === 'officer';

  if (action === 'read') {
    if (resource.caseId) {
      // A review case: only its own people (its named coordinators and its panel), who hold
      // a grant for it. Not officers nor administrators by their role: they are named first.
      return hasGrant(actor, 'case', resource.caseId);
    }
    if (resource.restricted) {
      if (role === 'administrator' || role === 'officer') return true;
      return resource.bodyId ? hasGrant(actor, 'body', resource.bodyId) || sitsOn(actor, resource.bodyId) : false;
    }
    if (resource.staffOnly) return role === 'administrator' || role === 'officer';
    if (resource.published === false) return role !== null;
    return true;
  }

  // create, update, delete: the clerk's team keeps the record; members read it.
  // Restricted or case-scoped records still need the read right first.
  // A member whose account is linked to a person may add updates to the actions that
  // person owns (and can read); creating and changing actions stays with the clerk's team.
  if (action === 'update' && resource.ownAccount) return role !== null;
  if (action === 'create' && resource.linkHolder) return true;
  // The same holds for the lines of the strategy's action plan ('plan-action').
  if (action === 'update' && (resource.type === 'action' || resource.type === 'plan-action') && resource.ownerPersonId && actor.kind === 'user'
    && actor.personId === resource.ownerPersonId && can(actor, 'read', resource)) return true;
  // The lead of a funded project (the account whose e-mail is its lead contact) posts its progress returns.
  if (action === 'create' && resource.type === 'funding-lead-return' && resource.ownerUserId && actor.kind === 'user'
    && actor.userId === resource.ownerUserId && can(actor, 'read', resource)) return true;
  // Within a review case, only the officers and administrators named on it (its coordinators).
  if (role !== 'administrator' && role !== 'officer') return false;
  return resource.caseId ? can(actor, 'read', resource) : true;
}

// Made once: making a formatter took about 0.6 ms, and the policy asks for today for every record it decides.
const ukDateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });
/** Today's date in the UK, which is what membership dates mean. */
export const ukToday = (now = new Date()) => ukDateFormat.format(now);

/** The bodies whose restricted business the actor's current seats open, today. */
function seatBodyIds(actor: Actor, today = ukToday()): string[] {
  if (actor.kind !== 'user' || !actor.seats) return [];
  return actor.seats
    .filter((s) => s.bodyOpensToMembers && s.startsOn <= today && (s.endsOn === null || s.endsOn >= today))
    .map((s) => s.bodyId);
}

const sitsOn = (actor: Actor, bodyId: string) => seatBodyIds(actor).includes(bodyId);

function hasGrant(actor: Actor, scopeKind: Grant['scopeKind'], scopeId: string): boolean {
  return actor.kind === 'user' && actor.grants.some((g) => g.scopeKind === scopeKind && g.scopeId === scopeId);
}

/**
 * Throws when the actor may not act. A restricted record the actor may not read
 * answers 404, not 403, so that even its existence does not leak.
 */
export function authorize(actor: Actor, action: Action, resource: Resource): void {
  if (can(actor, action, resource)) return;
  if (action === 'read' && (resource.restricted || resource.caseId || resource.published === false)) {
    throw new NotFoundError();
  }
  throw new ForbiddenError(actor.kind === 'public' ? 'sign-in' : 'role');
}

/**
 * What a list or search across many records may include for this actor, as data the
 * query can apply in SQL. It says the same as `can(actor, 'read', ...)` per record.
 */
export type ReadScope =
  | { kind: 'everything' }
  | { kind: 'public-only' }
  | { kind: 'members'; restrictedBodyIds: string[]; caseIds: string[] };

export function readScope(actor: Actor): ReadScope {
  if (actor.kind === 'public') return { kind: 'public-only' };
  if (actor.role === 'administrator' || actor.role === 'officer') return { kind: 'everything' };
  return {
    kind: 'members',
    restrictedBodyIds: [...new Set([...actor.grants.filter((g) => g.scopeKind === 'body').map((g) => g.scopeId), ...seatBodyIds(actor)])],
    caseIds: actor.grants.filter((g) => g.scopeKind === 'case').map((g) => g.scopeId),
  };
}

export const isSignedIn = (actor: Actor): actor is Extract<Actor, { kind: 'user' }> => actor.kind === 'user';
export const isStaff = (actor: Actor): boolean =>
  actor.kind === 'user' && (actor.role === 'officer' || actor.role === 'administrator');

/**
 * Funding (src/modules/funding). A grant awarded to the partnership is public record; a
 * proposal reaches the public only once the funder has approved it (a funded project:
 * approved, in delivery or complete). A proposal under consideration, withdrawn or
 * declined, and a project's spend, progress returns and delays, are the partnership's own
 * business: signed-in people. Officers and administrators manage all of it.
 */
const FUNDED_STATUSES: readonly string[] = ['approved', 'in-delivery', 'complete'];
export const fundingResources = {
  grant: (): Resource => ({ type: 'grant', published: true }),
  proposal: (p: { status: string }): Resource => ({ type: 'funding-proposal', published: FUNDED_STATUSES.includes(p.status) }),
  /** Claims paid, progress returns, delays, the Working Group's update. */
  record: (): Resource => ({ type: 'funding-record', published: false }),
  /** A progress return on a funded project: its lead's account, or the clerk's team. */
  leadReturn: (p: { leadUserId: string | null }): Resource => ({ type: 'funding-lead-return', published: false, ownerUserId: p.leadUserId }),
  /** Asking leads for progress returns by e-mail, and adding evidence files: the clerk's team. */
  returnRequest: (): Resource => ({ type: 'funding-return-request', published: false }),
  /** The page an e-mailed return link opens: anyone holding an unexpired link (the link is the permission). */
  returnLink: (): Resource => ({ type: 'funding-return-link', published: true }),
};

/**
 * Strategy (src/modules/strategy). The scrutiny evidence pack gathers only public content
 * (published agreements and the plan's figures, published minutes, grants, counts of
 * reviews), so everyone may read it, the committee's councillors and the press included.
 */
export const strategyResources = {
  scrutinyPack: (): Resource => ({ type: 'scrutiny-pack', published: true }),
  /**
   * Generating the CSA progress paper for an agenda item, and its versions as generated:
   * the clerk's team. (The paper attached to the item is read as the item's papers are.)
   */
  progressPaper: (): Resource => ({ type: 'strategy-progress-paper', staffOnly: true }),
  /** The agreement's document: public once the agreement is published; before that, officers and administrators. */
  agreementDocument: (a: { status: string }): Resource => (a.status === 'published' || a.status === 'superseded'
    ? { type: 'strategy-agreement-document', published: true }
    : { type: 'strategy-agreement-document', staffOnly: true }),
};

/**
 * The site (src/modules/site): the partnership's brand and its accessibility statement,
 * privacy notice and contact page are public to read; only administrators change them.
 */
export const siteResources = {
  settings: (): Resource => ({ type: 'site-settings', published: true }),
};

/**
 * Engagement (src/modules/engagement). The people on the distribution lists, their consent
 * and the registrations for sessions are the partnership officers' to manage: never the
 * public's, nor a member's (a member sees nothing of them). A bulletin is public once sent
 * (the archive); a draft is the officers'. A session for the public is public; one for
 * partners, the partnership's signed-in people.
 */
export const engagementResources = {
  /** Lists, subscribers, consent records, suppressions, imports, bounces; registrations and the register. */
  people: (): Resource => ({ type: 'engagement-people', staffOnly: true }),
  issue: (i: { status: string }): Resource => (i.status === 'sent' ? { type: 'bulletin-issue', published: true } : { type: 'bulletin-issue', staffOnly: true }),
  session: (s: { audience: string }): Resource => ({ type: 'engagement-session', published: s.audience === 'public' }),
};

/** Search (src/modules/search): the synonym list searches are widened by is kept by officers and administrators. */
export const searchResources = {
  synonyms: (): Resource => ({ type: 'search-synonyms', staffOnly: true }),
};

/**
 * Assessment (src/modules/assessment). The crime data imported from police.uk, the
 * partnership's areas and populations and the analysis built on them are the
 * partnership's working material for its strategic assessment: its signed-in people read
 * them; officers and administrators import the data and set the areas.
 */
export const assessmentResources = {
  crimeData: (): Resource => ({ type: 'crime-data', published: false }),
  /**
   * An assessment, its data requests, returns and matrix. The serious violence needs
   * assessment is restricted by default (no duty to publish it): officers, administrators
   * and, when it names a body, those the body's restricted business is open to.
   */
  assessment: (a: { restricted: boolean; body_id: string | null }): Resource => ({ type: 'assessment', published: false, restricted: a.restricted, bodyId: a.body_id }),
};

/**
 * Single sign-on (src/modules/sso): only administrators set up the partnership's OpenID
 * Connect provider. When the partnership requires it of staff, officers and administrators
 * sign in only through the provider; members (partners from other organisations) keep
 * their passwords.
 */
export const ssoResources = {
  settings: (): Resource => ({ type: 'sso-settings' }),
};

export const passwordSignInAllowed = (role: Role, ssoRequiredForStaff: boolean): boolean =>
  !(ssoRequiredForStaff && (role === 'officer' || role === 'administrator'));

/**
 * The server's daily work (src/modules/scheduled): which reminders and requests went out
 * each day. Staff only: the lines name projects and count messages, which is the clerk's
 * team's business, not members'; nobody changes them (the work runs on its own).
 */
export const scheduledResources = {
  dailyRuns: (): Resource => ({ type: 'daily-runs', staffOnly: true }),
};

/**
 * The ModernGov connector (src/modules/moderngov): its sources, the committees chosen, the
 * syncs and their logs, and the names it could not settle are an administrator's set-up of
 * the estate. What a sync writes goes through the meetings and import commands, so their
 * own rules (restricted business above all) apply to it.
 */
export const moderngovResources = {
  connector: (): Resource => ({ type: 'moderngov-connector', staffOnly: true }),
};

/**
 * The money of reviews and progress asked by e-mail (src/modules/reviews/money.*, progress.*).
 * The funding agreements for reviews (the partnership's rules for sharing their costs) are
 * kept by officers and administrators. A case's costs and contribution lines are the
 * case's own: read by its people, kept by its coordinators. What partners owe across cases
 * is for coordinators (officers and administrators), each seeing only the cases they are
 * named on. An agency's contact sends progress on the agency's recommendations of one case
 * through the link e-mailed to them, without an account: the link is the authority.
 */
export const reviewMoneyResources = {
  agreement: (): Resource => ({ type: 'review-funding-agreement', staffOnly: true }),
  caseMoney: (caseId: string): Resource => ({ type: 'review-case-money', restricted: true, caseId }),
  owed: (): Resource => ({ type: 'review-contributions', staffOnly: true }),
  progressThroughLink: (): Resource => ({ type: 'review-progress-update', linkHolder: true }),
};
