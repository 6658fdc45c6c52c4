// Exports for Excel: the item list (.xlsx or CSV, the list's filters) and the year's ledger. The item
// exports stream: the record is read in keyset pages and each page is written out before the next.
import { Router, type Response } from 'express';
import { writeItemsCsv, writeItemsXlsx, writeLedgerXlsx } from '../../activities/documents/exports';
import { annualRows, exportItemPages, type ExportFilter } from '../../activities/record/store';
import { ItemsExportQuery, LedgerExportQuery } from '../../domain/overview';
import { localDateOf } from '../../domain/calendar/zoned-time';
import { ownUnitFilter } from '../access';
import { actorOf, ALL_ROLES, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { validate } from '../validate';
import { boundsOf, recordOf, storeQuery } from './stats';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Once the first byte is out the status is sent: a failure can only cut the download short. */
async function streamed(res: Response, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
    res.end();
  } catch (err) {
    if (!res.headersSent) throw err;
    res.req.log?.error({ err }, 'export failed while streaming');
    res.destroy(err as Error);
  }
}

export function exportsRouter(ctx: ApiContext): Router {
  const router = Router();
  // a unit token's rows are its unit's (lead or assisting); `leadUnit` narrows them further
  const filterOf = (q: ItemsExportQuery, locals: Record<string, unknown>): ExportFilter => {
    const unit = ownUnitFilter(actorOf(locals), q.unit);
    return {
      ...boundsOf(q, ctx),
      ...(q.status ? { status: q.status } : {}),
      ...(q.leadUnit ? { leadUnit: q.leadUnit } : {}),
      ...(unit !== undefined ? { unit } : {}),
      ...(q.q ? { q: q.q } : {}),
    };
  };
  const stamp = () => localDateOf(ctx.now().getTime(), ctx.timeZone);

  router.get(
    '/items.xlsx',
    requireRole(...ALL_ROLES),
    validate('query', ItemsExportQuery),
    async (_req, res) => {
      const db = recordOf(ctx);
      const pages = exportItemPages(db, filterOf(res.locals.query as ItemsExportQuery, res.locals));
      // the first page is read before any header goes out, so a refused filter is still a clean 400
      const first = await storeQuery(() => pages.next());
      res.attachment(`督办事项-${stamp()}.xlsx`).type(XLSX_TYPE);
      await streamed(res, () => writeItemsXlsx(resumed(first, pages), res, ctx.timeZone));
    },
  );

  router.get(
    '/items.csv',
    requireRole(...ALL_ROLES),
    validate('query', ItemsExportQuery),
    async (_req, res) => {
      const db = recordOf(ctx);
      const pages = exportItemPages(db, filterOf(res.locals.query as ItemsExportQuery, res.locals));
      const first = await storeQuery(() => pages.next());
      res.attachment(`督办事项-${stamp()}.csv`).type('text/csv; charset=utf-8');
      await streamed(res, () => writeItemsCsv(resumed(first, pages), res, ctx.timeZone));
    },
  );

  router.get(
    '/ledger.xlsx',
    requireRole(...ALL_ROLES),
    validate('query', LedgerExportQuery),
    async (_req, res) => {
      const q = res.locals.query as LedgerExportQuery;
      const year = q.year ?? Number(stamp().slice(0, 4));
      // a unit token's register is its own: the measures on the unit and on its people (S3 §五)
      const unit = ownUnitFilter(actorOf(res.locals), q.unit);
      // a year's register is one office's measures, small next to the item list: read at once
      const rows = await storeQuery(() =>
        annualRows(recordOf(ctx), { year, ...(unit !== undefined ? { unit } : {}) }),
      );
      res.attachment(`问责台帐-${year}${unit !== undefined ? `-${unit}` : ''}.xlsx`).type(XLSX_TYPE);
      await streamed(res, () => writeLedgerXlsx(rows, res, year));
    },
  );
  return router;
}

/** The pages again, the first one already read. */
async function* resumed<T>(first: IteratorResult<T>, rest: AsyncGenerator<T>): AsyncGenerator<T> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}
