// The record's data access: every SQL statement of duban is in this file. Writes are batches that
// apply exactly once: each item or case row carries the revision of the last batch applied, and a
// batch is applied only above it, atomically with its events (keyed, ON CONFLICT DO NOTHING) and the
// rows it carries (delivery and ledger rows, keyed, upserted): one statement that writes only while
// the row is still at the revision it read (applyOnce). A retry, a replay or two workers sending the
// same batch therefore change nothing the second time. Reads take one statement each, so each sees
// one snapshot.
import type {
  CalendarYearInput,
  CaseRecordBatch,
  CaseSummary,
  ItemRecordBatch,
  ItemSummary,
  LedgerRow,
  NoticeDelivery,
  RecordEvent,
  TaskFence,
  UnitEntry,
} from '../../domain/record';
import type { HistoryEntry, LedgerEvent } from '../../workflows/types';
import type { Db, Queryable, Row } from './db';

/** A batch for an item or case that has no record yet and does not create it: retry until the creating batch lands. */
export class UnknownRecordError extends Error {
  override name = 'UnknownRecordError';
}

/** A list query the store refuses (bad cursor, limit or filter): the API answers 400. */
export class InvalidQueryError extends Error {
  override name = 'InvalidQueryError';
}

export interface ApplyResult {
  /** false: the record already holds this revision or a later one (a retry or a replay) */
  applied: boolean;
  /** the revision the record holds now */
  revision: number;
  /** the revision the row was at before this batch undid the writes of a task that never completed */
  undone?: number;
}

type View = Record<string, unknown>;

// ---------- conversions (pg gives bigint and numeric as strings, PGlite bigint as numbers) ----------

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
// Duck-typed rather than instanceof: under jest PGlite runs in another realm, with its own Date.
const iso = (v: unknown): string | undefined => {
  if (v === null || v === undefined) return undefined;
  const date = typeof (v as Date).toISOString === 'function' ? (v as Date) : new Date(String(v));
  return date.toISOString();
};
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): View =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as View) : {};
/** drops undefined fields, so a read never carries `"deadlineAt": undefined` */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// ISO text of a timestamptz inside jsonb built by SQL, the same shape as Date#toISOString.
const isoSql = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// ---------- view merge ----------

/**
 * `set` replaces top-level fields (null removes one); then each `upsert` collection is merged by id:
 * an entry replaces the one with its id in place, a new id is appended, order is kept.
 */
export function mergeView(
  view: View,
  set: Record<string, unknown> | undefined,
  upsert: Record<string, Array<{ id: string } & Record<string, unknown>>> | undefined,
): View {
  const next: View = { ...view };
  for (const [field, value] of Object.entries(set ?? {})) {
    if (value === null) delete next[field];
    else next[field] = value;
  }
  for (const [field, entries] of Object.entries(upsert ?? {})) {
    const list: unknown[] = Array.isArray(next[field]) ? [...(next[field] as unknown[])] : [];
    const position = new Map<string, number>();
    list.forEach((e, i) => {
      const id = obj(e).id;
      if (typeof id === 'string') position.set(id, i);
    });
    for (const entry of entries) {
      const i = position.get(entry.id);
      if (i === undefined) {
        position.set(entry.id, list.length);
        list.push(entry);
      } else list[i] = entry;
    }
    next[field] = list;
  }
  // History is the events table; a view never keeps a second copy.
  delete next.history;
  return next;
}

// ---------- writes ----------

interface Column {
  name: string;
  /** the SQL for placeholder $n */
  sql: (p: string) => string;
}
const col = (name: string, type: string): Column => ({ name, sql: (p) => `${p}::${type}` });
// Millisecond precision, like the ISO strings of the cursor, so keyset comparisons are exact.
const msCol = (name: string): Column => ({
  name,
  sql: (p) => `date_trunc('milliseconds', ${p}::timestamptz)`,
});

const ITEM_COLUMNS: Column[] = [
  col('title', 'text'),
  col('description', 'text'),
  col('source_kind', 'text'),
  col('source_reference', 'text'),
  col('lead_unit_id', 'text'),
  col('lead_unit_name', 'text'),
  col('assisting_unit_ids', 'text[]'),
  col('policy', 'text'),
  col('status', 'text'),
  col('light', 'text'),
  msCol('assigned_at'),
  col('deadline_at', 'timestamptz'),
  col('completed_at', 'timestamptz'),
  col('cancelled_at', 'timestamptz'),
  col('urge_count', 'integer'),
  col('delivery_failures', 'integer'),
  col('current_stage', 'text'),
  col('case_ids', 'text[]'),
  col('returned_count', 'integer'),
];

function itemValues(view: View, s: ItemSummary): unknown[] {
  const source = obj(view.source);
  const lead = obj(view.leadUnit);
  const assisting = Array.isArray(view.assistingUnits) ? view.assistingUnits : [];
  return [
    str(view.title),
    str(view.description) ?? null,
    str(source.kind) ?? null,
    str(source.reference) ?? null,
    str(lead.id),
    str(lead.name),
    assisting.map((u) => str(obj(u).id)).filter((id): id is string => id !== undefined),
    str(view.policy) ?? null,
    s.status,
    s.light,
    str(view.assignedAt),
    s.deadlineAt ?? null,
    s.completedAt ?? null,
    s.cancelledAt ?? null,
    s.urgeCount,
    s.deliveryFailures,
    s.currentStage ?? null,
    s.caseIds,
    (Array.isArray(view.reports) ? view.reports : []).filter((r) => obj(obj(r).review).decision === 'return')
      .length,
  ];
}

const CASE_COLUMNS: Column[] = [
  col('item_id', 'text'),
  col('stage', 'text'),
  col('procedure', 'text'),
  col('level', 'integer'),
  col('source_kind', 'text'),
  col('subject_ids', 'text[]'),
  msCol('opened_at'),
  col('decided_at', 'timestamptz'),
  col('closed_at', 'timestamptz'),
];

function caseValues(view: View, s: CaseSummary): unknown[] {
  return [
    s.itemId ?? null,
    s.stage,
    s.procedure ?? null,
    s.level ?? null,
    str(obj(view.source).kind) ?? null,
    s.subjectIds,
    s.openedAt,
    s.decidedAt ?? null,
    s.closedAt ?? null,
  ];
}

/** `$first, $first+1 …` for the columns, each with its cast */
function placeholders(columns: Column[], first: number): string {
  return columns.map((c, i) => c.sql(`$${first + i}`)).join(', ');
}
const names = (columns: Column[]) => columns.map((c) => c.name).join(', ');

interface Target {
  table: 'items' | 'cases';
  events: 'item_events' | 'case_events';
  key: 'item_id' | 'case_id';
  columns: Column[];
}
const ITEM: Target = { table: 'items', events: 'item_events', key: 'item_id', columns: ITEM_COLUMNS };
const CASE: Target = { table: 'cases', events: 'case_events', key: 'case_id', columns: CASE_COLUMNS };

interface Batch {
  id: string;
  revision: number;
  created?: View;
  set?: Record<string, unknown>;
  upsert?: Record<string, Array<{ id: string } & Record<string, unknown>>>;
  events: RecordEvent[];
  fence?: TaskFence;
}

/** events one statement may carry (8 parameters each, well inside PostgreSQL's 65,535) */
const EVENTS_PER_STATEMENT = 500;
/** parameters one statement of a batch may carry; a batch past it takes the chunked transaction */
const PARAMS_PER_STATEMENT = 30_000;

/**
 * Rows a batch carries beside its events (notice deliveries, ledger measures): upserted by key,
 * written only when the batch applies. `key` tells two rows for the same target row apart: one
 * multi-row upsert cannot touch a row twice, so a batch with a repeated key upserts row by row.
 */
interface Beside {
  spec: RowSpec;
  rows: unknown[][];
  key: (row: unknown[]) => string;
}

/** A batch's beside rows, given the revision a fenced write could be undone to (undefined: none). */
type Besides = (base: number | undefined) => Beside[];

interface RowSpec {
  table: string;
  columns: Column[];
  conflict: string;
}

/** `INSERT … VALUES …` of rows, or with `from` a CTE name, `INSERT … SELECT` gated on that CTE's row. */
function insertRows(spec: RowSpec, rows: unknown[][], params: unknown[], from?: string): string {
  const tuples = rows.map((values) => {
    const first = params.length + 1;
    params.push(...values);
    return `(${placeholders(spec.columns, first)})`;
  });
  const cols = names(spec.columns);
  return from
    ? `INSERT INTO ${spec.table} (${cols}) SELECT v.* FROM ${from}, (VALUES ${tuples.join(', ')}) AS v(${cols}) ${spec.conflict}`
    : `INSERT INTO ${spec.table} (${cols}) VALUES ${tuples.join(', ')} ${spec.conflict}`;
}

