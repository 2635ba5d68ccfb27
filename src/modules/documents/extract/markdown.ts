// Markdown read as Markdown: YAML front matter is metadata (its title kept apart, not
// as content), a paragraph that is wholly bold is a heading, and HTML embedded in the
// Markdown is rendered like any page. The result is the shared Markdown-like text.

import { htmlToText } from './html.ts';

export interface MarkdownRead {
  text: string;
  /** The front matter's title, where it has one. */
  title: string | null;
}

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
const BOLD_LINE = /^\s*(?:\*\*|__)(?=\S)(.+?)(?:\*\*|__)\s*:?\s*$/;
const HTML_BLOCK = /<(table|div|p|ul|ol|h[1-6]|br)\b[\s\S]*?(?:<\/\1>|\/?>)/i;

export function markdownToText(source: string, maxDepth: number): MarkdownRead {
  let text = source.replace(/^\uFEFF/, '');
  let title: string | null = null;
  const fm = FRONT_MATTER.exec(text);
  if (fm) {
    const t = /^title\s*:\s*(.+)$/im.exec(fm[1]!);
    if (t) title = t[1]!.trim().replace(/^(["'])(.*)\1$/, '$2').trim() || null;
    text = text.slice(fm[0].length);
  }
  const out: string[] = [];
  for (const chunk of text.split(/\n(?=\s*\n)/)) {
    // A chunk of embedded HTML (a Word table pasted into a post) keeps its rows and cells.
    if (HTML_BLOCK.test(chunk) && /^\s*</.test(chunk)) {
      out.push(htmlToText(chunk, maxDepth));
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
  return { text: out.join('\n'), title };
}
