// Open data in the shapes other civic tools read: Popolo (organizations, persons,
// memberships) and Open Civic Data events (agenda items in order, documents and media
// links). Pure: rows and already-filtered meeting views in, JSON out. Contact details
// of people are never among the rows these are given, so they cannot be written.
import { displayName, sortName, membershipRoleLabel, organisationKindLabel } from '../partnership/domain.ts';
import type { MeetingView } from '../meetings/record.ts';
import { minutesArePublic } from './domain.ts';

export const TIME_ZONE = 'Europe/London';
export const LICENCE = 'Open Government Licence v3.0';
export const LICENCE_URL = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';

/** OCD-style identifiers: the kind of thing, then our own uuid, stable for ever. */
export const ocdId = {
  organization: (id: string) => `ocd-organization/${id}`,
  person: (id: string) => `ocd-person/${id}`,
  membership: (id: string) => `ocd-membership/${id}`,
  event: (id: string) => `ocd-event/${id}`,
};

export interface Meta {
  publisher: string;
  licence: string;
  licence_url: string;
  generated_at: string;
  source: string;
}

export function meta(publisher: string, source: string, now = new Date()): Meta {
  return { publisher, licence: LICENCE, licence_url: LICENCE_URL, generated_at: now.toISOString(), source };
}

const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);

// ------------------------------------------------------------------ organizations

export interface PartnershipRow { id: string; name: string; short_name: string }
export interface BodyRow { id: string; name: string; short_name: string | null; kind: string; parent_id: string | null; description: string | null }
export interface OrganisationRow {
  id: string; name: string; short_name: string | null; kind: string; statutory: boolean; website: string | null; created_at: Date; updated_at: Date;
}

/**
 * The partnership itself, its bodies (committees, under the partnership or their parent
 * body) and its member organisations, as Popolo organizations.
 */
export function popoloOrganizations(origin: string, partnership: PartnershipRow, bodies: BodyRow[], organisations: OrganisationRow[]) {
  const root = {
    id: ocdId.organization(partnership.id),
    name: partnership.name,
    other_names: partnership.short_name && partnership.short_name !== partnership.name ? [{ name: partnership.short_name, note: 'short name' }] : [],
    classification: 'partnership',
    parent_id: null,
    links: [{ url: `${origin}/public`, note: 'public information' }],
    sources: [{ url: `${origin}/open-data/organizations.json` }],
    extras: {},
  };
  const bodyOrgs = bodies.map((b) => ({
    id: ocdId.organization(b.id),
    name: b.name,
    other_names: b.short_name ? [{ name: b.short_name, note: 'short name' }] : [],
    // Popolo leaves classification open; a partnership's bodies are its committees.
    classification: 'committee',
    parent_id: ocdId.organization(b.parent_id ?? partnership.id),
    links: [{ url: `${origin}/bodies/${b.id}`, note: 'body page' }],
    sources: [{ url: `${origin}/bodies/${b.id}` }],
    extras: { body_kind: b.kind, description: b.description },
  }));
  const memberOrgs = organisations.map((o) => ({
    id: ocdId.organization(o.id),
    name: o.name,
    other_names: o.short_name ? [{ name: o.short_name, note: 'short name' }] : [],
    classification: o.kind,
    parent_id: null,
    links: [{ url: `${origin}/organisations/${o.id}`, note: 'organisation page' }, ...(o.website ? [{ url: o.website, note: 'website' }] : [])],
    sources: [{ url: `${origin}/organisations/${o.id}` }],
    extras: { kind_label: organisationKindLabel(o.kind), statutory_partner: o.statutory },
    created_at: isoOrNull(o.created_at),
    updated_at: isoOrNull(o.updated_at),
  }));
  return [root, ...bodyOrgs, ...memberOrgs];
}

// ------------------------------------------------------------------ persons

export interface PersonRow {
  id: string; honorific: string | null; given_name: string | null; family_name: string; honours: string | null;
  job_title: string | null; organisation_id: string | null; created_at: Date; updated_at: Date;
}

export function popoloPersons(origin: string, people: PersonRow[]) {
  return people.map((p) => ({
    id: ocdId.person(p.id),
    name: displayName(p),
    sort_name: sortName(p),
    family_name: p.family_name,
    given_name: p.given_name,
    honorific_prefix: p.honorific,
    honorific_suffix: p.honours,
    links: [{ url: `${origin}/people/${p.id}`, note: 'person page' }],
    sources: [{ url: `${origin}/people/${p.id}` }],
    created_at: isoOrNull(p.created_at),
    updated_at: isoOrNull(p.updated_at),
  }));
}

// ------------------------------------------------------------------ memberships

export interface MembershipRow {
  id: string; person_id: string; body_id: string; role: string; organisation_id: string | null; starts_on: string; ends_on: string | null;
}

/**
 * Memberships of the partnership's bodies (role, on behalf of which organisation,
 * from and to), and each person's post in their own organisation (the job title).
 */
