// Bearer tokens → actor and role. Tokens are compared as SHA-256 digests with timingSafeEqual
// against every entry (no early exit), so neither the length nor the position of a match leaks
// through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { TokenEntry } from '../config';
import type { Actor } from '../workflows/types';
import { HttpProblem } from './errors';

export type ApiRole = TokenEntry['role'];
export const ALL_ROLES: readonly ApiRole[] = ['staff', 'manager', 'ops', 'unit'];
/** the office's roles: every route open to them alone is closed to unit accounts */
export const OFFICE_ROLES: readonly ApiRole[] = ['staff', 'manager', 'ops'];

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export interface Authenticator {
  /** the entry whose token matches, or undefined */
  identify(token: string): TokenEntry | undefined;
}

export function createAuthenticator(tokens: readonly TokenEntry[]): Authenticator {
  const entries = tokens.map((t) => ({ entry: t, hash: digest(t.token) }));
  return {
    identify(token) {
      const candidate = digest(token);
      let found: TokenEntry | undefined;
      for (const { entry, hash } of entries) {
        if (timingSafeEqual(candidate, hash) && !found) found = entry;
      }
      return found;
    },
  };
}

const unauthorized = (detail: string): HttpProblem =>
  new HttpProblem(401, 'unauthorized', 'Unauthorized', detail, {
    headers: { 'www-authenticate': 'Bearer realm="duban"' },
  });

/** Sets res.locals.actor from the Authorization header, or answers 401. */
export function authenticate(auth: Authenticator): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization');
    const match = header ? /^Bearer[ ]+([^\s]+)\s*$/i.exec(header) : null;
    if (!match?.[1]) return next(unauthorized('a bearer token is required'));
    const entry = auth.identify(match[1]);
    if (!entry) return next(unauthorized('unknown token'));
    const actor: Actor = { id: entry.actor, role: entry.role, ...(entry.unit ? { unit: entry.unit } : {}) };
    res.locals.actor = actor;
    next();
  };
}

/** Lets the request through only for the given roles; everyone else gets 403. */
export function requireRole(...roles: ApiRole[]): RequestHandler {
  return (_req, res, next) => {
    const actor = res.locals.actor as Actor | undefined;
    if (!actor) return next(unauthorized('a bearer token is required'));
    if (!roles.includes(actor.role as ApiRole)) {
      return next(
        new HttpProblem(
          403,
          'forbidden',
          'Forbidden',
          `this action needs the role ${roles.join(' or ')}; you are ${actor.role}`,
        ),
      );
    }
    next();
  };
}

export const actorOf = (locals: Record<string, unknown>): Actor => locals.actor as Actor;
