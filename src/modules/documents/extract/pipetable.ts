// A Markdown table pasted into a web page as literal text ("| No | Item |", "| --- | --- |")
// instead of being converted: its pipes sit inside paragraphs, and a cell that held
// several paragraphs or a list is spread over many elements. This rebuilds it as an
// HTML table (rows and cells, each cell keeping its own paragraphs and lists), so the
// page is read like any other table.

const DELIMITER = /\|[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|/;

/** Positions of the pipes that are text (not inside a tag) in html[from, to). */
function textPipes(html: string, from: number, to: number): number[] {
  const out: number[] = [];
  let inTag = false;
  for (let i = from; i < to; i++) {
    const c = html.charCodeAt(i);
    if (c === 60 /* < */ && /[a-zA-Z/!]/.test(html[i + 1] ?? '')) inTag = true;
    else if (c === 62 /* > */) inTag = false;
    else if (c === 124 /* | */ && !inTag) out.push(i);
  }
  return out;
}

const visible = (fragment: string): string =>
  fragment
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .trim();

/** Closes what a fragment opened and drops what it closes without opening, so a cell is well formed. */
function balance(fragment: string): string {
  const open: string[] = [];
  let body = fragment.replace(/<\/?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>/g, (tag, name: string, selfClose: string) => {
    const n = name.toLowerCase();
    if (selfClose || /^(br|hr|img|wbr|input|meta|link)$/.test(n)) return tag;
    if (tag.startsWith('</')) {
      const at = open.lastIndexOf(n);
      if (at < 0) return ' ';
      const closing = open.splice(at).reverse().map((t) => `</${t}>`).join('');
      return closing;
    }
    open.push(n);
    return tag;
  });
  body += open.reverse().map((t) => `</${t}>`).join('');
  return body;
}

function cellHtml(fragment: string): string {
  return balance(fragment.replace(/^\s*<\/p>/i, '').replace(/<p>\s*$/i, ''));
}

/**
 * Rewrites every literal pipe table in a page as an HTML table. The header row gives the
 * number of columns; rows are read by counting cells, and a row that ends early (a lost
 * pipe) is resynchronised where the next row's first cell begins.
 */
export function rebuildLiteralPipeTables(html: string): string {
  let guard = 0;
  for (;;) {
    const m = DELIMITER.exec(html);
    if (!m || guard++ > 20) return html;
    const columns = (m[0].match(/\|/g)?.length ?? 2) - 1;
    // The header row: the columns+1 text pipes before the delimiter.
    const before = textPipes(html, Math.max(0, m.index - 20_000), m.index);
    if (before.length < columns + 1) return html.replace(m[0], ' ');
    const start = before[before.length - (columns + 1)]!;
    const headerPipes = before.slice(before.length - (columns + 1));
    const header: string[] = [];
    for (let k = 0; k < columns; k++) header.push(cellHtml(html.slice(headerPipes[k]! + 1, headerPipes[k + 1]!)));
    // The body: pipes after the delimiter, read in runs of `columns` cells.
    const bodyFrom = m.index + m[0].length;
    const pipes = textPipes(html, bodyFrom, html.length);
    const segment = (k: number): string => html.slice(pipes[k]! + 1, pipes[k + 1] ?? html.length);
    const rows: string[][] = [];
    let end = bodyFrom;
    let p = 0;
    if (pipes.length && !visible(html.slice(bodyFrom, pipes[0]!))) {
      for (;;) {
        const row: string[] = [];
        for (let k = p; k < p + columns && k + 1 < pipes.length; k++) row.push(cellHtml(segment(k)));
        if (!row.length) break;
        while (row.length < columns) row.push('');
        rows.push(row);
        const close = Math.min(p + columns, pipes.length - 1);
        end = pipes[close]! + 1;
        if (close + 1 >= pipes.length) break;
        const between = visible(segment(close));
        if (!between) p = close + 1;
        // A row that lost a pipe: what follows its last pipe is the next row's number cell.
        else if (/^\d{1,3}[.)]?$/.test(between)) p = close;
        else break;
      }
    }
    const table =
      '<table><thead><tr>' +
      header.map((h) => `<th>${h}</th>`).join('') +
      '</tr></thead><tbody>' +
      rows.map((r) => '<tr>' + r.map((c) => `<td>${c}</td>`).join('') + '</tr>').join('') +
      '</tbody></table>';
    // Keep the elements the table's first and last pipes sat in well formed.
    html = `${html.slice(0, start)}</p>${table}<p>${html.slice(end)}`;
  }
}
