// Reads untrusted input (a form or a JSON body) field by field and collects every
// problem, worded the GOV.UK way, before anything is written.
import { ValidationError, type FieldError } from './errors.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class Input {
  private readonly data: Record<string, unknown>;
  readonly errors: FieldError[] = [];

  constructor(data: unknown) {
    this.data = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  }

  private raw(field: string): string {
    const v = this.data[field];
    if (v === undefined || v === null) return '';
    if (Array.isArray(v)) return String(v[0] ?? '').trim();
    return String(v).trim();
  }

  has(field: string): boolean {
    return this.data[field] !== undefined;
  }

  fail(field: string, message: string): void {
    if (!this.errors.some((e) => e.field === field)) this.errors.push({ field, message });
  }

  /** Required text. */
  text(field: string, missing: string, max = 300): string {
    const v = this.raw(field);
    if (!v) this.fail(field, missing);
    else if (v.length > max) this.fail(field, `${missing.replace(/^Enter /, '').replace(/^./, (c) => c.toUpperCase())} must be ${max} characters or fewer`);
    return v;
  }

  /** Optional text: null when blank. */
  optionalText(field: string, label: string, max = 300): string | null {
    const v = this.raw(field);
    if (!v) return null;
    if (v.length > max) this.fail(field, `${label} must be ${max} characters or fewer`);
    return v;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], missing: string): T {
    const v = this.raw(field);
    if (!allowed.includes(v as T)) this.fail(field, missing);
    return v as T;
  }

  optionalOneOf<T extends string>(field: string, allowed: readonly T[], message: string): T | null {
    const v = this.raw(field);
    if (!v) return null;
    if (!allowed.includes(v as T)) this.fail(field, message);
    return v as T;
  }

  boolean(field: string): boolean {
    const v = this.data[field];
    if (typeof v === 'boolean') return v;
    const s = this.raw(field).toLowerCase();
    return s === 'true' || s === 'yes' || s === 'on' || s === '1';
  }

  /** A uuid reference to another record; existence is checked by the command. */
  optionalId(field: string, message: string): string | null {
    const v = this.raw(field);
    if (!v) return null;
    if (!isUuid(v)) this.fail(field, message);
    return v;
  }

  id(field: string, missing: string): string {
    const v = this.raw(field);
    if (!v || !isUuid(v)) this.fail(field, missing);
    return v;
  }

  /**
   * A date from either one ISO field (`starts_on`: "2026-05-14", as the API sends it)
   * or the GOV.UK date input's three fields (`starts_on-day`, `-month`, `-year`).
   */
  optionalDate(field: string, label: string): string | null {
    const iso = this.raw(field);
    const day = this.raw(`${field}-day`);
    const month = this.raw(`${field}-month`);
    const year = this.raw(`${field}-year`);
    if (!iso && !day && !month && !year) return null;
    let candidate = iso;
    if (!iso) {
      if (!day || !month || !year) {
        const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean).join(' and ');
        this.fail(field, `${label} must include a ${missing}`);
        return null;
      }
      if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) {
        this.fail(field, `${label} must be a real date`);
        return null;
      }
      candidate = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
    }
    if (!ISO_DATE.test(candidate) || !isRealDate(candidate)) {
      this.fail(field, `${label} must be a real date`);
      return null;
    }
    return candidate;
  }

  date(field: string, label: string): string {
    const v = this.optionalDate(field, label);
    if (v === null && !this.errors.some((e) => e.field === field)) this.fail(field, `Enter ${label.toLowerCase()}`);
    return v ?? '';
  }

  optionalInteger(field: string, label: string, min: number, max: number): number | null {
    const v = this.raw(field);
    if (!v) return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.fail(field, `${label} must be a whole number from ${min} to ${max}`);
      return null;
    }
    return n;
  }

  /** Throws every problem found so far, if any. */
  check(): void {
    if (this.errors.length) throw new ValidationError(this.errors);
  }
}

export function isUuid(v: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
}

export function isRealDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso && d.getUTCFullYear() >= 1900 && d.getUTCFullYear() <= 2200;
}
