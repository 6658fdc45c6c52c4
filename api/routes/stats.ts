// 统计: the figures of the items assigned in a period, per lead unit, source or month, from the record.
import { Router } from 'express';
import type { Db } from '../../activities/record/db';
import { InvalidQueryError, itemStats } from '../../activities/record/store';
import { StatsQuery } from '../../domain/overview';
import { addDays, localDateOf, zonedInstant } from '../../domain/calendar/zoned-time';
import { ownUnitFilter } from '../access';
import { actorOf, ALL_ROLES, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { HttpProblem, invalidField } from '../errors';
import { validate } from '../validate';

const MIDNIGHT = { hour: 0, minute: 0, second: 0, millisecond: 0 };

export interface Period {
  /** local dates, both included */
  from: string;
  to: string;
  /** the instants the SQL compares: [fromAt, toAt) */
  fromAt: string;
  toAt: string;
}

/** The period a query names, defaulting to this month so far, as local dates and as instants. */
export function periodOf(q: { from?: string; to?: string }, ctx: ApiContext): Period {
  const today = localDateOf(ctx.now().getTime(), ctx.timeZone);
  const to = q.to ?? today;
  const from = q.from ?? `${to.slice(0, 8)}01`;
  // a default `from` cannot pass an explicit `to`, only an explicit one can (refused by the schema)
  const at = (date: string) => new Date(zonedInstant(date, MIDNIGHT, ctx.timeZone)).toISOString();
  return { from, to, fromAt: at(from), toAt: at(addDays(to, 1)) };
}

/** Bounds of an export: absent ends are open. */
export function boundsOf(q: { from?: string; to?: string }, ctx: ApiContext): { from?: string; to?: string } {
  const at = (date: string) => new Date(zonedInstant(date, MIDNIGHT, ctx.timeZone)).toISOString();
  return {
    ...(q.from ? { from: at(q.from) } : {}),
    ...(q.to ? { to: at(addDays(q.to, 1)) } : {}),
  };
}

/** The record, or a 503: an API started without one cannot answer from SQL. */
export function recordOf(ctx: ApiContext): Db {
  if (!ctx.record)
    throw new HttpProblem(503, 'record-unavailable', 'Service Unavailable', 'the record is not configured');
  return ctx.record;
}

/** A filter the store refuses is the caller's: a 400 naming the field the store named. */
export async function storeQuery<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof InvalidQueryError)) throw err;
    const [field, ...rest] = err.message.split(': ');
    throw invalidField(field ?? 'query', rest.join(': ') || err.message);
  }
}

export function statsRouter(ctx: ApiContext): Router {
  const router = Router();
  // a unit account's figures are those of the items its unit leads or assists (access.ts)
  router.get('/', requireRole(...ALL_ROLES), validate('query', StatsQuery), async (_req, res) => {
    const q = res.locals.query as StatsQuery;
    const unit = ownUnitFilter(actorOf(res.locals), q.unit);
    const period = periodOf(q, ctx);
    const db = recordOf(ctx);
    const stats = await storeQuery(() =>
      itemStats(db, {
        from: period.fromAt,
        to: period.toAt,
        groupBy: q.groupBy,
        ...(unit !== undefined ? { unit } : {}),
        timeZone: ctx.timeZone,
        now: ctx.now().toISOString(),
      }),
    );
    res.json({
      period: { from: period.from, to: period.to, timeZone: ctx.timeZone },
      groupBy: q.groupBy,
      ...(unit !== undefined ? { unit } : {}),
      ...stats,
    });
  });
  return router;
}
