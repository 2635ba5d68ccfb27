// A sent issue of the bulletin in the search index, public like the archive. Drafts are
// never indexed (a member could find one), nor is anything about the people on the lists.
// An information session: a public one for anyone, a partners one for signed-in readers
// (as its page); its topic, description and speakers, never its joining link nor who registered.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { indexForSearch } from '../search/index.ts';
import { ukClock } from '../../web/nunjucks.ts';

export async function indexIssue(db: Kysely<DB> | Transaction<DB>, partnershipId: string, issueId: string): Promise<void> {
  const issue = await db.selectFrom('engagement_issues').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', issueId).executeTakeFirst();
  if (!issue || issue.status !== 'sent') return;
  const articles = await db.selectFrom('engagement_articles').select(['section', 'title', 'body']).where('partnership_id', '=', partnershipId).where('issue_id', '=', issueId).orderBy('position').execute();
  await indexForSearch(db, [{
    partnershipId, kind: 'bulletin', recordId: issue.id, bodyId: null, occurredOn: (issue.sent_at ?? issue.updated_at).toISOString().slice(0, 10),
    title: issue.title, content: [issue.title, issue.introduction, ...articles.flatMap((a) => [a.title, a.body.replace(/\*\*|\[|\]\([^)]*\)/g, '')])].filter(Boolean).join('\n'),
    url: `/bulletins/${issue.number}`, restricted: false, public: true,
  }]);
}

export async function indexSession(db: Kysely<DB> | Transaction<DB>, partnershipId: string, sessionId: string): Promise<void> {
  const s = await db.selectFrom('engagement_sessions').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', sessionId).executeTakeFirst();
  if (!s) return;
  await indexForSearch(db, [{
    partnershipId, kind: 'session', recordId: s.id, bodyId: null, occurredOn: ukClock(s.starts_at).iso,
    title: s.topic, content: [s.topic, s.description, s.speakers, s.venue].filter(Boolean).join('\n'),
    url: `/events/${s.id}`, restricted: false, public: s.audience === 'public',
  }]);
}
