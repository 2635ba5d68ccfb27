// A small HTTP server of our own that answers as a ModernGov web service does, quirks
// included: committee -1 means all and 0 nothing; a range not written dd/mm/yyyy is
// ignored and a capped list of everything comes back; documents are linked as http://.
// Tests change its records, and make it fail (403, timeouts, malformed replies, down).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildPdf } from '../../meetings/testing.ts';
import { fixtureCommittees, fixtureMeetings, type FixtureDocument, type FixtureMeeting } from './fixtures.ts';

export type Failure = 'forbidden' | 'timeout' | 'malformed' | 'entities' | 'server-error';

const OPERATIONS = ['GetCommittees', 'GetMeetings', 'GetAllMeetingsByDate', 'GetMeeting', 'GetAttachment', 'GetCouncillorsByWard'];
/** The most meetings the service returns when it ignores the range. */
export const CAPPED_LIST = 4;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const fromDdmmyyyy = (s: string) => (/^\d{2}\/\d{2}\/\d{4}$/.test(s) ? `${s.slice(6)}-${s.slice(3, 5)}-${s.slice(0, 2)}` : null);

export class ModernGovTestServer {
  committees = fixtureCommittees.map((c) => ({ ...c }));
  meetings: FixtureMeeting[] = fixtureMeetings();
  /** Every request's path and query, in order. */
  readonly requests: string[] = [];
  /** Failures by a test on the path: operation name or document path, until cleared. */
  readonly failures = new Map<string, Failure>();
  /** Requests held back (keyed as failures) until the test settles the promise; then answered as usual. */
  readonly holds = new Map<string, Promise<unknown>>();
  /** Documents sent in pieces with no length given, so only counting what arrives finds one over the limit. */
  documentsWithoutLength = false;
  /** Whether the service answers the WSDL as ModernGov (false: an ordinary web page). */
  moderngov = true;
  /** Like a service that ignores even a well-written range: the capped list comes back anyway. */
  ignoresRange = false;
  private readonly server: Server;
  private readonly pdfs = new Map<string, Uint8Array>();
  url = '';

