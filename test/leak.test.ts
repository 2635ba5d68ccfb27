// Never leak. Restricted items, restricted papers and actions are seeded with marker
// words found nowhere else (in titles, descriptions, minutes, resolutions, declarations,
// paper text and file names, action descriptions and notes). The meeting is published.
// Then every GET route the app has (read from the router itself, ids of the seeded
// records put in), every feed and export, a search for each marker and every API answer
// is requested as the public and as a signed-in member without a grant, and no marker
// may appear: not in the body, not in a header, not in the text of a PDF. An officer
// makes the same requests and must see every marker somewhere, so the markers are known
// to be reachable and the test would notice a leak.
//
// Records also move between sections after their copies exist: items that were open
// when actions were raised from their minutes, papers uploaded and search entries
// written, are moved into section D (one through the pages, one through the API, one
// from D to B and back), and their words must then be as hidden as those of items that
// were always restricted. Moved back to an open section, they are open again. And every
// response that shows restricted content writes an audit entry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from './support/app.ts';
import type { LightMyRequestResponse } from 'fastify';
import { crawl, readable } from './support/leak.ts';
import { buildBody, personId } from '../src/modules/meetings/testing.ts';
import { addDays, todayIso } from '../src/modules/partnership/domain.ts';
import { holdMeeting, type HeldMeeting } from '../src/modules/public/testing.ts';
import { startSmtpTestServer } from '../src/mail/smtpTestServer.ts';
import { requireMailer } from '../src/mail/mailer.ts';
import { NoticeRunner } from '../src/modules/meetings/notices/runner.ts';
import { queueMeetingNotice } from '../src/modules/meetings/notices/queue.ts';

/**
 * Words that exist only in content the role may not read. Each is capitalised where it
 * is stored; searches send it in lower case, so a page that repeats the query back
 * (the search box) is not mistaken for a leak.
 */
const RESTRICTED = {
  itemTitle: 'Zorbalind',
  itemDescription: 'Quenthrax',
  paragraph: 'Vellumdrake',
  resolution: 'Trimbleroot',
  declaration: 'Fennimulch',
  paperTitle: 'Glossenwick',
  paperText: 'Brandlewisp',
  paperFileName: 'Yarrowmint',
  unpublishedRestrictedItem: 'Quarrelwick',
  restrictedAction: 'Plonkavist',
  restrictedActionNote: 'Gristlewhorl',
  supplementRestrictedItem: 'Snorkelbrim',
  restrictedPlanAction: 'Grindlewock',
  restrictedPlanUpdate: 'Quibblestaff',
} as const;

/**
 * Words of items that were open when their papers, minutes, actions and search entries
 * were made, and were then moved into section D: restricted from then on.
 */
const MOVED = {
  itemTitle: 'Pompelstrand',
  paragraph: 'Snickelvane',
  resolution: 'Drabbleknot',
  paperTitle: 'Wimblecrest',
  paperText: 'Frumpleton',
  actionFromForm: 'Clottershaw',
  actionFromApi: 'Grumbleaxe',
  roundTripItem: 'Moxiefern',
  roundTripResolution: 'Tindlequorn',
  roundTripAction: 'Yawlspindle',
  apiMovedItem: 'Kestlewaft',
  apiMovedResolution: 'Brisselcomb',
  apiMovedAction: 'Plimsoddle',
} as const;

/** Content for the partnership's own people but never the public. */
const UNPUBLISHED = {
  draftAgendaItem: 'Scrimshander',
  draftAgendaPaper: 'Pendleberry',
  unpublishedMinutes: 'Hollowquince',
  action: 'Wobbleshank',
  actionNote: 'Dunkelquay',
  lateItem: 'Crumblegate',
  // Funding: a proposal the Working Group has not yet dealt with, and a funded project's claim and progress return.
  fundingProposal: 'Pobblewort',
  fundingClaimPayee: 'Sprocketfinch',
  fundingProgress: 'Glimmerbask',
  draftAgreement: 'Fizzlethorp',
  draftPlanAction: 'Marrowpike',
  planUpdateNote: 'Toddlewhisk',
} as const;

/**
 * Words of review cases, the most restricted content there is: for the case's own people
 * only, never an officer or administrator who is not named on it. The published summary
 * is for everyone once published; the rest of a published case stays restricted.
 */
const CASE = {
  pseudonym: 'Wuzzlebrook',
  subject: 'Fnordquist',
  reasons: 'Sploodgewick',
  recommendation: 'Grimblethorpe',
  evidence: 'Quibbleshaw',
  panelName: 'Twizzlebeak',
  publishedSubject: 'Marrowglint',
  publishedRecommendation: 'Tumblesnort',
} as const;
const PUBLISHED_CASE = { pseudonym: 'Heronsgate', summary: 'Lanternfold' } as const;

