// How a workflow writes its record batch (PostgreSQL, applied exactly once by revision).
import {
  sleep,
  type ActivityFunctionWithOptions,
  type ActivityOptions,
  type LocalActivityFunctionWithOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { TaskFence } from '../../domain/record';
import { RECORD_IN_TASK } from './patch-ids';
import type { Patched } from './patches';

/**
 * The write is fast and idempotent, so it can run as a local activity: one marker event carrying only
 * the result, no activity task round-trip. Retried without end (no maximumAttempts), backing off
 * from 1 s to a minute; past `localRetryThreshold` the wait between attempts is a durable timer, so
 * a long outage neither spins the worker nor holds one workflow task. A batch the record refuses
 * (InvalidInput) is a bug: not retried, it fails the lane (see `written`).
 */
export const RECORD_WRITE: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  // a task waits for its local activities, and an update's answer for its task: only the first
  // retry backs off in the worker, every later one on a timer, so an update answers in ~1 s
  localRetryThreshold: '1 second',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['InvalidInput'],
  },
};

/**
 * A local activity fails inside the task that scheduled it, and a failed task answers no update:
 * a refused batch fails the lane only after a 1 ms timer, so the task that took the update (and
 * decided the batch) completes first and the failure shows in the next one.
 */
export async function written<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    await sleep(1);
    throw err;
  }
}

/** the patch that moved each record write behind the completion of the task that decided it */
export const RECORD_AFTER_TASK = 'record-after-deciding-task';

/** The same write as a regular activity: the same unbounded backoff, on the server's timers. */
export const RECORD_WRITE_TASK: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: RECORD_WRITE.retry,
};

/**
 * Whether this run writes its record with a regular activity (true) or, as runs started before
 * RECORD_AFTER_TASK did, with a local activity. A local activity runs inside its task: a worker
 * killed after the write but before the task completed has written a batch from a task that never
 * happened, and the task run again (at a later workflow time, with what arrived meanwhile)
 * computes different content under the same revision, which the record then skips as a duplicate.
 * A regular activity is scheduled by the completion of the task that decided the batch, so the
 * batch is the same on every replay and skipping a revision already written loses nothing; with
 * eager dispatch it starts at once, so the record trails an update by milliseconds, not a timer.
 */
export function writesAfterTask(patched: Patched): boolean {
  return patched(RECORD_AFTER_TASK);
}

/**
 * How this run writes its record: `inTask` (patch record-in-task) a local activity inside the task
 * that decided the batch, with the task fence; `afterTask` a regular activity (RECORD_AFTER_TASK);
 * `local` a local activity without a fence, as the runs before both did. Asked at the first write,
 * so a run recorded before record-in-task replays with its own mode.
 */
export type RecordWriteMode = 'inTask' | 'afterTask' | 'local';

export function recordWriteMode(patched: Patched): RecordWriteMode {
  if (patched(RECORD_IN_TASK)) return 'inTask';
  return writesAfterTask(patched) ? 'afterTask' : 'local';
}

/**
 * The fence of each write a lane makes (docs/record.md, "Writes from inside a task"): the workflow
 * time of the task that writes it, later for each retry of a task than for the attempt it
 * replaces, and the revision the lane wrote before (`follows`: 0 before the first batch, or the
 * revision a continued run carries). The record undoes what an attempt that never completed wrote
 * when its retry writes the same revisions again.
 */
export function taskFences(follows: number): (revision: number) => TaskFence {
  return (revision) => {
    const fence = { decidedAt: new Date().toISOString(), follows };
    follows = revision;
    return fence;
  };
}

type WriteBatch<B> = (batch: B) => Promise<unknown>;

/**
 * A record lane's writer for either workflow: one merged batch per call, written in the run's mode,
 * fenced when written inside its task. `summary` names the write in the Temporal UI; the item's
 * writes have none, as since their first run. The mode is asked at each write: a run recorded before
 * record-in-task switches to it at its first live write, so every write, fenced or not, moves
 * `follows` on, and that first fenced batch follows the revision written last.
 */
export function fencedWriter<B extends { revision: number }>(opts: {
  patched: Patched;
  /** the revision the record has before the lane's first write (0, or what a continued run carries) */
  follows: number;
  local: LocalActivityFunctionWithOptions<WriteBatch<B>>;
  task: ActivityFunctionWithOptions<WriteBatch<B>>;
  summary?: (batch: B) => string;
}): (batch: B) => Promise<void> {
  const fence = taskFences(opts.follows);
  return async (batch) => {
    const mode = recordWriteMode(opts.patched);
    const summary = opts.summary ? { summary: opts.summary(batch) } : {};
    const fenced = { ...batch, fence: fence(batch.revision) };
    const args: [B] = [mode === 'inTask' ? fenced : batch];
    await written(
      mode === 'afterTask'
        ? opts.task.executeWithOptions({ ...RECORD_WRITE_TASK, ...summary }, args)
        : opts.local.executeWithOptions({ ...RECORD_WRITE, ...summary }, args),
    );
  };
}
