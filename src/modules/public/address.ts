// The partnership's own public address, for absolute links in what others keep or cache:
// feeds, calendars, open data, e-mails. It comes from configuration, never from the
// request: Host, X-Forwarded-Host and X-Forwarded-Proto are whatever the sender wrote,
// and a cache in front of the site would hand a forged address to every later reader.
import type { Config } from '../../config.ts';

export interface PartnershipAddress {
  public_url: string | null;
  hostname: string | null;
}

/** 'https://csp.example.gov.uk' (no trailing slash): its public_url, else https on its host name, else the deployment's BASE_URL. */
export function publicOrigin(partnership: PartnershipAddress, config: Pick<Config, 'baseUrl'>): string {
  if (partnership.public_url) return partnership.public_url.replace(/\/+$/, '');
  if (partnership.hostname) return `https://${partnership.hostname}`;
  return config.baseUrl;
}