let t: TestApp;
let officer: Client;
let bodyId: string;
let presenter: string;
let published: HeldMeeting;
let draft: HeldMeeting;
let unpublishedMinutes: HeldMeeting;
let supplemented: HeldMeeting;
const ids: Record<string, string> = {};

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  bodyId = await buildBody(t, 'Leakwater Partnership Board');
  presenter = await personId(t, 'Lindqvist');
  const member = await personId(t, 'Macrae');
  await t.database.db.insertInto('memberships').values({ partnership_id: t.partnershipId, body_id: bodyId, person_id: presenter, role: 'chair', starts_on: '2020-01-01' }).execute();

  published = await holdMeeting(t, officer, bodyId, {
    on: '2023-02-09', stage: 'minutes',
    items: [
      { section: 'B', title: 'Road safety update', presenterId: presenter, paragraphs: ['Casualties fell by a tenth.'], resolutions: ['to note the road safety update.'],
        paper: { title: 'Road safety report', fileName: 'road-safety.pdf', lines: ['Road safety: casualties fell by a tenth.'] } },
      { section: 'D', title: `Review of the death of ${RESTRICTED.itemTitle} 2021`, description: `Briefing on the ${RESTRICTED.itemDescription} case.`, presenterId: presenter,
        paragraphs: [`Chronologies from the ${RESTRICTED.paragraph} agencies were discussed.`],
        resolutions: [`that the ${RESTRICTED.resolution} findings be accepted.`],
        declaration: { personId: member, interest: `Sits on the ${RESTRICTED.declaration} panel` },
        paper: { title: `${RESTRICTED.paperTitle} chronology`, fileName: `${RESTRICTED.paperFileName}-chronology.pdf`, lines: [`PAPER TEXT ${RESTRICTED.paperText}: chronologies and panel findings.`] } },
      // Open for now: moved into section D below, once their copies exist.
      { section: 'B', title: `${MOVED.itemTitle} estate patrols`, presenterId: presenter,
        paragraphs: [`Residents of the ${MOVED.paragraph} flats reported threats.`], resolutions: [`that the ${MOVED.resolution} patrols continue.`],
        paper: { title: `${MOVED.paperTitle} patrol report`, fileName: 'patrols.pdf', lines: [`PAPER TEXT ${MOVED.paperText}: patrol findings.`] } },
      { section: 'D', title: `${MOVED.roundTripItem} disclosure`, resolutions: [`that the ${MOVED.roundTripResolution} disclosure be made.`] },
      { section: 'B', title: `${MOVED.apiMovedItem} housing referrals`, resolutions: [`that the ${MOVED.apiMovedResolution} referrals be reviewed.`] },
    ],
    attendance: [{ personId: presenter, kind: 'present', capacity: 'Chair' }, { personId: member, kind: 'apologies' }],
  });
  unpublishedMinutes = await holdMeeting(t, officer, bodyId, {
    on: '2023-05-11', stage: 'minutes-unpublished',
    items: [
      { section: 'B', title: 'Night-time economy', paragraphs: [`The ${UNPUBLISHED.unpublishedMinutes} licensing scheme was discussed.`], resolutions: ['to adopt the charter.'] },
      { section: 'D', title: `Exploitation group: ${RESTRICTED.unpublishedRestrictedItem}`, presenterId: presenter },
    ],
  });
  // A published agenda with a supplement that published a restricted late item, and a late item not yet published.
  supplemented = await holdMeeting(t, officer, bodyId, { on: addDays(todayIso(), 40), stage: 'agenda', items: [{ section: 'B', title: 'Street lighting' }] });
  const supplementedSections = await t.database.db.selectFrom('meeting_sections').select(['id', 'code']).where('meeting_id', '=', supplemented.id).execute();
  const sectionOf = (code: string) => supplementedSections.find((x) => x.code === code)!.id;
  await officer.get(`/meetings/${supplemented.id}`);
  assert.equal((await officer.post(`/meetings/${supplemented.id}/items/new`, { section_id: sectionOf('D'), title: `Case review ${RESTRICTED.supplementRestrictedItem}` })).statusCode, 303);
  assert.equal((await officer.post(`/meetings/${supplemented.id}/publish/supplement`, { confirm_warnings: 'yes' })).statusCode, 303);
  assert.equal((await officer.post(`/meetings/${supplemented.id}/items/new`, { section_id: sectionOf('B'), title: `${UNPUBLISHED.lateItem} late item` })).statusCode, 303);
  draft = await holdMeeting(t, officer, bodyId, {
    on: addDays(todayIso(), 30), stage: 'scheduled',
    items: [{ section: 'B', title: `${UNPUBLISHED.draftAgendaItem} bridges and underpasses`, presenterId: presenter,
      paper: { title: `${UNPUBLISHED.draftAgendaPaper} plan`, fileName: 'bridges.pdf', lines: ['Bridges.'] } }],
  });

  // Actions: never public; the restricted one only for those granted the body.
  await officer.get('/actions/new');
  const due = addDays(todayIso(), 20);
  const action = async (description: string, restricted: boolean, note: string) => {
    const res = await officer.post('/actions/new', {
      body_id: bodyId, description, owner_person_id: presenter, due_on: due, meeting_id: published.id, ...(restricted ? { restricted: 'yes' } : {}),
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    const id = /\/actions\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
    assert.equal((await officer.post(`/actions/${id}/updates`, { note })).statusCode, 303);
    return id;
  };
  ids.restrictedAction = await action(`Share the ${RESTRICTED.restrictedAction} chronology with the panel`, true, `Waiting for the ${RESTRICTED.restrictedActionNote} records`);
  ids.openAction = await action(`Report ${UNPUBLISHED.action} outcomes to the board`, false, `Asked the ${UNPUBLISHED.actionNote} team`);

  // Funding: a grant, a proposal still under consideration (never public), and a funded
  // project whose title is public but whose claims and progress are not.
  const funder = (await t.database.db.selectFrom('organisations').select('id').where('short_name', '=', 'OPCC').executeTakeFirstOrThrow()).id;
  const chair = await personId(t, 'Kellaway');
  const fy = Number(todayIso().slice(0, 4)) - (todayIso().slice(5) < '04-01' ? 1 : 0);
  const grant = await officer.json('POST', '/api/funding/grants', { funderOrganisationId: funder, programme: 'Leak Test Grant', financialYear: fy, awarded: '9,000', awardedOn: `${fy}-04-02` });
  assert.equal(grant.statusCode, 201, grant.body.slice(0, 300));
  ids.fundingGrant = grant.json().id;
  const fundingProposal = async (title: string) => {
    const res = await officer.json('POST', `/api/funding/grants/${ids.fundingGrant}/proposals`, {
      title, description: 'A project for the leak test.', amountAsked: '500', leadOrganisationId: funder, deliveryStartsOn: `${fy}-05-01`, deliveryEndsOn: `${fy + 1}-03-31`,
    });
    assert.equal(res.statusCode, 201, res.body.slice(0, 300));
    return res.json().id as string;
  };
  ids.fundingProposal = await fundingProposal(`${UNPUBLISHED.fundingProposal} youth outreach`);
  assert.equal((await officer.json('POST', `/api/funding/proposals/${ids.fundingProposal}/moves/consider`, { meetingId: published.id })).statusCode, 200);
  ids.fundingProject = await fundingProposal('Leak test funded project');
  for (const [move, body] of [['consider', { meetingId: published.id }], ['endorse', { personId: chair }], ['approve', { approvedBy: 'OPCC', evidence: 'Letter' }], ['start', {}]] as const) {
    const res = await officer.json('POST', `/api/funding/proposals/${ids.fundingProject}/moves/${move}`, body);
    assert.equal(res.statusCode, 200, `${move}: ${res.body.slice(0, 300)}`);
  }
  assert.equal((await officer.json('POST', `/api/funding/proposals/${ids.fundingProject}/claims`, { paidOn: todayIso(), amount: '120', payee: `${UNPUBLISHED.fundingClaimPayee} Ltd` })).statusCode, 201);
  assert.equal((await officer.json('POST', `/api/funding/proposals/${ids.fundingProject}/progress`, { text: `The ${UNPUBLISHED.fundingProgress} sessions began` })).statusCode, 201);
  // The strategy: a draft agreement and its plan (the partnership's own), a note on an
  // update of the published plan (its figures are public, its words are not), and a
  // restricted action of the published plan with its own update.
  const draftAgreement = await officer.json('POST', '/api/strategy/agreements', { period: '2040-41', title: `Agreement ${UNPUBLISHED.draftAgreement} 2040-41` });
  assert.equal(draftAgreement.statusCode, 201, draftAgreement.body);
  ids.draftAgreement = draftAgreement.json().id;
  const draftPriority = await officer.json('POST', `/api/strategy/agreements/${ids.draftAgreement}/priorities`, { kind: 'priority', title: 'Safer parks' });
  const draftLine = await officer.json('POST', `/api/strategy/agreements/${ids.draftAgreement}/plan`, { priorityId: draftPriority.json().id, title: `Light the ${UNPUBLISHED.draftPlanAction} path` });
  assert.equal(draftLine.statusCode, 201, draftLine.body);
  ids.draftPlanAction = draftLine.json().id;
  const publishedAgreement = await t.database.db.selectFrom('strategy_agreements').select('id').where('partnership_id', '=', t.partnershipId).where('status', '=', 'published').executeTakeFirstOrThrow();
  ids.publishedAgreement = publishedAgreement.id;
  const plan = (await officer.json('GET', `/api/strategy/agreements/${ids.publishedAgreement}/plan`)).json().items as { id: string; level: string; restricted: boolean }[];
  const openLine = plan.find((l) => l.level === 'action' && !l.restricted)!;
  ids.openPlanAction = openLine.id;
  assert.equal((await officer.json('POST', `/api/strategy/plan-actions/${openLine.id}/updates`, { note: `Met the ${UNPUBLISHED.planUpdateNote} residents` })).statusCode, 201);
  ids.restrictedPlanObjective = plan.find((l) => l.level === 'objective')!.id;
  const restrictedLine = await officer.json('POST', `/api/strategy/agreements/${ids.publishedAgreement}/plan`, { parentId: ids.restrictedPlanObjective, title: `Disrupt the ${RESTRICTED.restrictedPlanAction} line`, restricted: true });
  assert.equal(restrictedLine.statusCode, 201, restrictedLine.body);
  ids.restrictedPlanAction = restrictedLine.json().id;
  assert.equal((await officer.json('POST', `/api/strategy/plan-actions/${ids.restrictedPlanAction}/updates`, { progress: 10, note: `Closure order for ${RESTRICTED.restrictedPlanUpdate} flat` })).statusCode, 201);

  const db = t.database.db;
  const restrictedItem = published.items[`Review of the death of ${RESTRICTED.itemTitle} 2021`]!;
  ids.restrictedItem = restrictedItem;
  ids.restrictedPaper = published.papers[`${RESTRICTED.paperTitle} chronology`]!;
  ids.restrictedParagraph = (await db.selectFrom('minute_paragraphs').select('id').where('agenda_item_id', '=', restrictedItem).executeTakeFirstOrThrow()).id;
  ids.restrictedResolution = (await db.selectFrom('resolutions').select('id').where('agenda_item_id', '=', restrictedItem).executeTakeFirstOrThrow()).id;
  ids.restrictedDeclaration = (await db.selectFrom('declarations_of_interest').select('id').where('agenda_item_id', '=', restrictedItem).executeTakeFirstOrThrow()).id;
  ids.unpublishedRestrictedItem = unpublishedMinutes.items[`Exploitation group: ${RESTRICTED.unpublishedRestrictedItem}`]!;
  ids.draftItem = draft.items[`${UNPUBLISHED.draftAgendaItem} bridges and underpasses`]!;
  ids.draftPaper = draft.papers[`${UNPUBLISHED.draftAgendaPaper} plan`]!;
  ids.openItem = published.items['Road safety update']!;
  ids.openPaper = published.papers['Road safety report']!;
  ids.unpublishedParagraph = (await db.selectFrom('minute_paragraphs').select('id').where('meeting_id', '=', unpublishedMinutes.id).executeTakeFirstOrThrow()).id;
  ids.attendance = (await db.selectFrom('meeting_attendance').select('id').where('meeting_id', '=', published.id).executeTakeFirstOrThrow()).id;

  // Copies of open minutes first (actions, from the form and the API), then the moves.
  ids.movedItem = published.items[`${MOVED.itemTitle} estate patrols`]!;
  ids.movedPaper = published.papers[`${MOVED.paperTitle} patrol report`]!;
  ids.roundTripItem = published.items[`${MOVED.roundTripItem} disclosure`]!;
  ids.apiMovedItem = published.items[`${MOVED.apiMovedItem} housing referrals`]!;
  const sourceOf = async (table: 'resolutions' | 'minute_paragraphs', itemId: string) =>
    (await db.selectFrom(table).select(['id', 'text']).where('agenda_item_id', '=', itemId).executeTakeFirstOrThrow());
  const movedResolution = await sourceOf('resolutions', ids.movedItem);
  ids.movedActionFromForm = await actionFromForm(`Fund the ${MOVED.actionFromForm} patrols`, movedResolution);
  ids.movedActionFromApi = await actionFromApi(`Visit the ${MOVED.actionFromApi} residents`, 'minute-paragraph', await sourceOf('minute_paragraphs', ids.movedItem));
  await moveItem(ids.roundTripItem, 'B');
  ids.roundTripAction = await actionFromApi(`Make the ${MOVED.roundTripAction} disclosure`, 'resolution', await sourceOf('resolutions', ids.roundTripItem));
  await moveItem(ids.roundTripItem, 'D');
  ids.apiMovedAction = await actionFromForm(`Review the ${MOVED.apiMovedAction} referrals`, await sourceOf('resolutions', ids.apiMovedItem));
  await moveItem(ids.apiMovedItem, 'D', { api: true });
  await moveItem(ids.movedItem, 'D');
  await seedReviewCases();
});

