// `npm run verify-records`: the consistency check between Temporal (the process) and the record
// (PostgreSQL). For every open item and case workflow, and every one that closed within `--recent`
// hours, the record must hold the same summary (status, light, urges, deadline, cases; a case's
// stage, decision, closure, subjects and measures) and end with the same history lines; every item
// or case the record holds as open must still have a running workflow. Prints each difference and
// exits 1 when there is one, 0 when there is none.
//
// With a task queue (a namespace shared with other deployments or tests), a record row whose
// workflow runs on another queue is someone else's and is left out; a row whose workflow is gone
// is still a difference. A workflow whose query gets no answer (no worker polls its queue) is
// reported as a difference, not a crash: it is work nobody is doing.
//
// A level case (escalation) must be listed by its item's row: one that is not was started from a task
// that never completed (docs/accountability.md, "A level case started from the urge's task").
//
// A write still in flight is not a difference: whatever differs is read again after `--settle`
// seconds (from the workflow itself, not from visibility, which lags) and only what still differs
// is reported.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowNotFoundError, type QueryDefinition } from '@temporalio/common';
import { connectClient } from '../api/main';
import { openRecord, type Db } from '../activities/record/db';
import { getCase, getItem, openCaseIds, openItemIds } from '../activities/record/store';
import { ConfigError, loadConfig } from '../config';
import { caseWorkflowId, itemWorkflowId } from '../workflows/ids';
import { getCaseState, getItemState } from '../workflows/messages';
import { summaryOf } from '../workflows/supervision/record-view';
import type { CaseState, HistoryEntry, SupervisionState } from '../workflows/types';

const ITEM_TYPE = 'supervisionItem';
const CASE_TYPE = 'accountabilityCase';
const ITEM_PREFIX = itemWorkflowId('');
const CASE_PREFIX = caseWorkflowId('');

export interface Difference {
  kind: 'item' | 'case';
  id: string;
  field: string;
  record: unknown;
  workflow: unknown;
}

export interface VerifyOptions {
  client: Client;
  record: Db;
  /**
   * only workflows on this task queue (a shared namespace); the record's open rows are checked
   * either way, except those whose workflow runs on another queue
   */
  taskQueue?: string;
  /** also check workflows closed within this many hours (default 24) */
  recentHours?: number;
  /** wait this long before reading a difference again (default 5000 ms) */
  settleMs?: number;
  /** how long a workflow's worker may take to answer its query (default 10,000 ms) */
  queryTimeoutMs?: number;
  /** workflows read at once (default 10) */
  concurrency?: number;
}

export interface VerifyReport {
  items: number;
  cases: number;
  differences: Difference[];
}

type Live<T> =
  | { status: 'running' | 'closed'; state: T }
  | { status: 'gone' | 'other' | 'unanswered'; detail: string }
  | { status: 'elsewhere' };

const ms = (v: unknown): number | undefined =>
  typeof v === 'string' && v !== '' ? Date.parse(v) : undefined;
const sameInstant = (a: unknown, b: unknown) => ms(a) === ms(b);
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const sorted = (v: unknown) => (Array.isArray(v) ? [...(v as string[])].sort() : v);

