// A simple map drawn as SVG from coordinates: every LSOA with crime of the type as a
// small grey dot at the mean position of its crimes, the top ones as blue circles sized
// by their count and numbered by rank. No tiles and nothing fetched: the table beside it
// is what assistive technology reads (the SVG is aria-hidden, as the charts are).

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface MapPoint { lon: number; lat: number; value: number; rank?: number; label?: string }

export function pointMap(points: readonly MapPoint[], opts: { width?: number; height?: number } = {}): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  if (!points.length) return '';
  const pad = 24;
  const lons = points.map((p) => p.lon);
  const lats = points.map((p) => p.lat);
  const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  // Equirectangular, with longitude shortened by the cosine of the middle latitude so shapes keep their proportions.
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxLon - minLon) * k, 1e-6);
  const spanY = Math.max(maxLat - minLat, 1e-6);
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
  const x = (lon: number) => Math.round((pad + (lon - minLon) * k * scale + (width - 2 * pad - spanX * scale) / 2) * 10) / 10;
  const y = (lat: number) => Math.round((height - pad - (lat - minLat) * scale - (height - 2 * pad - spanY * scale) / 2) * 10) / 10;
  const max = Math.max(1, ...points.map((p) => p.value));
  const dots = points.filter((p) => p.rank === undefined).map((p) => `<circle cx="${x(p.lon)}" cy="${y(p.lat)}" r="2" fill="#b1b4b6"/>`).join('');
  const ranked = points.filter((p) => p.rank !== undefined).sort((a, b) => b.rank! - a.rank!).map((p) => {
    const r = Math.round((4 + 14 * Math.sqrt(p.value / max)) * 10) / 10;
    return `<circle cx="${x(p.lon)}" cy="${y(p.lat)}" r="${r}" fill="#1d70b8" fill-opacity="0.75" stroke="#ffffff"/>`
      + `<text x="${x(p.lon)}" y="${y(p.lat) + 4}" text-anchor="middle" font-size="11" font-weight="bold" fill="#ffffff">${p.rank}</text>`;
  }).join('');
  // A scale bar of 5 km (a degree of latitude is about 111 km).
  const km5 = Math.round((5 / 111) * scale);
  const scaleBar = km5 > 10 && km5 < width / 2
    ? `<line x1="${pad}" x2="${pad + km5}" y1="${height - 8}" y2="${height - 8}" stroke="#0b0c0c" stroke-width="2"/><text x="${pad + km5 + 6}" y="${height - 4}" font-size="12" fill="#0b0c0c">5 km</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 ${width} ${height}" width="100%" role="presentation" aria-hidden="true" focusable="false">`
    + `<rect x="0" y="0" width="${width}" height="${height}" fill="#f3f2f1"/>${dots}${ranked}${scaleBar}`
    + `<text x="${width - 8}" y="16" text-anchor="end" font-size="12" fill="#505a5f">${esc('North is up')}</text></svg>`;
}
