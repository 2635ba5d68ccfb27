// The search's resources as the policy sees them (src/access/policy.ts decides).
import { searchResources } from '../../access/policy.ts';

export const synonymsResource = searchResources.synonyms;
