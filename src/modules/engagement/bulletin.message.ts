// An issue of the bulletin as an e-mail (MJML compiled to HTML that survives common mail
// clients and reads well with images off, plus a plain-text part) and as the archive's web
// page. The markup is made once per issue; each recipient's copy only fills in their own
// unsubscribe and preferences links. No tracking pixel, no tracked links.
import MailComposer from 'nodemailer/lib/mail-composer';
import * as qp from 'nodemailer/lib/qp';
import { bulkHeaders } from './domain.ts';

export interface BulletinArticle { section: string; title: string; body: string; link_url: string | null; link_label: string | null; image_url: string | null; image_alt: string | null }
export interface BulletinIssue { id: string; number: number; title: string; introduction: string | null; sent_at: Date | null }

/** Placeholders in the compiled issue, replaced in each recipient's copy. */
export const UNSUBSCRIBE = '%%UNSUBSCRIBE%%';
export const PREFERENCES = '%%PREFERENCES%%';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An address an article may link to: the web (http or https) or a page of this site. */
export function isLinkable(url: string): boolean {
  if (url.startsWith('/') && !url.startsWith('//')) return true;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

const absolute = (url: string, origin: string) => (url.startsWith('/') ? `${origin}${url}` : url);

/**
 * The article's text with its basic formatting: paragraphs (a blank line), **bold** and
 * [words](address) links; everything else is text, escaped.
 */
export function articleHtml(body: string, origin: string): string {
  return body.trim().split(/\n\s*\n/).map((para) => {
    let out = '';
    let rest = para.replace(/\s*\n\s*/g, ' ');
    const pattern = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/;
    for (let m = pattern.exec(rest); m; m = pattern.exec(rest)) {
      out += esc(rest.slice(0, m.index));
      if (m[1] !== undefined) out += `<strong>${esc(m[1])}</strong>`;
      else out += isLinkable(m[3]!) ? `<a href="${esc(absolute(m[3]!, origin))}">${esc(m[2]!)}</a>` : esc(m[0]);
      rest = rest.slice(m.index + m[0].length);
    }
    return `<p>${out + esc(rest)}</p>`;
  }).join('\n');
}

/** The same text for the plain-text part: links written out after their words. */
export function articleText(body: string, origin: string): string {
  return body.trim().split(/\n\s*\n/).map((p) => p.replace(/\s*\n\s*/g, ' ')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, words: string, url: string) => (isLinkable(url) ? `${words} (${absolute(url, origin)})` : `${words}`)))
    .join('\n\n');
}

/** Articles in their sections, in order of first appearance. */
export function bySection(articles: readonly BulletinArticle[]): { section: string; articles: BulletinArticle[] }[] {
  const out: { section: string; articles: BulletinArticle[] }[] = [];
  for (const a of articles) {
    const s = out.find((x) => x.section === a.section) ?? (out.push({ section: a.section, articles: [] }), out.at(-1)!);
    s.articles.push(a);
  }
  return out;
}

export interface CompiledIssue { subject: string; html: string; text: string }