  constructor() {
    this.server = createServer((req, res) => void this.answer(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    }));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get serviceUrl() {
    return `${this.url}/mgWebService.asmx`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private allDocuments(): FixtureDocument[] {
    return this.meetings.flatMap((m) => m.items.flatMap((i) => i.documents));
  }

  private async pdf(doc: FixtureDocument): Promise<Uint8Array> {
    const key = `${doc.id}:${doc.lines.join('|')}:${doc.size ?? 0}`;
    let bytes = this.pdfs.get(key);
    if (!bytes) {
      bytes = await buildPdf(doc.lines);
      if (doc.size && doc.size > bytes.length) {
        const padded = new Uint8Array(doc.size);
        padded.set(bytes);
        padded.fill(0x20, bytes.length);
        bytes = padded;
      }
      this.pdfs.set(key, bytes);
    }
    return bytes;
  }

  private xml(res: ServerResponse, body: string) {
    res.setHeader('content-type', 'text/xml; charset=utf-8');
    res.end(`<?xml version="1.0" encoding="utf-8"?>\n${body}`);
  }

  private async answer(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push(`${url.pathname}${url.search}`);
    const operation = url.pathname.replace(/^\/mgWebService\.asmx\/?/, '');
    // A failure for one meeting or document ("GetMeeting:3102"), or for every call of an operation.
    const one = url.searchParams.get('lMeetingId') ?? url.searchParams.get('lAttachmentId');
    const hold = (one ? this.holds.get(`${operation}:${one}`) : undefined) ?? this.holds.get(operation) ?? this.holds.get(url.pathname);
    if (hold) await hold;
    const failure = (one ? this.failures.get(`${operation}:${one}`) : undefined) ?? this.failures.get(operation) ?? this.failures.get(url.pathname);
    if (failure === 'forbidden') {
      res.statusCode = 403;
      return res.end('<html><body>Request blocked by the web application firewall</body></html>');
    }
    if (failure === 'server-error') {
      res.statusCode = 503;
      return res.end('Service unavailable');
    }
    if (failure === 'timeout') return; // never answers
    if (failure === 'malformed') return this.xml(res, '<meetings><meeting><meetingid>3101</meetingid><meeting');
    if (failure === 'entities') {
      // A billion laughs: nine levels of ten, 10^9 "lol"s once expanded.
      const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
      return this.xml(res, `<!DOCTYPE lolz [<!ENTITY lol0 "lol">${levels}]><committees><committee><committeeid>1</committeeid><committeetitle>&lol9;</committeetitle></committee></committees>`);
    }

    if (url.pathname.startsWith('/documents/')) {
      const doc = this.allDocuments().find((d) => (d.path && encodeURI(decodeURI(d.path)) === url.pathname) || url.pathname.startsWith(`/documents/a${d.id}/`));
      if (!doc) {
        res.statusCode = 404;
        return res.end('Not found');
      }
      const bytes = await this.pdf(doc);
      res.setHeader('content-type', 'application/pdf');
      if (this.documentsWithoutLength) {
        for (let at = 0; at < bytes.length; at += 65_536) res.write(bytes.subarray(at, at + 65_536));
        return res.end();
      }
      return res.end(bytes);
    }
    if (url.pathname !== '/mgWebService.asmx' && !url.pathname.startsWith('/mgWebService.asmx/')) {
      res.setHeader('content-type', 'text/html');
      return res.end('<!DOCTYPE html><html><body><h1>Welcome to the council website</h1></body></html>');
    }
    if (url.pathname === '/mgWebService.asmx' && url.search.toLowerCase() === '?wsdl') {
      if (!this.moderngov) {
        res.setHeader('content-type', 'text/html');
        return res.end('<!DOCTYPE html><html><body><h1>Welcome to the council website</h1></body></html>');
      }
      return this.xml(res, `<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" targetNamespace="http://moderngov.co.uk/namespaces">
  <wsdl:portType name="mgWebServiceSoap">${OPERATIONS.map((o) => `<wsdl:operation name="${o}"><wsdl:input message="tns:${o}SoapIn"/></wsdl:operation>`).join('')}</wsdl:portType>
</wsdl:definitions>`);
    }
    const q = (name: string) => url.searchParams.get(name) ?? '';
    switch (operation) {
      case 'GetCommittees':
        return this.xml(res, `<committees>${this.committees.map((c) => `<committee><committeeid>${c.id}</committeeid><committeetitle>${esc(c.title)}</committeetitle><committeedeleted>False</committeedeleted></committee>`).join('')}</committees>`);
      case 'GetMeetings':
      case 'GetAllMeetingsByDate': {
        const committee = operation === 'GetMeetings' ? Number(q('lCommitteeId')) : -1;
        const from = fromDdmmyyyy(q('sStartDate'));
        const to = fromDdmmyyyy(q('sEndDate'));
        let list = this.meetings.filter((m) => committee === -1 || m.committeeId === committee);
        if (committee === 0) list = [];
        // A range it does not understand is ignored: a capped list of everything, silently.
        list = from && to ? list.filter((m) => m.date >= from && m.date <= to) : this.meetings.slice(0, CAPPED_LIST);
        if (this.ignoresRange) list = this.meetings.filter((m) => committee === -1 || m.committeeId === committee).slice(0, CAPPED_LIST + 2);
        return this.xml(res, `<meetings>${list.map((m) => `<meeting><meetingid>${m.id}</meetingid><committeeid>${m.committeeId}</committeeid><meetingdate>${ddmmyyyy(m.date)}</meetingdate><meetingtime>${m.time}</meetingtime></meeting>`).join('')}</meetings>`);
      }
      case 'GetMeeting': {
        const m = this.meetings.find((x) => x.id === q('lMeetingId'));
        if (!m) return this.xml(res, '<getmeeting></getmeeting>');
        const committee = this.committees.find((c) => c.id === m.committeeId);
        return this.xml(res, `<getmeeting><meeting>
<meetingid>${m.id}</meetingid><committeeid>${m.committeeId}</committeeid><committeetitle>${esc(committee?.title ?? '')}</committeetitle>
<meetingdate>${ddmmyyyy(m.date)}</meetingdate><meetingtime>${m.time}</meetingtime><location>${esc(m.venue)}</location><meetingstatus>${m.status}</meetingstatus>
<attendees>${m.attendees.map((a) => `<attendee><name>${esc(a.name)}</name><role>${esc(a.role)}</role><attendancetype>${esc(a.attendance)}</attendancetype></attendee>`).join('')}</attendees>
<agendaitems>${m.items.map((i) => `<agendaitem><agendaitemid>${i.id}</agendaitemid><agendaitemnumber>${i.number}</agendaitemnumber>${i.minuteNumber ? `<minutenumber>${i.minuteNumber}</minutenumber>` : ''}
<agendaitemtitle>${esc(i.title)}</agendaitemtitle><isrestricted>${i.restricted ? 'True' : 'False'}</isrestricted>${i.exemptReason ? `<exemptreason>${esc(i.exemptReason)}</exemptreason>` : ''}
<minutes>${esc(i.minutesHtml)}</minutes><linkeddocuments>${i.documents.map((d) => `<linkeddocument><documentid>${d.id}</documentid><title>${esc(d.title)}</title>${d.path ? `<url>${this.url}${d.path}</url>` : ''}</linkeddocument>`).join('')}</linkeddocuments></agendaitem>`).join('\n')}</agendaitems>
</meeting></getmeeting>`);
      }
      case 'GetAttachment': {
        const doc = this.allDocuments().find((d) => d.id === q('lAttachmentId'));
        if (!doc) return this.xml(res, '<attachment></attachment>');
        // Attachments without a link of their own are served from a path named by their id.
        const path = doc.path ?? `/documents/a${doc.id}/${encodeURIComponent(doc.title)}.pdf`;
        return this.xml(res, `<attachment><attachmentid>${doc.id}</attachmentid><title>${esc(doc.title)}</title><url>${this.url}${path}</url></attachment>`);
      }
      default:
        res.statusCode = 500;
        return this.xml(res, '<soap:Fault>Unknown operation</soap:Fault>');
    }
  }
}
