// What pages and the API show of jobs and drafts: the draft as form values, each
// printed name's link to the record, and the API's JSON.
import { displayName } from '../partnership/domain.ts';
import { f, type Draft } from './draft.ts';
import { matchOrganisation, matchPerson, nameParts, personKey, type KnownOrganisation, type KnownPerson } from './matching.ts';
import type { ImportRow, JobFileRow, JobRow } from './documents.store.ts';

/** The draft as the values of its form (field name -> value), the shape a submitted form has. */
export function draftValues(draft: Draft): Record<string, unknown> {
  const v: Record<string, unknown> = { body_id: draft.bodyId ?? '', new_person: draft.newPeople };
  const yes = (b: boolean) => (b ? 'yes' : undefined);
  draft.meetings.forEach((m, mi) => {
    v[f.meeting(mi, 'include')] = yes(m.include);
    v[f.meeting(mi, 'date')] = m.date ?? '';
    v[f.meeting(mi, 'starts_at')] = m.startTime ?? '';
    v[f.meeting(mi, 'venue')] = m.venue ?? '';
    v[f.meeting(mi, 'online')] = yes(m.online);
    m.attendees.forEach((a, ai) => {
      v[f.attendee(mi, ai, 'include')] = yes(a.include);
      v[f.attendee(mi, ai, 'name')] = a.name;
      v[f.attendee(mi, ai, 'role')] = a.role ?? '';
      v[f.attendee(mi, ai, 'kind')] = a.kind;
    });
    m.items.forEach((item, ii) => {
      v[f.item(mi, ii, 'include')] = yes(item.include);
      v[f.item(mi, ii, 'code')] = item.code ?? '';
      v[f.item(mi, ii, 'minute')] = item.minuteNumber ?? '';
      v[f.item(mi, ii, 'title')] = item.title;
      v[f.item(mi, ii, 'restricted')] = yes(item.restricted);
      item.resolutions.forEach((r, ri) => (v[f.resolution(mi, ii, ri)] = r));
      item.actions.forEach((a, xi) => {
        v[f.action(mi, ii, xi, 'include')] = yes(a.include);
        v[f.action(mi, ii, xi, 'owner')] = a.owner;
        v[f.action(mi, ii, xi, 'text')] = a.text;
        v[f.action(mi, ii, xi, 'due')] = a.due ?? '';
      });
    });
  });
  return v;
}

export interface NameLink {
  /** 'person': linked; 'organisation': an owner that is an organisation; 'several': more than one person fits; 'new': not in the record. */
  kind: 'person' | 'organisation' | 'several' | 'new';
  text: string;
  href?: string;
}

/** How each printed name will be linked when the draft is accepted. */
export function nameLinks(draft: Draft, people: readonly (KnownPerson & { honours: string | null })[], organisations: readonly KnownOrganisation[]) {
  const link = (name: string, owner: boolean): NameLink => {
    const cleaned = owner ? name.replace(/^the\s+/i, '') : name;
    const m = matchPerson(cleaned, people);
    if (m.kind === 'person') {
      const p = people.find((x) => x.id === m.person.id)!;
      return { kind: 'person', text: displayName(p), href: `/people/${p.id}` };
    }
    if (owner) {
      const o = matchOrganisation(cleaned, organisations);
      if (o) return { kind: 'organisation', text: o.name, href: `/organisations/${o.id}` };
    }
    if (m.kind === 'ambiguous') {
      return { kind: 'several', text: `could be ${m.people.map((p) => displayName({ ...p, honours: null })).join(' or ')}; not linked unless you add a new person or correct the name` };
    }
    return { kind: 'new', text: 'not in the record' };
  };
  const attendees: Record<string, NameLink> = {};
  const owners: Record<string, NameLink> = {};
  const unknown = new Map<string, { key: string; name: string; uses: string[] }>();
  // Names not in the record, as pseudo-people, so "Ms Ferrand" later is the "Ms W Ferrand" listed earlier.
  const pending: (KnownPerson & { key: string })[] = [];
  const note = (name: string, use: string) => {
    const same = matchPerson(name, pending);
    const key = same.kind === 'person' ? (same.person as KnownPerson & { key: string }).key : personKey(name);
    if (!key) return;
    if (same.kind !== 'person') {
      const parts = nameParts(name);
      pending.push({ id: key, key, honorific: parts.honorific, given_name: parts.given.join(' ') || null, family_name: parts.family });
    }
    const entry = unknown.get(key) ?? { key, name: name.trim(), uses: [] };
    if (!entry.uses.includes(use)) entry.uses.push(use);
    unknown.set(key, entry);
  };
  draft.meetings.forEach((m, mi) => {
    m.attendees.forEach((a, ai) => {
      if (!a.name.trim()) return;
      const l = link(a.name, false);
      attendees[f.attendee(mi, ai, 'name')] = l;
      if (l.kind === 'new' || l.kind === 'several') note(a.name, 'attendee');
    });
  });
  draft.meetings.forEach((m, mi) => {
    m.items.forEach((item, ii) => item.actions.forEach((a, xi) => {
      if (!a.owner.trim()) return;
      const l = link(a.owner, true);
      owners[f.action(mi, ii, xi, 'owner')] = l;
      if (l.kind === 'new' || l.kind === 'several') note(a.owner.replace(/^the\s+/i, ''), 'action owner');
    }));
  });
  return { attendees, owners, unknown: [...unknown.values()].map((u) => ({ ...u, confirmed: draft.newPeople.includes(u.key) })) };
}

export function presentJob(job: JobRow, files: JobFileRow[]) {
  return {
    id: job.id, title: job.title, status: job.status, total: job.total, read: job.read_count, failed: job.failed_count, duplicates: job.duplicate_count,
    createdBy: job.created_by_label, createdAt: job.created_at.toISOString(), finishedAt: job.finished_at ? job.finished_at.toISOString() : null,
    files: files.map((x) => ({
      position: x.position, fileName: x.file_name, byteSize: x.byte_size, sha256: x.sha256, status: x.status, errorCode: x.error_code, message: x.message,
      importId: x.import_id, duplicateOf: x.duplicate_of,
    })),
  };
}

export function presentImport(row: ImportRow, document: { file_name: string; sha256: string }, unknown: { key: string; name: string; confirmed: boolean }[]) {
  return {
    id: row.id, status: row.status, fileName: document.file_name, sha256: document.sha256, format: row.format, jobId: row.job_id, meetingIds: row.meeting_ids,
    reading: row.reading, draft: row.draft, unknownNames: unknown.map((u) => ({ name: u.name, key: u.key, confirmed: u.confirmed })), text: row.text,
  };
}