/** The events of a batch after the row named by the CTE `from`, in order, each key once, tagged with the batch's revision. */
function insertEventsAfter(t: Target, b: Batch, params: unknown[], from: string): string {
  params.push(b.revision);
  const revision = `$${params.length}::bigint`;
  const lines = b.events.map((e, i) => {
    const first = params.length;
    const p = (k: number) => `$${first + k}`;
    params.push(i, e.key, e.at, e.by, e.action, e.detail ?? null, json(e.data));
    return `(${p(1)}::integer, ${p(2)}::text, ${p(3)}::timestamptz, ${p(4)}::text, ${p(5)}::text, ${p(6)}::text, ${p(7)}::text::jsonb)`;
  });
  return `INSERT INTO ${t.events} (${t.key}, key, at, actor, action, detail, data, revision)
       SELECT ${from}.id, v.key, v.at, v.actor, v.action, v.detail, v.data, ${revision}
       FROM ${from}, (VALUES ${lines.join(', ')}) AS v(n, key, at, actor, action, detail, data)
       ORDER BY v.n
       ON CONFLICT DO NOTHING`;
}

/** The CTEs that write a batch's events and beside rows once the CTE `from` yields its row. */
function afterRow(t: Target, b: Batch, besides: readonly Beside[], params: unknown[], from: string) {
  const ctes = b.events.length ? [`lines AS (${insertEventsAfter(t, b, params, from)})`] : [];
  besides.forEach((s, i) => {
    if (s.rows.length) ctes.push(`beside${i} AS (${insertRows(s.spec, s.rows, params, from)})`);
  });
  return ctes.map((c) => `, ${c}`).join('');
}

/** the fence columns of a row a batch creates: its task's time, and nothing before it (base 0, no view) */
const createdFence = (b: Batch) => (b.fence ? [b.fence.decidedAt, 0] : [null, null]);

/**
 * The batch that creates the row, its events and its beside rows, in one statement at its own
 * revision: atomic by itself, so it needs no BEGIN and COMMIT. Answers undefined when the row was
 * there already (a concurrent creator's insert waits on ours, then changes nothing).
 */
async function createRow(
  q: Queryable,
  t: Target,
  b: Batch & { created: View },
  values: (view: View) => unknown[],
  besides: readonly Beside[] = [],
): Promise<ApplyResult | undefined> {
  const view = mergeView(b.created, b.set, b.upsert);
  const params: unknown[] = [b.id, b.revision, json(view), ...values(view), ...createdFence(b)];
  const fenceAt = params.length - 1;
  // the events' foreign key is checked at the end of the statement, when the row is there
  const { rows } = await q.query<{ created: number }>(
    `WITH created AS (
       INSERT INTO ${t.table} (id, revision, view, ${names(t.columns)}, task_at, base_revision)
       VALUES ($1, $2, $3::text::jsonb, ${placeholders(t.columns, 4)}, $${fenceAt}::timestamptz, $${fenceAt + 1}::bigint)
       ON CONFLICT (id) DO NOTHING
       RETURNING id
     )${afterRow(t, b, besides, params, 'created')}
     SELECT count(*)::integer AS created FROM created`,
    params,
  );
  return Number(rows[0]?.created) > 0 ? { applied: true, revision: b.revision } : undefined;
}

/** What a row holds when a batch meets it. */
interface StoredRow {
  stored: number;
  view: View;
  /** the workflow time of the newest task that wrote a fenced batch; absent: none has */
  taskAt?: string;
  /** the revision and view before that task's first write (revision 0, no view: it created the row) */
  baseRevision?: number;
  baseView?: View;
}

/**
 * How a batch meets its row (docs/record.md, "Writes from inside a task"): `skip` a duplicate or a
 * late write; `apply` on top; `newTask` applies the first write of a later task, which keeps what
 * the row was as its base; `restore` undoes the writes of a task that never completed (the row is
 * above the revision the batch follows, written by an earlier task than the batch's) and applies.
 */
type Meeting = 'skip' | 'apply' | 'newTask' | 'restore';

/** A fenced batch the row cannot take: it follows a revision the row neither holds nor can give back. */
export class RecordFenceError extends Error {
  override name = 'RecordFenceError';
}

function meet(t: Target, b: Batch, row: StoredRow): Meeting {
  const f = b.fence;
  // Without a fence on both sides, the plain rule: a revision at or below the row's is a duplicate.
  if (!f || row.taskAt === undefined) return b.revision <= row.stored ? 'skip' : f ? 'newTask' : 'apply';
  const at = Date.parse(f.decidedAt);
  const rowAt = Date.parse(row.taskAt);
  if (at < rowAt) return 'skip'; // from an attempt given up after a later one wrote
  if (f.follows === row.stored) return at > rowAt ? 'newTask' : 'apply';
  if (at === rowAt && f.follows < row.stored) return 'skip'; // the same task's write again
  if (at > rowAt && f.follows === row.baseRevision) return 'restore';
  throw new RecordFenceError(
    `${t.table} ${b.id}: revision ${b.revision} follows ${f.follows}, but the row is at ${row.stored} (base ${String(row.baseRevision)})`,
  );
}

/** the base a meeting keeps on the row (ledger rows changed above it keep their values from before) */
function baseAfter(how: Meeting, row: StoredRow): number | undefined {
  if (how === 'newTask') return row.stored;
  return row.taskAt === undefined ? undefined : row.baseRevision;
}

/**
 * The batch on a row read as `row`, with its events and beside rows, in one statement. The UPDATE
 * applies only while the row is still at that revision and task time (it waits on a concurrent
 * writer's lock and then re-checks), so false means another batch moved the row first: read it again.
 */
async function updateRow(
  q: Queryable,
  t: Target,
  b: Batch,
  row: StoredRow,
  how: 'apply' | 'newTask',
  view: View,
  values: (view: View) => unknown[],
  besides: readonly Beside[],
): Promise<boolean> {
  const params: unknown[] = [b.id, b.revision, json(view), ...values(view)];
  params.push(row.stored, row.taskAt ?? null, b.fence?.decidedAt ?? null);
  const at = params.length - 2;
  // a new task keeps the row as it was (the old values: SET reads the row before the update)
  const base = how === 'newTask' ? ', base_revision = revision, base_view = view' : '';
  const { rows } = await q.query<{ updated: number }>(
    `WITH updated AS (
       UPDATE ${t.table} SET (revision, view, updated_at, ${names(t.columns)})
         = ($2, $3::text::jsonb, now(), ${placeholders(t.columns, 4)}),
         task_at = coalesce($${at + 2}::timestamptz, task_at)${base}
       WHERE id = $1 AND revision = $${at}::bigint AND task_at IS NOT DISTINCT FROM $${at + 1}::timestamptz
       RETURNING id
     )${afterRow(t, b, besides, params, 'updated')}
     SELECT count(*)::integer AS updated FROM updated`,
    params,
  );
  return Number(rows[0]?.updated) > 0;
}

/** Whether the batch fits one statement: few enough parameters, events and no repeated beside key. */
function fitsOneStatement(t: Target, b: Batch, besides: readonly Beside[]): boolean {
  if (b.events.length > EVENTS_PER_STATEMENT) return false;
  let params = 8 + t.columns.length + 7 * b.events.length;
  for (const s of besides) {
    params += s.spec.columns.length * s.rows.length;
    if (new Set(s.rows.map(s.key)).size !== s.rows.length) return false;
  }
  return params <= PARAMS_PER_STATEMENT;
}

/**
 * Undoes what was written above the row's base by a task that never completed: its history lines,
 * and its ledger rows (back to their values from before it, or gone if it added them). Delivery rows
 * stay: they are facts about notices that were sent. Answers the view to apply the batch on.
 */
async function restoreBase(tx: Queryable, t: Target, b: Batch, row: StoredRow): Promise<View> {
  const base = row.baseRevision ?? 0;
  await tx.query(`DELETE FROM ${t.events} WHERE ${t.key} = $1 AND revision > $2`, [b.id, base]);
  if (t.table === 'cases') {
    const { rows } = await tx.query<{ previous: string | null }>(
      'DELETE FROM measures WHERE case_id = $1 AND revision > $2 RETURNING previous::text AS previous',
      [b.id, base],
    );
    for (const r of rows)
      if (r.previous)
        await tx.query(
          'INSERT INTO measures SELECT (jsonb_populate_record(NULL::measures, $1::text::jsonb)).*',
          [r.previous],
        );
  }
  const view = row.baseView ?? b.created;
  if (!view)
    throw new RecordFenceError(
      `${t.table} ${b.id}: the task that created the row never completed, and this batch does not create it`,
    );
  return view;
}

