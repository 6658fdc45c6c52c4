// Shared pieces of the reliability tests: a drill policy whose whole ladder runs within seconds,
// items started straight through the client, and reading many items' state in bounded batches.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Db } from '../../activities/record/db';
import { getCase, getItem, listDeliveries } from '../../activities/record/store';
import { formatDifference, verifyRecords } from '../../scripts/verify-records';
import { getItemState } from '../../workflows/messages';
import { itemWorkflowId } from '../../workflows/ids';
import type { Policy, SupervisionInput, SupervisionState } from '../../workflows/types';
import { itemInput } from './fixtures';

/** warn 3 s before a drill deadline, then three urges 0 s, 6 s and 12 s after it */
export const stormPolicy: Policy = {
  name: 'storm-drill',
  warnBefore: { duration: 'PT3S' },
  reminders: [
    {
      name: '第一次催办',
      after: { duration: 'PT0S' },
      notice: { by: '督查室' },
      measures: [{ code: 'admonition_talk' }],
    },
    {
      name: '第二次催办',
      after: { duration: 'PT6S' },
      notice: { by: '政府办公室' },
      measures: [{ code: 'public_criticism' }],
    },
    {
      name: '第三次催办',
      after: { duration: 'PT6S' },
      notice: { by: '政府办公室' },
      measures: [{ code: 'public_apology' }],
    },
  ],
};

export const urgeKey = (itemId: string, level: number): string => `${itemId}:L${level}:urge`;

export async function startDrillItem(
  client: Client,
  taskQueue: string,
  itemId: string,
  overrides: Partial<SupervisionInput> = {},
): Promise<void> {
  const input = itemInput({
    itemId,
    assignedAt: new Date().toISOString(),
    due: { duration: 'PT10S' },
    policy: stormPolicy,
    ...overrides,
  });
  await client.workflow.start('supervisionItem', {
    workflowId: itemWorkflowId(itemId),
    taskQueue,
    args: [input],
  });
}

/** Runs fn over items with at most `concurrency` calls in flight. */
export async function inBatches<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  });
  await Promise.all(lanes);
  return out;
}

export async function queryStates(client: Client, itemIds: readonly string[]): Promise<SupervisionState[]> {
  return inBatches(itemIds, 10, (id) => queryState(client, id));
}

const TASK_FAILED = /Workflow Task in failed state/;

/**
 * One item's state. While a workflow task that failed or timed out is retried the server answers a
 * query "Workflow Task in failed state": the query is asked again for up to a minute, each cause
 * printed; a task still failing then is an error naming its last failure.
 */
async function queryState(client: Client, id: string): Promise<SupervisionState> {
  const handle = client.workflow.getHandle(itemWorkflowId(id));
  const until = Date.now() + 60_000;
  let told = '';
  for (;;) {
    try {
      return await handle.query(getItemState);
    } catch (err) {
      const e = err as Error & { cause?: Error };
      if (!TASK_FAILED.test(`${e.message} ${e.cause?.message ?? ''}`)) throw err;
      const failure = await lastTaskFailure(handle);
      if (Date.now() > until) throw new Error(`${id}: its workflow task keeps failing: ${failure}`);
      if (failure !== told) process.stdout.write(`storm: ${id}: workflow task failed: ${(told = failure)}\n`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * Why the item's workflow task is being retried: its last failed or timed-out task. After a kill it
 * is a timeout (the dead worker held the task); the server then answers queries "in failed state"
 * until the retried, transient task completes, which under load may take a while.
 */
async function lastTaskFailure(handle: ReturnType<Client['workflow']['getHandle']>): Promise<string> {
  const { events } = await handle.fetchHistory();
  const last = [...(events ?? [])]
    .reverse()
    .find((e) => e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes);
  const failed = last?.workflowTaskFailedEventAttributes;
  const timedOut = last?.workflowTaskTimedOutEventAttributes;
  if (failed)
    return `event ${String(last!.eventId)} WORKFLOW_TASK_FAILED, cause ${temporal.api.enums.v1.WorkflowTaskFailedCause[failed.cause ?? 0] ?? String(failed.cause)}: ${failed.failure?.message ?? ''}`;
  if (timedOut)
    return `event ${String(last!.eventId)} WORKFLOW_TASK_TIMED_OUT (${temporal.api.enums.v1.TimeoutType[timedOut.timeoutType ?? 0] ?? String(timedOut.timeoutType)})`;
  return 'no failed or timed-out workflow task in the history (a transient attempt)';
}

/**
 * What the record holds for storm items, against their workflows: each item's row at the workflow's
 * revision with the same history line for line (nothing doubled under another key, nothing lost),
 * every level reached once, every case it opened recorded, and each notice's result per channel
 * recorded as the workflow has it; then `verify-records` finds no difference on the task queue. Returns the
 * mismatches (empty when all is well) and counts for the test's summary.
 */
export async function recordMismatches(
  client: Client,
  record: Db,
  taskQueue: string,
  itemIds: readonly string[],
): Promise<{
  mismatches: string[];
  rows: { items: number; events: number; cases: number; deliveries: number };
}> {
  const states = await queryStates(client, itemIds);
  const mismatches: string[] = [];
  const rows = { items: 0, events: 0, cases: 0, deliveries: 0, verified: 0 };
  await inBatches(states, 10, async (s) => {
    const rec = await getItem(record, s.id);
    if (!rec) return void mismatches.push(`${s.id}: no row`);
    rows.items += 1;
    rows.events += rec.history.length;
    if (rec.revision !== s.revision)
      mismatches.push(`${s.id}: revision ${rec.revision}, workflow ${s.revision}`);
    const line = (h: { at: string; by: string; action: string }) => `${Date.parse(h.at)} ${h.by} ${h.action}`;
    const [a, b] = [rec.history.map(line), s.history.map(line)];
    if (JSON.stringify(a) !== JSON.stringify(b))
      mismatches.push(`${s.id}: history ${a.length} lines in the record, ${b.length} in the workflow`);
    const levels = ((rec as unknown as { reminders?: { level: number }[] }).reminders ?? []).map(
      (r) => r.level,
    );
    if (JSON.stringify(levels) !== JSON.stringify(s.reminders.map((r) => r.level)))
      mismatches.push(`${s.id}: levels ${levels.join(',')} in the record`);
    if (JSON.stringify(rec.caseIds) !== JSON.stringify(s.caseIds))
      mismatches.push(
        `${s.id}: cases ${rec.caseIds.join(',')} in the record, ${s.caseIds.join(',')} in the workflow`,
      );
    for (const caseId of s.caseIds) {
      if (await getCase(record, caseId)) rows.cases += 1;
      else mismatches.push(`${s.id}: case ${caseId} not recorded`);
    }
    const deliveries = await listDeliveries(record, { itemId: s.id });
    rows.deliveries += deliveries.length;
    // each result the workflow holds, per notice and channel, is a row with the same outcome
    for (const n of s.notices)
      for (const d of n.deliveries) {
        const status = d.status === 'delivered' ? 'delivered' : d.status === 'failed' ? 'failed' : 'skipped';
        if (!deliveries.some((r) => r.noticeKey === n.key && r.channel === d.channel && r.status === status))
          mismatches.push(`${s.id}: ${d.channel} ${status} of ${n.key} not recorded`);
      }
  });
  const report = await verifyRecords({ client, record, taskQueue, settleMs: 2000 });
  rows.verified = report.items + report.cases;
  mismatches.push(...report.differences.map((d) => `verify-records: ${formatDifference(d)}`));
  return { mismatches: mismatches.sort(), rows };
}
