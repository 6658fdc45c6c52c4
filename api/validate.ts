// Request parsing: the JSON body parser sits behind auth (a stranger learns nothing from our
// parser), the content type is checked before parsing, and parsed values go to res.locals so
// handlers read typed data only.
import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import type { z } from 'zod';
import { HttpProblem } from './errors';

export const BODY_LIMIT = '256kb';

export function jsonBody(limit: string = BODY_LIMIT): RequestHandler {
  const parse = express.json({
    limit,
    strict: true,
    type: ['application/json', 'application/*+json'],
    // JSON is UTF-8 (RFC 8259 §8.1): refuse bytes that are not, rather than silently turning them
    // into U+FFFD inside someone's report.
    verify: (_req, _res, buf) => {
      if (!isUtf8(buf)) {
        throw new HttpProblem(400, 'malformed-json', 'Malformed JSON', 'the request body is not valid UTF-8');
      }
    },
  });
  return (req, res, next) => {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody) {
      req.body = {};
      return next();
    }
    if (!req.is(['application/json', 'application/*+json'])) {
      return next(
        new HttpProblem(
          415,
          'unsupported-media-type',
          'Unsupported Media Type',
          'send the body as application/json',
        ),
      );
    }
    parse(req, res, next);
  };
}

type Part = 'body' | 'query' | 'params';

/** Validates one part of the request with a zod schema and stores the result in res.locals[part]. */
export function validate(part: Part, schema: z.ZodType): RequestHandler {
  return (req, res, next) => {
    const raw: unknown = part === 'body' ? req.body : part === 'query' ? req.query : req.params;
    const result = schema.safeParse(raw ?? {});
    if (!result.success) return next(result.error);
    res.locals[part] = result.data;
    next();
  };
}