const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/** The workflow's state: a query while it runs, its result once it completed. */
async function liveState<T>(
  client: Client,
  workflowId: string,
  query: QueryDefinition<T, []>,
  taskQueue?: string,
  queryTimeoutMs = DEFAULT_QUERY_TIMEOUT_MS,
): Promise<Live<T>> {
  const handle = client.workflow.getHandle(workflowId);
  let d: Awaited<ReturnType<typeof handle.describe>>;
  try {
    d = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { status: 'gone', detail: 'not in Temporal' };
    throw err;
  }
  if (taskQueue !== undefined && d.taskQueue !== taskQueue) return { status: 'elsewhere' };
  const status = d.status.name;
  // a closed run returns only how it ended (ItemEnd, CaseEnd): its whole state comes from the
  // query, which a worker answers by replaying the kept history
  if (status !== 'RUNNING' && status !== 'COMPLETED')
    return { status: 'other', detail: status.toLowerCase() };
  try {
    // a query nobody answers waits out the server's deadline (a minute): bounded, so one item whose
    // worker is gone does not hold up the whole check
    const state = await client.withDeadline(Date.now() + queryTimeoutMs, () => handle.query(query));
    return { status: status === 'RUNNING' ? 'running' : 'closed', state };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { status: 'gone', detail: 'not in Temporal' };
    const cause = (err as { cause?: { details?: string } }).cause?.details;
    return {
      status: 'unanswered',
      detail: `no answer from a worker on ${d.taskQueue}: ${cause ?? (err as Error).message}`,
    };
  }
}

/** History lines in order; the workflow may hold only the last ones (compacted on continue-as-new). */
function historyDifference(recorded: HistoryEntry[], live: HistoryEntry[]): string | undefined {
  const line = (h: HistoryEntry) => `${ms(h.at)}|${h.by}|${h.action}|${h.detail ?? ''}`;
  if (live.length > recorded.length) return `${recorded.length} lines, the workflow has ${live.length}`;
  const tail = recorded.slice(recorded.length - live.length);
  const i = live.findIndex((h, n) => line(h) !== line(tail[n]!));
  return i < 0 ? undefined : `line ${recorded.length - live.length + i + 1} differs`;
}

export async function compareItem(
  client: Client,
  record: Db,
  id: string,
  taskQueue?: string,
  queryTimeoutMs?: number,
): Promise<Difference[]> {
  const diff = (field: string, rec: unknown, wf: unknown): Difference => ({
    kind: 'item',
    id,
    field,
    record: rec,
    workflow: wf,
  });
  const [recorded, live] = await Promise.all([
    getItem(record, id),
    liveState<SupervisionState>(client, itemWorkflowId(id), getItemState, taskQueue, queryTimeoutMs),
  ]);
  if (live.status === 'elsewhere') return [];
  if (live.status === 'unanswered') return [diff('workflow', recorded?.status ?? 'missing', live.detail)];
  if ('detail' in live) {
    if (!recorded) return [];
    if (recorded.status === 'completed' || recorded.status === 'cancelled') return [];
    return [diff('workflow', recorded.status, live.detail)];
  }
  if (!recorded) return [diff('row', 'missing', live.state.status)];
  const s = live.state;
  const out: Difference[] = [];
  if ((s.revision ?? 0) !== recorded.revision) out.push(diff('revision', recorded.revision, s.revision));
  const summary = summaryOf(s) as unknown as Record<string, unknown>;
  const rec = recorded as unknown as Record<string, unknown>;
  for (const field of ['status', 'light', 'urgeCount', 'deliveryFailures', 'currentStage'])
    if (!sameJson(rec[field], summary[field])) out.push(diff(field, rec[field], summary[field]));
  for (const field of ['deadlineAt', 'completedAt', 'cancelledAt'])
    if (!sameInstant(rec[field], summary[field])) out.push(diff(field, rec[field], summary[field]));
  if (!sameJson(sorted(rec.caseIds), sorted(summary.caseIds)))
    out.push(diff('caseIds', rec.caseIds, summary.caseIds));
  const h = historyDifference(recorded.history, s.history);
  if (h) out.push(diff('history', h, `${s.history.length} lines`));
  return out;
}

/** The case ids an item's row lists, read once per item and round (an item opens up to three level cases). */
export type ItemCaseIds = (itemId: string) => Promise<string[] | undefined>;

export function itemCaseIdsOnce(record: Db): ItemCaseIds {
  const read = new Map<string, Promise<string[] | undefined>>();
  return (itemId) => {
    let ids = read.get(itemId);
    if (!ids) read.set(itemId, (ids = getItem(record, itemId).then((row) => row?.caseIds)));
    return ids;
  };
}

