// Checks src/access/policy.ts against the permission matrix in docs/permissions.md: the
// table is read from the document itself, and every cell is one assertion, so the code
// and the document cannot say different things.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { can, authorize, engagementResources, fundingResources, siteResources, searchResources, readScope, ukToday, type Action, type Actor, type BodySeat, type Resource, assessmentResources, ssoResources, scheduledResources, moderngovResources, strategyResources, reviewMoneyResources } from './policy.ts';
import { ForbiddenError, NotFoundError } from '../web/errors.ts';

const PARTNERSHIP = '00000000-0000-4000-8000-000000000001';
const BODY_B = '00000000-0000-4000-8000-0000000000b1';
const OTHER_BODY = '00000000-0000-4000-8000-0000000000b2';
const CASE_C = '00000000-0000-4000-8000-0000000000c1';
const OTHER_CASE = '00000000-0000-4000-8000-0000000000c2';
const OWNER = '00000000-0000-4000-8000-0000000000a1';
const SOMEONE_ELSE = '00000000-0000-4000-8000-0000000000a2';

const user = (role: 'administrator' | 'officer' | 'member', grants: Extract<Actor, { kind: 'user' }>['grants'] = [], personId: string | null = null, seats: BodySeat[] = []): Actor => ({
  kind: 'user', partnershipId: PARTNERSHIP, userId: `user-${role}`, displayName: role, role, personId, grants, seats,
});

/** Seats on body B: current (from last year, no end), ended (last year), and current on a body that keeps its business to grants. */
const shifted = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const SEAT_NOW: BodySeat = { bodyId: BODY_B, startsOn: shifted(-365), endsOn: null, bodyOpensToMembers: true };
const SEAT_ENDED: BodySeat = { bodyId: BODY_B, startsOn: shifted(-730), endsOn: shifted(-30), bodyOpensToMembers: true };
const SEAT_CLOSED: BodySeat = { bodyId: BODY_B, startsOn: shifted(-365), endsOn: null, bodyOpensToMembers: false };

/** The matrix's columns, in its order, as actors. Members are linked to the person who owns the actions. */
const COLUMNS: [string, Actor][] = [
  ['Public', { kind: 'public', partnershipId: PARTNERSHIP }],
  ['Member', user('member', [], OWNER)],
  ['Member sitting on body B', user('member', [], OWNER, [SEAT_NOW])],
  ['Member who has left body B', user('member', [], OWNER, [SEAT_ENDED])],
  ['Member sitting on closed body B', user('member', [], OWNER, [SEAT_CLOSED])],
  ['Member with a grant for body B', user('member', [{ scopeKind: 'body', scopeId: BODY_B }], OWNER)],
  ['Member with a grant for case C', user('member', [{ scopeKind: 'case', scopeId: CASE_C }], OWNER)],
  ['Officer', user('officer')],
  ['Officer named on case C', user('officer', [{ scopeKind: 'case', scopeId: CASE_C }])],
  ['Administrator', user('administrator')],
];

const CHANGES: Action[] = ['create', 'update', 'delete'];

