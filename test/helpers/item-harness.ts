// A supervision item on the time-skipping server, for the workflow tests of one feature each: a
// worker with the real calendar activities, the notices delivered and the record batches kept.
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createCalendarActivities } from '../../activities/calendar/activities';
import { createCaseActivities } from '../../activities/cases/start-case';
import { officialCalendar } from '../../domain/calendar/official';
import type { ItemRecordBatch } from '../../domain/record';
import { getItemState } from '../../workflows/messages';
import type { Notice, SupervisionInput, SupervisionState } from '../../workflows/types';
import { batchDeliverer } from './deliveries';
import { itemInput } from './fixtures';
import { createTimeSkippingEnv } from './temporal';

export function itemHarness(env: TestWorkflowEnvironment, bundle: WorkflowBundleWithSourceMap) {
  const taskQueue = `tq-${Math.random().toString(36).slice(2)}`;
  const notices: Notice[] = [];
  const batches: ItemRecordBatch[] = [];
  const activities = {
    ...createCalendarActivities(officialCalendar()),
    deliverNotices: jest.fn(batchDeliverer(notices, 'delivered')),
    recordItem: jest.fn(async (b: ItemRecordBatch) => void batches.push(b)),
    recordCase: jest.fn(async () => undefined),
    // the urges' level cases, started on this server as the worker starts them
    ...createCaseActivities({ client: env.client }),
  };
  const query = (h: WorkflowHandle) => h.query(getItemState);
  const start = (input: SupervisionInput) =>
    env.client.workflow.start('supervisionItem', {
      workflowId: `supervision-${input.itemId}`,
      taskQueue,
      args: [input],
    });
  /** polls the state until the predicate holds: the worker needs a moment to run what time released */
  async function waitFor(h: WorkflowHandle, pred: (s: SupervisionState) => boolean, what: string) {
    const until = Date.now() + 15_000;
    let s = await query(h);
    while (!pred(s)) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 100));
      s = await query(h);
    }
    return s;
  }
  return {
    notices,
    batches,
    query,
    async run<T>(fn: () => Promise<T>): Promise<T> {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: bundle,
        activities,
      });
      return worker.runUntil(fn);
    },
    start,
    waitFor,
    /** an item assigned now, due in 10 working days, reporting hourly (汇报频次), with its first period */
    async startHourlyReporting() {
      const assignedAt = new Date(await env.currentTimeMs()).toISOString();
      const handle = await start(
        itemInput({ assignedAt, due: { workingDays: 10 }, reportEvery: { duration: 'PT1H' } }),
      );
      const first = await waitFor(handle, (x) => Boolean(x.reporting), 'the first period');
      return { handle, assignedAt, firstDueAt: first.reporting!.dueAt };
    },
    /** moves the server's clock to just after `iso` (or before it, with a negative slack) */
    async advanceTo(iso: string, slackMs = 1_000) {
      const delta = Date.parse(iso) - (await env.currentTimeMs()) + slackMs;
      if (delta > 0) await env.sleep(delta);
    },
    /** waits in real time for the run to close; awaiting result() would let the clock race ahead */
    async closed(h: WorkflowHandle): Promise<SupervisionState> {
      const until = Date.now() + 15_000;
      while ((await h.describe()).status.name === 'RUNNING') {
        if (Date.now() > until) throw new Error('the workflow did not close');
        await new Promise((r) => setTimeout(r, 100));
      }
      return query(h);
    },
  };
}

/** the business refusal an Update answered */
export async function refusal(p: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause;
    throw err;
  }
  throw new Error('expected the update to be refused');
}

/**
 * The set-up every item feature test shares: the workflow bundle once per file, a fresh
 * time-skipping server per test. Read `env` and `bundle` inside a test, after the hooks ran.
 */
export function useTimeSkipping(): { env: TestWorkflowEnvironment; bundle: WorkflowBundleWithSourceMap } {
  const ts = {} as { env: TestWorkflowEnvironment; bundle: WorkflowBundleWithSourceMap };
  beforeAll(async () => {
    ts.bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
  });
  beforeEach(async () => {
    ts.env = await createTimeSkippingEnv();
  });
  afterEach(async () => {
    await ts.env?.teardown();
  });
  return ts;
}
