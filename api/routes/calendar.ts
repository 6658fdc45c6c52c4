// The working-day calendar by year: what is in force (GET) and the office loading next year's
// 放假安排 (PUT, manager). A load is kept in the record with a version; the calendar in force is
// rebuilt at once, and every open item computed on the law-based estimate for that year is
// re-planned by a rollout workflow.
import { Router } from 'express';
import { CalendarYearBody, CalendarYearParam, officeYearIssues } from '../../domain/calendar/office-year';
import { putCalendarYear } from '../../activities/record/store';
import { ALL_ROLES, actorOf, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { HttpProblem } from '../errors';
import { jsonBody, validate } from '../validate';

export function calendarRouter(ctx: ApiContext): Router {
  const router = Router();

  router.get(
    '/:year',
    requireRole(...ALL_ROLES),
    validate('params', CalendarYearParam),
    async (_req, res) => {
      const { year } = res.locals.params as { year: number };
      await ctx.calendars.refresh();
      res.json(ctx.calendars.yearView(year));
    },
  );

  router.put(
    '/:year',
    requireRole('manager'),
    validate('params', CalendarYearParam),
    jsonBody(),
    validate('body', CalendarYearBody),
    async (_req, res) => {
      const { year } = res.locals.params as { year: number };
      const body = res.locals.body as CalendarYearBody;
      const issues = officeYearIssues(year, body);
      if (issues.length) {
        const errors = issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        throw new HttpProblem(
          400,
          'validation-error',
          'Invalid request',
          errors.map((e) => `${e.path}: ${e.message}`).join('; '),
          {
            errors,
          },
        );
      }
      const version = await putCalendarYear(ctx.record, {
        year,
        basis: 'office',
        source: body.source,
        holidays: body.holidays,
        workdays: body.workdays,
        loadedBy: actorOf(res.locals).id,
      });
      await ctx.calendars.refresh();
      const rollout = await ctx.replanForYear(year, version, body.source.reference);
      res.json({ ...ctx.calendars.yearView(year), loadedVersion: version, ...(rollout ? { rollout } : {}) });
    },
  );
  return router;
}
