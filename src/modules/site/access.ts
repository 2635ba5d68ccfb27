// The site's resources as the policy sees them (src/access/policy.ts decides).
import { siteResources } from '../../access/policy.ts';

export const siteResource = siteResources.settings;
