// The yearly ledger (台帐) of one subject: its events and the rating restrictions they imply.
import { Router } from 'express';
import { z } from 'zod';
import { LedgerQuery } from '../../domain/schemas';
import { getLedger } from '../../workflows/messages';
import { ledgerWorkflowId } from '../../workflows/ids';
import type { LedgerState } from '../../workflows/types';
import { ALL_ROLES, requireRole } from '../auth';
import { HttpProblem } from '../errors';
import type { ApiContext } from '../context';
import { queryOr404 } from '../temporal';
import { validate } from '../validate';

export const SubjectParam = z.strictObject({
  subjectId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/),
});

const yearIn = (d: Date, timeZone: string): number =>
  Number(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric' }).format(d));

export function ledgerRouter(ctx: ApiContext): Router {
  const router = Router();
  router.get(
    '/:subjectId',
    requireRole(...ALL_ROLES),
    validate('params', SubjectParam),
    validate('query', LedgerQuery),
    async (_req, res) => {
      const { subjectId } = res.locals.params as { subjectId: string };
      const year = (res.locals.query as { year?: number }).year ?? yearIn(ctx.now(), ctx.timeZone);
      try {
        const state: LedgerState = await queryOr404(
          ctx.client,
          ledgerWorkflowId(subjectId, year),
          getLedger,
          'ledger',
        );
        res.json(state);
      } catch (err) {
        // no ledger yet simply means nothing was recorded for this subject that year
        if (!(err instanceof HttpProblem && err.status === 404)) throw err;
        res.json({ subjectId, year, events: [], restrictions: { reasons: [] } });
      }
    },
  );
  return router;
}
