// The agreement and its plan in the search index. A draft is found only by the
// partnership's own people; a published agreement by everyone; plan lines by the public
// only when the partnership shows the plan's progress; restricted lines only by those
// the policy entitles to the monitoring body's restricted business.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { indexForSearch } from '../search/index.ts';
import { isAgreementPublic } from './domain.ts';
import type { Agreement } from './store.ts';

export async function indexAgreement(db: Kysely<DB> | Transaction<DB>, a: Agreement): Promise<void> {
  const pid = a.partnership_id;
  const priorities = await db.selectFrom('strategy_priorities').select(['title', 'description', 'reasons']).where('partnership_id', '=', pid)
    .where('agreement_id', '=', a.id).orderBy('kind').orderBy('position').execute();
  const lines = await db.selectFrom('strategy_plan_lines').select(['id', 'ref', 'title', 'description', 'partners', 'restricted', 'created_at'])
    .where('partnership_id', '=', pid).where('agreement_id', '=', a.id).execute();
  const isPublic = isAgreementPublic(a.status);
  await indexForSearch(db, [
    {
      partnershipId: pid, kind: 'agreement', recordId: a.id, bodyId: a.monitoring_body_id, occurredOn: a.agreed_on ?? a.starts_on,
      title: a.title, content: [a.title, a.summary, ...priorities.flatMap((p) => [p.title, p.description, p.reasons])].filter(Boolean).join('\n'),
      url: `/strategy/agreements/${a.id}`, restricted: false, public: isPublic,
    },
    ...lines.map((l) => ({
      partnershipId: pid, kind: 'plan-action' as const, recordId: l.id, bodyId: a.monitoring_body_id, occurredOn: l.created_at.toISOString().slice(0, 10),
      title: `${l.ref} ${l.title}`.slice(0, 200), content: [l.title, l.description, l.partners].filter(Boolean).join('\n'),
      url: `/strategy/plan-actions/${l.id}`, restricted: l.restricted, public: isPublic && a.plan_public,
    })),
  ]);
}
