import { XMLParser } from 'fast-xml-parser';
import { ExtractionError, type ExtractionLimits } from './types.ts';
import { htmlToText } from './html.ts';

// Reads the XML that a ModernGov web service (mgWebService.asmx GetMeeting and
// friends) returns, and writes it out as the same Markdown-like minutes text that
// every other format becomes. Element names differ between versions and councils,
// so fields are found by the shape of their names, not by one fixed schema.

type XmlValue = string | number | boolean | XmlObject | XmlValue[] | null | undefined;
interface XmlObject {
  [key: string]: XmlValue;
}

const isObject = (v: XmlValue): v is XmlObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: XmlValue): XmlValue[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** All text inside a value, in document order; iterative so deep nesting cannot overflow. */
function textOf(value: XmlValue): string {
  const parts: string[] = [];
  const stack: XmlValue[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object') parts.push(String(v));
    else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    else {
      const keys = Object.keys(v).filter((k) => !k.startsWith('@_'));
      for (let i = keys.length - 1; i >= 0; i--) stack.push(v[keys[i]!]);
    }
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/** Breadth-first search for the first field whose name matches; nearer fields win. */
function findField(root: XmlValue, pattern: RegExp, maxNodes = 20000): XmlValue | undefined {
  const queue: XmlValue[] = [root];
  let seen = 0;
  while (queue.length && seen++ < maxNodes) {
    const v = queue.shift();
    if (Array.isArray(v)) queue.push(...v);
    else if (isObject(v)) {
      for (const [k, child] of Object.entries(v)) if (pattern.test(k.replace(/^.*:/, ''))) return child;
      queue.push(...Object.values(v));
    }
  }
  return undefined;
}

function fieldText(root: XmlValue, pattern: RegExp): string {
  const v = findField(root, pattern);
  return v === undefined ? '' : textOf(v);
}

/** Objects found under any field whose name matches, at whatever depth. */
function findRecords(root: XmlValue, pattern: RegExp, maxNodes = 50000): XmlObject[] {
  const out: XmlObject[] = [];
  const queue: XmlValue[] = [root];
  let seen = 0;
  while (queue.length && seen++ < maxNodes) {
    const v = queue.shift();
    if (Array.isArray(v)) queue.push(...v);
    else if (isObject(v)) {
      for (const [k, child] of Object.entries(v)) {
        if (pattern.test(k.replace(/^.*:/, ''))) out.push(...asList(child).filter(isObject));
        else queue.push(child);
      }
    }
  }
  return out;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Writes a web-service date ("18/11/2021", "2021-11-18T10:00:00") the way minutes print dates. */
function printedDate(value: string): { date: string; time: string } {
  let m = /(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value);
  if (m) {
    const time = m[4] && !(m[4] === '00' && m[5] === '00') ? `${m[4]}:${m[5]}` : '';
    return { date: `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? ''} ${m[1]}`, time };
  }
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(value);
  if (m) return { date: `${Number(m[1])} ${MONTHS[Number(m[2]) - 1] ?? ''} ${m[3]}`, time: '' };
  return { date: value, time: '' };
}

const truthy = (s: string) => /^(true|yes|y|1|restricted|exempt|confidential|private)$/i.test(s.trim());

export function moderngovXmlToText(xml: string, fileName: string, limits: ExtractionLimits): string {
  if (/<!ENTITY/i.test(xml)) throw new ExtractionError('unsupported-format', fileName, 'the XML declares its own entities, which is not accepted (it can be used to blow up memory)');
  let doc: XmlValue;
  try {
    const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: true, processEntities: true, htmlEntities: true });
    doc = parser.parse(xml, true) as XmlValue;
  } catch (error) {
    const message = error instanceof RangeError ? 'it nests too deeply' : String((error as Error).message ?? error).slice(0, 160);
    throw new ExtractionError('corrupt', fileName, `the XML is not well formed or is cut short (${message})`);
  }
  const body = fieldText(doc, /^(committee(title|name)|committee_title|bodyname|body)$/i) || fieldText(doc, /committee.*(title|name)/i);
  const when = printedDate(fieldText(doc, /^(meetingdate|meeting_date|date)$/i) || fieldText(doc, /date/i));
  const time = fieldText(doc, /^(meetingtime|meeting_time|time|starttime)$/i) || when.time;
  const venue = fieldText(doc, /^(meetinglocation|location|venue|place)$/i);

  const items = findRecords(doc, /^(agendaitem|agenda_item|item)$/i);
  const attendees = findRecords(doc, /^(attendee|attendance|member|councillor)$/i);
  const hasMinutes = items.some((item) => fieldText(item, /minute|decision|resolution/i).length > 0);

  const out: string[] = [];
  if (body) out.push(`# ${body}`, '');
  const kind = hasMinutes ? 'Minutes' : 'Agenda';
  out.push(`${kind} of the meeting of the ${body || 'meeting'} held${venue ? ` at ${venue}` : ''} on ${when.date}${time ? ` at ${time}` : ''}.`, '');

  const groups = new Map<string, string[]>();
  for (const a of attendees) {
    const name = fieldText(a, /^(name|fullname|membername|attendeename|displayname)$/i) || fieldText(a, /name/i);
    if (!name) continue;
    const role = fieldText(a, /^(role|roledescription|position|title)$/i);
    const status = fieldText(a, /attendance|status|type|attended/i).toLowerCase();
    const group = /apolog|absent|not present|did not attend/.test(status) ? 'APOLOGIES' : /attendance|officer|in attendance/.test(status) ? 'IN ATTENDANCE' : /also/.test(status) ? 'ALSO PRESENT' : 'PRESENT';
    const list = groups.get(group) ?? [];
    list.push(role && !/^(member|attendee)$/i.test(role) ? `${name} (${role})` : name);
    groups.set(group, list);
  }
  for (const [group, names] of groups) out.push(`${group}: ${names.join(', ')}`, '');

  let part: 'open' | 'restricted' | null = null;
  for (const item of items) {
    const title = fieldText(item, /^(agendaitemtitle|itemtitle|title|name|subject)$/i) || fieldText(item, /title/i);
    if (!title) continue;
    const code = fieldText(item, /^(agendaitemnumber|itemnumber|number|itemref|agendaitemref)$/i);
    const minute = fieldText(item, /^(minutenumber|minuteno|minuteref|agendaitemminutenumber|minute_number)$/i);
    const restrictedValue = findField(item, /restricted|exempt|confidential|private|ispart2/i);
    const restricted = restrictedValue !== undefined && truthy(textOf(restrictedValue));
    const want = restricted ? 'restricted' : 'open';
    if (restrictedValue !== undefined && part !== want) {
      out.push(restricted ? '# RESTRICTED ITEMS (not open to the press and public)' : '# UNRESTRICTED ITEMS', '');
      part = want;
    }
    const cleanCode = code.replace(/\.$/, '');
    const number = minute ? `${minute.replace(/\.$/, '')}. ` : !/[A-Za-z]/.test(cleanCode) && cleanCode ? `${cleanCode}. ` : '';
    const codeNote = cleanCode && /[A-Za-z]/.test(cleanCode) ? ` (Item ${cleanCode})` : '';
    out.push(`## ${number}${title}${codeNote}`, '');
    const pages = fieldText(item, /^pages?$/i);
    if (pages) out.push(`(Pages ${pages})`, '');
    const minutes = findField(item, /^(minutes|minutestext|minutetext|agendaitemminutes|decision|decisiontext|resolution)$/i);
    if (minutes !== undefined) {
      const text = textOf(minutes);
      out.push(/<[a-z][^>]*>/i.test(text) ? htmlToText(text, limits.maxDepth) : text, '');
    }
  }
  if (items.length === 0 && !body) throw new ExtractionError('unsupported-format', fileName, 'the XML is not a ModernGov meeting (no committee, no agenda items)');
  return out.join('\n');
}