/** The matrix's rows: what each one asks of the policy. A row with several actions holds only when every one does. */
const ROWS: Record<string, { actions: Action[]; resource: Resource }> = {
  'Read a published record (organisation, person, body, terms of reference, published agenda or minutes)': { actions: ['read'], resource: { type: 'organisation' } },
  'Read an unpublished record (draft agenda, sharing agreement register, own account)': { actions: ['read'], resource: { type: 'sharing-agreement', published: false } },
  'Read the governance overview': { actions: ['read'], resource: { type: 'governance-overview', staffOnly: true } },
  'Read restricted business of body B': { actions: ['read'], resource: { type: 'agenda-item', restricted: true, bodyId: BODY_B } },
  'Read restricted business of another body': { actions: ['read'], resource: { type: 'agenda-item', restricted: true, bodyId: OTHER_BODY } },
  'Read restricted content that belongs to no body': { actions: ['read'], resource: { type: 'paper', restricted: true } },
  'Read review case C': { actions: ['read'], resource: { type: 'review-case', restricted: true, caseId: CASE_C } },
  'Read another review case': { actions: ['read'], resource: { type: 'review-case', restricted: true, caseId: OTHER_CASE } },
  'Create, change or delete a record': { actions: CHANGES, resource: { type: 'organisation' } },
  'Create, change or delete restricted business of body B': { actions: CHANGES, resource: { type: 'agenda-item', restricted: true, bodyId: BODY_B } },
  'Create, change or delete within review case C': { actions: CHANGES, resource: { type: 'review-case', restricted: true, caseId: CASE_C } },
  'Update an action they own': { actions: ['update'], resource: { type: 'action', ownerPersonId: OWNER } },
  'Update an action they own from restricted business of body B': { actions: ['update'], resource: { type: 'action', ownerPersonId: OWNER, restricted: true, bodyId: BODY_B } },
  'Update an action someone else owns': { actions: ['update'], resource: { type: 'action', ownerPersonId: SOMEONE_ELSE } },
  'Read a grant, or a project the funder has approved': { actions: ['read'], resource: fundingResources.proposal({ status: 'in-delivery' }) },
  "Read a funding proposal under consideration, withdrawn or declined, or a project's spend, progress and delays": { actions: ['read'], resource: fundingResources.proposal({ status: 'considered' }) },
  'Record a grant, a proposal or its next step, a claim, a delay or the outturn': { actions: CHANGES, resource: fundingResources.grant() },
  'Post a progress return on a funded project they lead': { actions: ['create'], resource: fundingResources.leadReturn({ leadUserId: 'user-member' }) },
  'Post a progress return on a funded project someone else leads': { actions: ['create'], resource: fundingResources.leadReturn({ leadUserId: 'user-someone-else' }) },
  'Ask project leads for progress returns by e-mail, or add evidence to a claim or progress return': { actions: ['create'], resource: fundingResources.returnRequest() },
  "Download a claim's or progress return's evidence or a grant's funder's documents, or read a grant's return to the funder": { actions: ['read'], resource: fundingResources.record() },
  'Post a progress return through the unexpired link e-mailed to the project’s lead contact (no account needed)': { actions: ['read'], resource: fundingResources.returnLink() },
  'Read a published Community Safety Agreement, and its plan\'s progress when the partnership shows it': { actions: ['read'], resource: { type: 'plan-action', published: true } },
  'Read or download the scrutiny evidence pack (public content only)': { actions: ['read'], resource: strategyResources.scrutinyPack() },
  'Read a draft agreement, a plan kept to the partnership, or the words of plan updates': { actions: ['read'], resource: { type: 'strategy-agreement', published: false } },
  'Generate the CSA progress paper for an agenda item, or download a version as it was generated': { actions: ['read', 'create'], resource: strategyResources.progressPaper() },
  "Download a published agreement's document": { actions: ['read'], resource: strategyResources.agreementDocument({ status: 'published' }) },
  "Download the document of an agreement not yet published, or upload an agreement's document": { actions: ['read', 'create'], resource: strategyResources.agreementDocument({ status: 'agreed' }) },
  "Read the strategic assessment's crime data, areas, populations and analysis": { actions: ['read'], resource: assessmentResources.crimeData() },
  'Import police.uk crime data, or set the areas and their populations': { actions: CHANGES, resource: assessmentResources.crimeData() },
  'Read a strategic assessment, its data requests, returns and priority-setting matrix': { actions: ['read'], resource: assessmentResources.assessment({ restricted: false, body_id: null }) },
  'Read the serious violence needs assessment kept to body B': { actions: ['read'], resource: assessmentResources.assessment({ restricted: true, body_id: BODY_B }) },
  'Read a serious violence needs assessment that names no body': { actions: ['read'], resource: assessmentResources.assessment({ restricted: true, body_id: null }) },
  'Start an assessment, ask partners for data, chase them, score the matrix': { actions: CHANGES, resource: assessmentResources.assessment({ restricted: false, body_id: null }) },
  'Read a restricted plan action of the plan body B monitors': { actions: ['read'], resource: { type: 'plan-action', published: true, restricted: true, bodyId: BODY_B } },
  'Update a plan action they own': { actions: ['update'], resource: { type: 'plan-action', ownerPersonId: OWNER, published: false } },
  'Update a plan action someone else owns, or change a plan action\'s details': { actions: ['update'], resource: { type: 'plan-action', ownerPersonId: SOMEONE_ELSE } },
  'Change their own notice preferences': { actions: ['update'], resource: { type: 'notice-preferences', ownAccount: true } },
  'Read the history of a record': { actions: ['read-history'], resource: { type: 'history' } },
  'Add users, change roles, disable users, give and take away grants': { actions: ['administer'], resource: { type: 'user' } },
  'Add a ModernGov source, choose its committees, run a sync, read its progress and log, settle its doubtful names': { actions: ['administer'], resource: moderngovResources.connector() },
  'Read the accessibility statement, privacy notice, cookies page and contact page, and see the brand': { actions: ['read'], resource: siteResources.settings() },
  'Change the brand (colour, logo, footer) or the accessibility statement, privacy notice or contact page': { actions: ['administer'], resource: siteResources.settings() },
  'Change the synonyms searches are widened by (ASB = anti-social behaviour)': { actions: ['update'], resource: searchResources.synonyms() },
  'Set up single sign-on (the provider, its client secret, allowed domains, who must use it)': { actions: ['administer'], resource: ssoResources.settings() },
  'Read what the server’s daily reminders and requests sent each day (/admin/daily-work)': { actions: ['read'], resource: scheduledResources.dailyRuns() },
  'Open a new review case (they are named its first coordinator)': { actions: ['create'], resource: { type: 'review-case' } },
  'Read a published review (pseudonym, year, published summary, date)': { actions: ['read'], resource: { type: 'published-review' } },
  'Download a published review\'s published report': { actions: ['read'], resource: { type: 'published-review-document' } },
  'Read review case C\'s requests to agencies, family involvement, quality assurance feedback, markers and findings, or download its documents': { actions: ['read'], resource: { type: 'review-case', restricted: true, caseId: CASE_C } },
  'Send or chase a request to an agency, mark it received, record family involvement, quality assurance or findings, upload a document, within review case C': { actions: ['create', 'update'], resource: { type: 'review-case', restricted: true, caseId: CASE_C } },
  'Read the annual summary of reviews (counts only)': { actions: ['read'], resource: { type: 'review-summary', staffOnly: true } },
  'Add or change a kind of review (its name and timescales)': { actions: ['update'], resource: { type: 'review-kind' } },
  'Read the funding agreements for reviews (the partnership’s rules for sharing their costs)': { actions: ['read'], resource: reviewMoneyResources.agreement() },
  'Add or end a funding agreement for reviews': { actions: ['create', 'update'], resource: reviewMoneyResources.agreement() },
  'Read the costs and contributions of review case C': { actions: ['read'], resource: reviewMoneyResources.caseMoney(CASE_C) },
  'Read the costs and contributions of another review case': { actions: ['read'], resource: reviewMoneyResources.caseMoney(OTHER_CASE) },
  'Set the costs of review case C, raise its contributions, record their invoices and payments, ask its agencies for progress': { actions: CHANGES, resource: reviewMoneyResources.caseMoney(CASE_C) },
  'Read what partners owe across the review cases they coordinate': { actions: ['read'], resource: reviewMoneyResources.owed() },
  'Send progress on their agency’s recommendations through the link e-mailed to them (no account: the link is the authority)': { actions: ['create'], resource: reviewMoneyResources.progressThroughLink() },
  'Invite users from a CSV file, send an invitation again, require two-factor authentication': { actions: ['administer'], resource: { type: 'user' } },
  'Change their own password, end their own sessions, set up or turn off their own second factor': { actions: ['read', 'update'], resource: { type: 'account', published: false, ownAccount: true } },
  'Read or keep the distribution lists, subscribers and their consent, or session registrations': { actions: ['read', ...CHANGES], resource: engagementResources.people() },
  'Read a sent bulletin, or an information session open to the public': { actions: ['read'], resource: engagementResources.issue({ status: 'sent' }) },
  'Read a draft bulletin': { actions: ['read'], resource: engagementResources.issue({ status: 'draft' }) },
  'Read an information session for partners': { actions: ['read'], resource: engagementResources.session({ audience: 'partners' }) },
};

