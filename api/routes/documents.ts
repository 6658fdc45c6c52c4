// Documents (公文) from the record: the period's 督查通报 and an item's 督办函 for one of its urges.
import { Router, type Response } from 'express';
import { buildBulletin } from '../../activities/documents/bulletin';
import { buildLetter, type LetterData, type LetterLevel } from '../../activities/documents/letter';
import { docxToPdf, PdfUnavailableError } from '../../activities/documents/pdf';
import { getItem, itemStats, measuresDecided, overdueOpenItems } from '../../activities/record/store';
import { readItem } from '../read';
import { BulletinQuery, LetterQuery } from '../../domain/overview';
import { localDateOf } from '../../domain/calendar/zoned-time';
import type { Deadline, Policy, ReminderRecord, Responsible, Source } from '../../workflows/types';
import { OFFICE_ROLES, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { conflict, HttpProblem, notFound } from '../errors';
import { validate } from '../validate';
import { IdParam } from './items';
import { periodOf, recordOf, storeQuery } from './stats';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

async function send(res: Response, docx: Buffer, name: string, format: 'docx' | 'pdf'): Promise<void> {
  let body = docx;
  if (format === 'pdf') {
    try {
      body = await docxToPdf(docx);
    } catch (err) {
      // the request is sound; this server has no representation in that format (4xx: the client
      // can ask for docx, nothing is wrong with the server)
      if (err instanceof PdfUnavailableError)
        throw new HttpProblem(406, 'pdf-unavailable', 'Not Acceptable', err.message);
      throw err;
    }
  }
  res.attachment(`${name}.${format}`);
  res.type(format === 'pdf' ? 'application/pdf' : DOCX_TYPE).send(body);
}

const levelOf = (policy: Policy | undefined, level: number): LetterLevel | undefined => {
  const l = policy?.reminders[level - 1];
  return l
    ? {
        level,
        name: l.name ?? `第${level}次催办`,
        noticeBy: l.notice.by,
        measures: l.measures.map((m) => (typeof m === 'string' ? m : m.code)),
      }
    : undefined;
};

export function documentsRouter(ctx: ApiContext): Router {
  const router = Router();

  router.get(
    '/documents/bulletin',
    requireRole(...OFFICE_ROLES),
    validate('query', BulletinQuery),
    async (_req, res) => {
      const q = res.locals.query as BulletinQuery;
      const db = recordOf(ctx);
      const p = periodOf(q, ctx);
      const now = ctx.now().toISOString();
      const range = { from: p.fromAt, to: p.toAt };
      const [stats, overdue, measures] = await storeQuery(() =>
        Promise.all([
          itemStats(db, { ...range, groupBy: 'unit', timeZone: ctx.timeZone, now }),
          overdueOpenItems(db, { ...range, now }),
          measuresDecided(db, range),
        ]),
      );
      const docx = await buildBulletin({
        office: ctx.office.name,
        numberPrefix: ctx.office.bulletinPrefix,
        period: { from: p.from, to: p.to },
        serial: q.serial,
        issuedOn: localDateOf(ctx.now().getTime(), ctx.timeZone),
        timeZone: ctx.timeZone,
        stats,
        overdue,
        measures,
        cc: ctx.office.bulletinCc,
      });
      await send(res, docx, `督查通报-${p.from}至${p.to}`, q.format);
    },
  );

  router.get(
    '/items/:id/documents/letter',
    requireRole(...OFFICE_ROLES),
    validate('params', IdParam),
    validate('query', LetterQuery),
    async (_req, res) => {
      const { id } = res.locals.params as { id: string };
      const q = res.locals.query as LetterQuery;
      const levels = (it: Record<string, unknown>) =>
        ((it.reminders as ReminderRecord[] | undefined) ?? []).map((r) => r.level);
      // the create records an item as it answers: what the record does not know does not exist
      let item = (await getItem(recordOf(ctx), id)) as Record<string, unknown> | undefined;
      if (!item) throw notFound(`item "${id}"`);
      // an open item's record may trail an urge that was just made: its workflow knows it already
      if (q.level !== undefined && !levels(item).includes(q.level) && !item.completedAt) {
        const recorded = item;
        item = (await readItem(ctx, id).catch(() => recorded)) as unknown as Record<string, unknown>;
      }
      const reminders = (item.reminders as ReminderRecord[] | undefined) ?? [];
      const level = q.level ?? Math.max(0, ...reminders.map((r) => r.level));
      // with stages a level is reached once per stage: the letter is about the latest
      const urge = reminders.filter((r) => r.level === level).at(-1);
      if (!urge)
        throw conflict(
          level === 0
            ? `item "${id}" has not been urged yet`
            : `item "${id}" has not reached urge level ${level}`,
        );
      const policy = item.policyDetail as Policy | undefined;
      const deadline = item.deadline as Deadline | undefined;
      const source = (item.source as Source | undefined) ?? { kind: 'other' };
      const leadUnit = item.leadUnit as { name: string };
      const data: LetterData = {
        office: ctx.office.name,
        numberPrefix: ctx.office.letterPrefix,
        issuedOn: localDateOf(ctx.now().getTime(), ctx.timeZone),
        timeZone: ctx.timeZone,
        item: {
          id,
          title: String(item.title),
          source,
          leadUnit: leadUnit.name,
          principal: (item.responsible as Responsible | undefined)?.principal.name,
          assignedAt: String(item.assignedAt),
          deadlineAt: item.deadlineAt as string | undefined,
          receipt: deadline?.receipt,
        },
        urge: {
          ...(levelOf(policy, level) ?? { level, name: urge.name, noticeBy: urge.notice.by, measures: [] }),
          name: urge.name,
          noticeBy: urge.notice.by,
          measures: urge.measures.map((m) => m.code),
          at: urge.at,
          reason: urge.reason,
        },
        next: levelOf(policy, level + 1),
      };
      await send(res, await buildLetter(data), `督办函-${id}-第${level}次催办`, q.format);
    },
  );
  return router;
}
