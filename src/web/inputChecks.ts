// One gate for every request's query string and body, before any route reads them:
// characters no person types (a NUL byte, control characters, broken UTF-8, half of a
// surrogate pair) are refused with a 400 that says so, instead of reaching PostgreSQL
// (which refuses NUL with an error) or a response header (where Node refuses CR and LF).
import type { FastifyInstance } from 'fastify';
import { ValidationError } from './errors.ts';

// Query strings are one line: no control character at all. Bodies hold text areas, so
// tab, line feed and carriage return are allowed there and nothing else below a space.
// eslint-disable-next-line no-control-regex
const QUERY_CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const BODY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

// Half of a surrogate pair: JSON can carry one ("\ud800"), and it is not text.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const acceptable = (s: string, control: RegExp) => !control.test(s) && !LONE_SURROGATE.test(s);

const MESSAGE = 'contains a character that cannot be accepted (a control character, a null byte or text that is not valid UTF-8). Remove it and try again';

export class InvalidCharacterError extends ValidationError {}

/** The first field (by name, or "form") whose name or text breaks the rule, or null. */
export function badField(value: unknown, control: RegExp, name = 'form', depth = 0): string | null {
  if (typeof value === 'string') return acceptable(value, control) ? null : name;
  if (depth > 20 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return null;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!acceptable(key, control)) return 'form';
    const found = badField(v, control, Array.isArray(value) ? name : key, depth + 1);
    if (found) return found;
  }
  return null;
}

const refuse = (field: string) => new InvalidCharacterError([{ field, message: `${field === 'form' ? 'The form' : `The ${field.replace(/_/g, ' ')} field`} ${MESSAGE}` }]);

/**
 * Form bodies, strictly: `a=1&b=2`, repeated names become arrays, and a percent escape
 * that is not UTF-8 is refused (node:querystring would quietly turn it into U+FFFD).
 */
export function parseFormStrictly(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const pair of body.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const [rawKey, rawValue] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      throw refuse('form');
    }
    const before = out[key];
    out[key] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
  }
  return { ...out };
}

/**
 * Multipart fields are read by the upload routes after the gate has run (they stream the
 * file), so those routes call this once the fields are in: the same rule, the same 400.
 */
export function checkMultipartFields(fields: Record<string, unknown>): void {
  const field = badField(fields, BODY_CONTROL);
  if (field) throw refuse(field);
}

// eslint-disable-next-line no-control-regex
const NAME_CONTROL = /[\u0000-\u001f\u007f]/g;

/** A sent file's name as kept: its last path part, without control characters or lone surrogates, at most 200 characters. */
export function safeFileName(raw: string | undefined | null): string {
  return (raw ?? '').replace(/^.*[\\/]/, '').replace(NAME_CONTROL, '').replace(new RegExp(LONE_SURROGATE.source, 'g'), '').trim().slice(0, 200);
}

/** Checks every request's query string and parsed body; call once, before the routes. */
export function registerInputChecks(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const url = req.raw.url ?? '';
    const q = url.indexOf('?');
    if (q !== -1) {
      // Each part must decode as UTF-8; the parsed values are then checked for controls.
      for (const part of url.slice(q + 1).split(/[&=]/)) {
        try {
          decodeURIComponent(part.replace(/\+/g, ' '));
        } catch {
          throw refuse('form');
        }
      }
      const field = badField(req.query, QUERY_CONTROL);
      if (field) throw refuse(field);
    }
    const field = badField(req.body, BODY_CONTROL);
    if (field) throw refuse(field);
  });
}