/** The chunked path, in a transaction under the row's lock, beside rows one by one. */
async function applyBatch(
  tx: Queryable,
  t: Target,
  b: Batch,
  values: (view: View) => unknown[],
  besides: Besides,
): Promise<ApplyResult> {
  const besidesOneByOne = async (base: number | undefined) => {
    for (const s of besides(base)) await upsertEach(tx, s.spec, s.rows);
  };
  if (b.created) {
    // with its events in the same statement, or, past what one carries, in chunks after it
    const whole = b.events.length <= EVENTS_PER_STATEMENT;
    const created = await createRow(
      tx,
      t,
      { ...b, created: b.created, events: whole ? b.events : [] },
      values,
    );
    if (created) {
      if (!whole) await insertEvents(tx, t, b);
      await besidesOneByOne(b.fence ? 0 : undefined);
      return created;
    }
  }
  const row = await storedRow(tx, t, b, 'FOR UPDATE');
  const how = meet(t, b, row);
  if (how === 'skip') return { applied: false, revision: row.stored };

  const current = how === 'restore' ? await restoreBase(tx, t, b, row) : row.view;
  const view = mergeView(current, b.set, b.upsert);
  await insertEvents(tx, t, b);
  const base = how === 'newTask' ? ', base_revision = revision, base_view = view' : '';
  await tx.query(
    `UPDATE ${t.table} SET (revision, view, updated_at, ${names(t.columns)})
       = ($2, $3::text::jsonb, now(), ${placeholders(t.columns, 4)}),
       task_at = coalesce($${4 + t.columns.length}::timestamptz, task_at)${base}
     WHERE id = $1`,
    [b.id, b.revision, json(view), ...values(view), b.fence?.decidedAt ?? null],
  );
  await besidesOneByOne(baseAfter(how, row));
  return { applied: true, revision: b.revision, ...(how === 'restore' ? { undone: row.stored } : {}) };
}

/** The row's revision, view and fence (locked with `FOR UPDATE` inside a transaction); a batch for a row not there yet is retried. */
async function storedRow(
  q: Queryable,
  t: Target,
  b: Batch,
  lock: '' | 'FOR UPDATE' = '',
): Promise<StoredRow> {
  const { rows } = await q.query<{
    revision: unknown;
    view: View;
    task_at: string | null;
    base_revision: unknown;
    base_view: View | null;
  }>(
    `SELECT revision, view, ${isoSql('task_at')} AS task_at, base_revision, base_view
     FROM ${t.table} WHERE id = $1 ${lock}`,
    [b.id],
  );
  const row = rows[0];
  if (!row)
    throw new UnknownRecordError(`${t.table} ${b.id}: no record yet, and this batch does not create it`);
  return compact({
    stored: Number(row.revision),
    view: row.view,
    taskAt: row.task_at ?? undefined,
    baseRevision: num(row.base_revision),
    baseView: row.base_view ?? undefined,
  });
}

/** A batch's events, keyed and tagged with its revision: one multi-row statement per 500 (an event already there is kept). */
async function insertEvents(tx: Queryable, t: Target, b: Batch): Promise<void> {
  for (let from = 0; from < b.events.length; from += EVENTS_PER_STATEMENT) {
    const chunk = b.events.slice(from, from + EVENTS_PER_STATEMENT);
    const params: unknown[] = [];
    const rows = chunk.map((e, i) => {
      params.push(b.id, e.key, e.at, e.by, e.action, e.detail ?? null, json(e.data), b.revision);
      const p = (k: number) => `$${i * 8 + k}`;
      return `(${p(1)}, ${p(2)}, ${p(3)}::timestamptz, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}::text::jsonb, ${p(8)}::bigint)`;
    });
    await tx.query(
      `INSERT INTO ${t.events} (${t.key}, key, at, actor, action, detail, data, revision)
       VALUES ${rows.join(', ')}
       ON CONFLICT DO NOTHING`,
      params,
    );
  }
}

/** How a batch is written: `transaction` takes the locked transaction whatever the batch (the record benchmark compares the two). */
export interface ApplyOptions {
  path?: 'statements' | 'transaction';
}

/** Applies one item batch exactly once (see the module comment). */
export function applyItemBatch(
  db: Db,
  batch: ItemRecordBatch,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  return applyOnce(
    db,
    ITEM,
    { ...batch, id: batch.itemId },
    (view) => itemValues(view, batch.summary),
    options,
    () => [deliveriesBeside(batch.deliveries ?? [])],
  );
}

/** Applies one case batch exactly once, with its ledger rows upserted by (case id, measure id). */
export function applyCaseBatch(
  db: Db,
  batch: CaseRecordBatch,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  return applyOnce(
    db,
    CASE,
    { ...batch, id: batch.caseId },
    (view) => caseValues(view, batch.summary),
    options,
    (base) => [
      ledgerBeside(batch.caseId, batch.summary.itemId, batch.ledger ?? [], batch.revision, base),
      deliveriesBeside(batch.deliveries ?? []),
    ],
  );
}

/** how often a batch re-reads a row that another writer moved before it takes the transaction */
const OPTIMISTIC_TRIES = 3;

/**
 * One batch, atomically, with the rows beside it (written only when the batch applies). Most batches
 * take two statements and no transaction: read the row's revision and view, then one statement that
 * updates the row if it is still as read and inserts the events and beside rows with it (a create
 * is one statement alone). Over a served or remote record each statement is a round trip, so this is
 * a third of the transaction's. A batch too large for one statement, whose row keeps moving under
 * it, or that undoes a task that never completed, takes the transaction under the row's lock.
 */
async function applyOnce(
  db: Db,
  t: Target,
  b: Batch,
  values: (view: View) => unknown[],
  options: ApplyOptions,
  besides: Besides,
): Promise<ApplyResult> {
  if (options.path !== 'transaction' && fitsOneStatement(t, b, besides(0))) {
    if (b.created) {
      const created = await createRow(
        db,
        t,
        { ...b, created: b.created },
        values,
        besides(b.fence ? 0 : undefined),
      );
      if (created) return created;
    }
    for (let attempt = 0; attempt < OPTIMISTIC_TRIES; attempt++) {
      const row = await storedRow(db, t, b);
      const how = meet(t, b, row);
      if (how === 'skip') return { applied: false, revision: row.stored };
      if (how === 'restore') break;
      const view = mergeView(row.view, b.set, b.upsert);
      if (await updateRow(db, t, b, row, how, view, values, besides(baseAfter(how, row))))
        return { applied: true, revision: b.revision };
    }
  }
  return db.transaction((tx) => applyBatch(tx, t, b, values, besides));
}

/** the ledger's columns, then the revision that wrote the row */
const MEASURE_COLUMNS: Column[] = [
  col('id', 'text'),
  col('case_id', 'text'),
  col('measure_id', 'text'),
  col('item_id', 'text'),
  col('subject_kind', 'text'),
  col('subject_id', 'text'),
  col('subject_name', 'text'),
  col('unit_id', 'text'),
  col('code', 'text'),
  col('amount', 'numeric'),
  col('status', 'text'),
  col('decided_by', 'text'),
  col('decided_at', 'timestamptz'),
  col('executed_at', 'timestamptz'),
  col('revoked_at', 'timestamptz'),
  col('local_date', 'date'),
  col('year', 'integer'),
  col('data', 'text::jsonb'),
  col('revision', 'bigint'),
];

/**
 * The ledger's upsert. Above a fenced write's base (`base`, an integer from the row) a row's values
 * from before the first change since the base are kept in `previous`, so a task that never
 * completed can be undone.
 */
function measureRows(base: number | undefined): RowSpec {
  const previous =
    base === undefined
      ? 'NULL'
      : `CASE WHEN measures.revision IS NULL OR measures.revision <= ${Math.trunc(base)}
           THEN to_jsonb(measures) - 'previous' ELSE measures.previous END`;
  return {
    table: 'measures',
    columns: MEASURE_COLUMNS,
    conflict: `ON CONFLICT (id) DO UPDATE SET item_id = EXCLUDED.item_id, subject_kind = EXCLUDED.subject_kind,
       subject_id = EXCLUDED.subject_id, subject_name = EXCLUDED.subject_name, unit_id = EXCLUDED.unit_id,
       code = EXCLUDED.code, amount = EXCLUDED.amount, status = EXCLUDED.status,
       decided_by = EXCLUDED.decided_by, decided_at = EXCLUDED.decided_at, executed_at = EXCLUDED.executed_at,
       revoked_at = EXCLUDED.revoked_at, local_date = EXCLUDED.local_date, year = EXCLUDED.year,
       data = EXCLUDED.data, previous = ${previous}, revision = EXCLUDED.revision`,
  };
}

/** A case batch's ledger rows, keyed by (case id, measure id). */
function ledgerBeside(
  caseId: string,
  itemId: string | undefined,
  rows: readonly LedgerRow[],
  revision: number,
  base: number | undefined,
): Beside {
  return {
    spec: measureRows(base),
    rows: rows.map((m) => [...measureValues(caseId, itemId, m), revision]),
    key: (row) => String(row[0]),
  };
}

function measureValues(caseId: string, itemId: string | undefined, m: LedgerRow): unknown[] {
  return [
    `${caseId}:${m.measureId}`,
    caseId,
    m.measureId,
    itemId ?? null,
    m.subjectKind,
    m.subjectId,
    m.subjectName,
    m.unitId ?? null,
    m.code,
    m.amount ?? null,
    m.status,
    m.decidedBy,
    m.decidedAt,
    m.executedAt ?? null,
    m.revokedAt ?? null,
    m.date,
    Number(m.date.slice(0, 4)),
    json(m.data),
  ];
}

