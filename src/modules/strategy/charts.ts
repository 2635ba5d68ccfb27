// Charts drawn on the server as SVG: no JavaScript, no inline styles (the content
// security policy allows none), the same figures always given in a table beside them.
// The SVG is aria-hidden; the table is what assistive technology reads.

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** GOV.UK colours for the statuses, as the tags show them. */
export const FILL: Record<string, string> = { green: '#00703c', yellow: '#ffdd00', red: '#d4351c', blue: '#1d70b8', grey: '#505a5f', purple: '#4c2c92' };

export interface Bar { label: string; value: number; colour?: string }

/** Horizontal bars, 0 to `max`, one per row, with the value written at the end of each. */
export function barChart(bars: readonly Bar[], opts: { max?: number; unit?: string; width?: number } = {}): string {
  const width = opts.width ?? 640;
  const labelWidth = 240;
  const row = 28;
  const max = opts.max ?? Math.max(1, ...bars.map((b) => b.value));
  const plot = width - labelWidth - 60;
  const height = bars.length * row + 8;
  const parts = bars.map((b, i) => {
    const y = i * row + 4;
    const w = Math.max(0, Math.round((b.value / max) * plot));
    const label = b.label.length > 34 ? `${b.label.slice(0, 33)}…` : b.label;
    return `<text x="0" y="${y + 17}" font-size="14" fill="#0b0c0c">${esc(label)}</text>`
      + `<rect x="${labelWidth}" y="${y + 4}" width="${plot}" height="16" fill="#f3f2f1"/>`
      + `<rect x="${labelWidth}" y="${y + 4}" width="${w}" height="16" fill="${FILL[b.colour ?? 'blue'] ?? FILL.blue}"/>`
      + `<text x="${labelWidth + plot + 6}" y="${y + 17}" font-size="14" fill="#0b0c0c">${b.value}${esc(opts.unit ?? '')}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 ${width} ${height}" width="100%" role="presentation" aria-hidden="true" focusable="false">${parts.join('')}</svg>`;
}

/** A measure over time: a line through its values, the target as a dashed line. */
export function lineChart(points: readonly { label: string; value: number }[], opts: { target?: number | null; baseline?: number | null; width?: number } = {}): string {
  const width = opts.width ?? 480;
  const height = 180;
  const left = 48;
  const bottom = 28;
  const values = [...points.map((p) => p.value), ...(opts.target != null ? [opts.target] : []), ...(opts.baseline != null ? [opts.baseline] : [])];
  if (!points.length) return '';
  const lo = Math.min(0, ...values);
  const hi = Math.max(1, ...values) * 1.1;
  const x = (i: number) => left + (points.length === 1 ? (width - left) / 2 : (i * (width - left - 16)) / (points.length - 1));
  const y = (v: number) => Math.round(height - bottom - ((v - lo) / (hi - lo)) * (height - bottom - 8));
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${Math.round(x(i))},${y(p.value)}`).join(' ');
  const target = opts.target != null ? `<line x1="${left}" x2="${width}" y1="${y(opts.target)}" y2="${y(opts.target)}" stroke="#00703c" stroke-dasharray="6 4"/><text x="${width - 4}" y="${y(opts.target) - 4}" text-anchor="end" font-size="12" fill="#00703c">Target ${opts.target}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 ${width} ${height}" width="100%" role="presentation" aria-hidden="true" focusable="false">`
    + `<line x1="${left}" x2="${left}" y1="4" y2="${height - bottom}" stroke="#b1b4b6"/><line x1="${left}" x2="${width}" y1="${height - bottom}" y2="${height - bottom}" stroke="#b1b4b6"/>`
    + `<text x="${left - 6}" y="${y(hi / 1.1) + 4}" text-anchor="end" font-size="12" fill="#505a5f">${Math.round(hi / 1.1)}</text>`
    + `<text x="${left - 6}" y="${height - bottom}" text-anchor="end" font-size="12" fill="#505a5f">${lo}</text>`
    + target + `<path d="${path}" fill="none" stroke="#1d70b8" stroke-width="3"/>`
    + points.map((p, i) => `<circle cx="${Math.round(x(i))}" cy="${y(p.value)}" r="4" fill="#1d70b8"/><text x="${Math.round(x(i))}" y="${height - 8}" text-anchor="middle" font-size="12" fill="#0b0c0c">${esc(p.label)}</text>`).join('')
    + '</svg>';
}
