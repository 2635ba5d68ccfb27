// What the policy (src/access/policy.ts) needs to know about funding records.
// Grants are public record once awarded; a proposal reaches the public only once the
// funder has approved it (a funded project); before that, and if withdrawn or declined,
// it is the partnership's own business. Claims, progress returns and delays are for
// signed-in people. Officers manage all of it (policy.ts: create, update).
import type { Resource } from '../../access/policy.ts';
import { isFunded } from './domain.ts';

export const grantResource = (): Resource => ({ type: 'grant', published: true });
export const proposalResource = (p: { status: string }): Resource => ({ type: 'funding-proposal', published: isFunded(p.status) });
/** Spend, progress, delays, the Working Group's update: signed-in people only. */
export const fundingRecordResource = (): Resource => ({ type: 'funding-record', published: false });