/** A later attempt replaces an earlier one; nothing replaces `delivered`, so a stale retry cannot turn a delivered notice back into a failure. */
const DELIVERY_ROWS: RowSpec = {
  table: 'notice_deliveries',
  columns: [
    col('notice_key', 'text'),
    col('channel', 'text'),
    col('item_id', 'text'),
    col('case_id', 'text'),
    col('kind', 'text'),
    col('subject', 'text'),
    col('status', 'text'),
    col('attempts', 'integer'),
    col('detail', 'text'),
    col('at', 'timestamptz'),
  ],
  conflict: `ON CONFLICT (notice_key, channel) DO UPDATE SET item_id = EXCLUDED.item_id, case_id = EXCLUDED.case_id,
       kind = EXCLUDED.kind, subject = EXCLUDED.subject, status = EXCLUDED.status,
       attempts = greatest(notice_deliveries.attempts, EXCLUDED.attempts), detail = EXCLUDED.detail,
       at = EXCLUDED.at
     WHERE notice_deliveries.status <> 'delivered' AND EXCLUDED.at >= notice_deliveries.at`,
};

function deliveriesBeside(rows: readonly NoticeDelivery[]): Beside {
  return {
    spec: DELIVERY_ROWS,
    rows: rows.map((d) => [
      d.noticeKey,
      d.channel,
      d.itemId ?? null,
      d.caseId ?? null,
      d.kind,
      d.subject,
      d.status,
      d.attempts ?? 1,
      d.detail ?? null,
      d.at,
    ]),
    key: (row) => `${String(row[0])}\u0000${String(row[1])}`,
  };
}

/** Upserts each notice's result per channel (DELIVERY_ROWS), in one transaction. */
export function recordDeliveries(db: Db, rows: readonly NoticeDelivery[]): Promise<number> {
  return db.transaction((tx) => upsertEach(tx, DELIVERY_ROWS, deliveriesBeside(rows).rows));
}

/** Upserts rows one statement each, so a later row for the same key sees the earlier one; answers how many were written. */
async function upsertEach(tx: Queryable, spec: RowSpec, rows: readonly unknown[][]): Promise<number> {
  let written = 0;
  for (const row of rows) {
    const params: unknown[] = [];
    written += (await tx.query(insertRows(spec, [row], params), params)).rowCount;
  }
  return written;
}

// ---------- reads: items and cases ----------

export type RecordedItem = View &
  ItemSummary & { id: string; revision: number; history: HistoryEntry[]; updatedAt: string };
export type RecordedCase = View &
  CaseSummary & { id: string; revision: number; history: HistoryEntry[]; updatedAt: string };

const historySql = (events: string, key: string, table: string) => `coalesce((
    SELECT jsonb_agg(jsonb_build_object('at', ${isoSql('e.at')}, 'by', e.actor, 'action', e.action,
      'detail', e.detail) ORDER BY e.seq)
    FROM ${events} e WHERE e.${key} = ${table}.id), '[]'::jsonb) AS history`;

function history(raw: unknown): HistoryEntry[] {
  return (Array.isArray(raw) ? raw : []).map((e: View) =>
    compact({ at: String(e.at), by: String(e.by), action: String(e.action), detail: str(e.detail) }),
  );
}