/** The table under "## The matrix" in docs/permissions.md, as header cells and rows of cells. */
function readMatrix(): { header: string[]; rows: string[][] } {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/permissions.md', import.meta.url)), 'utf8');
  const section = doc.slice(doc.indexOf('## The matrix'));
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const cells = (l: string) => l.slice(1, l.endsWith('|') ? -1 : undefined).split('|').map((c) => c.trim());
  const [header, , ...rows] = lines.map(cells);
  return { header: header ?? [], rows };
}

const matrix = readMatrix();

test('the matrix has a column for each kind of actor, in order', () => {
  assert.deepEqual(matrix.header, ['What', ...COLUMNS.map(([name]) => name)]);
});

test('every row of the matrix is checked, and every checked case is in the matrix', () => {
  assert.deepEqual(matrix.rows.map((r) => r[0]).sort(), Object.keys(ROWS).sort());
});

for (const row of matrix.rows) {
  const [label, ...answers] = row as [string, ...string[]];
  test(`policy: ${label}`, () => {
    const rule = ROWS[label];
    assert.ok(rule, `no case for the row "${label}"`);
    assert.equal(answers.length, COLUMNS.length, `"${label}" has a cell for each column`);
    COLUMNS.forEach(([column, actor], i) => {
      const expected = answers[i];
      assert.ok(expected === 'Yes' || expected === 'No', `"${label}" / ${column}: cells say Yes or No`);
      const allowed = rule.actions.every((action) => can(actor, action, rule.resource));
      assert.equal(allowed, expected === 'Yes', `${column}: ${label} should be ${expected}`);
    });
  });
}

