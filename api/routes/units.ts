// The unit directory (单位名录): every role reads it, a manager keeps it. Items naming a unit by id
// alone are filled from here at creation (api/directory.ts).
import { Router } from 'express';
import { z } from 'zod';
import {
  getUnit,
  listUnitsPage,
  saveUnit,
  UnitCycleError,
  UnknownParentError,
} from '../../activities/record/store';
import { id as idString, UnitInput, UnitListQuery } from '../../domain/schemas';
import { ALL_ROLES, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { openPageToken, signPageToken } from '../context';
import { recordOf, unitView } from '../directory';
import { HttpProblem, invalidField, notFound } from '../errors';
import { jsonBody, validate } from '../validate';

export const UnitIdParam = z.strictObject({ id: idString });

export function unitsRouter(ctx: ApiContext): Router {
  const router = Router();

  router.get('/', requireRole(...ALL_ROLES), validate('query', UnitListQuery), async (_req, res) => {
    const q = res.locals.query as UnitListQuery;
    let after: string | undefined;
    if (q.pageToken) {
      after = openPageToken(ctx.pageTokenKey, q.pageToken)?.toString('utf8');
      // an items page token is signed with the same key: only a units token starts with "u:"
      if (!after?.startsWith('u:')) throw invalidField('pageToken', 'not a page token of this list');
      after = after.slice(2);
    }
    const page = await listUnitsPage(recordOf(ctx), { limit: q.pageSize ?? 50, after, parent: q.parent });
    res.json({
      units: page.units.map(unitView),
      ...(page.last ? { nextPageToken: signPageToken(ctx.pageTokenKey, Buffer.from(`u:${page.last}`)) } : {}),
    });
  });

  router.get('/:id', requireRole(...ALL_ROLES), validate('params', UnitIdParam), async (_req, res) => {
    const { id } = res.locals.params as { id: string };
    const unit = await getUnit(recordOf(ctx), id);
    if (!unit) throw notFound(`no unit "${id}"`);
    res.json(unitView(unit));
  });

  router.put(
    '/:id',
    requireRole('manager'),
    validate('params', UnitIdParam),
    jsonBody(),
    validate('body', UnitInput),
    async (_req, res) => {
      const { id } = res.locals.params as { id: string };
      const { parent, ...rest } = res.locals.body as UnitInput;
      try {
        const { unit, created } = await saveUnit(recordOf(ctx), {
          id,
          ...rest,
          ...(parent !== undefined ? { parentId: parent } : {}),
        });
        if (created) res.location(`/v1/units/${encodeURIComponent(id)}`);
        res.status(created ? 201 : 200).json(unitView(unit));
      } catch (err) {
        if (err instanceof UnknownParentError) throw invalidField('parent', err.message);
        if (err instanceof UnitCycleError) {
          throw new HttpProblem(409, 'conflict', 'Conflict', `parent: ${err.message}`, {
            errors: [{ path: 'parent', message: err.message }],
          });
        }
        throw err;
      }
    },
  );
  return router;
}