/** The view, summary fields set from their columns (absent ones removed), so the two never disagree. */
function withSummary(view: View, summary: View): View {
  const out: View = { ...view };
  for (const [k, v] of Object.entries(summary)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

function itemSummary(r: Row): ItemSummary {
  return {
    status: r.status as ItemSummary['status'],
    light: r.light as ItemSummary['light'],
    urgeCount: Number(r.urge_count),
    deliveryFailures: Number(r.delivery_failures),
    deadlineAt: iso(r.deadline_at),
    currentStage: str(r.current_stage),
    completedAt: iso(r.completed_at),
    cancelledAt: iso(r.cancelled_at),
    caseIds: (r.case_ids as string[]) ?? [],
  };
}

export async function getItem(db: Queryable, id: string): Promise<RecordedItem | undefined> {
  const { rows } = await db.query(
    `SELECT items.*, ${historySql('item_events', 'item_id', 'items')} FROM items WHERE id = $1`,
    [id],
  );
  return rows[0] ? (recorded(rows[0], itemSummary(rows[0])) as RecordedItem) : undefined;
}

/** A stored item or case as the API answers it: its view, its summary columns and its history. */
function recorded(r: Row, summary: ItemSummary | CaseSummary) {
  return {
    ...withSummary(obj(r.view), summary),
    id: String(r.id),
    revision: Number(r.revision),
    updatedAt: iso(r.updated_at)!,
    history: history(r.history),
  };
}

function caseSummary(r: Row): CaseSummary {
  return {
    stage: r.stage as CaseSummary['stage'],
    procedure: str(r.procedure) as CaseSummary['procedure'],
    itemId: str(r.item_id),
    level: num(r.level),
    subjectIds: (r.subject_ids as string[]) ?? [],
    openedAt: iso(r.opened_at)!,
    decidedAt: iso(r.decided_at),
    closedAt: iso(r.closed_at),
  };
}

export async function getCase(db: Queryable, id: string): Promise<RecordedCase | undefined> {
  const { rows } = await db.query(
    `SELECT cases.*, ${historySql('case_events', 'case_id', 'cases')} FROM cases WHERE id = $1`,
    [id],
  );
  return rows[0] ? (recorded(rows[0], caseSummary(rows[0])) as RecordedCase) : undefined;
}

// ---------- list queries ----------

const MAX_LIMIT = 500;
const MAX_FILTER = 500;
const NUL = String.fromCharCode(0);

/** Collects parameters as it builds a WHERE clause, so no value is ever spliced into SQL text. */
class Where {
  readonly params: unknown[] = [];
  readonly conditions: string[] = [];
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  add(condition: string): void {
    this.conditions.push(condition);
  }
  toString(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}

function filterText(name: string, value: string): string {
  if (value.length > MAX_FILTER) throw new InvalidQueryError(`${name}: at most ${MAX_FILTER} characters`);
  if (value.includes(NUL)) throw new InvalidQueryError(`${name}: contains a NUL character`);
  return value;
}

function filterInstant(name: string, value: string): string {
  filterText(name, value);
  if (!/^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new InvalidQueryError(`${name}: not an ISO date or instant`);
  return new Date(value).toISOString();
}

function limitOf(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new InvalidQueryError(`limit: an integer from 1 to ${MAX_LIMIT}`);
  return limit;
}

const list = (v: string | readonly string[]): string[] => (typeof v === 'string' ? [v] : [...v]);

/** LIKE pattern for a substring: the user's %, _ and \ match themselves. */
export const likeContains = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// An opaque cursor: base64url of [list, instant, id] of the last row of the page.
function encodeCursor(list: 'items' | 'cases', at: string, id: string): string {
  return Buffer.from(JSON.stringify([list, at, id])).toString('base64url');
}

function decodeCursor(list: 'items' | 'cases', cursor: string): { at: string; id: string } {
  const bad = () => new InvalidQueryError('cursor: not a cursor of this list');
  if (cursor.length > 1000 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== list) throw bad();
  const [, at, id] = parsed as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !id || Number.isNaN(Date.parse(at))) throw bad();
  return { at: filterInstant('cursor', at), id: filterText('cursor', id) };
}

export interface Page<T> {
  rows: T[];
  nextCursor?: string;
}

export interface ItemFilter {
  status?: string | readonly string[];
  light?: string;
  sourceKind?: string;
  /** true: overdue now (red, or past the deadline while still open); false: not marked overdue */
  overdue?: boolean;
  /** the instant `overdue` is judged at */
  now?: string;
  leadUnit?: string;
  /** lead or assisting unit */
  unit?: string;
  /** a substring of the title or description, case-insensitive */
  q?: string;
  /** assigned at or after (inclusive) */
  from?: string;
  /** assigned before (exclusive) */
  to?: string;
  limit: number;
  cursor?: string;
}

export interface ItemSummaryRow extends ItemSummary {
  id: string;
  title: string;
  sourceKind?: string;
  leadUnit: { id: string; name: string };
  assistingUnitIds: string[];
  policy?: string;
  assignedAt: string;
  revision: number;
  updatedAt: string;
}

/** Items, newest assignment first, in stable keyset pages: rows added meanwhile never shift a page. */
export async function listItems(
  db: Queryable,
  f: ItemFilter,
): Promise<{ items: ItemSummaryRow[]; nextCursor?: string }> {
  const limit = limitOf(f.limit);
  const w = new Where();
  if (f.status !== undefined)
    w.add(`status = ANY(${w.param(list(f.status).map((s) => filterText('status', s)))}::text[])`);
  if (f.leadUnit !== undefined) w.add(`lead_unit_id = ${w.param(filterText('leadUnit', f.leadUnit))}`);
  if (f.light !== undefined) w.add(`light = ${w.param(filterText('light', f.light))}`);
  if (f.sourceKind !== undefined) w.add(`source_kind = ${w.param(filterText('source', f.sourceKind))}`);
  if (f.overdue === true) {
    const now = w.param(filterInstant('now', f.now ?? new Date().toISOString()));
    w.add(`(status = 'overdue' OR (deadline_at < ${now}::timestamptz AND status IN ('open', 'warning')))`);
  } else if (f.overdue === false) {
    w.add(`status <> 'overdue'`);
  }
  if (f.unit !== undefined) {
    const u = w.param(filterText('unit', f.unit));
    w.add(`(lead_unit_id = ${u} OR ${u} = ANY(assisting_unit_ids))`);
  }
  if (f.q !== undefined && f.q !== '') {
    const q = w.param(likeContains(filterText('q', f.q)));
    w.add(`(title ILIKE ${q} ESCAPE '\\' OR description ILIKE ${q} ESCAPE '\\')`);
  }
  if (f.from !== undefined) w.add(`assigned_at >= ${w.param(filterInstant('from', f.from))}::timestamptz`);
  if (f.to !== undefined) w.add(`assigned_at < ${w.param(filterInstant('to', f.to))}::timestamptz`);
  if (f.cursor !== undefined) {
    const c = decodeCursor('items', f.cursor);
    w.add(`(assigned_at, id) < (${w.param(c.at)}::timestamptz, ${w.param(c.id)})`);
  }
  const { rows } = await db.query(
    `SELECT id, title, source_kind, lead_unit_id, lead_unit_name, assisting_unit_ids, policy, status, light,
       assigned_at, deadline_at, completed_at, cancelled_at, urge_count, delivery_failures, current_stage,
       case_ids, revision, updated_at
     FROM items ${w} ORDER BY assigned_at DESC, id DESC LIMIT ${limit + 1}`,
    w.params,
  );
  const items = rows.slice(0, limit).map((r): ItemSummaryRow =>
    compact({
      ...itemSummary(r),
      id: String(r.id),
      title: String(r.title),
      sourceKind: str(r.source_kind),
      leadUnit: { id: String(r.lead_unit_id), name: String(r.lead_unit_name) },
      assistingUnitIds: (r.assisting_unit_ids as string[]) ?? [],
      policy: str(r.policy),
      assignedAt: iso(r.assigned_at)!,
      revision: Number(r.revision),
      updatedAt: iso(r.updated_at)!,
    }),
  );
  const last = items[items.length - 1];
  return rows.length > limit && last
    ? { items, nextCursor: encodeCursor('items', last.assignedAt, last.id) }
    : { items };
}

export interface CaseFilter {
  stage?: string | readonly string[];
  /** a subject id (person or unit) */
  subject?: string;
  /** what a unit account sees: the unit or its people among the subjects, or the case's item the unit's */
  unit?: string;
  itemId?: string;
  limit: number;
  cursor?: string;
}

export interface CaseSummaryRow extends CaseSummary {
  id: string;
  sourceKind?: string;
  /** the subjects as the case names them */
  subjects: unknown[];
  revision: number;
  updatedAt: string;
}

/** Cases, newest first, in stable keyset pages. */
export async function listCases(
  db: Queryable,
  f: CaseFilter,
): Promise<{ cases: CaseSummaryRow[]; nextCursor?: string }> {
  const limit = limitOf(f.limit);
  const w = new Where();
  if (f.stage !== undefined)
    w.add(`stage = ANY(${w.param(list(f.stage).map((s) => filterText('stage', s)))}::text[])`);
  if (f.subject !== undefined) w.add(`${w.param(filterText('subject', f.subject))} = ANY(subject_ids)`);
  if (f.itemId !== undefined) w.add(`item_id = ${w.param(filterText('itemId', f.itemId))}`);
  if (f.unit !== undefined) w.add(caseOfUnitSql(w.param(filterText('unit', f.unit))));
  if (f.cursor !== undefined) {
    const c = decodeCursor('cases', f.cursor);
    w.add(`(opened_at, id) < (${w.param(c.at)}::timestamptz, ${w.param(c.id)})`);
  }
  const { rows } = await db.query(
    `SELECT id, item_id, stage, procedure, level, source_kind, subject_ids, opened_at, decided_at, closed_at,
       revision, updated_at, coalesce(view->'subjects', '[]'::jsonb) AS subjects
     FROM cases ${w} ORDER BY opened_at DESC, id DESC LIMIT ${limit + 1}`,
    w.params,
  );
  const cases = rows.slice(0, limit).map((r): CaseSummaryRow =>
    compact({
      ...caseSummary(r),
      id: String(r.id),
      sourceKind: str(r.source_kind),
      subjects: Array.isArray(r.subjects) ? r.subjects : [],
      revision: Number(r.revision),
      updatedAt: iso(r.updated_at)!,
    }),
  );
  const last = cases[cases.length - 1];
  return rows.length > limit && last
    ? { cases, nextCursor: encodeCursor('cases', last.openedAt, last.id) }
    : { cases };
}

/** the condition "the unit $u is concerned by this case" (see CaseFilter.unit) */
const caseOfUnitSql = (u: string) => `(EXISTS (
    SELECT 1 FROM jsonb_array_elements(coalesce(cases.view->'subjects', '[]'::jsonb)) s
    WHERE (s->>'kind' = 'unit' AND s->>'id' = ${u}) OR (s->>'kind' = 'person' AND s->>'unitId' = ${u}))
  OR cases.item_id IN (SELECT i.id FROM items i WHERE i.lead_unit_id = ${u} OR ${u} = ANY(i.assisting_unit_ids)))`;

/** An item's lead and assisting unit ids, or undefined when the record has no such item. */
export async function itemUnitIds(db: Queryable, id: string): Promise<string[] | undefined> {
  const { rows } = await db.query('SELECT lead_unit_id, assisting_unit_ids FROM items WHERE id = $1', [
    filterText('id', id),
  ]);
  const r = rows[0];
  if (!r) return undefined;
  return [String(r.lead_unit_id), ...((r.assisting_unit_ids as string[] | null) ?? [])];
}

/** Items not completed or cancelled, for the consistency check against running workflows. */
export async function openItemIds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM items WHERE status NOT IN ('completed', 'cancelled') ORDER BY id`,
  );
  return rows.map((r) => r.id);
}

/** Cases not closed, for the same check. */
export async function openCaseIds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM cases WHERE stage <> 'closed' ORDER BY id`);
  return rows.map((r) => r.id);
}

// ---------- the ledger (台帐) ----------

export interface LedgerRecordRow extends Omit<LedgerRow, 'data'> {
  /** case id + ':' + measure id */
  id: string;
  caseId: string;
  itemId?: string;
  year: number;
  /** a staff member's row read for their unit's ledger (S3 §五) */
  viaStaff: boolean;
  data?: unknown;
}

const MEASURE_SELECT = `SELECT id, case_id, measure_id, item_id, subject_kind, subject_id, subject_name, unit_id,
  code, amount, status, decided_by, decided_at, executed_at, revoked_at, local_date::text AS local_date, year,
  data`;

function measureRow(r: Row, viaStaff: boolean): LedgerRecordRow {
  return compact({
    id: String(r.id),
    caseId: String(r.case_id),
    measureId: String(r.measure_id),
    itemId: str(r.item_id),
    subjectKind: r.subject_kind as LedgerRow['subjectKind'],
    subjectId: String(r.subject_id),
    subjectName: String(r.subject_name),
    unitId: str(r.unit_id),
    code: r.code as LedgerRow['code'],
    amount: num(r.amount),
    status: r.status as LedgerRow['status'],
    decidedBy: String(r.decided_by),
    decidedAt: iso(r.decided_at)!,
    executedAt: iso(r.executed_at),
    revokedAt: iso(r.revoked_at),
    date: String(r.local_date),
    year: Number(r.year),
    viaStaff,
    data: r.data ?? undefined,
  });
}

/**
 * A subject's ledger for a year: its own rows and, for a unit, its staff's rows (`viaStaff`).
 * `kind` narrows to the subject kind that has records when a person and a unit share an id.
 */
export async function ledgerRows(
  db: Queryable,
  f: { subjectId: string; year: number; kind?: 'person' | 'unit' },
): Promise<LedgerRecordRow[]> {
  const subject = filterText('subjectId', f.subjectId);
  if (!Number.isInteger(f.year)) throw new InvalidQueryError('year: an integer');
  const { rows } = await db.query(
    `${MEASURE_SELECT}, (subject_id <> $1) AS via_staff FROM measures
     WHERE year = $2 AND (
       (subject_id = $1 AND ($3::text IS NULL OR subject_kind = $3))
       OR (unit_id = $1 AND subject_kind = 'person' AND subject_id <> $1 AND ($3::text IS NULL OR $3 = 'unit')))
     ORDER BY decided_at, id`,
    [subject, f.year, f.kind ?? null],
  );
  return rows.map((r) => measureRow(r, Boolean(r.via_staff)));
}

/** The annual sheet's rows: every measure of the year, optionally of one kind, or one unit and its staff. */
export async function annualRows(
  db: Queryable,
  f: { year: number; kind?: 'person' | 'unit'; unit?: string },
): Promise<LedgerRecordRow[]> {
  if (!Number.isInteger(f.year)) throw new InvalidQueryError('year: an integer');
  const w = new Where();
  w.add(`year = ${w.param(f.year)}`);
  if (f.kind !== undefined) w.add(`subject_kind = ${w.param(f.kind)}`);
  if (f.unit !== undefined) {
    const u = w.param(filterText('unit', f.unit));
    w.add(`((subject_kind = 'unit' AND subject_id = ${u}) OR unit_id = ${u})`);
  }
  const { rows } = await db.query(
    `${MEASURE_SELECT} FROM measures ${w} ORDER BY subject_kind, subject_id, decided_at, id`,
    w.params,
  );
  return rows.map((r) => measureRow(r, false));
}

/** The row as the pure ledger rules read it: revoked and amended measures no longer count. */
export function toLedgerEvent(r: LedgerRecordRow): LedgerEvent {
  return compact({
    measureId: r.measureId,
    caseId: r.caseId,
    subjectId: r.subjectId,
    subjectKind: r.subjectKind,
    subjectName: r.subjectName,
    unitId: r.unitId,
    code: r.code,
    amount: r.amount,
    date: r.date,
    decidedBy: r.decidedBy,
    revoked: r.status !== 'executed' ? true : undefined,
    viaStaff: r.viaStaff ? true : undefined,
  });
}

// ---------- notice deliveries ----------

export interface DeliveryRow
  extends Required<Pick<NoticeDelivery, 'attempts'>>, Omit<NoticeDelivery, 'attempts'> {}

export async function listDeliveries(
  db: Queryable,
  f: { itemId?: string; caseId?: string; noticeKey?: string },
): Promise<DeliveryRow[]> {
  const w = new Where();
  if (f.itemId !== undefined) w.add(`item_id = ${w.param(filterText('itemId', f.itemId))}`);
  if (f.caseId !== undefined) w.add(`case_id = ${w.param(filterText('caseId', f.caseId))}`);
  if (f.noticeKey !== undefined) w.add(`notice_key = ${w.param(filterText('noticeKey', f.noticeKey))}`);
  const { rows } = await db.query(
    `SELECT * FROM notice_deliveries ${w} ORDER BY at, notice_key, channel`,
    w.params,
  );
  return rows.map((r) =>
    compact({
      noticeKey: String(r.notice_key),
      channel: r.channel as NoticeDelivery['channel'],
      itemId: str(r.item_id),
      caseId: str(r.case_id),
      kind: String(r.kind),
      subject: String(r.subject),
      status: r.status as NoticeDelivery['status'],
      attempts: Number(r.attempts),
      detail: str(r.detail),
      at: iso(r.at)!,
    }),
  );
}

// ---------- units ----------

export interface UnitRow extends UnitEntry {
  revision: number;
  updatedAt: string;
}

function unitRow(r: Row): UnitRow {
  return compact({
    id: String(r.id),
    name: String(r.name),
    liaison: (r.liaison ?? undefined) as UnitEntry['liaison'],
    principal: (r.principal ?? undefined) as UnitEntry['principal'],
    inCharge: (r.in_charge ?? undefined) as UnitEntry['inCharge'],
    parentId: str(r.parent_id),
    revision: Number(r.revision),
    updatedAt: iso(r.updated_at)!,
  });
}

/** Creates or replaces a unit of the directory; each change raises its revision. */
export async function putUnit(db: Queryable, u: UnitEntry): Promise<UnitRow> {
  const { rows } = await db.query(
    `INSERT INTO units (id, name, liaison, principal, in_charge, parent_id)
     VALUES ($1, $2, $3::text::jsonb, $4::text::jsonb, $5::text::jsonb, $6)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, liaison = EXCLUDED.liaison,
       principal = EXCLUDED.principal, in_charge = EXCLUDED.in_charge, parent_id = EXCLUDED.parent_id,
       revision = units.revision + 1, updated_at = now()
     RETURNING *`,
    [u.id, u.name, json(u.liaison), json(u.principal), json(u.inCharge), u.parentId ?? null],
  );
  return unitRow(rows[0]!);
}

export async function getUnit(db: Queryable, id: string): Promise<UnitRow | undefined> {
  const { rows } = await db.query('SELECT * FROM units WHERE id = $1', [id]);
  return rows[0] ? unitRow(rows[0]) : undefined;
}

export async function listUnits(db: Queryable): Promise<UnitRow[]> {
  const { rows } = await db.query('SELECT * FROM units ORDER BY id');
  return rows.map(unitRow);
}

/** The units with these ids that the directory holds, by id (one statement: one snapshot). */
export async function getUnits(db: Queryable, ids: readonly string[]): Promise<Map<string, UnitRow>> {
  const wanted = [...new Set(ids.map((id) => filterText('id', id)))];
  if (!wanted.length) return new Map();
  const { rows } = await db.query('SELECT * FROM units WHERE id = ANY($1::text[])', [wanted]);
  return new Map(rows.map((r) => [String(r.id), unitRow(r)]));
}

/** One page of the directory in id order; `after` is the last id of the previous page. */
export async function listUnitsPage(
  db: Queryable,
  f: { limit: number; after?: string; parent?: string },
): Promise<{ units: UnitRow[]; last?: string }> {
  const limit = limitOf(f.limit);
  const w = new Where();
  if (f.after !== undefined) w.add(`id > ${w.param(filterText('after', f.after))}`);
  if (f.parent !== undefined) w.add(`parent_id = ${w.param(filterText('parent', f.parent))}`);
  const { rows } = await db.query(`SELECT * FROM units ${w} ORDER BY id LIMIT ${limit + 1}`, w.params);
  const units = rows.slice(0, limit).map(unitRow);
  return rows.length > limit ? { units, last: units[units.length - 1]?.id } : { units };
}

/** A unit's parent that the directory does not hold. */
export class UnknownParentError extends Error {
  override name = 'UnknownParentError';
}

/** A parent that would make the directory a cycle; `path` runs from the unit back to itself. */
export class UnitCycleError extends Error {
  override name = 'UnitCycleError';
  constructor(readonly path: string[]) {
    super(`unit ${path[0]} would become its own ancestor: ${path.join(' → ')}`);
  }
}

// Directory writes that check the parent chain are serialised: two concurrent changes (A under B,
// B under A) each pass a check against the other's old state and together make a cycle.
const DIRECTORY_LOCK = 7_206_911_303;

/**
 * Creates or replaces a unit after checking its parent exists and is not the unit or one of its
 * descendants, all in one transaction: a refused change writes nothing.
 */
export function saveUnit(db: Db, u: UnitEntry): Promise<{ unit: UnitRow; created: boolean }> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [DIRECTORY_LOCK]);
    if (u.parentId !== undefined) {
      // the parent's chain of ancestors, nearest first; depth-bounded in case old rows hold a cycle
      const { rows } = await tx.query<{ id: string; depth: number }>(
        `WITH RECURSIVE chain (id, parent_id, depth) AS (
           SELECT id, parent_id, 1 FROM units WHERE id = $1
           UNION ALL
           SELECT u.id, u.parent_id, c.depth + 1 FROM units u JOIN chain c ON u.id = c.parent_id
           WHERE c.depth < 1000 AND c.id <> $2)
         SELECT id, depth FROM chain ORDER BY depth`,
        [u.parentId, u.id],
      );
      if (!rows.length) throw new UnknownParentError(`no unit "${u.parentId}" in the directory`);
      const chain = rows.map((r) => String(r.id));
      const at = chain.indexOf(u.id);
      if (at >= 0) throw new UnitCycleError([u.id, ...chain.slice(0, at + 1)]);
    }
    const unit = await putUnit(tx, u);
    return { unit, created: unit.revision === 1 };
  });
}