export async function compareCase(
  client: Client,
  record: Db,
  id: string,
  taskQueue?: string,
  queryTimeoutMs?: number,
  itemCaseIds: ItemCaseIds = itemCaseIdsOnce(record),
): Promise<Difference[]> {
  const diff = (field: string, rec: unknown, wf: unknown): Difference => ({
    kind: 'case',
    id,
    field,
    record: rec,
    workflow: wf,
  });
  const [recorded, live] = await Promise.all([
    getCase(record, id),
    liveState<CaseState>(client, caseWorkflowId(id), getCaseState, taskQueue, queryTimeoutMs),
  ]);
  if (live.status === 'elsewhere') return [];
  if (live.status === 'unanswered') return [diff('workflow', recorded?.stage ?? 'missing', live.detail)];
  if ('detail' in live) {
    if (!recorded || recorded.stage === 'closed') return [];
    return [diff('workflow', recorded.stage, live.detail)];
  }
  if (!recorded) return [diff('row', 'missing', live.state.stage)];
  const s = live.state;
  const rec = recorded as unknown as Record<string, unknown>;
  const out: Difference[] = [];
  // a case's revision also counts changes the record does not keep (deliveries), so it is not compared
  if (rec.stage !== s.stage) out.push(diff('stage', rec.stage, s.stage));
  const wf: Record<string, unknown> = { decidedAt: s.decision?.at, closedAt: s.closedAt };
  for (const field of ['decidedAt', 'closedAt'])
    if (!sameInstant(rec[field], wf[field])) out.push(diff(field, rec[field], wf[field]));
  const subjects = s.subjects.map((x) => x.id);
  if (!sameJson(sorted(rec.subjectIds), sorted(subjects)))
    out.push(diff('subjectIds', rec.subjectIds, subjects));
  const measures = (m: { measureId: string; status: string }[] | undefined) =>
    (m ?? []).map((x) => `${x.measureId}:${x.status}`).sort();
  const recMeasures = measures(rec.measures as { measureId: string; status: string }[] | undefined);
  if (!sameJson(recMeasures, measures(s.measures)))
    out.push(diff('measures', recMeasures, measures(s.measures)));
  const h = historyDifference(recorded.history, s.history);
  if (h) out.push(diff('history', h, `${s.history.length} lines`));
  // A level case its item does not list: started from an urge's task that never completed, whose
  // retry decided otherwise (a 办结 that arrived meanwhile is applied before the timer). The case is
  // real and runs; the office decides whether to dismiss it (docs/accountability.md).
  if (s.escalation && s.itemId) {
    const listed = await itemCaseIds(s.itemId);
    if (listed && !listed.includes(id))
      out.push(
        diff('item', listed, `opened by level ${s.escalation.level} of ${s.itemId}, not listed there`),
      );
  }
  return out;
}

async function inBatches<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
    }),
  );
  return out;
}

async function listIds(client: Client, query: string, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of client.workflow.list({ query }) as AsyncIterable<WorkflowExecutionInfo>) {
    if (w.workflowId.startsWith(prefix)) ids.push(w.workflowId.slice(prefix.length));
  }
  return ids;
}

