// Text for the PDF's standard fonts. pdf-lib's Helvetica writes WinAnsi (Windows-1252)
// only and throws on anything else, while clerks paste names, dashes and symbols from
// everywhere. Each character is kept when it encodes, else replaced by its nearest
// WinAnsi form (accents dropped, arrows spelt out), else by "?".

/** The characters of Windows-1252 above Latin-1's printable range (0x80-0x9F). */
const WIN_ANSI_EXTRAS = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

const REPLACEMENTS: Record<string, string> = {
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2015': '—', '\u2212': '-',
  '\u2002': ' ', '\u2003': ' ', '\u2007': ' ', '\u2009': ' ', '\u200A': ' ', '\u202F': ' ', '\u3000': ' ',
  '\u200B': '', '\u200C': '', '\u200D': '', '\u2060': '', '\uFEFF': '', '\u00AD': '',
  '\u201B': '‘', '\u201F': '“', '\u2032': "'", '\u2033': '"', '\u2039': '‹', '\u203A': '›',
  '\u2023': '•', '\u2043': '-', '\u25CF': '•', '\u25AA': '•', '\u25E6': '•', '\u2219': '•', '\u00B7': '·',
  '\u2190': '<-', '\u2192': '->', '\u2194': '<->', '\u21D2': '=>', '\u2264': '<=', '\u2265': '>=', '\u2260': '!=', '\u2248': '~',
  '\u2713': 'x', '\u2714': 'x', '\u2717': 'x', '\u2610': '[ ]', '\u2611': '[x]', '\u2612': '[x]',
  '\u0141': 'L', '\u0142': 'l', '\u0110': 'D', '\u0111': 'd', '\u0131': 'i', '\u0126': 'H', '\u0127': 'h', '\u0166': 'T', '\u0167': 't',
  '\u2116': 'No.', '\u2122': '™', '\u00A0': ' ',
};

export function encodesInWinAnsi(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp >= 0x20 && cp <= 0x7e) return true;
  if (cp >= 0xa0 && cp <= 0xff) return cp !== 0xad;
  return ch.length === 1 && WIN_ANSI_EXTRAS.includes(ch);
}

/**
 * One line's or paragraph's text as the standard fonts can draw it. Line breaks are
 * kept (layout splits on them); tabs become spaces; other control characters go.
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text.replace(/\r\n?/g, '\n')) {
    if (ch === '\n') { out += ch; continue; }
    if (ch === '\t') { out += ' '; continue; }
    if (encodesInWinAnsi(ch)) { out += ch; continue; }
    const replacement = REPLACEMENTS[ch];
    if (replacement !== undefined) { out += replacement; continue; }
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
    // Accented letters outside Latin-1 (ő, ś, č) lose their accents.
    const plain = ch.normalize('NFKD').replace(/\p{M}/gu, '');
    out += plain && [...plain].every(encodesInWinAnsi) ? plain : '?';
  }
  return out;
}
