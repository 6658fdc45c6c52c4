// What the workflows write to the record (PostgreSQL): one batch per workflow step, numbered by a
// revision that only grows, so the store can tell a new step from a retry or a replay and apply
// each exactly once. The zod schemas validate at the activity boundary; workflows `import type`
// the inferred types only, so zod stays out of the workflow bundle.
import { z } from 'zod';
import { ItemStatus, MeasureCode, Person } from './schemas';

export { ItemStatus };

const id = z.string().min(1).max(200);
const instant = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().max(max);

// PostgreSQL text and jsonb cannot hold NUL or unpaired surrogates: refusing them here makes a bad
// batch a non-retryable input error instead of a database error Temporal would retry for ever.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export function storable(value: unknown): boolean {
  if (typeof value === 'string')
    return !value.includes(String.fromCharCode(0)) && !UNPAIRED_SURROGATE.test(value);
  if (Array.isArray(value)) return value.every(storable);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).every(([k, v]) => storable(k) && storable(v));
  return true;
}
const STORABLE = {
  message: 'contains a NUL character or an unpaired surrogate, which PostgreSQL cannot store',
};

// History lives in the events table, and the id is the row's key: a batch cannot overwrite either.
const RESERVED_VIEW_FIELDS = new Set(['id', 'history']);
const viewFieldName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a view field name: a letter, then letters, digits or _')
  .refine((name) => !RESERVED_VIEW_FIELDS.has(name), 'id and history cannot be set by a batch');

/** one history line; `key` is its business key within the item or case (re-writing it is a no-op) */
export const RecordEvent = z.strictObject({
  key: text(300).min(1),
  at: instant,
  by: text(200).min(1),
  action: text(100).min(1),
  detail: text(20_000).optional(),
  data: z.unknown().optional(),
});
export type RecordEvent = z.infer<typeof RecordEvent>;

const Entry = z.looseObject({ id: text(300).min(1) });
/** view collections merged by id: an entry replaces the one with the same id, a new id is appended */
const Upsert = z.record(viewFieldName, z.array(Entry).max(1000));
/** top-level view fields replaced; null removes a field (undefined does not survive JSON) */
const SetFields = z.record(viewFieldName, z.unknown());

/** one notice's result on one channel (a DeliveryResult's not_configured / no_recipients is `skipped`) */
export const NoticeDelivery = z.strictObject({
  noticeKey: text(300).min(1),
  channel: z.enum(['email', 'webhook']),
  itemId: id.optional(),
  caseId: id.optional(),
  kind: text(50).min(1),
  subject: text(500),
  status: z.enum(['delivered', 'failed', 'skipped']),
  attempts: z.int().min(1).max(10_000).default(1),
  detail: text(5000).optional(),
  at: instant,
});
export type NoticeDelivery = z.input<typeof NoticeDelivery>;
export const NoticeDeliveries = z.array(NoticeDelivery).max(1000).refine(storable, STORABLE);

export const TERMINAL_ITEM_STATUSES: readonly ItemStatus[] = ['completed', 'cancelled'];

/** the view fields the item's list columns are taken from; the rest of the view is free-form */
const ItemColumns = {
  title: text(500).min(1),
  description: text(20_000).optional(),
  source: z.looseObject({ kind: text(100), reference: text(500).optional() }).optional(),
  leadUnit: z.looseObject({ id, name: text(200).min(1) }),
  assistingUnits: z.array(z.looseObject({ id })).max(100).optional(),
  policy: text(200).optional(),
  assignedAt: instant,
};
const ItemCreated = z.looseObject(ItemColumns);
// A batch may change these (a reassignment sets leadUnit) but cannot remove the required ones.
const ItemSet = SetFields.pipe(
  z.looseObject({
    title: ItemColumns.title.optional(),
    description: ItemColumns.description.nullable(),
    source: ItemColumns.source.nullable(),
    leadUnit: ItemColumns.leadUnit.optional(),
    assistingUnits: ItemColumns.assistingUnits.nullable(),
    policy: ItemColumns.policy.nullable(),
    assignedAt: instant.optional(),
  }),
);

/** the item's current summary: every batch carries all of it, and an absent optional field clears its column */
export const ItemSummary = z.strictObject({
  status: ItemStatus,
  light: z.enum(['green', 'yellow', 'red']),
  urgeCount: z.int().min(0).max(10_000),
  deliveryFailures: z.int().min(0).max(1_000_000),
  deadlineAt: instant.optional(),
  currentStage: text(200).optional(),
  completedAt: instant.optional(),
  cancelledAt: instant.optional(),
  caseIds: z.array(id).max(100),
});
export type ItemSummary = z.infer<typeof ItemSummary>;

/**
 * What a batch written inside its deciding workflow task carries, so that a write from a task that
 * never completed cannot stand (docs/record.md, "Writes from inside a task"): the task's workflow
 * time (later for every retry of a task than for the attempt it replaces) and the revision the batch
 * was computed on.
 */
