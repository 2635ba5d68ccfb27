// Recording an election of a chair or vice-chair. An elected result changes the body's
// memberships in the same transaction (see electionEffect), and every change is audited.
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError } from '../../web/errors.ts';
import { formatDate } from '../../web/nunjucks.ts';
import {
  ELECTED_ROLES, displayName, electionEffect, electionResultValues, isCurrentMembership, membershipClash, membershipRoleLabel, nominationProblems,
  type ElectedRole, type ElectionResult,
} from './domain.ts';
import { lockBody } from './bodies.store.ts';
import { findPerson } from './people.store.ts';
import { membershipRowsOfBody } from './memberships.store.ts';

function readElection(input: Input) {
  const role = input.oneOf<ElectedRole>('role', ELECTED_ROLES, 'Select whether this was an election of the chair or the vice-chair');
  const nominee_id = input.id('nominee_id', 'Select who was nominated');
  const mover_id = input.optionalId('mover_id', 'Select who moved the nomination from the list');
  const seconder_id = input.optionalId('seconder_id', 'Select who seconded the nomination from the list');
  const held_on = input.date('held_on', 'The date of the election');
  const meeting_id = input.optionalId('meeting_id', 'Enter the meeting reference as it appears in the meeting’s web address, or leave it blank');
  const result = input.optionalOneOf<ElectionResult>('result', electionResultValues, 'Select whether the nominee was elected') ?? 'elected';
  if (nominee_id && !input.errors.some((e) => e.field === 'nominee_id')) {
    for (const p of nominationProblems({ nominee_id, mover_id, seconder_id })) input.fail(p.field, p.message);
  }
  return { role, nominee_id, mover_id, seconder_id, held_on, meeting_id, result };
}

export async function recordElection(ctx: Context, bodyId: string, body: unknown) {
  authorize(ctx.actor, 'create', { type: 'election', bodyId });
  const input = new Input(body);
  const values = readElection(input);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    // The body's row is held until the end, so two elections cannot both take the chair.
    const bodyRow = await lockBody(trx, partnershipId, bodyId);
    if (!bodyRow) throw new NotFoundError();
    const people = new Map<string, NonNullable<Awaited<ReturnType<typeof findPerson>>>>();
    const lists: [field: string, id: string | null, message: string][] = [
      ['nominee_id', values.nominee_id, 'Select who was nominated from the list'],
      ['mover_id', values.mover_id, 'Select who moved the nomination from the list'],
      ['seconder_id', values.seconder_id, 'Select who seconded the nomination from the list'],
    ];
    for (const [field, id, message] of lists) {
      if (!id || input.errors.some((e) => e.field === field)) continue;
      const person = await findPerson(trx, partnershipId, id);
      if (person) people.set(id, person);
      else input.fail(field, message);
    }
    input.check();
    const nominee = people.get(values.nominee_id)!;
    const roleLabel = membershipRoleLabel(values.role).toLowerCase();

    let membershipId: string | null = null;
    if (values.result === 'elected') {
      const rows = await membershipRowsOfBody(trx, partnershipId, bodyId);
      const effect = electionEffect(values, rows);
      const ending = rows.filter((m) => effect.endMembershipIds.includes(m.id));
      const sameDay = ending.find((m) => m.starts_on > effect.endOn);
      if (sameDay) {
        const holder = await findPerson(trx, partnershipId, sameDay.person_id);
        throw new ConflictError(
          `${holder ? displayName(holder) : 'Someone'} became ${roleLabel} of ${bodyRow.name} on ${formatDate(sameDay.starts_on)}, the day of this election. Change that membership first`,
          'held_on',
        );
      }
      const afterEnds = rows.map((m) => (effect.endMembershipIds.includes(m.id) ? { ...m, ends_on: effect.endOn } : m));
      if (effect.newMembership) {
        const candidate = { person_id: values.nominee_id, role: values.role, starts_on: values.held_on, ends_on: null };
        // A holder recorded from a later date: elections must be recorded in the order they were held.
        const clash = membershipClash(candidate, afterEnds);
        if (clash) {
          const holder = await findPerson(trx, partnershipId, clash.membership.person_id);
          throw new ConflictError(
            `${holder ? displayName(holder) : 'Someone'} is recorded as ${roleLabel} of ${bodyRow.name} from ${formatDate(clash.membership.starts_on)}, after this election. `
            + 'Record elections in the order they were held, or change that membership first',
            'held_on',
          );
        }
      }
      for (const m of ending) {
        const after = await trx.updateTable('memberships').set({ ends_on: effect.endOn, updated_at: new Date() })
          .where('partnership_id', '=', partnershipId).where('id', '=', m.id).returningAll().executeTakeFirstOrThrow();
        await recordAudit(trx, ctx.actor, {
          action: 'update', recordType: 'membership', recordId: m.id, before: m, after,
          summary: `Stood down as ${roleLabel} on the election of ${displayName(nominee)} on ${formatDate(values.held_on)}`,
        });
      }
      if (effect.newMembership) {
        const row = await trx.insertInto('memberships').values({
          partnership_id: partnershipId, body_id: bodyId, person_id: values.nominee_id, role: values.role,
          organisation_id: nominee.organisation_id, starts_on: values.held_on, ends_on: null,
        }).returningAll().executeTakeFirstOrThrow();
        await recordAudit(trx, ctx.actor, {
          action: 'create', recordType: 'membership', recordId: row.id, after: row, summary: `Elected ${roleLabel} on ${formatDate(values.held_on)}`,
        });
        membershipId = row.id;
      } else {
        // Re-elected: the running membership carries on.
        membershipId = rows.find((m) => m.role === values.role && m.person_id === values.nominee_id && isCurrentMembership(m, values.held_on))?.id ?? null;
      }
    }

    const election = await trx.insertInto('elections').values({
      partnership_id: partnershipId, body_id: bodyId, role: values.role, nominee_id: values.nominee_id, mover_id: values.mover_id,
      seconder_id: values.seconder_id, meeting_id: values.meeting_id, held_on: values.held_on, result: values.result, membership_id: membershipId,
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'create', recordType: 'election', recordId: election.id, after: election,
      summary: `${displayName(nominee)} ${values.result === 'elected' ? 'elected' : 'not elected'} ${roleLabel} of ${bodyRow.name}`,
    });
    return election;
  });
}
