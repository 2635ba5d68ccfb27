// Typed errors. One handler (web/errorHandler.ts) turns them into a GOV.UK error page
// or an RFC 9457 problem document.

export interface FieldError {
  field: string;
  message: string;
}

/** Input that cannot be accepted; nothing was written. Messages say what to do. */
export class ValidationError extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
  }
  static single(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends Error {
  constructor(message = 'Page not found') {
    super(message);
  }
}

export class ForbiddenError extends Error {
  /** 'sign-in' when signing in may help; 'role' when it would not. */
  readonly reason: 'sign-in' | 'role';
  constructor(reason: 'sign-in' | 'role' = 'role') {
    super(reason === 'sign-in' ? 'You need to sign in to do that' : 'You do not have permission to do that');
    this.reason = reason;
  }
}

/** A change that clashes with the record as it stands (a duplicate, a locked record). */
export class ConflictError extends Error {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

export class TooManyRequestsError extends Error {}

/**
 * The request is understood but the record cannot take it as it stands (a publication
 * the check page refuses): every problem is listed, each marked as an error or a warning.
 */
export class UnprocessableError extends Error {
  readonly errors: (FieldError & { severity: 'error' | 'warning' })[];
  constructor(message: string, errors: (FieldError & { severity: 'error' | 'warning' })[]) {
    super(message);
    this.errors = errors;
  }
}
