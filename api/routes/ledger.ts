// The ledger (台帐): one row per executed measure in the record. A subject's year with the rating
// restrictions its rows imply (a pure function of them), and the annual sheet of every subject.
import { Router } from 'express';
import { z } from 'zod';
import { annualRows, ledgerRows, toLedgerEvent, type LedgerRecordRow } from '../../activities/record/store';
import { id as idString, LedgerQuery } from '../../domain/schemas';
import { deriveRestrictions } from '../../workflows/ledger-rules';
import type { LedgerState } from '../../workflows/types';
import { OFFICE_ROLES, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { validate } from '../validate';

export const SubjectParam = z.strictObject({ subjectId: idString });

export const AnnualQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  kind: z.enum(['person', 'unit']).optional(),
  unit: idString.optional().openapi({ description: 'a unit and its staff' }),
});

const yearIn = (d: Date, timeZone: string): number =>
  Number(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric' }).format(d));

/** A subject's ledger from its rows: a unit's includes its staff's measures (S3 §五). */
function ledgerOf(subjectId: string, subjectKind: 'person' | 'unit', year: number, rows: LedgerRecordRow[]) {
  const events = rows.map((r) => ({
    ...toLedgerEvent(r),
    ...(subjectKind === 'unit' && r.subjectId !== subjectId ? { viaStaff: true } : {}),
  }));
  const state: LedgerState = {
    subjectId,
    subjectKind,
    year,
    events,
    restrictions: deriveRestrictions(subjectKind, events),
  };
  return state;
}

export function ledgerRouter(ctx: ApiContext): Router {
  const router = Router();

  router.get('/', requireRole(...OFFICE_ROLES), validate('query', AnnualQuery), async (_req, res) => {
    const q = res.locals.query as z.infer<typeof AnnualQuery>;
    const year = q.year ?? yearIn(ctx.now(), ctx.timeZone);
    const rows = await annualRows(ctx.record, {
      year,
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.unit ? { unit: q.unit } : {}),
    });
    const subjects = new Map<
      string,
      { kind: 'person' | 'unit'; id: string; name: string; rows: LedgerRecordRow[] }
    >();
    for (const r of rows) {
      const key = `${r.subjectKind}:${r.subjectId}`;
      const s = subjects.get(key) ?? { kind: r.subjectKind, id: r.subjectId, name: r.subjectName, rows: [] };
      s.rows.push(r);
      subjects.set(key, s);
    }
    res.json({
      year,
      subjects: [...subjects.values()].map((s) => {
        const l = ledgerOf(s.id, s.kind, year, s.rows);
        return {
          subjectId: s.id,
          subjectKind: s.kind,
          name: s.name,
          measures: l.events.length,
          events: l.events,
          restrictions: l.restrictions,
        };
      }),
    });
  });

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
      const rows = await ledgerRows(ctx.record, {
        subjectId,
        year,
        ...(query.kind ? { kind: query.kind } : {}),
      });
      // without a kind, the kind that has records (a person's when none has, as before)
      const kind =
        query.kind ??
        (rows.some((r) => r.subjectId === subjectId && r.subjectKind === 'person')
          ? 'person'
          : rows.some((r) => r.subjectKind === 'unit' || r.unitId === subjectId)
            ? 'unit'
            : 'person');
      const own = rows.filter((r) =>
        kind === 'person'
          ? r.subjectKind === 'person' && r.subjectId === subjectId
          : r.subjectId === subjectId
            ? r.subjectKind === 'unit'
            : r.unitId === subjectId,
      );
      res.json(ledgerOf(subjectId, kind, year, own));
    },
  );
  return router;
}