/** The issue compiled once: HTML through MJML, and the plain text, each with the two placeholders. */
export async function compileIssue(issue: BulletinIssue, articles: readonly BulletinArticle[], o: { partnershipName: string; origin: string; brandColour?: string }): Promise<CompiledIssue> {
  const colour = o.brandColour ?? '#1d70b8';
  const sections = bySection(articles);
  const webUrl = `${o.origin}/bulletins/${issue.number}`;
  const mjml = `<mjml lang="en-GB">
  <mj-head>
    <mj-title>${esc(issue.title)}</mj-title>
    <mj-preview>${esc((issue.introduction ?? issue.title).slice(0, 140))}</mj-preview>
    <mj-attributes>
      <mj-all font-family="Arial, Helvetica, sans-serif" />
      <mj-text font-size="16px" line-height="24px" color="#0b0c0c" />
    </mj-attributes>
    <mj-style>a { color: ${colour}; } h2 { font-size: 22px; margin: 0; } h3 { font-size: 19px; margin: 0 0 8px; }</mj-style>
  </mj-head>
  <mj-body background-color="#f3f2f1" width="640px">
    <mj-section background-color="${colour}" padding="16px">
      <mj-column><mj-text color="#ffffff" font-size="14px">${esc(o.partnershipName)}</mj-text>
      <mj-text color="#ffffff" font-size="26px" line-height="32px" font-weight="bold">${esc(issue.title)}</mj-text></mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="8px 16px">
      <mj-column><mj-text font-size="14px"><a href="${esc(webUrl)}">Read this bulletin on the web</a></mj-text>
      ${issue.introduction ? `<mj-text>${articleHtml(issue.introduction, o.origin)}</mj-text>` : ''}</mj-column>
    </mj-section>
    ${sections.map((s) => `<mj-section background-color="#ffffff" padding="8px 16px">
      <mj-column>
        <mj-text><h2>${esc(s.section)}</h2></mj-text>
        ${s.articles.map((a) => `${a.image_url ? `<mj-image src="${esc(absolute(a.image_url, o.origin))}" alt="${esc(a.image_alt ?? '')}" width="560px" />` : ''}
        <mj-text><h3>${esc(a.title)}</h3>${articleHtml(a.body, o.origin)}${a.link_url ? `<p><a href="${esc(absolute(a.link_url, o.origin))}">${esc(a.link_label ?? 'Read more')}</a></p>` : ''}</mj-text>
        <mj-divider border-width="1px" border-color="#b1b4b6" />`).join('\n')}
      </mj-column>
    </mj-section>`).join('\n')}
    <mj-section padding="16px">
      <mj-column><mj-text font-size="14px" color="#505a5f">You receive this because you asked for the ${esc(o.partnershipName)} bulletin.
        <a href="${UNSUBSCRIBE}">Unsubscribe</a> or <a href="${PREFERENCES}">change what you receive</a>. We do not track whether you open our e-mails.</mj-text></mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
  // Loaded when a bulletin is first built, not at start (about 100 MB and most of a second).
  const { default: mjml2html } = await import('mjml');
  const result = await mjml2html(mjml, { validationLevel: 'strict', keepComments: false });
  const text = [
    `${o.partnershipName}`, issue.title, '='.repeat(Math.min(issue.title.length, 70)), '',
    `Read this bulletin on the web: ${webUrl}`, '',
    ...(issue.introduction ? [articleText(issue.introduction, o.origin), ''] : []),
    ...sections.flatMap((s) => [s.section.toUpperCase(), '', ...s.articles.flatMap((a) => [
      a.title, '-'.repeat(Math.min(a.title.length, 70)), articleText(a.body, o.origin),
      ...(a.link_url ? [`${a.link_label ?? 'Read more'}: ${absolute(a.link_url, o.origin)}`] : []), '',
    ])]),
    '--', `You receive this because you asked for the ${o.partnershipName} bulletin.`,
    `Unsubscribe: ${UNSUBSCRIBE}`, `Change what you receive: ${PREFERENCES}`,
  ].join('\n');
  return { subject: `${issue.title}`, html: result.html, text };
}

/** One recipient's copy: their links in the body, and the RFC 8058 headers. */
export function recipientCopy(c: CompiledIssue, r: { unsubscribeUrl: string; preferencesUrl: string; listName: string; listId: string; host: string }) {
  const fill = (s: string) => s.split(UNSUBSCRIBE).join(r.unsubscribeUrl).split(PREFERENCES).join(r.preferencesUrl);
  return {
    subject: c.subject, html: fill(c.html), text: fill(c.text),
    headers: bulkHeaders({ unsubscribeUrl: r.unsubscribeUrl, listName: r.listName, listId: r.listId, host: r.host }),
  };
}

// ------------------------------------------------------------------ the bulk send's one message

/** What differs between two recipients' copies of the composed message. */
type Slot = 'to' | 'messageId' | 'unsubscribeHeader' | 'unsubscribe' | 'preferences';
/** The composed message in pieces: text as it is sent, and the slots each recipient fills. */
export type BulkTemplate = readonly (string | { slot: Slot })[];

const TO_SLOT = 'recipient@slot.invalid';
const MID_SLOT = '<message@slot.invalid>';
const UNSUBSCRIBE_HEADER_SLOT = '<%%UNSUBSCRIBE-HEADER%%>';
const TEXT_SLOT = '@@BULLETIN-TEXT@@';
const HTML_SLOT = '@@BULLETIN-HTML@@';

/**
 * One issue's whole message (headers by the mail library, both parts in quoted-printable),
 * composed once for a bulk send; each copy is then only the recipient's own address,
 * Message-ID and links put into their slots (bulkCopy). A send of thousands of copies thus
 * builds, encodes and throws away no more than one string per recipient. Each part's text
 * is encoded in runs between its links, every run ending in a soft line break, so a run
 * encodes alike whatever link comes before it.
 */
export async function bulkTemplate(c: CompiledIssue, o: { from: string; listName: string; listId: string; host: string }): Promise<BulkTemplate> {
  const headers = bulkHeaders({ unsubscribeUrl: 'x', listName: o.listName, listId: o.listId, host: o.host });
  const raw: Buffer = await new Promise((resolve, reject) => new MailComposer({
    from: o.from, to: TO_SLOT, subject: c.subject, messageId: MID_SLOT, text: TEXT_SLOT, html: HTML_SLOT,
    headers: { ...headers, 'List-Unsubscribe': UNSUBSCRIBE_HEADER_SLOT },
  }).compile().build((e, out) => (e ? reject(e) : resolve(out))));
  let message = raw.toString('latin1');
  const out: (string | { slot: Slot })[] = [];
  // The parts' placeholders are plain ASCII, so the library wrote them as 7bit: they become quoted-printable here.
  for (const slot of [TEXT_SLOT, HTML_SLOT]) {
    const at = `Content-Transfer-Encoding: 7bit\r\n\r\n${slot}\r\n`;
    if (!message.includes(at)) throw new Error(`The composed bulletin has no ${slot} part`);
    message = message.replace(at, `Content-Transfer-Encoding: quoted-printable\r\n\r\n${slot}\r\n`);
  }
  const encodeRuns = (body: string) => {
    const runs = body.replace(/\r?\n/g, '\r\n').split(new RegExp(`(${UNSUBSCRIBE}|${PREFERENCES})`));
    return runs.map((run, i): string | { slot: Slot } => {
      if (run === UNSUBSCRIBE) return { slot: 'unsubscribe' };
      if (run === PREFERENCES) return { slot: 'preferences' };
      const last = i === runs.length - 1;
      const encoded = qp.wrap(qp.encode(run), last ? 76 : 75);
      return last || !encoded || encoded.endsWith('\r\n') ? encoded : `${encoded}=\r\n`;
    });
  };
  for (const piece of message.split(new RegExp(`(${[TO_SLOT, MID_SLOT, UNSUBSCRIBE_HEADER_SLOT, TEXT_SLOT, HTML_SLOT].map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`))) {
    if (piece === TO_SLOT) out.push({ slot: 'to' });
    else if (piece === MID_SLOT) out.push({ slot: 'messageId' });
    else if (piece === UNSUBSCRIBE_HEADER_SLOT) out.push({ slot: 'unsubscribeHeader' });
    else if (piece === TEXT_SLOT) out.push(...encodeRuns(c.text));
    else if (piece === HTML_SLOT) out.push(...encodeRuns(c.html));
    else if (piece) out.push(piece);
  }
  return out;
}

/** One recipient's copy of the composed message, as sent. */
export function bulkCopy(t: BulkTemplate, r: { to: string; messageId: string; unsubscribeUrl: string; preferencesUrl: string }): string {
  // A link in a part: encoded alone and ended by a soft line break, as the runs around it are.
  const unsubscribe = `${qp.wrap(qp.encode(r.unsubscribeUrl), 75)}=\r\n`;
  const preferences = `${qp.wrap(qp.encode(r.preferencesUrl), 75)}=\r\n`;
  let out = '';
  for (const piece of t) {
    if (typeof piece === 'string') out += piece;
    else if (piece.slot === 'to') out += r.to;
    else if (piece.slot === 'messageId') out += r.messageId;
    else if (piece.slot === 'unsubscribeHeader') out += `<${r.unsubscribeUrl}>`;
    else out += piece.slot === 'unsubscribe' ? unsubscribe : preferences;
  }
  return out;
}