/** An action raised from a minute's words on the form the item page links to, without the restricted box ticked. */
async function actionFromForm(description: string, source: { id: string; text: string }): Promise<string> {
  await officer.get('/actions/new');
  const res = await officer.post('/actions/new', {
    body_id: bodyId, meeting_id: published.id, source_kind: 'resolution', source_id: source.id, source_text: source.text,
    description, owner_person_id: presenter, due_on: addDays(todayIso(), 25),
  });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  return /\/actions\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
}

/** The same through the API, saying it is not restricted. */
async function actionFromApi(description: string, sourceKind: 'resolution' | 'minute-paragraph', source: { id: string; text: string }): Promise<string> {
  const res = await officer.json('POST', '/api/actions', {
    bodyId, meetingId: published.id, sourceKind, sourceId: source.id, sourceText: source.text, description, ownerPersonId: presenter,
    dueOn: addDays(todayIso(), 25), restricted: false,
  });
  assert.equal(res.statusCode, 201, res.body.slice(0, 300));
  return res.json().id as string;
}

/**
 * Moves an item to another section of the published meeting, by the item's form or the API,
 * keeping everything else. Published minutes are not changed silently, so the clerk
 * withdraws them with a reason, moves the item and publishes them again.
 */
async function moveItem(itemId: string, section: 'B' | 'D', opts: { api?: boolean } = {}) {
  const db = t.database.db;
  const item = await db.selectFrom('agenda_items').selectAll().where('id', '=', itemId).executeTakeFirstOrThrow();
  const target = await db.selectFrom('meeting_sections').select('id').where('meeting_id', '=', item.meeting_id).where('code', '=', section).executeTakeFirstOrThrow();
  const meeting = await db.selectFrom('meetings').select('minutes_published_at').where('id', '=', item.meeting_id).executeTakeFirstOrThrow();
  if (meeting.minutes_published_at) {
    await officer.get(`/meetings/${item.meeting_id}/withdraw/minutes`);
    const withdrawn = await officer.post(`/meetings/${item.meeting_id}/withdraw/minutes`, { reason: `Item ${item.code} is moved to section ${section}` });
    assert.equal(withdrawn.statusCode, 303, withdrawn.body.slice(0, 300));
  }
  if (opts.api) {
    const res = await officer.json('PUT', `/api/meetings/${item.meeting_id}/items/${itemId}`, {
      sectionId: target.id, title: item.title, kind: item.kind, minuted: item.minuted, minuteNumber: item.minute_number,
    });
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  } else {
    await officer.get(`/meetings/${item.meeting_id}/items/${itemId}/edit`);
    const res = await officer.post(`/meetings/${item.meeting_id}/items/${itemId}/edit`, {
      section_id: target.id, title: item.title, kind: item.kind, minuted: item.minuted ? 'yes' : 'no', minute_number: String(item.minute_number ?? ''),
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  }
  if (meeting.minutes_published_at) {
    const republished = await officer.post(`/meetings/${item.meeting_id}/publish/minutes`, { confirm_warnings: 'yes' });
    assert.equal(republished.statusCode, 303, republished.body.slice(0, 300));
  }
}
// Two review cases opened by the clerk (so she is their coordinator), one of them published;
// a third case opened by another officer, with the panel member named on it: a panel member
// of another case. Nobody else is named on anything.
const cases: Record<string, string> = {};
let officerNotNamed: Client;
/** Called at the end of the first `before`, once the app and the clerk exist. */
async function seedReviewCases() {
  const db = t.database.db;
  const hash = (await db.selectFrom('users').select('password_hash').where('email', '=', demoUsers.officer).executeTakeFirstOrThrow()).password_hash;
  const u = await db.insertInto('users').values({ email: 'leak-officer2@northshire.example', display_name: 'Officer Not Named', password_hash: hash, demo: true }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('partnership_users').values({ partnership_id: t.partnershipId, user_id: u.id, role: 'officer' }).execute();
  officerNotNamed = await new Client(t.app).signIn('leak-officer2@northshire.example');
  const open = async (client: Client, form: Record<string, string>) => {
    await client.get('/reviews/new');
    const res = await client.post('/reviews/new', form);
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    return /\/reviews\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
  };
  const notified = addDays(todayIso(), -20);
  cases.restricted = await open(officer, { kind_code: 'dhr', pseudonym: CASE.pseudonym, year: '2026', notified_on: notified, subject_details: `${CASE.subject}, the subject` });
  const ok = async (res: LightMyRequestResponse, code = 303) => assert.equal(res.statusCode, code, res.body.slice(0, 300));
  await ok(await officer.post(`/reviews/${cases.restricted}/stages`, { stage: 'decision', happened_on: addDays(todayIso(), -10), outcome: 'no-review', reasons: `The ${CASE.reasons} criteria were not met` }));
  await ok(await officer.post(`/reviews/${cases.restricted}/people`, { place: 'independent-chair', name: `${CASE.panelName} Chair`, agency: 'Independent' }));
  await ok(await officer.post(`/reviews/${cases.restricted}/recommendations/new`, { text: `Share the ${CASE.recommendation} records`, agency: 'Northshire Police', due_on: addDays(todayIso(), 30), theme: 'information-sharing' }));
  const rec = await db.selectFrom('review_recommendations').select('id').where('case_id', '=', cases.restricted).executeTakeFirstOrThrow();
  cases.recommendation = rec.id;
  await ok(await officer.post(`/reviews/${cases.restricted}/recommendations/${rec.id}/updates`, { status: 'completed', evidence: `The ${CASE.evidence} protocol, signed` }));
  await ok(await officer.post(`/reviews/${cases.restricted}/themes`, { themes: ['_none', 'alcohol'] }));
  cases.person = (await db.selectFrom('review_case_people').select('id').where('case_id', '=', cases.restricted).where('place', '=', 'independent-chair').executeTakeFirstOrThrow()).id;

  cases.published = await open(officer, { kind_code: 'sar', pseudonym: PUBLISHED_CASE.pseudonym, year: '2025', notified_on: addDays(todayIso(), -60), subject_details: CASE.publishedSubject });
  await ok(await officer.post(`/reviews/${cases.published}/stages`, { stage: 'decision', happened_on: addDays(todayIso(), -50), outcome: 'review' }));
  await ok(await officer.post(`/reviews/${cases.published}/recommendations/new`, { text: `Audit the ${CASE.publishedRecommendation} referrals`, agency: 'Northshire County Council' }));
  await ok(await officer.post(`/reviews/${cases.published}/publish`, { published_on: todayIso(), published_summary: `The ${PUBLISHED_CASE.summary} review found gaps in sharing.` }));

  cases.other = await open(officerNotNamed, { kind_code: 'sar', pseudonym: 'Otherfield', year: '2026', notified_on: notified });
  const panelUser = await db.selectFrom('users').select('id').where('email', '=', demoUsers.panel).executeTakeFirstOrThrow();
  await officerNotNamed.get(`/reviews/${cases.other}/people`);
  await ok(await officerNotNamed.post(`/reviews/${cases.other}/people`, { place: 'agency-representative', user_id: panelUser.id }));
}

after(async () => { await t?.close(); });

// ---------------------------------------------------------------- the app's routes

/** Every route and its methods, read from the router's own printout (and checked against it). */
function appRoutes(): { path: string; methods: string[] }[] {
  const lines = t.app.printRoutes({ commonPrefix: false }).split('\n').filter((l) => l.trim());
  const stack: string[] = [''];
  const routes: { path: string; methods: string[] }[] = [];
  for (const line of lines) {
    const m = /^([\s│├└─]*)(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) throw new Error(`unreadable route line: ${line}`);
    const depth = m[1]!.length / 4;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack[depth] = path;
    stack.length = depth + 1;
    if (m[3]) routes.push({ path, methods: m[3].split(', ') });
  }
  return routes;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** The ids a route's parameter is tried with: the seeded records, restricted ones first. */
async function candidates(route: string, param: string): Promise<string[]> {
  const db = t.database.db;
  const first = async (table: 'memberships' | 'users' | 'sharing_agreements' | 'agenda_section_defaults' | 'access_grants') =>
    ((await db.selectFrom(table).select('id').limit(1).executeTakeFirst()) as { id: string } | undefined)?.id ?? '00000000-0000-4000-8000-000000000000';
  switch (param) {
    case 'itemId': return [ids.restrictedItem!, ids.unpublishedRestrictedItem!, ids.draftItem!, ids.openItem!, ids.movedItem!, ids.roundTripItem!, ids.apiMovedItem!];
    case 'paperId': return [ids.restrictedPaper!, ids.draftPaper!, ids.openPaper!, ids.movedPaper!];
    // The route ignores the file name; a plain one keeps markers out of the address.
    case 'fileName': return ['paper.pdf'];
    case 'recordId': return [ids.restrictedParagraph!, ids.restrictedResolution!, ids.restrictedDeclaration!, ids.unpublishedParagraph!, ids.attendance!, ids.restrictedItem!, ids.restrictedAction!, ids.restrictedPlanAction!, ids.draftAgreement!];
    case 'recordType': return ['agenda-item', 'paper', 'minute-paragraph', 'resolution', 'declaration', 'action', 'meeting', 'plan-action', 'strategy-agreement'];
    case 'grantId': return [await first('access_grants')];
    case 'recId': return [cases.recommendation!];
    case 'personId': return [cases.person!];
    case 'event': return ['agenda', 'supplement', 'minutes'];
    case 'what': return ['agenda', 'minutes'];
    case 'move': return ['consider', 'approve'];
  }
  const segment = route.replace(/^\/api\//, '/').split('/')[1];
  switch (segment) {
    case 'meetings': return [published.id, unpublishedMinutes.id, draft.id, supplemented.id];
    case 'bodies': return [bodyId];
    case 'people': return [presenter];
    case 'organisations': {
      const p = await db.selectFrom('people').select('organisation_id').where('id', '=', presenter).executeTakeFirstOrThrow();
      return [p.organisation_id!];
    }
    case 'actions': return [ids.restrictedAction!, ids.openAction!, ids.movedActionFromForm!, ids.movedActionFromApi!, ids.roundTripAction!, ids.apiMovedAction!];
    case 'memberships': return [await first('memberships')];
    case 'admin': case 'users': return [await first('users')];
    case 'governance': case 'sharing-agreements': return [await first('sharing_agreements')];
    case 'agenda-sections': return [await first('agenda_section_defaults')];
    case 'reviews': case 'published-reviews': return [cases.restricted!, cases.published!, cases.other!];
    case 'funding': return /^(\/api)?\/funding\/proposals\//.test(route) ? [ids.fundingProposal!, ids.fundingProject!] : [ids.fundingGrant!];
    case 'strategy': return [ids.draftAgreement!, ids.publishedAgreement!, ids.restrictedPlanAction!, ids.draftPlanAction!, ids.openPlanAction!];
    default: return [published.id, bodyId, ids.restrictedItem!, ids.restrictedAction!];
  }
}

/** Searches and filters that take words: one request per marker, sent in lower case. */
const WORD_ROUTES = ['/search', '/api/search', '/decisions', '/api/decisions', '/open-data/decisions.csv'];

async function addresses(): Promise<{ routes: string[]; urls: string[] }> {
  const all = appRoutes();
  const gets = all.filter((r) => r.methods.includes('GET'))
    // Files of GOV.UK Frontend and our own stylesheet hold no records.
    .filter((r) => !r.path.startsWith('/assets/') && !r.path.startsWith('/static/') && r.path !== '/*' && !r.path.endsWith('*'));
  for (const r of gets) assert.ok(t.app.hasRoute({ method: 'GET', url: r.path }), `the router printout names ${r.path}`);
  const markers = [...Object.values(RESTRICTED), ...Object.values(MOVED), ...Object.values(UNPUBLISHED), ...Object.values(CASE), ...Object.values(PUBLISHED_CASE)];
  const urls: string[] = [];
  for (const { path } of gets) {
    const params = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    let filled = [path];
    for (const p of params) {
      const values = await candidates(path, p);
      filled = filled.flatMap((u) => values.map((v) => u.replace(`:${p}`, v)));
    }
    urls.push(...filled.slice(0, 60));
    if (WORD_ROUTES.includes(path)) urls.push(...markers.map((m) => `${path}?q=${encodeURIComponent(m.toLowerCase())}`));
  }
  urls.push(`/calendar?body=${bodyId}&year=2023`, `/calendar?body=${bodyId}`, '/open-data/events.json?year=2023', `/meetings?body=${bodyId}`,
    '/actions?status=all', '/reviews/annual-summary?year=2026', '/api/review-summary?year=2026',
    ...['review-case', 'review-recommendation', 'review-person'].flatMap((type) => [cases.restricted, cases.recommendation, cases.person, cases.published]
      .flatMap((id) => [`/history/${type}/${id}`, `/api/history/${type}/${id}`])), `/decisions?body=${bodyId}`, `/open-data/decisions.csv?body=${bodyId}`,
    `/strategy/agreements/${ids.publishedAgreement}/plan?status=at-risk`, `/strategy/agreements/${ids.publishedAgreement}/compare?with=${ids.draftAgreement}`,
    // The plan's page shows the objectives; the restricted action's, opened.
    `/strategy/agreements/${ids.publishedAgreement}/plan?open=${ids.restrictedPlanObjective}`,
    ...[published.id, unpublishedMinutes.id, draft.id, supplemented.id].flatMap((id) => ['agenda', 'supplement', 'minutes'].map((e) => `/api/meetings/${id}/publication-check?event=${e}`)));
  return { routes: gets.map((r) => r.path), urls: [...new Set(urls)] };
}

const restrictedIds = () => ({
  'id of the restricted item': ids.restrictedItem!, 'id of the restricted paper': ids.restrictedPaper!, 'id of the restricted paragraph': ids.restrictedParagraph!,
  'id of the restricted resolution': ids.restrictedResolution!, 'id of the restricted declaration': ids.restrictedDeclaration!,
  'id of the restricted item of unpublished minutes': ids.unpublishedRestrictedItem!, 'id of the restricted action': ids.restrictedAction!,
  'id of the item moved into section D': ids.movedItem!, 'id of the paper of the item moved into section D': ids.movedPaper!,
  'id of the item moved to section B and back': ids.roundTripItem!, 'id of the item moved into section D by the API': ids.apiMovedItem!,
  'id of the action from a moved resolution': ids.movedActionFromForm!, 'id of the action from a moved paragraph': ids.movedActionFromApi!,
  'id of the action made while its item was in section B': ids.roundTripAction!, 'id of the action from the item moved by the API': ids.apiMovedAction!,
  'id of the restricted plan action': ids.restrictedPlanAction!,
});
const unpublishedIds = () => ({
  'id of the draft agenda item': ids.draftItem!, 'id of the draft paper': ids.draftPaper!, 'id of the open action': ids.openAction!,
  'id of the funding proposal under consideration': ids.fundingProposal!,
  'id of the draft agreement': ids.draftAgreement!, 'id of the draft plan action': ids.draftPlanAction!,
});

test('no marker of restricted or unpublished content reaches the public or a member without a grant, on any route', async (ctx) => {
  const { routes, urls } = await addresses();
  assert.ok(routes.length > 50, `only ${routes.length} routes found`);
  for (const must of ['/funding', '/funding/grants/:id', '/funding/proposals/:id', '/api/funding/grants/:id/proposals', '/funding/grants/:id/projects.csv', '/funding/grants/:id/update', '/public', '/calendar', '/decisions', '/feeds/published.atom', '/open-data/events.json', '/open-data/decisions.csv', '/open-data/attendance.csv', '/search', '/api/search', '/meetings/:id', '/api/meetings/:id']) {
    assert.ok(routes.includes(must), `${must} is among the routes requested`);
  }
  const restrictedMarkers = [...Object.values(RESTRICTED), ...Object.values(MOVED)] as string[];
  const unpublishedMarkers = Object.values(UNPUBLISHED) as string[];

  // The officer sees every marker somewhere: the markers are real and reachable.
  const staff = await crawl(officer, urls, [...restrictedMarkers, ...unpublishedMarkers], {});
  for (const m of [...restrictedMarkers, ...unpublishedMarkers]) assert.ok(staff.seen.has(m), `the officer never saw ${m}: the test could not notice its leak`);

  const roles = [
    { name: 'public', client: new Client(t.app), markers: [...restrictedMarkers, ...unpublishedMarkers], idMarkers: { ...restrictedIds(), ...unpublishedIds() } },
    { name: 'member without a grant', client: await new Client(t.app).signIn(demoUsers.member), markers: restrictedMarkers, idMarkers: restrictedIds() },
  ];
  let checks = 0;
  const leaks: string[] = [];
  const errors: string[] = [...staff.serverErrors.map((e) => `officer ${e}`)];
  let pdfs = staff.pdfs;
  for (const role of roles) {
    const result = await crawl(role.client, urls, role.markers, role.idMarkers);
    checks += urls.length * (role.markers.length + Object.keys(role.idMarkers).length);
    pdfs += result.pdfs;
    for (const [marker, where] of result.seen) leaks.push(`${role.name} saw ${marker} at ${where.slice(0, 5).join(', ')}`);
    errors.push(...result.serverErrors.map((e) => `${role.name} ${e}`));
  }
  const markerCount = restrictedMarkers.length + unpublishedMarkers.length;
  const idCount = Object.keys({ ...restrictedIds(), ...unpublishedIds() }).length;
  const summary = `leak test: ${routes.length} GET routes requested at ${urls.length} addresses (ids of the seeded records put in, one search per marker), `
    + `${markerCount} marker words (${restrictedMarkers.length} restricted, ${Object.values(MOVED).length} of them of items moved into section D after their copies were made; ${unpublishedMarkers.length} unpublished) and ${idCount} record ids, `
    + `${roles.length} roles (public; member without a grant), ${pdfs} PDFs read as text: ${checks} checks, ${leaks.length} leaks`;
  ctx.diagnostic(summary);
  assert.deepEqual(leaks, []);
  assert.deepEqual(errors, [], 'no route answers with a server error');
});

test('every response that shows restricted content writes an audit entry of the read, for an officer and for a member granted the body', async (ctx) => {
  const { urls } = await addresses();
  const db = t.database.db;
  const panelUser = await db.selectFrom('users').select('id').where('email', '=', demoUsers.panel).executeTakeFirstOrThrow();
  await db.insertInto('access_grants').values({ partnership_id: t.partnershipId, user_id: panelUser.id, scope_kind: 'body', scope_id: bodyId })
    .onConflict((oc) => oc.doNothing()).execute();
  const granted = await new Client(t.app).signIn(demoUsers.panel);
  const reads = async () => Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('partnership_id', '=', t.partnershipId).where('action', '=', 'read').executeTakeFirstOrThrow()).n);
  const restrictedMarkers = [...Object.values(RESTRICTED), ...Object.values(MOVED)] as string[];
  const unaudited: string[] = [];
  const showing = new Set<string>();
  for (const [role, client] of [['officer', officer], ['member granted the body', granted]] as const) {
    for (const url of urls) {
      const before = await reads();
      const res = await client.get(url);
      if (res.statusCode !== 200) continue;
      const text = await readable(res);
      const shown = restrictedMarkers.filter((m) => text.includes(m));
      if (!shown.length) continue;
      showing.add(url.replace(new RegExp(UUID.source, 'g'), ':id').replace(/\?.*$/, ''));
      if ((await reads()) === before) unaudited.push(`${role}: ${url} showed ${shown.join(', ')}`);
    }
  }
  ctx.diagnostic(`restricted reads audited: ${showing.size} routes showed restricted content (${[...showing].sort().join(' ')})`);
  assert.deepEqual(unaudited, []);
  // Pages, the API, PDFs, downloads, history, search, actions, matters arising and activity among them.
  for (const must of ['/meetings/:id', '/api/meetings/:id', '/meetings/:id/agenda-pack.pdf', '/meetings/:id/papers/:id/paper.pdf', '/actions/:id', '/api/actions/:id',
    '/actions', '/api/actions', '/api/bodies/:id/matters-arising', '/people/:id/activity', '/history/agenda-item/:id', '/history/action/:id', '/api/history/resolution/:id',
    '/search', '/api/search', '/strategy/plan-actions/:id', '/api/strategy/plan-actions/:id', '/strategy/agreements/:id/plan', '/strategy/agreements/:id/plan.csv',
    '/api/strategy/agreements/:id/plan']) {
    assert.ok(showing.has(must), `${must} was among the routes that showed restricted content`);
  }
});

test('moved back to an open section, the moved items and the actions from them are open again; the rest stays restricted', async (ctx) => {
  await moveItem(ids.movedItem!, 'B');
  await moveItem(ids.apiMovedItem!, 'B', { api: true });
  const member = await new Client(t.app).signIn(demoUsers.member);
  const open: [string, string][] = [
    [`/actions/${ids.movedActionFromForm}`, MOVED.actionFromForm], [`/api/actions/${ids.movedActionFromApi}`, MOVED.actionFromApi],
    [`/api/actions/${ids.apiMovedAction}`, MOVED.apiMovedAction], [`/meetings/${published.id}/items/${ids.movedItem}`, MOVED.paragraph],
    [`/api/search?q=${MOVED.resolution.toLowerCase()}`, MOVED.resolution], [`/api/search?q=${MOVED.actionFromForm.toLowerCase()}`, MOVED.actionFromForm],
  ];
  for (const [url, marker] of open) {
    const res = await member.get(url);
    assert.equal(res.statusCode, 200, url);
    assert.ok(res.body.includes(marker), `the member reads ${marker} at ${url} again`);
  }
  // The public reads the published minutes again, never the actions.
  const anyone = new Client(t.app);
  assert.ok((await anyone.get(`/meetings/${published.id}`)).body.includes(MOVED.resolution));
  assert.equal((await anyone.json('GET', `/api/search?q=${MOVED.actionFromForm.toLowerCase()}`)).json().total, 0);

  // Everything still in section D, the item moved there and back included, stays hidden from the member on every route.
  const { urls } = await addresses();
  const stillRestricted = [...Object.values(RESTRICTED), MOVED.roundTripItem, MOVED.roundTripResolution, MOVED.roundTripAction] as string[];
  const stillRestrictedIds = Object.fromEntries(Object.entries(restrictedIds()).filter(([name]) => !/moved into section D|moved resolution|moved paragraph|moved by the API/.test(name)));
  const result = await crawl(member, urls, stillRestricted, stillRestrictedIds);
  ctx.diagnostic(`after moving back: ${urls.length} addresses, ${urls.length * (stillRestricted.length + Object.keys(stillRestrictedIds).length)} checks as the member without a grant, ${result.seen.size} leaks`);
  assert.deepEqual([...result.seen].map(([m, where]) => `${m} at ${where.slice(0, 5).join(', ')}`), []);
  assert.deepEqual(result.serverErrors, []);
});

test('the member without a grant does see the partnership’s own unpublished work: the check above is about restriction, not sign-in', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.match((await member.get(`/actions/${ids.openAction}`)).body, new RegExp(UNPUBLISHED.action));
  assert.match((await member.get(`/meetings/${draft.id}`)).body, new RegExp(UNPUBLISHED.draftAgendaItem));
  assert.equal((await member.get(`/actions/${ids.restrictedAction}`)).statusCode, 404);
  assert.equal((await member.get(`/meetings/${published.id}/items/${ids.restrictedItem}`)).statusCode, 404);
  assert.ok(UUID.test(ids.restrictedItem!));
});

test('no marker of restricted content reaches an e-mail notice to a recipient not entitled, in its text, HTML or calendar invitation', async () => {
  const smtp = await startSmtpTestServer();
  const mailer = requireMailer({ smtpUrl: smtp.url, mailFrom: 'csp@northshire.example' });
  try {
    // Two members of the body without accounts (so, as the policy sees them, the public), and
    // the officer, entitled, who must get the markers: the check can see a leak.
    const db = t.database.db;
    for (const family of ['Chen', 'Abernethy']) {
      await db.insertInto('memberships').values({ partnership_id: t.partnershipId, body_id: bodyId, person_id: await personId(t, family), role: 'member', starts_on: '2020-01-01' }).execute();
    }
    const officerUser = await db.selectFrom('users').select(['id', 'display_name']).where('email', '=', demoUsers.officer).executeTakeFirstOrThrow();
    const actor = { kind: 'user' as const, partnershipId: t.partnershipId, userId: officerUser.id, displayName: officerUser.display_name, role: 'officer' as const, personId: null, grants: [] };
    for (const kind of ['agenda', 'supplement', 'minutes'] as const) await db.transaction().execute((trx) => queueMeetingNotice(trx, actor, published.id, kind));
    await new NoticeRunner({ db, mailer, config: { baseUrl: 'https://csp.example.org', mailFrom: 'csp@northshire.example' } }).drain();
    const mails = await smtp.waitFor(1);
    const markers = Object.values(RESTRICTED) as string[];
    const notEntitled = mails.filter((m) => !m.envelopeTo.includes(demoUsers.officer));
    const entitled = mails.filter((m) => m.envelopeTo.includes(demoUsers.officer));
    assert.ok(notEntitled.length >= 6, `${notEntitled.length} e-mails to people not entitled`);
    assert.equal(entitled.length, 3);
    for (const m of notEntitled) {
      const all = [m.raw, m.text, m.html ?? '', ...m.attachments.map((a) => a.content)].join('\n');
      for (const w of markers) assert.ok(!all.includes(w), `${w} in the e-mail "${m.headers.get('subject')}" to ${m.envelopeTo}`);
    }
    assert.ok(entitled.some((m) => m.text.includes(RESTRICTED.itemTitle)), 'the officer’s notice carries the restricted item');
  } finally {
    mailer.close();
    await smtp.close();
  }
});

test('nothing of a review case reaches anyone not named on it, on any route: the public, a member, an officer or administrator not named, a panel member of another case', async (ctx) => {
  const { routes, urls } = await addresses();
  for (const must of ['/reviews', '/reviews/:id', '/api/reviews/:id', '/reviews/:id/recommendations/:recId', '/reviews/recommendations.csv', '/reviews/recommendations.json',
    '/api/review-recommendations', '/reviews/update-paper', '/reviews/themes', '/reviews/:id/history', '/published-reviews/:id', '/api/published-reviews']) {
    assert.ok(routes.includes(must), `${must} is among the routes requested`);
  }
  const caseMarkers = Object.values(CASE) as string[];
  // Of the published case, its pseudonym and summary are public; everything else of it is not.
  const coordinator = await crawl(officer, urls, [...caseMarkers, ...Object.values(PUBLISHED_CASE)], {});
  for (const m of caseMarkers) assert.ok(coordinator.seen.has(m), `the coordinator never saw ${m}: the test could not notice its leak`);
  const caseIds = { 'id of the unpublished case': cases.restricted!, 'id of its recommendation': cases.recommendation!, 'id of a person on it': cases.person! };
  const roles = [
    { name: 'public', client: new Client(t.app) },
    { name: 'member', client: await new Client(t.app).signIn(demoUsers.member) },
    { name: 'officer not named on the cases', client: officerNotNamed },
    { name: 'administrator not named on the cases', client: await new Client(t.app).signIn(demoUsers.administrator) },
    { name: 'panel member of another case', client: await new Client(t.app).signIn(demoUsers.panel) },
  ];
  const leaks: string[] = [];
  const errors: string[] = coordinator.serverErrors.map((e) => `coordinator ${e}`);
  let checks = 0;
  for (const role of roles) {
    const result = await crawl(role.client, urls, caseMarkers, caseIds);
    checks += urls.length * (caseMarkers.length + Object.keys(caseIds).length);
    for (const [marker, where] of result.seen) leaks.push(`${role.name} saw ${marker} at ${where.slice(0, 5).join(', ')}`);
    errors.push(...result.serverErrors.map((e) => `${role.name} ${e}`));
  }
  // The published review is reachable by the public: the check above would see a leak of it.
  const anyone = new Client(t.app);
  const publicPage = await anyone.get(`/published-reviews/${cases.published}`);
  assert.ok(publicPage.body.includes(PUBLISHED_CASE.summary) && publicPage.body.includes(PUBLISHED_CASE.pseudonym));
  ctx.diagnostic(`review leak test: ${urls.length} addresses, ${caseMarkers.length} case marker words and ${Object.keys(caseIds).length} ids, ${roles.length} roles: ${checks} checks, ${leaks.length} leaks`);
  assert.deepEqual(leaks, []);
  assert.deepEqual(errors, [], 'no route answers with a server error');
});

test('every response that shows a review case to its coordinator writes an audit entry of the read, naming the case', async (ctx) => {
  const { urls } = await addresses();
  const db = t.database.db;
  const caseMarkers = [CASE.pseudonym, CASE.subject, CASE.reasons, CASE.recommendation, CASE.evidence, CASE.panelName, CASE.publishedSubject, CASE.publishedRecommendation] as string[];
  const caseReads = async () => Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('partnership_id', '=', t.partnershipId).where('action', '=', 'read').where('record_type', '=', 'review-case').executeTakeFirstOrThrow()).n);
  const unaudited: string[] = [];
  const showing = new Set<string>();
  for (const url of urls) {
    const before = await caseReads();
    const res = await officer.get(url);
    if (res.statusCode !== 200) continue;
    const shown = caseMarkers.filter((m) => res.body.includes(m));
    if (!shown.length) continue;
    showing.add(url.replace(new RegExp(UUID.source, 'g'), ':id').replace(/\?.*$/, ''));
    if ((await caseReads()) === before) unaudited.push(`${url} showed ${shown.join(', ')}`);
  }
  ctx.diagnostic(`review reads audited: ${showing.size} routes showed a case (${[...showing].sort().join(' ')})`);
  assert.deepEqual(unaudited, []);
  for (const must of ['/reviews', '/reviews/:id', '/api/reviews/:id', '/reviews/recommendations.csv', '/reviews/update-paper', '/reviews/:id/recommendations/:id']) {
    assert.ok(showing.has(must), `${must} was among the routes that showed a case`);
  }
});