// ---------- calendar years (放假安排) ----------

export interface CalendarYearRow extends CalendarYearInput {
  version: number;
  loadedAt: string;
}

export type CalendarYearSummary = Omit<CalendarYearRow, 'holidays' | 'workdays'>;

// Two loads of the same year at once must not pick the same version number.
const CALENDAR_LOCK = 7_206_911_302;

/** Stores a year's 放假安排 as a new version (the previous versions stay) and returns its number. */
export function putCalendarYear(db: Db, c: CalendarYearInput): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint + $2::integer)', [CALENDAR_LOCK, c.year]);
    const { rows } = await tx.query<{ version: number }>(
      `INSERT INTO calendar_years (year, version, basis, source, holidays, workdays, loaded_by)
       SELECT $1, coalesce(max(version), 0) + 1, $2, $3::text::jsonb, $4::text::jsonb, $5::text::jsonb, $6
       FROM calendar_years WHERE year = $1
       RETURNING version`,
      [c.year, c.basis, json(c.source), json(c.holidays), json(c.workdays), c.loadedBy],
    );
    return Number(rows[0]!.version);
  });
}

function calendarRow(r: Row): CalendarYearRow {
  return {
    year: Number(r.year),
    version: Number(r.version),
    basis: r.basis as CalendarYearInput['basis'],
    source: r.source as CalendarYearInput['source'],
    holidays: r.holidays as CalendarYearInput['holidays'],
    workdays: r.workdays as CalendarYearInput['workdays'],
    loadedBy: String(r.loaded_by),
    loadedAt: iso(r.loaded_at)!,
  };
}

