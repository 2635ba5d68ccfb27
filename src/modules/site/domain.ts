// The partnership's own face: its brand colour and logo, and the fields of its statutory
// pages. Pure rules here; the store and commands do the reading and writing.
import { createRequire } from 'node:module';
import type createDOMPurifyType from 'dompurify';

export const DEFAULT_COLOUR = '#1d70b8';
export const LOGO_MAX_BYTES = 200 * 1024;

/** '#1D70B8', '1d70b8' or '#17b' -> '#1d70b8'; anything else -> null. */
export function parseColour(raw: string): string | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(raw.trim());
  if (!m) return null;
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return `#${hex.toLowerCase()}`;
}

/** WCAG 2.2 relative luminance of an sRGB colour '#rrggbb'. */
export function luminance(colour: string): number {
  const channel = (i: number) => {
    const c = parseInt(colour.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** WCAG contrast ratio of two colours, from 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The header's text is white on the brand colour: WCAG AA asks 4.5 to 1 for text. */
export const MIN_CONTRAST_WITH_WHITE = 4.5;

export type LogoCheck = { ok: true; mediaType: 'image/png' | 'image/svg+xml'; bytes: Buffer } | { ok: false; message: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A logo is a real PNG (its signature and an IHDR chunk with a sensible size) or an SVG,
 * which is sanitised: no scripts, no event handlers, no links out, no foreign objects.
 * The name's extension is not trusted; the bytes decide.
 */
export function checkLogo(bytes: Buffer): LogoCheck {
  if (bytes.length === 0) return { ok: false, message: 'The selected file is empty' };
  if (bytes.length > LOGO_MAX_BYTES) return { ok: false, message: `The logo must be smaller than ${LOGO_MAX_BYTES / 1024} KB` };
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    if (bytes.length < 33 || bytes.toString('latin1', 12, 16) !== 'IHDR') return { ok: false, message: 'The logo is not a complete PNG image' };
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    if (!width || !height || width > 4000 || height > 4000) return { ok: false, message: 'The PNG must be between 1 and 4000 pixels wide and high' };
    return { ok: true, mediaType: 'image/png', bytes };
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (!/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?<svg[\s>]/i.test(text)) {
    return { ok: false, message: 'The logo must be a PNG or an SVG image' };
  }
  const clean = sanitiseSvg(text);
  if (!clean) return { ok: false, message: 'The SVG has nothing left to show once made safe' };
  return { ok: true, mediaType: 'image/svg+xml', bytes: Buffer.from(clean, 'utf8') };
}

let purifier: ReturnType<typeof createDOMPurifyType> | null = null;

// jsdom is loaded the first time a logo is checked, not at start: it costs about 70 MB of
// memory and a third of a second, and most processes never check a logo.
const require = createRequire(import.meta.url);

/** An SVG with everything that could run or fetch removed (DOMPurify's SVG profile). */
export function sanitiseSvg(svg: string): string | null {
  if (!purifier) {
    const createDOMPurify = require('dompurify') as typeof createDOMPurifyType;
    const { JSDOM } = require('jsdom') as typeof import('jsdom');
    purifier = createDOMPurify(new JSDOM('').window as unknown as Parameters<typeof createDOMPurifyType>[0]);
  }
  const clean = purifier.sanitize(svg, {
    USE_PROFILES: { svg: true, svgFilters: true },
    FORBID_TAGS: ['a', 'foreignObject', 'image', 'use', 'style'],
    FORBID_ATTR: ['href', 'xlink:href', 'style'],
  });
  return /<svg[\s>]/i.test(clean) && /<(path|rect|circle|ellipse|line|polyline|polygon|text|g)\b/i.test(clean) ? clean : null;
}

/** A footer link: the text people read and an address on the web or within the app. */
export interface FooterLink { text: string; href: string }

export function parseFooterLinks(raw: string): { links: FooterLink[]; error?: string } {
  const links: FooterLink[] = [];
  const lines = raw.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const m = /^(.+?)\s*\|\s*(\S+)$/.exec(line);
    if (!m || !/^(https:\/\/|\/)/.test(m[2]!)) return { links: [], error: `Line ${i + 1}: write each link as its text, a bar and its address starting https:// or /, for example Council website | https://www.example.gov.uk` };
    links.push({ text: m[1]!.slice(0, 80), href: m[2]!.slice(0, 300) });
  }
  if (links.length > 8) return { links: [], error: 'The footer takes at most 8 links' };
  return { links };
}

export type SitePage = 'accessibility' | 'privacy' | 'contact';
export const SITE_PAGES: SitePage[] = ['accessibility', 'privacy', 'contact'];

export interface PageField { name: string; label: string; hint?: string; kind: 'text' | 'textarea' | 'date' | 'choice' | 'email'; max: number; choices?: { value: string; text: string }[]; required?: boolean }

export const COMPLIANCE = [
  { value: 'full', text: 'Fully compliant with WCAG 2.2 AA' },
  { value: 'partial', text: 'Partially compliant with WCAG 2.2 AA' },
  { value: 'not', text: 'Not compliant with WCAG 2.2 AA' },
];

/**
 * The named parts of each statutory page. The accessibility statement follows the model
 * the Public Sector Bodies Accessibility Regulations 2018 expect: compliance status, what
 * is not accessible, how to report a problem, the enforcement procedure, when prepared.
 */
export const PAGE_FIELDS: Record<SitePage, PageField[]> = {
  accessibility: [
    { name: 'compliance', label: 'Compliance status', kind: 'choice', max: 20, choices: COMPLIANCE, required: true },
    { name: 'non_accessible', label: 'Content that is not accessible, and why', hint: 'Name each problem, the WCAG criterion it fails and when it will be fixed', kind: 'textarea', max: 5000 },
    { name: 'disproportionate_burden', label: 'Disproportionate burden claimed, if any', kind: 'textarea', max: 3000 },
    { name: 'contact_email', label: 'E-mail for accessibility problems and other formats', kind: 'email', max: 200, required: true },
    { name: 'contact_phone', label: 'Telephone', kind: 'text', max: 40 },
    { name: 'response_days', label: 'Days within which you reply', kind: 'text', max: 3 },
    { name: 'tested_on', label: 'Date the service was last tested', kind: 'date', max: 10, required: true },
    { name: 'tested_by', label: 'Who tested it and how', kind: 'textarea', max: 1000 },
    { name: 'prepared_on', label: 'Date this statement was prepared', kind: 'date', max: 10, required: true },
    { name: 'reviewed_on', label: 'Date it was last reviewed', kind: 'date', max: 10 },
  ],
  privacy: [
    { name: 'controller', label: 'Data controller', hint: 'Usually the council that hosts the partnership', kind: 'text', max: 200, required: true },
    { name: 'controller_address', label: 'Controller’s address', kind: 'textarea', max: 500 },
    { name: 'dpo_email', label: 'Data Protection Officer’s e-mail', kind: 'email', max: 200, required: true },
    { name: 'ico_registration', label: 'ICO registration number', kind: 'text', max: 20 },
    { name: 'retention', label: 'How long records are kept', hint: 'For example the council’s retention schedule for committee records', kind: 'textarea', max: 3000 },
    { name: 'extra', label: 'Anything else the notice must say', kind: 'textarea', max: 5000 },
  ],
  contact: [
    { name: 'team', label: 'Team name', kind: 'text', max: 200, required: true },
    { name: 'email', label: 'E-mail', kind: 'email', max: 200, required: true },
    { name: 'phone', label: 'Telephone', kind: 'text', max: 40 },
    { name: 'address', label: 'Postal address', kind: 'textarea', max: 500 },
    { name: 'hours', label: 'When the team answers', kind: 'text', max: 200 },
  ],
};

export const PAGE_TITLES: Record<SitePage, string> = {
  accessibility: 'Accessibility statement',
  privacy: 'Privacy notice',
  contact: 'Contact the partnership team',
};

/**
 * The cookies this app sets, for the cookies page. A browser test compares this list with
 * the Set-Cookie headers seen on a journey, so a new cookie cannot go unlisted.
 */
export const COOKIES = [
  { name: 'ph_session', purpose: 'Keeps you signed in. Set only when you sign in.', expires: 'When you sign out, or when the session ends (after 12 hours unless the partnership set another limit)' },
  { name: 'ph_csrf', purpose: 'Proves that a form you send came from this service, not another site.', expires: 'When you close your browser' },
  { name: 'ph_flash', purpose: 'Carries a one-line confirmation (such as “Minutes saved”) to the next page.', expires: 'After 1 minute, or once shown' },
];
