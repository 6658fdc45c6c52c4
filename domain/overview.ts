// The queries of the overview routes (statistics, documents, exports) and the Chinese names they
// print. A period is two local dates of the office, both days included; `from` after `to` is refused
// on `from`, so the caller sees which end to move.
import { z } from 'zod';
import { isDate } from './calendar/zoned-time';
import { ItemStatus } from './record';
import { id } from './schemas';

const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine(isDate, 'not a calendar date')
  .openapi({ example: '2026-03-01' });

const period = {
  from: localDate.optional().openapi({ description: 'first day (local), default the 1st of this month' }),
  to: localDate.optional().openapi({ description: 'last day (local, included), default today' }),
};
// an export without a period is the whole record
const bounds = {
  from: localDate.optional().openapi({ description: 'assigned on or after this day (local)' }),
  to: localDate.optional().openapi({ description: 'assigned on or before this day (local)' }),
};

function fromNotAfterTo(q: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (q.from !== undefined && q.to !== undefined && q.from > q.to)
    ctx.addIssue({ code: 'custom', path: ['from'], message: `must not be after to (${q.to})` });
}

export const StatsQuery = z
  .strictObject({
    ...period,
    groupBy: z.enum(['unit', 'source', 'month']).default('unit'),
    unit: id.optional().openapi({
      description: 'only items where this unit leads or assists (a unit token: its own unit, always)',
    }),
  })
  .superRefine(fromNotAfterTo);
export type StatsQuery = z.infer<typeof StatsQuery>;

export const BulletinQuery = z
  .strictObject({
    ...period,
    format: z.enum(['docx', 'pdf']).default('docx'),
    serial: z.coerce
      .number()
      .int()
      .min(1)
      .max(9999)
      .optional()
      .openapi({ description: 'the serial of the 文号; left blank for the office to fill in' }),
  })
  .superRefine(fromNotAfterTo);
export type BulletinQuery = z.infer<typeof BulletinQuery>;

export const LetterQuery = z.strictObject({
  level: z.coerce
    .number()
    .int()
    .min(1)
    .max(5)
    .optional()
    .openapi({ description: 'the urge level; default the last one reached' }),
  format: z.enum(['docx']).default('docx'),
});
export type LetterQuery = z.infer<typeof LetterQuery>;

export const ItemsExportQuery = z
  .strictObject({
    ...bounds,
    status: ItemStatus.optional(),
    leadUnit: id.optional(),
    unit: id
      .optional()
      .openapi({ description: 'lead or assisting unit (a unit token: its own unit, always)' }),
    q: z.string().max(200).optional().openapi({ description: 'a substring of the title or description' }),
  })
  .superRefine(fromNotAfterTo);
export type ItemsExportQuery = z.infer<typeof ItemsExportQuery>;

export const LedgerExportQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ description: 'default this year' }),
  unit: id.optional().openapi({ description: 'a unit and its staff (a unit token: its own unit, always)' }),
});
export type LedgerExportQuery = z.infer<typeof LedgerExportQuery>;

// The case core keeps its own copy for its texts; it lives in workflows/, which imports no domain data.
export const SOURCE_NAMES: Readonly<Record<string, string>> = {
  leader_instruction: '领导批示',
  meeting_decision: '会议决定',
  document: '文件',
  deputy_proposal: '代表建议、委员提案',
  inspection: '明察暗访',
  complaint: '检举控告',
  media: '媒体报道',
  case_rectification: '整改事项',
  other: '其他渠道',
};

export const STATUS_NAMES: Readonly<Record<string, string>> = {
  awaiting_acknowledgement: '待签收',
  declined: '已退回交办',
  open: '办理中',
  warning: '临期',
  overdue: '逾期',
  under_review: '审核中',
  paused: '暂停',
  completed: '已办结',
  cancelled: '已撤销',
};

export const LIGHT_NAMES: Readonly<Record<string, string>> = { green: '绿灯', yellow: '黄灯', red: '红灯' };