const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export async function verifyRecords(opts: VerifyOptions): Promise<VerifyReport> {
  const { client, record } = opts;
  const since = new Date(Date.now() - (opts.recentHours ?? 24) * 3_600_000).toISOString();
  const queue = opts.taskQueue ? ` AND TaskQueue = ${quote(opts.taskQueue)}` : '';
  const scope = (type: string) =>
    `WorkflowType = ${quote(type)}${queue} AND (ExecutionStatus = 'Running' OR CloseTime > ${quote(since)})`;
  const [wfItems, wfCases, recItems, recCases] = await Promise.all([
    listIds(client, scope(ITEM_TYPE), ITEM_PREFIX),
    listIds(client, scope(CASE_TYPE), CASE_PREFIX),
    openItemIds(record),
    openCaseIds(record),
  ]);
  // the record's open rows whatever their queue: a row open without a running workflow is lost work
  const items = [...new Set([...wfItems, ...recItems])].sort();
  const cases = [...new Set([...wfCases, ...recCases])].sort();
  const concurrency = opts.concurrency ?? 10;
  const check = async (kind: 'item' | 'case', ids: string[]) => {
    const itemCaseIds = itemCaseIdsOnce(record); // fresh each round: the second reads after the settle
    return (
      await inBatches(ids, concurrency, (id) =>
        kind === 'item'
          ? compareItem(client, record, id, opts.taskQueue, opts.queryTimeoutMs)
          : compareCase(client, record, id, opts.taskQueue, opts.queryTimeoutMs, itemCaseIds),
      )
    ).flat();
  };

  let differences = [...(await check('item', items)), ...(await check('case', cases))];
  if (differences.length) {
    await new Promise((r) => setTimeout(r, opts.settleMs ?? 5000));
    const again = (kind: 'item' | 'case') => [
      ...new Set(differences.filter((d) => d.kind === kind).map((d) => d.id)),
    ];
    differences = [...(await check('item', again('item'))), ...(await check('case', again('case')))];
  }
  return { items: items.length, cases: cases.length, differences };
}

export function formatDifference(d: Difference): string {
  return `${d.kind} ${d.id}: ${d.field}: record ${JSON.stringify(d.record)}, workflow ${JSON.stringify(d.workflow)}`;
}

const USAGE = `usage: npm run verify-records [-- --recent <hours>] [--settle <seconds>] [--query-timeout <seconds>] [--task-queue <name>] [--json]
  Compares the open (and recently closed) item and case workflows in Temporal with the record.
  Configured like the worker (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, DUBAN_DATABASE_URL or the
  embedded record). --task-queue: only workflows on that queue (the record's rows whose workflow runs
  on another queue are left out). --query-timeout (default 10): how long a worker may take to answer
  one workflow's query before that workflow counts as unanswered. Exit 0: no difference; 1: differences (printed, a workflow no
  worker answers among them); 2: bad arguments or configuration.`;

function parseArgs(argv: string[]): {
  recent: number;
  settle: number;
  queryTimeout: number;
  taskQueue?: string;
  json: boolean;
} {
  const out = { recent: 24, settle: 5, queryTimeout: DEFAULT_QUERY_TIMEOUT_MS / 1000, json: false } as {
    recent: number;
    settle: number;
    queryTimeout: number;
    taskQueue?: string;
    json: boolean;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new ConfigError(`${a} needs a value\n${USAGE}`);
      return v;
    };
    const number = (name: string, v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${name}: a number ≥ 0, not "${v}"`);
      return n;
    };
    if (a === '--json') out.json = true;
    else if (a === '--recent') out.recent = number('--recent', value());
    else if (a === '--settle') out.settle = number('--settle', value());
    else if (a === '--query-timeout') out.queryTimeout = number('--query-timeout', value());
    else if (a === '--task-queue') out.taskQueue = value();
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new ConfigError(`unknown argument "${a}"\n${USAGE}`);
  }
  return out;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const client = await connectClient(config);
  let record: Db | undefined;
  try {
    record = await openRecord(config);
    const report = await verifyRecords({
      client,
      record,
      recentHours: args.recent,
      settleMs: args.settle * 1000,
      queryTimeoutMs: args.queryTimeout * 1000,
      ...(args.taskQueue ? { taskQueue: args.taskQueue } : {}),
    });
    if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      for (const d of report.differences) process.stdout.write(`${formatDifference(d)}\n`);
      process.stdout.write(
        `verify-records: ${report.items} items and ${report.cases} cases checked, ` +
          `${report.differences.length} difference${report.differences.length === 1 ? '' : 's'}\n`,
      );
    }
    return report.differences.length ? 1 : 0;
  } finally {
    await record?.close();
    await client.connection.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`verify-records failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}