export const TaskFence = z.strictObject({
  decidedAt: instant,
  follows: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type TaskFence = z.infer<typeof TaskFence>;

export const ItemRecordBatch = z
  .strictObject({
    itemId: id,
    /** strictly increasing per item, carried over continue-as-new */
    revision: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
    /** the item's initial view (first batch only) */
    created: ItemCreated.optional(),
    summary: ItemSummary,
    set: ItemSet.optional(),
    upsert: Upsert.optional(),
    events: z.array(RecordEvent).max(1000),
    /** written inside the workflow task that decided it (patch record-in-task): see TaskFence */
    fence: TaskFence.optional(),
    /** the results of the notices delivered since the last batch (patch deliveries-in-record-batch) */
    deliveries: z.array(NoticeDelivery).max(1000).optional(),
  })
  .refine((b) => (b.deliveries ?? []).every((d) => d.itemId === b.itemId), {
    message: "an item batch's deliveries name its item",
    path: ['deliveries'],
  })
  .refine(storable, STORABLE);
export type ItemRecordBatch = z.infer<typeof ItemRecordBatch>;

export const CaseStage = z.enum(['investigation', 'decision', 'appeal_window', 'review', 'closed']);
export type CaseStage = z.infer<typeof CaseStage>;

export const CaseSummary = z.strictObject({
  stage: CaseStage,
  procedure: z.enum(['summary', 'formal']).optional(),
  itemId: id.optional(),
  level: z.int().min(1).max(5).optional(),
  subjectIds: z.array(id).max(200),
  openedAt: instant,
  decidedAt: instant.optional(),
  closedAt: instant.optional(),
});
export type CaseSummary = z.infer<typeof CaseSummary>;

/** a ledger (台帐) row: one measure of the batch's case, upserted by (case id, measure id) */
export const LedgerRow = z.strictObject({
  measureId: id,
  subjectKind: z.enum(['person', 'unit']),
  subjectId: id,
  subjectName: text(200).min(1),
  /** for a person: their unit, whose ledger counts its staff (S3 §五) */
  unitId: id.optional(),
  code: MeasureCode,
  amount: z.number().positive().max(1e12).optional(),
  /** `amended`: replaced by another measure on review; like `revoked` it no longer counts */
  status: z.enum(['executed', 'revoked', 'amended']),
  decidedBy: text(200).min(1),
  decidedAt: instant,
  executedAt: instant.optional(),
  revokedAt: instant.optional(),
  /** the office's calendar day of the decision (YYYY-MM-DD): its year is the ledger year */
  date: z.iso.date(),
  data: z.unknown().optional(),
});
export type LedgerRow = z.infer<typeof LedgerRow>;

export const CaseRecordBatch = z
  .strictObject({
    caseId: id,
    revision: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
    /** the case's initial view (first batch only) */
    created: z.record(z.string(), z.unknown()).optional(),
    summary: CaseSummary,
    set: SetFields.optional(),
    upsert: Upsert.optional(),
    events: z.array(RecordEvent).max(1000),
    /** written inside the workflow task that decided it (patch record-in-task): see TaskFence */
    fence: TaskFence.optional(),
    ledger: z.array(LedgerRow).max(500).optional(),
    /** the results of the notices delivered since the last batch (patch deliveries-in-record-batch) */
    deliveries: z.array(NoticeDelivery).max(1000).optional(),
  })
  .refine((b) => (b.deliveries ?? []).every((d) => d.caseId === b.caseId), {
    message: "a case batch's deliveries name its case",
    path: ['deliveries'],
  })
  .refine(storable, STORABLE);
export type CaseRecordBatch = z.infer<typeof CaseRecordBatch>;

/** a unit of the directory */
export const UnitEntry = z.strictObject({
  id,
  name: text(200).min(1),
  liaison: Person.optional(),
  principal: Person.optional(),
  inCharge: Person.optional(),
  parentId: id.optional(),
});
export type UnitEntry = z.infer<typeof UnitEntry>;

const CalendarDay = z.looseObject({ date: z.iso.date(), name: text(100) });
/** the office's 放假安排 for one year */
export const CalendarYearInput = z.strictObject({
  year: z.int().min(1949).max(2200),
  basis: z.literal('office'),
  source: z.looseObject({ reference: text(500), publishedAt: text(100).optional() }),
  holidays: z.array(CalendarDay).max(366),
  workdays: z.array(CalendarDay).max(366),
  loadedBy: text(200).min(1),
});
export type CalendarYearInput = z.infer<typeof CalendarYearInput>;

/** The part of a batch a workflow derives from its own state (workflows/shared/record-diff.ts). */
export type RecordChanges = Pick<ItemRecordBatch, 'revision' | 'upsert' | 'events' | 'deliveries'> & {
  created?: Record<string, unknown>;
  set?: Record<string, unknown>;
};
