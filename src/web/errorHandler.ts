// One handler turns typed errors into a GOV.UK error page or, under /api, an
// RFC 9457 problem document. Logs never carry request bodies (restricted content).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, ForbiddenError, NotFoundError, TooManyRequestsError, UnprocessableError, ValidationError } from './errors.ts';
import { CsrfError } from './csrf.ts';
import { withoutLinkTokens } from '../access/accountMail.ts';

interface Problem {
  status: number;
  title: string;
  detail?: string;
  errors?: { field: string; message: string }[];
}

function toProblem(error: unknown): Problem {
  if (error instanceof ValidationError) return { status: 400, title: 'There is a problem with the input', detail: error.message, errors: error.errors };
  if (error instanceof NotFoundError) return { status: 404, title: 'Not found', detail: error.message };
  if (error instanceof ForbiddenError) return error.reason === 'sign-in'
    ? { status: 401, title: 'Sign in required', detail: error.message }
    : { status: 403, title: 'Forbidden', detail: error.message };
  if (error instanceof ConflictError) return { status: 409, title: 'Conflict', detail: error.message, errors: error.field ? [{ field: error.field, message: error.message }] : [] };
  if (error instanceof UnprocessableError) return { status: 422, title: 'Unprocessable content', detail: error.message, errors: error.errors };
  if (error instanceof CsrfError) return { status: 403, title: 'Form expired', detail: error.message };
  if (error instanceof TooManyRequestsError) return { status: 429, title: 'Too many attempts', detail: error.message };
  const fe = error as FastifyError;
  if (fe.validation) {
    return {
      status: 400, title: 'There is a problem with the input', detail: fe.message,
      errors: fe.validation.map((v) => ({ field: String(v.instancePath || v.params?.missingProperty || '').replace(/^\//, ''), message: v.message ?? 'is not valid' })),
    };
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return { status: fe.statusCode, title: fe.code ?? 'Bad request', detail: fe.message };
  return { status: 500, title: 'Sorry, there is a problem with the service' };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error, req, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) req.log.error({ err: error, url: withoutLinkTokens(req.url) }, 'request failed');
    return sendProblem(req, reply, problem);
  });
  app.setNotFoundHandler(async (req, reply) => sendProblem(req, reply, { status: 404, title: 'Not found', detail: 'Page not found' }));
}

function sendProblem(req: FastifyRequest, reply: FastifyReply, problem: Problem) {
  reply.code(problem.status);
  if (req.url.startsWith('/api/') || !req.partnership) {
    // The API speaks camelCase; commands name fields as the forms do.
    const errors = problem.errors?.map((e) => ({ ...e, field: e.field.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) }));
    return reply.type('application/problem+json').send({ type: 'about:blank', ...problem, ...(errors ? { errors } : {}) });
  }
  if (problem.status === 401) return reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 302);
  return reply.view('error.njk', { title: problem.title, problem });
}
