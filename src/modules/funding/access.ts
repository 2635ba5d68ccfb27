// What the policy (src/access/policy.ts, fundingResources) needs to know about funding records.
import { fundingResources } from '../../access/policy.ts';

export const grantResource = fundingResources.grant;
export const proposalResource = fundingResources.proposal;
export const fundingRecordResource = fundingResources.record;
