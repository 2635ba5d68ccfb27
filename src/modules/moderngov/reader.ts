// Reads the web service's XML replies into plain records. Untrusted input: a reply that
// declares a DOCTYPE or entities (a billion laughs) is refused before it is parsed, and
// the parser never expands entities. Element names are compared without case or
// namespace prefix, since councils' versions differ.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isoFromRemote, timeFromRemote } from './domain.ts';

export class ReplyError extends Error {
  readonly kind: 'entities' | 'malformed' | 'not-moderngov';
  constructor(kind: ReplyError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

type Node = string | number | boolean | null | undefined | Node[] | { [key: string]: Node };
type Obj = { [key: string]: Node };
const isObj = (v: Node): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const local = (key: string) => key.replace(/^.*:/, '').toLowerCase();

export function parseReply(xml: string, what: string): Node {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new ReplyError('entities', `The ${what} reply declares a DOCTYPE or its own entities, which is refused (it can be used to exhaust memory). Nothing was changed`);
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new ReplyError('malformed', `The ${what} reply is not well-formed XML (line ${valid.err.line}: ${valid.err.msg.slice(0, 120)}). Nothing was changed for it`);
  }
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, trimValues: true, processEntities: false, htmlEntities: false });
  return parser.parse(xml) as Node;
}

/** Objects under every element with one of the names, at any depth (iterative, bounded). */
function records(root: Node, names: string[], limit = 200_000): Obj[] {
  const out: Obj[] = [];
  const queue: Node[] = [root];
  let seen = 0;
  while (queue.length && seen++ < limit) {
    const v = queue.shift();
    if (Array.isArray(v)) queue.push(...v);
    else if (isObj(v)) {
      for (const [k, child] of Object.entries(v)) {
        if (names.includes(local(k))) for (const c of Array.isArray(child) ? child : [child]) { if (isObj(c)) out.push(c); }
        else queue.push(child);
      }
    }
  }
  return out;
}

/** The text of a direct child element, by any of its names; '' when none. */
function field(o: Obj, ...names: string[]): string {
  for (const [k, v] of Object.entries(o)) {
    if (!names.includes(local(k))) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first === null || first === undefined) return '';
    if (isObj(first)) return typeof first['#text'] === 'string' ? first['#text'] : '';
    return String(first).trim();
  }
  return '';
}

const child = (o: Obj, name: string): Obj | null => {
  for (const [k, v] of Object.entries(o)) if (local(k) === name && isObj(v)) return v;
  return null;
};

/** Entities the parser left as written: the five of XML, and numeric references. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|quot|apos|amp);/gi, (_m, e: string) => {
    const k = e.toLowerCase();
    if (k.startsWith('#x')) return safeChar(parseInt(k.slice(2), 16));
    if (k.startsWith('#')) return safeChar(parseInt(k.slice(1), 10));
    return ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[k]!;
  });
}
const safeChar = (n: number) => (Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '');
const text = (o: Obj, ...names: string[]) => decodeEntities(field(o, ...names));
const truthy = (s: string) => /^(true|yes|y|1|restricted|exempt|confidential)$/i.test(s.trim());

/** The operations a WSDL document offers; refuses a document that is not a WSDL. */
export function readOperations(xml: string): string[] {
  if (/^\s*(<\?xml[^>]*>\s*)?(<!DOCTYPE\s+html|<html)/i.test(xml)) throw new ReplyError('not-moderngov', 'The address answered with a web page, not a web service description (WSDL)');
  const doc = parseReply(xml, 'WSDL');
  if (!isObj(doc) || !Object.keys(doc).some((k) => local(k) === 'definitions')) {
    throw new ReplyError('not-moderngov', 'The address did not answer with a web service description (WSDL)');
  }
  return [...new Set(records(doc, ['operation']).map((o) => String(o['@_name'] ?? '')).filter(Boolean))].sort();
}

export interface RemoteCommittee {
  id: number;
  title: string;
}

export function readCommittees(xml: string): RemoteCommittee[] {
  return records(parseReply(xml, 'GetCommittees'), ['committee'])
    .map((c) => ({ id: Number(field(c, 'committeeid', 'id')), title: text(c, 'committeetitle', 'committeename', 'title'), deleted: truthy(field(c, 'committeedeleted', 'deleted')) }))
    .filter((c) => Number.isInteger(c.id) && c.id > 0 && c.title && !c.deleted)
    .map(({ id, title }) => ({ id, title }));
}

