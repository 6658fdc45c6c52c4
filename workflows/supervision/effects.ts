// The shell's hands: the activities the item calls, the child workflows it starts or signals, and
// the search attributes it keeps current. Temporal code, no rules.
import {
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  proxyActivities,
  proxyLocalActivities,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributePair } from '@temporalio/common';
import type { Activities } from '../../activities';
import { levelCaseStart } from '../case/level-case-start';
import { caseWorkflowId } from '../ids';
import { rectificationFinished } from '../messages';
import * as sa from '../search-attributes';
import type { ItemRecordBatch } from '../../domain/record';
import type { Patched } from '../shared/patches';
import { Outbox } from '../shared/outbox';
import { mergeChanges } from '../shared/record-diff';
import { fencedWriter, RECORD_WRITE, RECORD_WRITE_TASK } from '../shared/record-write';
import type { Effect } from './transitions';

const { recordItem } = proxyLocalActivities<Activities>(RECORD_WRITE);
const { recordItem: recordItemTask } = proxyActivities<Activities>(RECORD_WRITE_TASK);

/**
 * The record lane's writer: what the lane holds goes as one batch (the revisions merged, the last
 * summary kept), in the run's write mode; `follows` is the revision the record has before the lane's
 * first write (0, or what a continued run carries).
 */
export function recordBatches(patched: Patched, follows: number) {
  const write = fencedWriter<ItemRecordBatch>({ patched, follows, local: recordItem, task: recordItemTask });
  const merge = (a: ItemRecordBatch, b: ItemRecordBatch): ItemRecordBatch =>
    ({ itemId: b.itemId, summary: b.summary, ...mergeChanges(a, b) }) as ItemRecordBatch;
  return (batches: ItemRecordBatch[]): Promise<void> => write(batches.reduce(merge));
}

export const { calendarSlice } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['InvalidInput'] },
});

export interface CaseStarted {
  caseId: string;
  level: number;
  stage?: string;
  /** false: it already ran (e.g. after a continue-as-new); the link is what matters */
  started: boolean;
}

/**
 * A level's case starts from inside the urge's task (case-started-in-task): the same unbounded
 * backoff as the record write, the long waits on durable timers, a refused request not retried.
 */
const { startLevelCase } = proxyLocalActivities<Activities>(RECORD_WRITE);

/**
 * Starts an escalation case (it outlives the item), from the urge's task (`caseInTask`, patch
 * case-started-in-task) or as a child, or tells the origin case the item ended.
 */
export async function performChild(e: Effect, caseInTask: boolean): Promise<CaseStarted | undefined> {
  if (e.kind === 'openCase') {
    const { caseId } = e.caseInput;
    const opened = (started: boolean): CaseStarted => ({ caseId, level: e.level, stage: e.stage, started });
    if (caseInTask) {
      const { taskQueue } = workflowInfo();
      return opened((await startLevelCase({ input: e.caseInput, taskQueue })).started);
    }
    const { workflowId, ...shown } = levelCaseStart(e.caseInput);
    try {
      await startChild('accountabilityCase', {
        workflowId,
        args: [e.caseInput],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        ...shown,
      });
      return opened(true);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      return opened(false);
    }
  }
  if (e.kind === 'reportToCase') {
    try {
      await getExternalWorkflowHandle(caseWorkflowId(e.caseId)).signal(rectificationFinished, e.report);
    } catch (err) {
      // A case already closed no longer waits for it.
      log.warn('could not tell the case about the rectification', { caseId: e.caseId, error: String(err) });
    }
  }
  return undefined;
}

/**
 * The children lane: its effects performed in order, each case one opened handed back. With
 * `caseInTask` it waits for `ready` (the step's notices tried first).
 */
export function childrenLane(
  caseInTask: boolean,
  ready: () => boolean,
  opened: (c: CaseStarted) => void,
): Outbox<Effect> {
  const perform = async (batch: Effect[]) => {
    for (const e of batch) {
      const c = await performChild(e, caseInTask);
      if (c) opened(c);
    }
  };
  return new Outbox<Effect>(perform, 50, caseInTask ? ready : undefined);
}

const KEYS: sa.AnyKey[] = [
  sa.SupervisionStatusKey,
  sa.LeadUnitKey,
  sa.UrgeCountKey,
  sa.DeliveryFailuresKey,
  sa.DeadlineAtKey,
];

/**
 * The item's search attributes, upserted only when a value changed (every upsert is an event).
 * Not "at most once per workflow task": telling tasks apart by historyLength is not deterministic
 * (a local activity resolved inside a task reads one length live and another on replay).
 */
export class SearchIndex {
  /** what the start already indexed (the API sets them); a failure count never set reads as 0 */
  private readonly indexed: Record<string, string> = { DeliveryFailures: '0' };

  constructor() {
    for (const k of KEYS) {
      const value: unknown = workflowInfo().typedSearchAttributes.get(k);
      if (value !== undefined)
        this.indexed[k.name] = value instanceof Date ? value.toISOString() : String(value);
    }
  }

  update(values: Record<string, string>): void {
    const keys = KEYS.filter((k) => values[k.name] !== undefined && values[k.name] !== this.indexed[k.name]);
    if (keys.length === 0) return;
    upsertSearchAttributes(
      keys.map((k) => ({ key: k, value: sa.typed(k, values[k.name]!) }) as SearchAttributePair),
    );
    for (const k of keys) this.indexed[k.name] = values[k.name]!;
  }
}
