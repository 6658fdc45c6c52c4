// Every error leaves the API as application/problem+json (RFC 9457). Handlers only throw; the one
// error middleware here decides the status, so the mapping from zod, body-parser and Temporal
// errors to HTTP lives in a single place and a stack trace never reaches a client.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';
import { ZodError, type z } from 'zod';
import { REFUSAL } from '../workflows/messages';

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TYPE_BASE = 'urn:duban:problem:';

/** An HTTP failure a handler can throw on purpose. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail?: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? title);
  }
}

export const notFound = (detail: string): HttpProblem =>
  new HttpProblem(404, 'not-found', 'Not Found', detail);
export const conflict = (detail: string): HttpProblem => new HttpProblem(409, 'conflict', 'Conflict', detail);
/** a 400 naming the offending field, in the same shape as schema validation errors */
export const invalidField = (path: string, message: string): HttpProblem =>
  new HttpProblem(400, 'validation-error', 'Invalid request', `${path}: ${message}`, {
    errors: [{ path, message }],
  });

type Issue = z.core.$ZodIssue;

// How badly a union branch missed, per issue: a branch whose root type is wrong is not the one the
// caller meant; a branch that only disagrees deep inside is. Lower is closer.
function issueWeight(issue: Issue): number {
  if (issue.path.length === 0 && issue.code === 'invalid_type') return 100;
  if (issue.path.length === 0 && issue.code !== 'unrecognized_keys') return 50;
  if (issue.code === 'unrecognized_keys') return 10;
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return 10; // missing key
  return 1;
}

/** the branch of a failed union the input came closest to: the least weight, then the deepest path */
function closestBranch(branches: Issue[][]): Issue[] {
  let best: Issue[] = branches[0] ?? [];
  let bestWeight = Infinity;
  let bestDepth = -1;
  for (const branch of branches) {
    const weight = branch.reduce((sum, i) => sum + issueWeight(i), 0);
    const depth = Math.max(0, ...branch.map((i) => i.path.length));
    if (weight < bestWeight || (weight === bestWeight && depth > bestDepth)) {
      best = branch;
      bestWeight = weight;
      bestDepth = depth;
    }
  }
  return best;
}

/** Flattens unions into the issues of their closest branch, so each path names the innermost field. */
function innermost(issue: Issue, base: PropertyKey[]): { path: PropertyKey[]; message: string }[] {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    return closestBranch(issue.errors).flatMap((i) => innermost(i, path));
  }
  return [{ path, message: issue.message }];
}

export function zodIssues(err: ZodError): FieldError[] {
  return err.issues
    .flatMap((i) => innermost(i, []))
    .map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

// gRPC status codes that mean "Temporal is not there right now".
const UNAVAILABLE = 14;
const DEADLINE_EXCEEDED = 4;

function temporalUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    if (isGrpcServiceError(e) && (e.code === UNAVAILABLE || e.code === DEADLINE_EXCEEDED)) return true;
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Maps anything thrown by a handler to a problem; unknown errors become a bare 500. */
export function toProblem(err: unknown): {
  problem: Problem;
  headers?: Record<string, string>;
  unexpected: boolean;
} {
  const make = (
    status: number,
    slug: string,
    title: string,
    detail?: string,
    errors?: FieldError[],
  ): Problem => ({
    type: TYPE_BASE + slug,
    title,
    status,
    ...(detail ? { detail } : {}),
    ...(errors ? { errors } : {}),
  });
  if (err instanceof HttpProblem) {
    return {
      problem: make(err.status, err.slug, err.title, err.message, err.extra.errors),
      headers: err.extra.headers,
      unexpected: false,
    };
  }
  if (err instanceof ZodError) {
    const errors = zodIssues(err);
    const detail = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
    return { problem: make(400, 'validation-error', 'Invalid request', detail, errors), unexpected: false };
  }
  if (err instanceof URIError || (err as { status?: unknown })?.status === 400) {
    // The router could not decode a percent-encoded path parameter: the caller's fault.
    if (!(err as BodyParserError)?.type) {
      return {
        problem: make(400, 'bad-request', 'Bad Request', 'the path is not valid percent-encoded UTF-8'),
        unexpected: false,
      };
    }
  }
  const bp = err as BodyParserError;
  if (bp && typeof bp.type === 'string' && typeof bp.status === 'number') {
    if (bp.type === 'entity.parse.failed') {
      return {
        problem: make(400, 'malformed-json', 'Malformed JSON', 'the request body is not valid JSON'),
        unexpected: false,
      };
    }
    if (bp.type === 'entity.too.large') {
      return {
        problem: make(413, 'payload-too-large', 'Payload Too Large', 'the request body is too large'),
        unexpected: false,
      };
    }
    if (bp.type === 'charset.unsupported' || bp.type === 'encoding.unsupported') {
      return {
        problem: make(415, 'unsupported-media-type', 'Unsupported Media Type', bp.message),
        unexpected: false,
      };
    }
    if (bp.status >= 400 && bp.status < 500) {
      return { problem: make(bp.status, 'bad-request', 'Bad Request', bp.message), unexpected: false };
    }
  }
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    return { problem: refusal(err.cause), unexpected: false };
  }
  if (err instanceof ApplicationFailure && err.type && Object.values<string>(REFUSAL).includes(err.type)) {
    return { problem: refusal(err), unexpected: false };
  }
  if (err instanceof WorkflowNotFoundError) {
    return { problem: make(404, 'not-found', 'Not Found', 'no such workflow'), unexpected: false };
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return { problem: make(409, 'conflict', 'Conflict', 'the id is already taken'), unexpected: false };
  }
  if (temporalUnavailable(err) || (err instanceof ServiceError && temporalUnavailable(err.cause))) {
    return {
      problem: make(
        503,
        'temporal-unavailable',
        'Service Unavailable',
        'Temporal is not reachable; try again later',
      ),
      headers: { 'retry-after': '5' },
      unexpected: true,
    };
  }
  return {
    problem: make(500, 'internal', 'Internal Server Error', 'an unexpected error occurred'),
    unexpected: true,
  };
}

function refusal(failure: ApplicationFailure): Problem {
  // Every refusal by a workflow validator is a 409 with its reason (DESIGN.md); the problem type
  // still tells a payload the item cannot take (InvalidInput) from an item not in a state to act.
  const invalidInput = failure.type === REFUSAL.invalidInput;
  return {
    type: TYPE_BASE + (invalidInput ? 'invalid-input' : 'refused'),
    title: 'Conflict',
    status: 409,
    detail: failure.message,
    reason: failure.type ?? 'Refused',
  };
}

export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new HttpProblem(404, 'not-found', 'Not Found', `no route for ${req.method} ${req.path}`));
};

export const problemHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) return next(err);
  const { problem, headers, unexpected } = toProblem(err);
  if (unexpected) req.log?.error({ err }, 'request failed');
  else req.log?.debug({ problem }, 'request refused');
  problem.instance = req.originalUrl;
  if (typeof req.id === 'string' || typeof req.id === 'number') problem.requestId = String(req.id);
  for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
};
