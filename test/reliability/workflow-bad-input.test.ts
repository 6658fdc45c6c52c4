// Bad input that bypasses the API and reaches the supervision workflow straight from a client:
// the workflow computes on the calendar in its input, so it must refuse it at once, as a
// non-retryable InvalidInput ApplicationFailure naming the field, visible in its history: no
// activity at all and no workflow task failing over and over.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { officialCalendar } from '../../domain/calendar/official';
import { createWorker } from '../../worker/worker';
import { caseWorkflowId, itemWorkflowId } from '../../workflows/ids';
import { packCalendar } from '../../domain/calendar/packed';
import { sliceCalendarData } from '../../domain/calendar/working-calendar';
import { calendarWindow } from '../../workflows/supervision/state';
import type { Policy, SupervisionInput } from '../../workflows/types';
import { itemInput } from '../helpers/fixtures';
import { stormPolicy } from '../helpers/storm';
import { createDevServerEnv } from '../helpers/temporal';
import { memoryRecord } from '../helpers/record';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let bundle: WorkflowBundleWithSourceMap;
const taskQueue = `bad-input-${randomUUID()}`;

beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
  env = await createDevServerEnv();
  worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: bundle,
    deps: { calendar: officialCalendar(), channels: {}, record: await memoryRecord() },
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const packedSlice = () => {
  const { from, through } = calendarWindow(new Date().toISOString(), 'Asia/Shanghai');
  return packCalendar(sliceCalendarData(officialCalendar().data, from, through));
};

async function start(overrides: Record<string, unknown>): Promise<WorkflowHandle> {
  const base = itemInput({ policy: stormPolicy, due: { duration: 'PT1H' } });
  const { from, through } = calendarWindow(base.assignedAt, 'Asia/Shanghai');
  const calendar = sliceCalendarData(officialCalendar().data, from, through);
  const input = { ...base, calendar, ...overrides };
  const itemId = `bad-${randomUUID().slice(0, 8)}`;
  return env.client.workflow.start('supervisionItem', {
    workflowId: itemWorkflowId(itemId),
    taskQueue,
    args: [{ ...input, itemId } as SupervisionInput],
  });
}

/** the workflow's failure, or a description of what it did instead within the time given */
async function outcome(handle: WorkflowHandle, ms = 15_000): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      handle.result().then(
        () => 'completed',
        (err: unknown) => err,
      ),
      new Promise((r) => (timer = setTimeout(() => r('still running'), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function history(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  return (await handle.fetchHistory()).events ?? [];
}

/** refused by the workflow itself before any activity: one clean failure, no retries */
async function expectRefusedByWorkflow(handle: WorkflowHandle, field: string): Promise<void> {
  const err = await outcome(handle);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe('InvalidInput');
  expect((cause as ApplicationFailure).nonRetryable).toBe(true);
  expect((cause as ApplicationFailure).message).toContain(field);
  const events = await history(handle);
  expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
  expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toHaveLength(0);
  expect(events.filter((e) => e.workflowExecutionFailedEventAttributes)).toHaveLength(1);
}

test('an inline policy with no levels fails the item once, as InvalidInput, before any activity', async () => {
  const policy: Policy = { ...stormPolicy, reminders: [] };
  await expectRefusedByWorkflow(await start({ policy }), 'policy.reminders');
});

test('an unknown measure code fails the item once, as InvalidInput', async () => {
  const policy = structuredClone(stormPolicy);
  (policy.reminders[1]!.measures[0] as { code: string }).code = 'public_flogging';
  await expectRefusedByWorkflow(await start({ policy }), 'policy.reminders.1.measures.0.code');
});

test.each([
  ['an instant that is no date', { at: '2026-02-30T25:00:00Z' }],
  ['a negative working-day count', { workingDays: -3 }],
  ['a duration that is no ISO 8601 duration', { duration: 'five seconds' }],
  ['an empty object', {}],
])('a malformed due (%s) fails the item once, as InvalidInput', async (_what, due) => {
  await expectRefusedByWorkflow(await start({ due }), 'due');
});

test('an unknown time zone fails the item once, as InvalidInput', async () => {
  await expectRefusedByWorkflow(await start({ timeZone: 'Mars/Olympus_Mons' }), 'time zone');
});

test('a malformed stage due fails the item once, as InvalidInput', async () => {
  await expectRefusedByWorkflow(
    await start({ stages: [{ name: '报批', due: { at: 'next tuesday' } }] }),
    'stages.0.due',
  );
});

// Input missing a whole required object never reaches an activity. Until supervision.ts gained its
// shape check (assertShape), `input.policy.name` / `input.leadUnit.id` threw a TypeError that failed
// the workflow *task*, which Temporal retried forever while the item hung as Running.
test.each([
  ['no policy', { policy: undefined }, 'policy.reminders'],
  ['no lead unit', { leadUnit: undefined }, 'leadUnit.id'],
  ['no responsible persons', { responsible: undefined }, 'responsible.principal'],
  ['no due and no stages', { due: undefined }, 'due'],
])('input with %s fails the item once, as InvalidInput, before any activity', async (_what, o, field) => {
  const handle = await start(o);
  try {
    await expectRefusedByWorkflow(handle, field);
  } finally {
    await handle.terminate('test over').catch(() => undefined);
  }
});

// The API passes the calendar packed (domain/calendar/packed.ts); a packed calendar that cannot be
// read would otherwise throw inside the workflow task, which Temporal retries forever.
test('a packed calendar with a malformed run fails the item once, as InvalidInput', async () => {
  const calendar = { ...packedSlice(), runs: [['2027-02-05', 0, 'h', 'statutory', 0]] };
  await expectRefusedByWorkflow(await start({ calendar }), 'calendar.runs.0');
});

test('a case whose packed calendar cannot be read fails once, as InvalidInput', async () => {
  const input = {
    caseId: `bad-${randomUUID().slice(0, 8)}`,
    subjects: [{ kind: 'unit', id: 'u-bad', name: '城管科' }],
    grounds: ['办事拖拉、推诿扯皮'],
    source: { kind: 'leader_instruction', reference: '督办事项 demo' },
    policy: stormPolicy,
    timeZone: 'Asia/Shanghai',
    openedBy: { id: 'manager-1', role: 'manager' },
    openedAt: new Date().toISOString(),
    calendar: { ...packedSlice(), names: undefined },
  };
  const handle = await env.client.workflow.start('accountabilityCase', {
    workflowId: caseWorkflowId(input.caseId),
    taskQueue,
    args: [input],
  });
  await expectRefusedByWorkflow(handle, 'needs names and runs');
});
