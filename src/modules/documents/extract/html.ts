import { parse, NodeType, type HTMLElement, type Node } from 'node-html-parser';
import { rebuildLiteralPipeTables } from './pipetable.ts';

// Renders HTML (a web page, or what mammoth makes of a Word file) into the
// Markdown-like text the reader expects. The walk is iterative because pages
// can nest deeper than the call stack allows.

const SKIP = new Set(['script', 'style', 'noscript', 'template', 'head', 'nav', 'footer', 'svg', 'iframe', 'object', 'button', 'select', 'form', 'input']);
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'aside', 'header', 'blockquote', 'pre', 'address', 'figure', 'figcaption',
  'ul', 'ol', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tfoot', 'caption', 'hr', 'body', 'html', 'center', 'fieldset',
]);

interface Frame {
  node: Node;
  exit: boolean;
}

export function htmlToText(html: string, maxDepth: number, notes?: string[]): string {
  if (html.includes('---') && /\|[ \t]*:?-{3,}/.test(html)) {
    const rebuilt = rebuildLiteralPipeTables(html);
    if (rebuilt !== html) notes?.push("a table in the page is literal Markdown pipe text ('| --- |' rows inside paragraphs), not converted to an HTML table: it was rebuilt into rows and cells; check each row's Action by and date cells against the original");
    html = rebuilt;
  }
  const root = parse(html.replace(/<!DOCTYPE[^>]*>/gi, '').replace(/<\?xml[^>]*\?>/gi, ''), { comment: false, blockTextElements: { script: false, style: false, noscript: false, pre: true } });
  const out: string[] = [];
  let line = '';
  let row: string[][] | null = null;
  // A cell's own paragraphs and list items, one entry each.
  let cell: string[] | null = null;
  const lists: { ordered: boolean; n: number }[] = [];
  let linePrefix = '';
  // An owner set in emphasis at the far right of a paragraph, after a run of spaces or tabs.
  let ownerBeside = '';

  const flush = () => {
    const text = line.replace(/\s+/g, ' ').trim();
    if (cell !== null) {
      if (text) cell.push(linePrefix.trimStart() + text);
    } else if (text) {
      out.push(linePrefix + text, '');
      if (ownerBeside) out.push(`Action by: ${ownerBeside}`, '');
    }
    ownerBeside = '';
    line = '';
    linePrefix = '';
  };

  const stack: Frame[] = [{ node: root, exit: false }];
  while (stack.length) {
    const frame = stack.pop()!;
    const node = frame.node;
    if (node.nodeType === NodeType.TEXT_NODE) {
      line += node.text.replace(/&nbsp;/g, ' ');
      continue;
    }
    if (node.nodeType !== NodeType.ELEMENT_NODE) continue;
    const el = node as HTMLElement;
    const tag = (el.rawTagName ?? '').toLowerCase();
    if (!frame.exit) {
      if (SKIP.has(tag) || el.getAttribute?.('role') === 'navigation' || el.getAttribute?.('aria-hidden') === 'true') continue;
      if (cell === null && isOwnerBeside(el)) {
        ownerBeside = el.text.replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ').trim();
        continue;
      }
      if (tag === 'br') {
        if (cell !== null) line += ' ';
        else flush();
        continue;
      }
      if (/^h[1-6]$/.test(tag) || tag === 'li' || tag === 'tr' || tag === 'td' || tag === 'th' || BLOCK.has(tag)) flush();
      if (/^h[1-6]$/.test(tag)) linePrefix = '#'.repeat(Number(tag[1])) + ' ';
      if (tag === 'ul' || tag === 'ol') lists.push({ ordered: tag === 'ol', n: Number(el.getAttribute('start') ?? '1') || 1 });
      if (tag === 'li') {
        const list = lists[lists.length - 1];
        // Nesting beyond a few levels adds nothing a reader uses, and unbounded indents would cost memory.
        const indent = '  '.repeat(Math.min(Math.max(0, lists.length - 1), Math.min(maxDepth, 6)));
        if (list?.ordered) linePrefix = `${indent}${list.n++}. `;
        else linePrefix = `${indent}- `;
      }
      if (tag === 'tr') row = [];
      if ((tag === 'td' || tag === 'th') && row) cell = [];
      stack.push({ node, exit: true });
      const children = el.childNodes;
      for (let i = children.length - 1; i >= 0; i--) {
        stack.push({ node: children[i]!, exit: false });
      }
    } else {
      if (tag === 'td' || tag === 'th') {
        flush();
        if (row && cell !== null) row.push(cell.map((c) => c.replace(/\|/g, '/')));
        cell = null;
      } else if (tag === 'tr') {
        flush();
        if (row) emitRow(row, out);
        row = null;
      } else if (tag === 'ul' || tag === 'ol') {
        flush();
        lists.pop();
      } else if (/^h[1-6]$/.test(tag) || tag === 'li' || BLOCK.has(tag)) {
        flush();
      }
    }
  }
  flush();
  const text = out.join('\n');
  // Markdown emphasis left as literal asterisks in a page's text ("2 May 2025**, at** 7pm").
  const stars = /\S*\*\*[^*\n]{1,40}\*\*\S*/.exec(text);
  if (notes && stars) notes.push(`leftover Markdown emphasis in the text: '${stars[0].slice(0, 60)}' (asterisks printed, not bold)`);
  return text;
}

