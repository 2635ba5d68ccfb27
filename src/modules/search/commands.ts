// Changes to the search's own settings: the partnership's synonym list.
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { ValidationError } from '../../web/errors.ts';
import { parseSynonyms } from './domain.ts';
import { forgetSynonyms, readSynonyms } from './store.ts';
import { synonymsResource } from './access.ts';

/** Replaces the list with the lines given ("ASB = anti-social behaviour"); any bad line changes nothing. */
export async function saveSynonyms(ctx: Context, text: unknown): Promise<void> {
  authorize(ctx.actor, 'update', synonymsResource());
  const { pairs, errors } = parseSynonyms(typeof text === 'string' ? text : '');
  if (errors.length) throw new ValidationError(errors.map((message) => ({ field: 'synonyms', message })));
  await inTransaction(ctx, async (trx) => {
    const before = await readSynonyms(trx, ctx.actor.partnershipId);
    await trx.insertInto('search_synonyms').values({ partnership_id: ctx.actor.partnershipId, pairs: JSON.stringify(pairs) })
      .onConflict((oc) => oc.column('partnership_id').doUpdateSet({ pairs: JSON.stringify(pairs), updated_at: new Date() })).execute();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'search-synonyms', recordId: ctx.actor.partnershipId, summary: `Search synonyms changed (${pairs.length})`, before: before.pairs, after: pairs });
  });
  forgetSynonyms();
}
