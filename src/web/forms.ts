// Post, redirect, get: a form's outcome is either the saved value or the problems to
// show above the same form. Anything else (not found, forbidden) goes to the error page.
import { ConflictError, UnprocessableError, ValidationError, type FieldError } from './errors.ts';

export type FormOutcome<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export async function formOutcome<T>(work: () => Promise<T>): Promise<FormOutcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    if (e instanceof ValidationError) return { ok: false, errors: e.errors };
    if (e instanceof UnprocessableError) return { ok: false, errors: e.errors };
    if (e instanceof ConflictError) return { ok: false, errors: [{ field: e.field ?? 'form', message: e.message }] };
    throw e;
  }
}

/** Route parameters that name a record must be uuids; anything else is simply not found. */
export { isUuid } from './validate.ts';

/** One value of a query or form field that may have been sent more than once (`?a=1&a=2`): the first, or '' when absent. */
export const firstValue = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '');