/** The latest version of a year, or undefined when the office never loaded it. */
export async function getCalendarYear(db: Queryable, year: number): Promise<CalendarYearRow | undefined> {
  const { rows } = await db.query(
    'SELECT * FROM calendar_years WHERE year = $1 ORDER BY version DESC LIMIT 1',
    [year],
  );
  return rows[0] ? calendarRow(rows[0]) : undefined;
}

/**
 * Open items whose plan reaches into a year (the deadline, a stage's deadline or a level at or after
 * its first day) and that were assigned before it ended: the ones a newly loaded 放假安排 for that
 * year can move. The day boundary is taken
 * a day early, so no zone east of UTC is missed; an item re-planned needlessly simply stays put.
 */
export async function openItemsTouchingYear(
  db: Queryable,
  year: number,
): Promise<{ id: string; assignedAt: string; timeZone: string }[]> {
  const start = `${year - 1}-12-31T00:00:00Z`;
  // assigned on the year's last local day at the latest (UTC-12 to UTC+14): a later one counts no day of it
  const assignedBefore = `${year + 1}-01-01T12:00:00Z`;
  const { rows } = await db.query(
    `SELECT id, assigned_at, coalesce(view->'deadline'->'receipt'->>'timeZone', 'Asia/Shanghai') AS tz
     FROM items
     WHERE status NOT IN ('completed', 'cancelled')
       AND assigned_at < $2::timestamptz
       AND (deadline_at >= $1::timestamptz
         OR EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(view->'schedule'->'levels', '[]'::jsonb)) l
                    WHERE (l->>'dueAt')::timestamptz >= $1::timestamptz)
         OR EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(view->'stages', '[]'::jsonb)) st
                    WHERE (st->>'deadlineAt')::timestamptz >= $1::timestamptz))
     ORDER BY id`,
    [start, assignedBefore],
  );
  return rows.map((r) => ({ id: String(r.id), assignedAt: iso(r.assigned_at)!, timeZone: String(r.tz) }));
}

/** Every loaded year at its latest version, with its days: what the calendar in force is built from. */
export async function officeCalendarYears(db: Queryable): Promise<CalendarYearRow[]> {
  const { rows } = await db.query(
    'SELECT DISTINCT ON (year) * FROM calendar_years ORDER BY year, version DESC',
  );
  return rows.map(calendarRow);
}

