// Cleans text from any source into plain lines the reader can walk in linear time.

const LONG_LINE = 4000;

/** Breaks a very long line at spaces so that no later step meets a line of unbounded length. */
function wrapLongLine(line: string): string[] {
  if (line.length <= LONG_LINE) return [line];
  const out: string[] = [];
  let rest = line;
  while (rest.length > LONG_LINE) {
    let cut = rest.lastIndexOf(' ', LONG_LINE);
    if (cut < LONG_LINE / 2) cut = LONG_LINE;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

export function normaliseText(raw: string): string {
  const text = raw
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\f\v\u2028\u2029]/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u200b-\u200d\u2060\u00ad]/g, '')
    .replace(/\t/g, '  ')
    // Control characters carry no meaning in minutes.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, '')
    .normalize('NFC');
  const lines: string[] = [];
  for (const line of text.split('\n')) lines.push(...wrapLongLine(line.replace(/\s+$/, '')));
  // More than two blank lines in a row say nothing more than two.
  return lines.join('\n').replace(/\n{4,}/g, '\n\n\n').trim() + '\n';
}