export interface RemoteMeetingSummary {
  id: string;
  committeeId: number | null;
  date: string | null;
}

export function readMeetingList(xml: string): RemoteMeetingSummary[] {
  return records(parseReply(xml, 'GetMeetings'), ['meeting'])
    .map((m) => ({ id: field(m, 'meetingid', 'id'), committeeId: Number(field(m, 'committeeid')) || null, date: isoFromRemote(field(m, 'meetingdate', 'date')) }))
    .filter((m) => /^\d+$/.test(m.id));
}

export interface RemoteDocument {
  id: string;
  title: string;
  url: string | null;
}

export interface RemoteItem {
  id: string;
  number: string;
  minuteNumber: string | null;
  title: string;
  restricted: boolean;
  exemptReason: string | null;
  /** The minute text as the service gives it: HTML. */
  minutesHtml: string;
  documents: RemoteDocument[];
}

export interface RemoteAttendee {
  name: string;
  role: string | null;
  attendance: 'present' | 'apologies' | 'in-attendance' | 'absent';
}

export interface RemoteMeeting {
  id: string;
  committeeId: number | null;
  committeeTitle: string;
  date: string | null;
  time: string | null;
  venue: string | null;
  cancelled: boolean;
  attendees: RemoteAttendee[];
  items: RemoteItem[];
}

function readDocuments(o: Obj): RemoteDocument[] {
  const holder = child(o, 'linkeddocuments') ?? child(o, 'documents');
  if (!holder) return [];
  return records(holder, ['linkeddocument', 'document', 'attachment'])
    .map((d) => ({ id: field(d, 'documentid', 'attachmentid', 'id'), title: text(d, 'title', 'documenttitle', 'name'), url: text(d, 'url', 'link', 'documenturl') || null }))
    .filter((d) => d.id && d.title);
}

function attendanceOf(value: string): RemoteAttendee['attendance'] {
  const v = value.toLowerCase();
  if (/apolog/.test(v)) return 'apologies';
  if (/absent|did not attend|not present/.test(v)) return 'absent';
  if (/in attendance|officer|also/.test(v)) return 'in-attendance';
  return 'present';
}

export function readMeeting(xml: string): RemoteMeeting {
  const doc = parseReply(xml, 'GetMeeting');
  const meeting = records(doc, ['meeting'])[0];
  if (!meeting) throw new ReplyError('malformed', 'The GetMeeting reply holds no meeting');
  const id = field(meeting, 'meetingid', 'id');
  const items = records(child(meeting, 'agendaitems') ?? meeting, ['agendaitem']).map((i): RemoteItem => ({
    id: field(i, 'agendaitemid', 'id'),
    number: text(i, 'agendaitemnumber', 'itemnumber'),
    minuteNumber: field(i, 'minutenumber', 'minuteno') || null,
    title: text(i, 'agendaitemtitle', 'title'),
    restricted: truthy(field(i, 'isrestricted', 'isexempt', 'exempt', 'restricted')),
    exemptReason: text(i, 'exemptreason', 'exemptionreason') || null,
    minutesHtml: text(i, 'minutes', 'minutestext', 'minutetext'),
    documents: readDocuments(i),
  })).filter((i) => i.id && i.title);
  const attendees = records(child(meeting, 'attendees') ?? meeting, ['attendee']).map((a): RemoteAttendee => ({
    name: text(a, 'name', 'fullname', 'membername'), role: text(a, 'role', 'roledescription') || null, attendance: attendanceOf(field(a, 'attendancetype', 'attendance', 'status')),
  })).filter((a) => a.name);
  const rawDate = field(meeting, 'meetingdate', 'date');
  return {
    id,
    committeeId: Number(field(meeting, 'committeeid')) || null,
    committeeTitle: text(meeting, 'committeetitle', 'committeename'),
    date: isoFromRemote(rawDate),
    time: timeFromRemote(field(meeting, 'meetingtime', 'time'), rawDate),
    venue: text(meeting, 'location', 'meetinglocation', 'venue') || null,
    cancelled: /cancel/i.test(field(meeting, 'meetingstatus', 'status')),
    attendees,
    items,
  };
}

export function readAttachment(xml: string): RemoteDocument {
  const a = records(parseReply(xml, 'GetAttachment'), ['attachment', 'document'])[0];
  if (!a) throw new ReplyError('malformed', 'The GetAttachment reply holds no attachment');
  return { id: field(a, 'attachmentid', 'documentid', 'id'), title: text(a, 'title', 'name'), url: text(a, 'url', 'link') || null };
}
