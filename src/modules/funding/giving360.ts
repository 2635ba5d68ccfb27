// Open data: the partnership's grants in the 360Giving Data Standard (schema 1.4, pinned in
// standards/360giving/, never fetched): the funder's grant to the partnership (a regrant,
// for onward distribution) and each funded project, which names the partnership's host
// council as its funder. Before anything is published the standard's critical data-quality
// rules are checked here (qualityProblems); a grant that fails is left out and the
// officer's page says why.
import { financialYear, isFunded } from './domain.ts';
import type { GrantView, ProposalView } from './store.ts';

export interface OrgRef { id: string; name: string }

/** Organisation identifier lists 360Giving knows that this partnership's organisations use. */
export const KNOWN_ORG_LISTS = ['GB-LAE', 'GB-LAS', 'GB-LAW', 'GB-PLA', 'GB-CHC', 'GB-SC', 'GB-NIC', 'GB-COH', 'GB-GOR', 'GB-EDU', 'GB-NHS', 'GB-MPR', 'XI-PB', '360G'];

/** A 360Giving identifier for something with no identifier of its own: "360G-" and a prefix of this publisher. */
export const ownId = (prefix: string, kind: string, id: string) => `360G-${prefix}-${kind}-${id}`;

export interface Grant360 {
  id: string; title: string; description: string; currency: 'GBP'; amountAwarded: number; amountDisbursed?: number; awardDate: string;
  recipientOrganization: OrgRef[]; fundingOrganization: OrgRef[];
  grantProgramme: { title: string }[]; plannedDates: { startDate: string; endDate: string }[];
  regrantType?: string; relatedActivity?: string[]; beneficiaryLocation?: { name: string; geoCode?: string; geoCodeType?: string }[];
  dateModified?: string;
}

export interface Build360Input {
  prefix: string;
  partnershipName: string;
  grants: GrantView[];
  proposals: ProposalView[];
  /** Organisation id -> its identifier on a known list, where recorded. */
  identifiers: Map<string, string>;
}

const pounds = (pence: number) => Math.round(Number(pence)) / 100;

export function build360(input: Build360Input): Grant360[] {
  const org = (id: string, name: string): OrgRef => ({ id: input.identifiers.get(id) ?? ownId(input.prefix, 'org', id), name });
  const out: Grant360[] = [];
  for (const g of input.grants) {
    const year = financialYear(g.financial_year);
    const regrantId = ownId(input.prefix, 'grant', g.id);
    const host = g.recipient_organisation_id ? org(g.recipient_organisation_id, g.recipient_name ?? input.partnershipName) : null;
    if (host) {
      out.push({
        id: regrantId, title: `${g.programme} ${year.label} to ${input.partnershipName}`,
        description: `${g.programme} for ${year.label}, for projects of ${input.partnershipName} chosen by its Working Group.`,
        currency: 'GBP', amountAwarded: pounds(g.awarded_pence), awardDate: g.awarded_on,
        recipientOrganization: [host], fundingOrganization: [org(g.funder_organisation_id, g.funder_name)],
        grantProgramme: [{ title: g.programme }], plannedDates: [{ startDate: year.startsOn, endDate: year.endsOn }],
        // Money given to the partnership to give on: 360Giving's common regrant.
        regrantType: 'FRG010',
      });
    }
    for (const p of input.proposals.filter((x) => x.grant_id === g.id && isFunded(x.status))) {
      const awarded = Number(p.allocated_pence) - Number(p.underspend_pence ?? 0);
      out.push({
        id: ownId(input.prefix, 'project', p.id), title: p.title, description: p.description,
        currency: 'GBP', amountAwarded: pounds(awarded), amountDisbursed: pounds(p.spent_pence), awardDate: p.approved_on!,
        recipientOrganization: [org(p.lead_organisation_id, p.lead_organisation_name)],
        fundingOrganization: host ? [host] : [org(g.funder_organisation_id, g.funder_name)],
        grantProgramme: [{ title: g.programme }], plannedDates: [{ startDate: p.delivery_starts_on, endDate: p.delivery_ends_on }],
        ...(host ? { relatedActivity: [regrantId] } : {}),
      });
    }
  }
  return out;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
// A UK postcode, as the standard's check finds them in geographic codes.
const POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}$/i;

/**
 * The 360Giving critical data-quality rules, reimplemented: each problem names the grant
 * and what to fix. Empty when the grant may be published.
 */
export function qualityProblems(g: Grant360, today: string): string[] {
  const problems: string[] = [];
  const label = `“${g.title}”`;
  if (!(g.amountAwarded > 0)) problems.push(`${label} has an amount awarded of £0: record the amount, or leave the grant out`);
  const ids = [g.id, ...g.recipientOrganization.map((o) => o.id), ...g.fundingOrganization.map((o) => o.id), ...(g.relatedActivity ?? [])];
  for (const id of ids) if (/[\r\n]/.test(id)) problems.push(`${label} has an identifier with a line break in it (${JSON.stringify(id)})`);
  if (g.awardDate > today) problems.push(`${label} has an award date in the future (${g.awardDate})`);
  for (const [field, value] of [['title', g.title], ['description', g.description], ...g.recipientOrganization.map((o) => ['recipient name', o.name]), ...g.fundingOrganization.map((o) => ['funder name', o.name])] as [string, string][]) {
    if (EMAIL.test(value)) problems.push(`${label} has what looks like an e-mail address in its ${field}: take it out before publishing`);
  }
  for (const l of g.beneficiaryLocation ?? []) {
    if (l.geoCode && POSTCODE.test(l.geoCode.trim())) problems.push(`${label} has a postcode as a geographic code (${l.geoCode}): use an area code such as a local authority's`);
  }
  for (const o of [...g.recipientOrganization, ...g.fundingOrganization]) {
    const list = KNOWN_ORG_LISTS.find((p) => o.id.startsWith(`${p}-`));
    if (!list) problems.push(`${label}: the identifier of ${o.name} (${o.id}) is not on a known list; record its GB-LAE, GB-CHC or GB-COH identifier`);
  }
  return problems;
}

export function package360(grants: Grant360[], meta: { title: string; issued: string; publisherName: string }) {
  return {
    version: '1.4',
    title: meta.title,
    issued: meta.issued,
    license: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
    publisher: { name: meta.publisherName },
    grants,
  };
}

/** The 360Giving CSV layout: one row a grant, the standard's column titles. */
export const CSV_COLUMNS = [
  'Identifier', 'Title', 'Description', 'Currency', 'Amount Awarded', 'Amount Disbursed', 'Award Date',
  'Planned Dates:Start Date', 'Planned Dates:End Date', 'Recipient Org:Identifier', 'Recipient Org:Name',
  'Funding Org:Identifier', 'Funding Org:Name', 'Grant Programme:Title', 'For Regrant Type', 'Related Activity',
];
export const csvRow = (g: Grant360) => [
  g.id, g.title, g.description, g.currency, g.amountAwarded.toFixed(2), g.amountDisbursed?.toFixed(2) ?? '', g.awardDate,
  g.plannedDates[0]?.startDate ?? '', g.plannedDates[0]?.endDate ?? '', g.recipientOrganization[0]!.id, g.recipientOrganization[0]!.name,
  g.fundingOrganization[0]!.id, g.fundingOrganization[0]!.name, g.grantProgramme[0]?.title ?? '', g.regrantType ?? '', (g.relatedActivity ?? []).join(';'),
];