// How a refusal looks, as the document's "What a refusal looks like" says.
test('a restricted, case-scoped or unpublished record that may not be read is not found', () => {
  const [, publicActor] = COLUMNS[0]!;
  const [, member] = COLUMNS[1]!;
  assert.throws(() => authorize(member, 'read', { type: 'agenda-item', restricted: true, bodyId: BODY_B }), NotFoundError);
  assert.throws(() => authorize(member, 'read', { type: 'review-case', caseId: CASE_C }), NotFoundError);
  assert.throws(() => authorize(publicActor, 'read', { type: 'agenda', published: false }), NotFoundError);
});

test('anything else refused sends the public to sign in and refuses a signed-in user', () => {
  const [, publicActor] = COLUMNS[0]!;
  const [, member] = COLUMNS[1]!;
  const signIn = (e: unknown) => e instanceof ForbiddenError && e.reason === 'sign-in';
  const role = (e: unknown) => e instanceof ForbiddenError && e.reason === 'role';
  assert.throws(() => authorize(publicActor, 'create', { type: 'organisation' }), signIn);
  assert.throws(() => authorize(publicActor, 'read', { type: 'governance-overview', staffOnly: true }), signIn);
  assert.throws(() => authorize(member, 'read', { type: 'governance-overview', staffOnly: true }), role);
  assert.throws(() => authorize(member, 'administer', { type: 'user' }), role);
  assert.throws(() => authorize(user('officer'), 'administer', { type: 'user' }), role);
});

// Lists and search apply readScope; it must say what `can` says about seats.
test('readScope opens the bodies of current seats on open bodies, and of body grants, and nothing else', () => {
  const later: BodySeat = { bodyId: OTHER_BODY, startsOn: shifted(30), endsOn: null, bodyOpensToMembers: true };
  const scope = readScope(user('member', [{ scopeKind: 'case', scopeId: CASE_C }], OWNER, [SEAT_NOW, SEAT_ENDED, SEAT_CLOSED, later]));
  assert.deepEqual(scope, { kind: 'members', restrictedBodyIds: [BODY_B], caseIds: [CASE_C] });
  assert.deepEqual(readScope(user('member', [], OWNER, [SEAT_ENDED, SEAT_CLOSED, later])), { kind: 'members', restrictedBodyIds: [], caseIds: [] });
  // A seat that ends today still holds today; one that starts tomorrow does not yet.
  const today = ukToday();
  const endsToday = user('member', [], OWNER, [{ bodyId: BODY_B, startsOn: shifted(-10), endsOn: today, bodyOpensToMembers: true }]);
  assert.equal(can(endsToday, 'read', { type: 'agenda-item', restricted: true, bodyId: BODY_B }), true);
  // A seat opens restricted business, never a review case or the right to change the record.
  const seated = user('member', [], OWNER, [SEAT_NOW]);
  assert.equal(can(seated, 'read', { type: 'review-case', restricted: true, caseId: CASE_C, bodyId: BODY_B }), false);
  assert.equal(can(seated, 'update', { type: 'agenda-item', restricted: true, bodyId: BODY_B }), false);
});
