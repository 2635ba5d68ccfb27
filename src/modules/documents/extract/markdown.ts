// Markdown read as Markdown: YAML front matter is metadata (its title kept apart, not
// as content), a paragraph that is wholly bold is a heading, and HTML embedded in the
// Markdown is rendered like any page. The result is the shared Markdown-like text.

import { htmlToText } from './html.ts';

export interface MarkdownRead {
  text: string;
  /** The front matter's title, where it has one. */
  title: string | null;
  /** The front matter's date, ISO, where it has one. */
  date: string | null;
}

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
const BOLD_LINE = /^\s*(?:\*\*|__)(?=\S)(.+?)(?:\*\*|__)\s*:?\s*$/;
const HTML_BLOCK = /<(table|div|p|ul|ol|h[1-6]|br)\b[\s\S]*?(?:<\/\1>|\/?>)/i;

export function markdownToText(source: string, maxDepth: number, notes?: string[]): MarkdownRead {
  let text = source.replace(/^\uFEFF/, '');
  let title: string | null = null;
  let date: string | null = null;
  const fm = FRONT_MATTER.exec(text);
  if (fm) {
    const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'im').exec(fm[1]!)?.[1]!.trim().replace(/^(["'])(.*)\1$/, '$2').trim() || null;
    title = field('title');
    date = /^\d{4}-\d{2}-\d{2}/.exec(field('date') ?? '')?.[0] ?? null;
    const people = ['author', 'chairman', 'chair', 'clerk'].map((k) => [k, field(k)] as const).filter(([, v]) => v);
    if (people.length) notes?.push(`the front matter carries metadata that is not part of the record (${people.map(([k, v]) => `${k}: ${v}`).join(', ')}); it was not read as content, and names in it may differ in form from the minutes`);
    text = text.slice(fm[0].length);
  }
  // Escapes left by a converter: numbered paragraphs "1\. Apologies", bullets "- \- Item".
  const escapedNumber = /^\s*(?:\*\*)?(\d{1,3}\\\.\s*[^\n]{0,30})/m.exec(text);
  if (escapedNumber) notes?.push(`numbered paragraphs are backslash-escaped Markdown ('${escapedNumber[1]!.trim()}'), so they are not Markdown lists; numbers read from the text`);
  const escapedDash = /^\s*[-*+]\s+(\\[-*+]\s*[^\n]{0,30})/m.exec(text);
  if (escapedDash) notes?.push(`list bullets carry a leftover escaped dash ('- ${escapedDash[1]!.trim()}')`);
  const out: string[] = [];
  for (const chunk of text.split(/\n(?=\s*\n)/)) {
    // A chunk of embedded HTML (a Word table pasted into a post) keeps its rows and cells.
    if (HTML_BLOCK.test(chunk) && /^\s*</.test(chunk)) {
      out.push(htmlToText(chunk, maxDepth, notes));
      continue;
    }
    out.push(
      chunk
        .split('\n')
        .map((line) => {
          const bold = BOLD_LINE.exec(line);
          return bold && !/^\s*[-*+]\s/.test(line) && bold[1]!.length <= 200 ? `## ${bold[1]}` : line;
        })
        .join('\n'),
    );
  }
  return { text: out.join('\n'), title, date };
}
