// The yearly ledger (台帐) of one subject: its events and the rating restrictions they imply.
import { Router } from 'express';
import { z } from 'zod';
import { id as idString, LedgerQuery } from '../../domain/schemas';
import { getLedger } from '../../workflows/messages';
import { ledgerWorkflowId } from '../../workflows/ids';
import { deriveRestrictions } from '../../workflows/ledger-rules';
import type { LedgerState } from '../../workflows/types';
import { OFFICE_ROLES, requireRole } from '../auth';
import { HttpProblem } from '../errors';
import type { ApiContext } from '../context';
import { queryOr404 } from '../temporal';
import { validate } from '../validate';

export const SubjectParam = z.strictObject({ subjectId: idString });

const yearIn = (d: Date, timeZone: string): number =>
  Number(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric' }).format(d));

export function ledgerRouter(ctx: ApiContext): Router {
  const router = Router();
  router.get(
    '/:subjectId',
    // a subject's ledger is the office's: a unit account would read any unit's or person's
    requireRole(...OFFICE_ROLES),
    validate('params', SubjectParam),
    validate('query', LedgerQuery),
    async (_req, res) => {
      const { subjectId } = res.locals.params as { subjectId: string };
      const query = res.locals.query as { year?: number; kind?: 'person' | 'unit' };
      const year = query.year ?? yearIn(ctx.now(), ctx.timeZone);
      // a person and a unit may share an id, so the kind names the ledger; a person's is the default
      const subjectKind = query.kind ?? 'person';
      try {
        const state: LedgerState = await queryOr404(
          ctx.client,
          ledgerWorkflowId(subjectKind, subjectId, year),
          getLedger,
          'ledger',
        );
        res.json(state);
      } catch (err) {
        // no ledger yet simply means nothing was recorded for this subject that year
        if (!(err instanceof HttpProblem && err.status === 404)) throw err;
        const empty: LedgerState = {
          subjectId,
          subjectKind,
          year,
          events: [],
          restrictions: deriveRestrictions(subjectKind, []),
        };
        res.json(empty);
      }
    },
  );
  return router;
}