/** Every loaded year at its latest version, without the day lists. */
export async function listCalendarYears(db: Queryable): Promise<CalendarYearSummary[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (year) year, version, basis, source, loaded_by, loaded_at
     FROM calendar_years ORDER BY year, version DESC`,
  );
  return rows.map((r) => {
    const { holidays: _h, workdays: _w, ...rest } = calendarRow({ ...r, holidays: [], workdays: [] });
    return rest;
  });
}

// ---------- the overview: statistics, documents and exports ----------

export type StatsGroupBy = 'unit' | 'source' | 'month';

export interface StatsFilter {
  /** assigned at or after (inclusive), an instant */
  from: string;
  /** assigned before (exclusive), an instant */
  to: string;
  groupBy: StatsGroupBy;
  /** lead or assisting unit */
  unit?: string;
  /** the office's zone: months are its calendar months */
  timeZone: string;
  /** "overdue" is measured against this instant */
  now: string;
}

export interface StatsFigures {
  /** 交办: items assigned in the period */
  assigned: number;
  /** 办结 */
  completed: number;
  /** 按期办结: completed at or before the deadline in force */
  completedOnTime: number;
  /** 按期办结率 = completedOnTime / (completed + overdueOpen); null when nothing has fallen due */
  onTimeRate: number | null;
  /** 逾期未办结: neither completed nor cancelled, deadline passed */
  overdueOpen: number;
  /** 在办: neither completed nor cancelled */
  open: number;
  /** 撤销 */
  cancelled: number;
  /** 催办: every urge counted on the items (returned reports and manual urges included) */
  urges: number;
  /** 退回重办: final reports returned */
  returned: number;
  /** 问责: cases about these items */
  cases: number;
  /** executed measures about these items, by code */
  measures: Record<string, number>;
}

export interface StatsGroup extends StatsFigures {
  /** unit id, source kind or YYYY-MM */
  key: string;
  /** the unit's name; for the other groupings the key */
  name: string;
}

export interface StatsResult {
  groups: StatsGroup[];
  totals: StatsFigures;
}

const onTimeRate = (onTime: number, completed: number, overdueOpen: number): number | null => {
  const due = completed + overdueOpen;
  return due === 0 ? null : Math.round((onTime / due) * 10_000) / 10_000;
};

/** The WHERE of the items a period covers, shared by the statistics and the documents built on them. */
function periodWhere(f: { from: string; to: string; unit?: string }): Where {
  const w = new Where();
  w.add(`assigned_at >= ${w.param(filterInstant('from', f.from))}::timestamptz`);
  w.add(`assigned_at < ${w.param(filterInstant('to', f.to))}::timestamptz`);
  if (f.unit !== undefined) {
    const u = w.param(filterText('unit', f.unit));
    w.add(`(lead_unit_id = ${u} OR ${u} = ANY(assisting_unit_ids))`);
  }
  return w;
}

/**
 * The figures of the items assigned in a period, per group, in one statement (one snapshot). An item
 * belongs to exactly one group, so the totals are the sums of the groups.
 */
export async function itemStats(db: Queryable, f: StatsFilter): Promise<StatsResult> {
  const w = periodWhere(f);
  const now = w.param(filterInstant('now', f.now));
  const key =
    f.groupBy === 'unit'
      ? 'lead_unit_id'
      : f.groupBy === 'source'
        ? `coalesce(source_kind, 'other')`
        : `to_char(assigned_at AT TIME ZONE ${w.param(filterText('timeZone', f.timeZone))}, 'YYYY-MM')`;
  const name = f.groupBy === 'unit' ? 'lead_unit_name' : key;
  // Columns only: the views stay unread (returned_count is kept from the view by every batch).
  const { rows } = await db.query(
    `WITH sel AS (
       SELECT id, ${key} AS key, ${name} AS name, status, deadline_at, completed_at, urge_count,
         returned_count AS returned
       FROM items ${w}
     ), g AS (
       SELECT key, max(name) AS name, count(*) AS assigned,
         count(*) FILTER (WHERE status = 'completed') AS completed,
         count(*) FILTER (WHERE status = 'completed' AND completed_at <= deadline_at) AS completed_on_time,
         count(*) FILTER (WHERE status NOT IN ('completed', 'cancelled')) AS open,
         count(*) FILTER (WHERE status NOT IN ('completed', 'cancelled') AND deadline_at < ${now}::timestamptz)
           AS overdue_open,
         count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
         coalesce(sum(urge_count), 0) AS urges, coalesce(sum(returned), 0) AS returned
       FROM sel GROUP BY key
     ), c AS (
       SELECT sel.key, count(*) AS n FROM cases JOIN sel ON cases.item_id = sel.id GROUP BY sel.key
     ), m AS (
       SELECT key, jsonb_object_agg(code, n) AS by_code FROM (
         SELECT sel.key, measures.code, count(*) AS n FROM measures JOIN sel ON measures.item_id = sel.id
         WHERE measures.status = 'executed' GROUP BY sel.key, measures.code) x
       GROUP BY key
     )
     SELECT g.*, coalesce(c.n, 0) AS cases, coalesce(m.by_code, '{}'::jsonb) AS measures
     FROM g LEFT JOIN c ON c.key = g.key LEFT JOIN m ON m.key = g.key
     ORDER BY g.key`,
    w.params,
  );
  const groups = rows.map((r): StatsGroup => {
    const completed = Number(r.completed);
    const completedOnTime = Number(r.completed_on_time);
    const overdueOpen = Number(r.overdue_open);
    const measures = Object.fromEntries(
      Object.entries(obj(r.measures)).map(([code, n]) => [code, Number(n)] as const),
    );
    return {
      key: String(r.key),
      name: String(r.name),
      assigned: Number(r.assigned),
      completed,
      completedOnTime,
      onTimeRate: onTimeRate(completedOnTime, completed, overdueOpen),
      overdueOpen,
      open: Number(r.open),
      cancelled: Number(r.cancelled),
      urges: Number(r.urges),
      returned: Number(r.returned),
      cases: Number(r.cases),
      measures,
    };
  });
  const totals: StatsFigures = {
    assigned: 0,
    completed: 0,
    completedOnTime: 0,
    onTimeRate: null,
    overdueOpen: 0,
    open: 0,
    cancelled: 0,
    urges: 0,
    returned: 0,
    cases: 0,
    measures: {},
  };
  for (const g of groups) {
    for (const k of ['assigned', 'completed', 'completedOnTime', 'overdueOpen', 'open'] as const)
      totals[k] += g[k];
    for (const k of ['cancelled', 'urges', 'returned', 'cases'] as const) totals[k] += g[k];
    for (const [code, n] of Object.entries(g.measures))
      totals.measures[code] = (totals.measures[code] ?? 0) + n;
  }
  totals.onTimeRate = onTimeRate(totals.completedOnTime, totals.completed, totals.overdueOpen);
  return { groups, totals };
}

export interface OverdueItemRow {
  id: string;
  title: string;
  leadUnit: { id: string; name: string };
  deadlineAt: string;
  urgeCount: number;
  status: string;
}

/** The items of a period still open past their deadline (the bulletin names them), earliest deadline first. */
export async function overdueOpenItems(
  db: Queryable,
  f: { from: string; to: string; unit?: string; now: string },
): Promise<OverdueItemRow[]> {
  const w = periodWhere(f);
  w.add(`status NOT IN ('completed', 'cancelled')`);
  w.add(`deadline_at < ${w.param(filterInstant('now', f.now))}::timestamptz`);
  const { rows } = await db.query(
    `SELECT id, title, lead_unit_id, lead_unit_name, deadline_at, urge_count, status
     FROM items ${w} ORDER BY deadline_at, id`,
    w.params,
  );
  return rows.map((r) => ({
    id: String(r.id),
    title: String(r.title),
    leadUnit: { id: String(r.lead_unit_id), name: String(r.lead_unit_name) },
    deadlineAt: iso(r.deadline_at)!,
    urgeCount: Number(r.urge_count),
    status: String(r.status),
  }));
}

/** The executed measures decided in a period (the bulletin's 问责情况), with the item they concern. */
export async function measuresDecided(
  db: Queryable,
  f: { from: string; to: string },
): Promise<(LedgerRecordRow & { itemTitle?: string })[]> {
  const { rows } = await db.query(
    `SELECT m.id, m.case_id, m.measure_id, m.item_id, m.subject_kind, m.subject_id, m.subject_name, m.unit_id,
       m.code, m.amount, m.status, m.decided_by, m.decided_at, m.executed_at, m.revoked_at,
       m.local_date::text AS local_date, m.year, m.data, i.title AS item_title
     FROM measures m LEFT JOIN items i ON i.id = m.item_id
     WHERE m.status = 'executed' AND m.decided_at >= $1::timestamptz AND m.decided_at < $2::timestamptz
     ORDER BY m.decided_at, m.id`,
    [filterInstant('from', f.from), filterInstant('to', f.to)],
  );
  return rows.map((r) => compact({ ...measureRow(r, false), itemTitle: str(r.item_title) }));
}

export interface ExportFilter {
  from?: string;
  to?: string;
  status?: string | readonly string[];
  leadUnit?: string;
  unit?: string;
  q?: string;
}

export interface ExportItemRow {
  id: string;
  title: string;
  sourceKind?: string;
  sourceReference?: string;
  leadUnitName: string;
  assistingUnitNames: string[];
  assignedAt: string;
  deadlineAt?: string;
  status: string;
  light: string;
  urgeCount: number;
  completedAt?: string;
  /** completed by the deadline; undefined while not completed */
  onTime?: boolean;
}

/**
 * The export's rows in keyset pages (oldest assignment first), so a 10,000-item export holds one page
 * at a time: each page is one statement, and the next starts after the last row of the one before.
 */
export async function* exportItemPages(
  db: Queryable,
  f: ExportFilter,
  pageSize = 500,
): AsyncGenerator<ExportItemRow[]> {
  const size = limitOf(pageSize);
  let after: { at: string; id: string } | undefined;
  for (;;) {
    const w = new Where();
    if (f.status !== undefined)
      w.add(`status = ANY(${w.param(list(f.status).map((s) => filterText('status', s)))}::text[])`);
    if (f.leadUnit !== undefined) w.add(`lead_unit_id = ${w.param(filterText('leadUnit', f.leadUnit))}`);
    if (f.unit !== undefined) {
      const u = w.param(filterText('unit', f.unit));
      w.add(`(lead_unit_id = ${u} OR ${u} = ANY(assisting_unit_ids))`);
    }
    if (f.q !== undefined && f.q !== '') {
      const q = w.param(likeContains(filterText('q', f.q)));
      w.add(`(title ILIKE ${q} ESCAPE '\\' OR description ILIKE ${q} ESCAPE '\\')`);
    }
    if (f.from !== undefined) w.add(`assigned_at >= ${w.param(filterInstant('from', f.from))}::timestamptz`);
    if (f.to !== undefined) w.add(`assigned_at < ${w.param(filterInstant('to', f.to))}::timestamptz`);
    if (after) w.add(`(assigned_at, id) > (${w.param(after.at)}::timestamptz, ${w.param(after.id)})`);
    const { rows } = await db.query(
      `SELECT id, title, source_kind, source_reference, lead_unit_name, assigned_at, deadline_at, status,
         light, urge_count, completed_at,
         coalesce((SELECT array_agg(u->>'name' ORDER BY n) FROM jsonb_array_elements(
           CASE WHEN jsonb_typeof(view->'assistingUnits') = 'array' THEN view->'assistingUnits' ELSE '[]' END)
           WITH ORDINALITY AS a(u, n)), '{}') AS assisting_names
       FROM items ${w} ORDER BY assigned_at, id LIMIT ${size}`,
      w.params,
    );
    if (!rows.length) return;
    const page = rows.map((r): ExportItemRow => {
      const completedAt = iso(r.completed_at);
      const deadlineAt = iso(r.deadline_at);
      return compact({
        id: String(r.id),
        title: String(r.title),
        sourceKind: str(r.source_kind),
        sourceReference: str(r.source_reference),
        leadUnitName: String(r.lead_unit_name),
        assistingUnitNames: ((r.assisting_names as (string | null)[]) ?? []).filter(
          (n): n is string => typeof n === 'string',
        ),
        assignedAt: iso(r.assigned_at)!,
        deadlineAt,
        status: String(r.status),
        light: String(r.light),
        urgeCount: Number(r.urge_count),
        completedAt,
        onTime:
          r.status === 'completed' && completedAt && deadlineAt
            ? Date.parse(completedAt) <= Date.parse(deadlineAt)
            : undefined,
      });
    });
    yield page;
    if (rows.length < size) return;
    const last = page[page.length - 1]!;
    after = { at: last.assignedAt, id: last.id };
  }
}

// ---------- measurements (benchmarks, verify) ----------

export interface Footprint {
  /** table → rows and bytes (pg_column_size of the rows: data, not indexes) */
  tables: Record<string, { rows: number; bytes: number }>;
  rows: number;
  bytes: number;
}

/** What the record keeps for some items: their rows, their cases' rows and their deliveries. */
export async function recordFootprint(db: Queryable, itemIds: readonly string[]): Promise<Footprint> {
  const ids = [...itemIds];
  const { rows } = await db.query<{ t: string; n: string; b: string | null }>(
    `WITH c AS (SELECT id FROM cases WHERE item_id = ANY($1::text[]))
     SELECT 'items' AS t, count(*) AS n, sum(pg_column_size(x.*)) AS b FROM items x WHERE id = ANY($1::text[])
     UNION ALL SELECT 'item_events', count(*), sum(pg_column_size(x.*)) FROM item_events x WHERE item_id = ANY($1::text[])
     UNION ALL SELECT 'cases', count(*), sum(pg_column_size(x.*)) FROM cases x WHERE id IN (SELECT id FROM c)
     UNION ALL SELECT 'case_events', count(*), sum(pg_column_size(x.*)) FROM case_events x WHERE case_id IN (SELECT id FROM c)
     UNION ALL SELECT 'measures', count(*), sum(pg_column_size(x.*)) FROM measures x WHERE case_id IN (SELECT id FROM c)
     UNION ALL SELECT 'notice_deliveries', count(*), sum(pg_column_size(x.*)) FROM notice_deliveries x
       WHERE item_id = ANY($1::text[]) OR case_id IN (SELECT id FROM c)`,
    [ids],
  );
  const tables = Object.fromEntries(rows.map((r) => [r.t, { rows: Number(r.n), bytes: Number(r.b ?? 0) }]));
  const sum = (k: 'rows' | 'bytes') => Object.values(tables).reduce((a, t) => a + t[k], 0);
  return { tables, rows: sum('rows'), bytes: sum('bytes') };
}

/**
 * The record's lag for some items: from the instant the workflow decided a history line (`at`)
 * to the commit that wrote it (`recorded_at`), in ms, over the lines decided at or after `since`.
 */
export async function recordLag(
  db: Queryable,
  itemIds: readonly string[],
  since: string,
): Promise<{ n: number; p50: number; p90: number; p99: number; max: number }> {
  const { rows } = await db.query<Record<string, string | null>>(
    `WITH l AS (SELECT extract(epoch FROM recorded_at - at) * 1000 AS ms FROM item_events
       WHERE item_id = ANY($1::text[]) AND at >= $2)
     SELECT count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY ms) AS p90,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max FROM l`,
    [[...itemIds], filterInstant('since', since)],
  );
  const r = rows[0] ?? {};
  const n = (k: string) => Math.round(Number(r[k] ?? NaN));
  return { n: Number(r.n ?? 0), p50: n('p50'), p90: n('p90'), p99: n('p99'), max: n('max') };
}

/** How many items the record holds (a benchmark's setup waits for its items). */
export async function countItems(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM items');
  return Number(rows[0]?.n ?? 0);
}
