// Talks to a ModernGov web service over HTTP GET (the .asmx answers GET as well as
// SOAP). Every request has a timeout and a size limit; every failure becomes a
// ServiceError whose message says what failed, for the sync log and the pages.
import { blockedCause, outboundFetch } from '../../web/outbound.ts';
import { megabytes, REPLY_LIMIT, REQUEST_TIMEOUT_MS } from './domain.ts';
import { readAttachment, readCommittees, readMeeting, readMeetingList, readOperations, ReplyError, type RemoteDocument } from './reader.ts';

export class ServiceError extends Error {
  readonly kind: 'blocked' | 'unreachable' | 'refused' | 'timeout' | 'malformed' | 'entities' | 'not-moderngov' | 'too-large';
  constructor(kind: ServiceError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface ClientOptions {
  timeoutMs?: number;
  /** Whether the service may be on this machine or a private network (config.outboundAllowPrivate). */
  allowPrivate?: boolean;
}

export interface Downloaded {
  bytes: Uint8Array;
  fileName: string;
}

export class ModernGovClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly allowPrivate: boolean;
  constructor(baseUrl: string, options: ClientOptions = {}) {
    this.baseUrl = baseUrl;
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    this.allowPrivate = options.allowPrivate ?? false;
  }

  /** Fetches an address, reading at most `limit` bytes; `what` names it in messages. */
  async fetchBytes(url: string, what: string, limit: number): Promise<Uint8Array> {
    let res: Awaited<ReturnType<typeof outboundFetch>>;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await outboundFetch(url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'text/xml, application/xml, */*' } }, { allowPrivate: this.allowPrivate });
        break;
      } catch (error) {
        const blocked = blockedCause(error);
        if (blocked) throw new ServiceError('blocked', `${what}: ${blocked.message}`);
        const e = error as Error & { cause?: { code?: string } };
        if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new ServiceError('timeout', `${what}: no answer within ${Math.round(this.timeoutMs / 1000)} seconds`);
        // A kept-alive connection the server closed as it was reused: asked once more, on a new one (every request here is a GET).
        if (attempt === 1 && (e.cause?.code === 'ECONNRESET' || e.cause?.code === 'UND_ERR_SOCKET')) continue;
        throw new ServiceError('unreachable', `${what}: the server could not be reached (${e.cause?.code ?? e.message})`);
      }
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new ServiceError('refused', `${what}: the server refused the request (HTTP ${res.status}); a web application firewall may be blocking it. Ask the council to allow this server's address`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new ServiceError('unreachable', `${what}: the server answered HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > limit) {
      await res.body?.cancel();
      throw new ServiceError('too-large', `${what} is ${megabytes(declared)}, over the limit of ${megabytes(limit)}: not downloaded`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body ?? []) {
        size += chunk.length;
        if (size > limit) {
          await res.body?.cancel().catch(() => {});
          throw new ServiceError('too-large', `${what} is over the limit of ${megabytes(limit)}: not downloaded`);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      const e = error as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new ServiceError('timeout', `${what}: the answer stopped before it was complete (no more within ${Math.round(this.timeoutMs / 1000)} seconds)`);
      throw new ServiceError('unreachable', `${what}: the connection broke before the answer was complete`);
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private async call<T>(operation: string, params: Record<string, string | number>, read: (xml: string) => T): Promise<T> {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
    const url = `${this.baseUrl}/${operation}${query ? `?${query}` : ''}`;
    const bytes = await this.fetchBytes(url, operation, REPLY_LIMIT);
    try {
      return read(new TextDecoder().decode(bytes));
    } catch (error) {
      if (error instanceof ReplyError) throw new ServiceError(error.kind, `${operation}: ${error.message}`);
      throw error;
    }
  }

  /** The operations the service's WSDL offers. */
  async operations(): Promise<string[]> {
    const bytes = await this.fetchBytes(`${this.baseUrl}?WSDL`, 'The web service description (WSDL)', REPLY_LIMIT);
    try {
      return readOperations(new TextDecoder().decode(bytes));
    } catch (error) {
      if (error instanceof ReplyError) throw new ServiceError(error.kind === 'malformed' ? 'not-moderngov' : error.kind, error.message);
      throw error;
    }
  }

  committees() {
    return this.call('GetCommittees', {}, readCommittees);
  }

  /** Meetings of one committee (-1: all) between two dates, written dd/mm/yyyy. */
  meetings(committeeId: number, from: string, to: string) {
    return this.call('GetMeetings', { lCommitteeId: committeeId, sStartDate: from, sEndDate: to }, readMeetingList);
  }

  allMeetingsByDate(from: string, to: string) {
    return this.call('GetAllMeetingsByDate', { sStartDate: from, sEndDate: to }, readMeetingList);
  }

  /** One meeting with its reply's own bytes (migrate mode keeps them as the original). */
  async meeting(id: string) {
    let xml = '';
    const meeting = await this.call('GetMeeting', { lMeetingId: id }, (text) => {
      xml = text;
      return readMeeting(text);
    });
    return { meeting, xml };
  }

  attachment(id: string): Promise<RemoteDocument> {
    return this.call('GetAttachment', { lAttachmentId: id }, readAttachment);
  }

  /** A linked document. ModernGov often gives http:// links even on an https site: they are followed as given. */
  async download(doc: RemoteDocument, limit: number): Promise<Downloaded> {
    let url = doc.url;
    if (!url) url = (await this.attachment(doc.id)).url;
    if (!url) throw new ServiceError('malformed', `${doc.title}: the service gives no address for it`);
    const resolved = new URL(url, `${this.baseUrl}/`);
    if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') throw new ServiceError('malformed', `${doc.title}: its address is not a web address`);
    const bytes = await this.fetchBytes(resolved.toString(), doc.title, limit);
    const fileName = decodeURIComponent(resolved.pathname.split('/').pop() || `${doc.id}.pdf`).slice(0, 200);
    return { bytes, fileName };
  }
}