export function popoloMemberships(people: PersonRow[], memberships: MembershipRow[]) {
  const bodyMemberships = memberships.map((m) => ({
    id: ocdId.membership(m.id),
    person_id: ocdId.person(m.person_id),
    organization_id: ocdId.organization(m.body_id),
    on_behalf_of_id: m.organisation_id ? ocdId.organization(m.organisation_id) : null,
    role: m.role,
    label: membershipRoleLabel(m.role),
    start_date: m.starts_on,
    end_date: m.ends_on,
  }));
  const posts = people.filter((p) => p.organisation_id).map((p) => ({
    // One post per person in their organisation, so the person's id names it.
    id: ocdId.membership(`employment-${p.id}`),
    person_id: ocdId.person(p.id),
    organization_id: ocdId.organization(p.organisation_id!),
    on_behalf_of_id: null,
    role: 'employee',
    label: p.job_title ?? 'Works for the organisation',
    start_date: null,
    end_date: null,
  }));
  return [...bodyMemberships, ...posts];
}

// ------------------------------------------------------------------ events

/** "2024-07-10T10:00:00+01:00": the meeting's local time in London with its offset. */
export function londonDateTime(date: string, time: string): string {
  const hhmm = time.slice(0, 5);
  // The offset at that hour in UTC is the offset at that local hour, except within the
  // hour the clocks change (01:00 UTC on a Sunday), when no partnership meets.
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, timeZoneName: 'longOffset' }).formatToParts(new Date(`${date}T${hhmm}:00Z`));
  const offset = (parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT').replace('GMT', '') || '+00:00';
  return `${date}T${hhmm}:00${offset}`;
}

const dateOf = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

export interface EventLinks {
  /** Where the meeting's page is (its public agenda and minutes). */
  page: string;
  /** Absolute address of a paper, from its relative one. */
  absolute: (path: string) => string;
  /** Printable PDFs of the agenda pack and the minutes, when the app serves them. */
  agendaPackPdf?: string | null;
  minutesPdf?: string | null;
}

/**
 * One meeting as an Open Civic Data event. `view` must already be the public's view
 * (buildMeetingView with the public as reader): only what it holds is written.
 */
export function ocdEvent(view: MeetingView, links: EventLinks, today: string) {
  const m = view.meeting;
  const status = m.status === 'cancelled' ? 'cancelled' : m.meets_on < today ? 'passed' : m.agenda_published_at ? 'confirmed' : 'tentative';
  const documents: { note: string; date: string | null; classification: string; links: { media_type: string; url: string }[] }[] = [];
  if (view.agendaVisible && m.agenda_published_at) {
    documents.push({ note: 'Agenda', date: dateOf(m.agenda_published_at), classification: 'agenda', links: [
      { media_type: 'text/html', url: links.page },
      ...(links.agendaPackPdf ? [{ media_type: 'application/pdf', url: links.agendaPackPdf }] : []),
    ] });
  }
  if (view.minutesVisible && minutesArePublic(m)) {
    documents.push({
      note: view.minutesDraft ? 'Minutes (draft, not yet approved)' : 'Minutes', date: dateOf(m.minutes_approved_at ?? m.minutes_published_at),
      classification: 'minutes',
      links: [{ media_type: 'text/html', url: links.page }, ...(links.minutesPdf ? [{ media_type: 'application/pdf', url: links.minutesPdf }] : [])],
    });
  }
  const agenda = view.items.map((item, index) => ({
    description: item.title,
    order: String(index + 1),
    classification: [item.kind],
    subjects: [] as string[],
    notes: item.resolutions.map((r) => `RESOLVED ${r.label ? `${r.label} ` : ''}${r.text}`),
    related_entities: item.presenter_person_id && item.presenter
      ? [{ entity_type: 'person', entity_id: ocdId.person(item.presenter_person_id), entity_name: item.presenter, note: 'presenter' }]
      : item.presenter ? [{ entity_type: 'person', entity_id: null, entity_name: item.presenter, note: 'presenter' }] : [],
    media: item.papers.map((p) => ({
      note: p.title, date: dateOf(p.created_at), classification: 'paper',
      links: [{ media_type: p.media_type, url: links.absolute(p.url) }],
    })),
    extras: { code: item.code, minute_number: item.minute_number, minute_printed: item.minute_printed ?? null, section: item.section_code },
  }));
  return {
    id: ocdId.event(m.id),
    name: `${m.body_name}: meeting on ${m.meets_on}`,
    description: m.status === 'cancelled' && m.cancelled_reason ? `Cancelled: ${m.cancelled_reason}` : '',
    classification: 'committee-meeting',
    start_date: londonDateTime(m.meets_on, m.starts_at),
    end_date: m.ends_at ? londonDateTime(m.meets_on, m.ends_at) : null,
    timezone: TIME_ZONE,
    all_day: false,
    status,
    location: { name: view.where, note: m.online ? 'online' : 'in person', coordinates: null },
    participants: [{ entity_type: 'organization', entity_id: ocdId.organization(m.body_id), entity_name: m.body_name, note: 'host' }],
    agenda,
    documents,
    media: [] as unknown[],
    links: [{ url: links.page, note: 'meeting page' }],
    sources: [{ url: links.page }],
    extras: { minutes_status: minutesArePublic(m) ? (view.minutesDraft ? 'draft' : 'approved') : 'not published' },
  };
}
