// A body's rules for its meetings beyond numbering: whether its current members read its
// restricted business (the policy reads the setting through each member's seats), and its
// quorum, printed on the agenda pack's cover. Page and API call the same command.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { authorize, type Actor } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import type { DB } from '../../db/schema.ts';
import { Input } from '../../web/validate.ts';
import { NotFoundError } from '../../web/errors.ts';
import { isUuid } from '../../web/forms.ts';
import { fromApi } from './presenters.ts';
import { IdParams } from './schemas.ts';

export interface BodyRules {
  members_see_restricted: boolean;
  quorum: number | null;
}

export function findBodyRules(db: Kysely<DB>, partnershipId: string, bodyId: string): Promise<(BodyRules & { id: string; name: string }) | undefined> {
  return db.selectFrom('bodies').select(['id', 'name', 'members_see_restricted', 'quorum'])
    .where('partnership_id', '=', partnershipId).where('id', '=', bodyId).executeTakeFirst();
}

export async function updateBodyRules(ctx: Context, bodyId: string, body: unknown) {
  authorize(ctx.actor, 'update', { type: 'body-meeting-settings', bodyId });
  const input = new Input(body);
  const choice = input.optionalOneOf('members_see_restricted', ['yes', 'no', 'true', 'false'] as const, 'Select whether the body’s members see its restricted business');
  if (choice === null && !input.has('members_see_restricted')) input.fail('members_see_restricted', 'Select whether the body’s members see its restricted business');
  const quorum = input.optionalInteger('quorum', 'The quorum', 1, 500);
  input.check();
  const members_see_restricted = choice === 'yes' || choice === 'true';
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await trx.selectFrom('bodies').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', bodyId).forUpdate().executeTakeFirst();
    if (!before) throw new NotFoundError();
    const after = await trx.updateTable('bodies').set({ members_see_restricted, quorum, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', bodyId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'body', recordId: bodyId, before, after,
      summary: `${members_see_restricted ? 'Members see' : 'Only people granted it see'} the restricted business; quorum ${quorum ?? 'not set'}`,
    });
    return after;
  });
}

const BodyRulesSchema = Type.Object({
  bodyId: Type.String({ format: 'uuid' }),
  membersSeeRestricted: Type.Boolean({ description: 'Its current members read its restricted business; when false only people granted the body (and officers) do' }),
  quorum: Type.Union([Type.Integer(), Type.Null()], { description: 'Members needed for a quorate meeting, printed on the agenda pack' }),
});
const BodyRulesInput = Type.Object({
  membersSeeRestricted: Type.Boolean(),
  quorum: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
});

const present = (r: BodyRules & { id: string }) => ({ bodyId: r.id, membersSeeRestricted: r.members_see_restricted, quorum: r.quorum });

export async function bodyRulesApi(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: { actor: Actor }) => ({ db, actor: req.actor });
  const bodyId = (req: { params: unknown }) => {
    const { id } = req.params as { id?: string };
    if (!id || !isUuid(id)) throw new NotFoundError();
    return id;
  };
  app.get('/api/bodies/:id/meeting-rules', {
    schema: { tags: ['meetings'], summary: 'Whether a body’s members see its restricted business, and its quorum', params: IdParams, response: { 200: BodyRulesSchema } },
  }, async (req) => {
    const id = bodyId(req);
    authorize(req.actor, 'update', { type: 'body-meeting-settings', bodyId: id });
    const rules = await findBodyRules(db, req.partnership.id, id);
    if (!rules) throw new NotFoundError();
    return present(rules);
  });
  app.put('/api/bodies/:id/meeting-rules', {
    schema: { tags: ['meetings'], summary: 'Set whether a body’s members see its restricted business, and its quorum', params: IdParams, body: BodyRulesInput, response: { 200: BodyRulesSchema } },
  }, async (req) => present(await updateBodyRules(ctx(req), bodyId(req), fromApi(req.body))));
}