const EMPHASIS = new Set(['em', 'i', 'strong', 'b']);

/**
 * Minutes typed with an action column made of tabs: "... would be sent to the MP.<tab><tab><em>Clerk</em>".
 * True for emphasis that ends its paragraph, is short, and follows a wide gap.
 */
function isOwnerBeside(el: HTMLElement): boolean {
  if (!EMPHASIS.has((el.rawTagName ?? '').toLowerCase())) return false;
  const parent = el.parentNode as HTMLElement | null;
  if (!parent || !/^(p|li|div|dd)$/i.test(parent.rawTagName ?? '')) return false;
  const siblings = parent.childNodes.filter((n) => n.nodeType === NodeType.ELEMENT_NODE || n.text.replace(/&nbsp;/g, ' ').trim());
  if (siblings[siblings.length - 1] !== el || siblings.length < 2) return false;
  const at = parent.childNodes.indexOf(el);
  const before = parent.childNodes[at - 1];
  if (!before || before.nodeType !== NodeType.TEXT_NODE || !/(?:[ \u00a0]{3,}|\t|(?:&nbsp;\s*){2,})$/.test(before.rawText)) return false;
  const text = el.text.trim();
  return text.length > 0 && text.length <= 50 && text.split(/\s+/).length <= 6;
}

// A row whose cell holds several paragraphs or a list (minutes kept in a table, with the
// discussion in one column and "Action by" beside it) is read as prose: that cell's
// paragraphs and list items in order, then the row's short cells as a row of their own.
// Other rows stay one line, "| a | b |".
function emitRow(row: string[][], out: string[]): void {
  const prose = row.map((c) => (c.length >= 2 || /^(?:- |\d+\. )/.test(c[0] ?? '')) && c.join(' ').length > 80);
  if (!prose.some(Boolean)) {
    if (row.some((c) => c.length)) out.push('| ' + row.map((c) => c.join(' ')).join(' | ') + ' |', '');
    return;
  }
  row.forEach((c, k) => {
    if (prose[k]) for (const line of c) out.push(line, '');
  });
  const rest = row.map((c, k) => (prose[k] ? '' : c.join(' ')));
  if (rest.some((c) => c)) out.push('| ' + rest.join(' | ') + ' |', '');
}

/** True when the page carries the marks of a ModernGov site. */
export function looksLikeModernGov(html: string): boolean {
  return /\bmg[A-Z][A-Za-z]+(?:Txt|Table|Cell|Link)\b|ieListDocuments|mgMeetingAttendance|modern\.gov|moderngov/i.test(html.slice(0, 200_000));
}
