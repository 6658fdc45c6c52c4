// The supervision item on the time-skipping server: each path of DESIGN.md, asserting the state at
// each point in time (before the warning, at the deadline, after each urge).
import { WorkflowUpdateFailedError, WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createCalendarActivities } from '../../activities/calendar/activities';
import { createCaseActivities } from '../../activities/cases/start-case';
import { officialCalendar } from '../../domain/calendar/official';
import {
  cancelItem,
  completeItem,
  decideExtension,
  getItemState,
  pauseItem,
  requestExtension,
  resumeItem,
  reviewReport,
  submitReport,
} from '../../workflows/messages';
import type { ItemRecordBatch } from '../../domain/record';
import { sliceCalendarData } from '../../domain/calendar/working-calendar';
import { calendarWindow } from '../../workflows/supervision/state';
import type { Actor, Notice, SupervisionInput, SupervisionState } from '../../workflows/types';
import { formatLocal } from '../../workflows/format';
import { drillPolicy, itemInput } from '../helpers/fixtures';
import { batchDeliverer } from '../helpers/deliveries';
import { RUN_LEVEL } from '../../workflows/shared/patch-ids';
import { recordHistory } from '../helpers/histories';
import { createTimeSkippingEnv } from '../helpers/temporal';

const staff: Actor = { id: 'staff-1', role: 'staff' };
const manager: Actor = { id: 'manager-1', role: 'manager' };

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
});

// A fresh server per test: the test server's clock is global, and an update that ran activities
// can leave it unable to skip time for whatever test comes next (seen with test server 1.40).
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});

afterEach(async () => {
  await env?.teardown();
});

interface Harness {
  taskQueue: string;
  notices: Notice[];
  batches: ItemRecordBatch[];
  run<T>(fn: () => Promise<T>): Promise<T>;
  start(input: SupervisionInput): Promise<WorkflowHandle>;
}

function harness(overrides: Record<string, (...args: never[]) => Promise<unknown>> = {}): Harness {
  const taskQueue = `tq-${Math.random().toString(36).slice(2)}`;
  const notices: Notice[] = [];
  const batches: ItemRecordBatch[] = [];
  // one activity per step's batch of notices; each notice delivered on both channels
  const deliverNotices = jest.fn(batchDeliverer(notices, 'delivered'));
  const activities = {
    ...createCalendarActivities(officialCalendar()),
    deliverNotices,
    recordItem: jest.fn(async (b: ItemRecordBatch) => {
      batches.push(b);
    }),
    // the level cases the ladder opens run on this worker too and write their own steps
    recordCase: jest.fn(async () => undefined),
    // and are started, as the worker starts them, from the urge's task
    ...createCaseActivities({ client: env.client }),
    ...overrides,
  };
  return {
    taskQueue,
    notices,
    batches,
    async run(fn) {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: bundle,
        activities,
      });
      return worker.runUntil(fn);
    },
    start: (input) =>
      env.client.workflow.start('supervisionItem', {
        workflowId: `supervision-${input.itemId}`,
        taskQueue,
        // The calendar travels in the input, as the API sends it.
        args: [{ calendar: calendarOf(input), ...input }],
      }),
  };
}

const calendarOf = (input: SupervisionInput) => {
  const { from, through } = calendarWindow(input.assignedAt ?? new Date().toISOString(), 'Asia/Shanghai');
  return sliceCalendarData(officialCalendar().data, from, through);
};

/** The record batches of one item: revisions strictly increasing, no history event written twice. */
function expectSoundRecord(batches: ItemRecordBatch[], itemId: string) {
  const mine = batches.filter((b) => b.itemId === itemId);
  expect(mine.length).toBeGreaterThan(0);
  expect(mine[0]!.created).toBeDefined();
  const revisions = mine.map((b) => b.revision);
  revisions.forEach((r, i) => i > 0 && expect(r).toBeGreaterThan(revisions[i - 1]!));
  const keys = mine.flatMap((b) => b.events.map((e) => e.key));
  expect(new Set(keys).size).toBe(keys.length);
  return mine;
}

const query = (h: WorkflowHandle) => h.query(getItemState);

/** Polls the state until the predicate holds: the worker needs a moment to run what time released. */
async function waitFor(h: WorkflowHandle, pred: (s: SupervisionState) => boolean, what: string) {
  const until = Date.now() + 15_000;
  let s = await query(h);
  while (!pred(s)) {
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify(s, null, 1)}`);
    await new Promise((r) => setTimeout(r, 100));
    s = await query(h);
  }
  return s;
}

/** Moves the server's clock to just after `iso`. */
async function advanceTo(iso: string, slackMs = 1_000) {
  if (process.env.DEBUG_ADVANCE)
    console.log('advance to', iso, new Date(await env.currentTimeMs()).toISOString());
  const now = await env.currentTimeMs();
  const delta = Date.parse(iso) - now + slackMs;
  if (delta > 0) await env.sleep(delta);
}

/**
 * Waits (in real time) for the run to close and returns its final state. Awaiting `result()` would
 * unlock time skipping and let the test server race ahead to its ten-year run timeout.
 */
async function closed(h: WorkflowHandle): Promise<SupervisionState> {
  const until = Date.now() + 15_000;
  while ((await h.describe()).status.name === 'RUNNING') {
    if (Date.now() > until) throw new Error('the workflow did not close');
    await new Promise((r) => setTimeout(r, 100));
  }
  return h.query(getItemState);
}

async function refusal(p: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause;
    throw err;
  }
  throw new Error('expected the update to be refused');
}

async function startNow(h: Harness, overrides: Partial<SupervisionInput> = {}) {
  const assignedAt = new Date(await env.currentTimeMs()).toISOString();
  const handle = await h.start(itemInput({ assignedAt, ...overrides }));
  const s = await waitFor(handle, (x) => Boolean(x.schedule), 'the schedule');
  return { handle, s };
}

test('an item started without a calendar answers its query and takes updates while it fetches its slice', async () => {
  // the slice activity holds until the test has asked: the query and updates arrive during it
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let fetching!: () => void;
  const asked = new Promise<void>((r) => (fetching = r));
  const calendar = createCalendarActivities(officialCalendar());
  const h = harness({
    calendarSlice: async (r: { from: string; through: string }) => {
      fetching();
      await gate;
      return calendar.calendarSlice(r);
    },
  });
  await h.run(async () => {
    const assignedAt = new Date(await env.currentTimeMs()).toISOString();
    const input = itemInput({
      assignedAt,
      calendar: undefined,
      due: { workingDays: 15 },
      policy: drillPolicy,
    });
    const handle = await h.start(input);
    await asked;
    // a failing expectation must not leave the worker waiting on the held activity
    const early = await query(handle).catch((err: unknown) => {
      release();
      throw err;
    });
    expect(early).toMatchObject({ id: input.itemId, status: 'open', urgeCount: 0, history: [] });
    expect(early.deadlineAt).toBeUndefined();
    // accepted now, run once the item is planned: one that fits, one the planned item refuses
    const accepted = Promise.all([
      handle.startUpdate(submitReport, {
        args: [{ kind: 'final', summary: '已完成改造', signedBy: '李局长', actor: staff }],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      }),
      handle.startUpdate(resumeItem, {
        args: [{ reason: '恢复', actor: manager }],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      }),
    ]).finally(release);
    const [report, resumeEarly] = await accepted;
    expect(await report.result()).toMatchObject({ status: 'under_review', report: { kind: 'final' } });
    const refused = await refusal(resumeEarly.result());
    expect(refused.nonRetryable).toBe(true);
    const s = await query(handle);
    expect(s.deadline?.calendar.version).toBe(officialCalendar().version);
    expect(s.deadlineAt).toBe(
      officialCalendar().computeDeadline({
        from: assignedAt,
        due: { workingDays: 15 },
        timeZone: 'Asia/Shanghai',
      }).at,
    );
    expect(s.history.map((l) => l.action)).toEqual(['created', 'final_report']);
  });
});

test('15 working days from Monday 2026-09-28 end on 2026-10-23 (National Day and the 10-10 make-up day)', async () => {
  const h = harness();
  await h.run(async () => {
    // Assigned in the past: every level of the drill ladder is due at the first task, and each opens
    // its case in that one task (the case starts, then the notices, then the record, one after
    // another, so a replay schedules them in the same order; its history is kept for that).
    const handle = await h.start(
      itemInput({ assignedAt: '2026-09-28T01:00:00.000Z', due: { workingDays: 15 }, policy: drillPolicy }),
    );
    const s = await waitFor(handle, (x) => Boolean(x.deadlineAt), 'the deadline');
    expect(s.deadlineAt).toBe('2026-10-23T15:59:59.999Z');
    expect(s.deadline?.workingDays).toBe(15);
    expect(s.deadline?.receipt.makeUpDays).toContain('2026-10-10');
    expect(s.deadline?.receipt.skipped.map((d) => d.date)).toContain('2026-10-01');
    expect(s.calendar?.version).toMatch(/^chinese-days@/);
    // End cleanly: an activity cut off by a terminate holds the test server's clock for later tests.
    await handle.executeUpdate(completeItem, { args: [{ actor: manager }] });
    const final = await closed(handle);
    // both levels of the drill ladder, urged at the first task
    expect(final.caseIds).toEqual([1, 2].map((l) => `${final.id}-L${l}`));
    expect(final.reminders.map((r) => r.at)).toEqual([final.history[0]!.at, final.history[0]!.at]);
    await recordHistory(handle, 'supervision-overdue-at-start-case-started-in-task');
    for (const id of final.caseIds) await env.client.workflow.getHandle(`case-${id}`).terminate('test done');
  });
});

test('a step whose in-task try fails hands its notices on, then starts its cases, and replays so', async () => {
  // the in-task try (a local activity) fails; the regular deliverNotices activity delivers
  const kept: Notice[] = [];
  const deliver = batchDeliverer(kept, 'delivered');
  const h = harness({
    deliverNotices: async (batch: { notices: Notice[] }) => {
      if (Context.current().info.isLocal) throw ApplicationFailure.create({ message: '邮件服务器无响应' });
      return deliver(batch);
    },
  });
  await h.run(async () => {
    const handle = await h.start(
      itemInput({ assignedAt: '2026-09-28T01:00:00.000Z', due: { workingDays: 15 }, policy: drillPolicy }),
    );
    const s = await waitFor(handle, (x) => x.caseIds.length === 2 && x.notices.length >= 4, 'both cases');
    expect(s.notices.every((n) => n.deliveries.every((d) => d.status === 'delivered'))).toBe(true);
    await handle.executeUpdate(completeItem, { args: [{ actor: manager }] });
    const final = await closed(handle);
    const history = await handle.fetchHistory();
    // the failed try, then the notices' regular activity and the two case starts, then the record
    const inTask = history.events
      ?.map((e) => e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data)
      .filter((d): d is Uint8Array => d instanceof Uint8Array)
      .map((d) => (JSON.parse(Buffer.from(d).toString()) as { activity_type: string }).activity_type);
    expect(inTask?.slice(0, 4)).toEqual(['deliverNotices', 'startLevelCase', 'startLevelCase', 'recordItem']);
    const first = history.events?.find((e) => e.activityTaskScheduledEventAttributes);
    expect(first?.activityTaskScheduledEventAttributes?.activityType?.name).toBe('deliverNotices');
    // a replay asks for them in the same order
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, 'notices-fallback');
    await recordHistory(handle, 'supervision-notices-fallback-case-started-in-task');
    for (const id of final.caseIds) await env.client.workflow.getHandle(`case-${id}`).terminate('test done');
  });
});

test('three urges: warning, then S4 levels 1, 2 and 3, each opening its own case (S4 §四(五)4)', async () => {
  const h = harness();
  await h.run(async () => {
    const { handle, s: s0 } = await startNow(h, { due: { workingDays: 5 } });
    expect(s0.status).toBe('open');
    expect(s0.light).toBe('green');
    expect(s0.urgeCount).toBe(0);
    const sched = s0.schedule!;
    expect(sched.warningAt).toBeDefined();
    expect(sched.levels.map((l) => l.name)).toEqual(['第一次催办', '第二次催办', '第三次催办']);
    expect(sched.levels[0]!.dueAt).toBe(sched.deadlineAt);

    // Before the warning: still green.
    await advanceTo(sched.warningAt!, -60_000);
    expect((await query(handle)).light).toBe('green');

    await advanceTo(sched.warningAt!);
    let s = await waitFor(handle, (x) => x.status === 'warning', 'the warning');
    expect(s.light).toBe('yellow');
    await waitFor(handle, () => h.notices.some((n) => n.kind === 'warning'), 'the warning notice');

    await advanceTo(sched.deadlineAt);
    s = await waitFor(handle, (x) => x.urgeCount === 1, 'the first urge');
    expect(s.status).toBe('overdue');
    expect(s.light).toBe('red');
    expect(s.reminders[0]).toMatchObject({ level: 1, reason: 'deadline', notice: { by: '市政府督查室' } });
    expect(s.reminders[0]!.measures.map((m) => m.code)).toEqual(['admonition_talk', 'disqualify_awards']);

    await advanceTo(sched.levels[1]!.dueAt);
    s = await waitFor(handle, (x) => x.urgeCount === 2, 'the second urge');
    expect(s.reminders[1]).toMatchObject({ level: 2, reason: 'interval', notice: { by: '市政府办公室' } });
    expect(s.reminders[1]!.measures.map((m) => m.code)).toEqual([
      'written_self_criticism',
      'public_criticism',
    ]);
    // S4 §四(五)4: each urge's accountability is a case of its own
    s = await waitFor(handle, (x) => x.caseIds.length === 2, 'the first two cases');
    expect(s.caseIds).toEqual([`${s.id}-L1`, `${s.id}-L2`]);

    await advanceTo(sched.levels[2]!.dueAt);
    s = await waitFor(
      handle,
      (x) => x.urgeCount === 3 && x.caseIds.length === 3,
      'the third urge and its case',
    );
    expect(s.reminders[2]!.measures.map((m) => m.code)).toEqual(['public_apology', 'reassignment']);
    expect(s.caseIds).toEqual([1, 2, 3].map((l) => `${s.id}-L${l}`));
    expect(s.reminders.map((r) => r.caseId)).toEqual(s.caseIds);

    // The assignment (交办通知), the warning, and every urge delivered to the liaison and the
    // responsible persons with a bulletin issued: eight notices.
    // (the item's own: the harness also delivers its cases' notices)
    s = await waitFor(handle, (x) => x.notices.length === 8, 'all notices recorded');
    expect(s.notices.map((n) => n.kind)).toEqual([
      'assignment',
      'warning',
      ...['urge', 'bulletin', 'urge', 'bulletin', 'urge', 'bulletin'],
    ]);
    const urges = h.notices.filter((n) => n.kind === 'urge');
    expect(urges.map((n) => n.level)).toEqual([1, 2, 3]);
    expect(urges[0]!.recipients.map((r) => r.role)).toEqual(['liaison', 'principal', 'in_charge', 'direct']);
    expect(h.notices.filter((n) => n.kind === 'bulletin').map((n) => n.office)).toEqual([
      '市政府督查室',
      '市政府办公室',
      '市政府办公室',
    ]);
    expect(new Set(h.notices.map((n) => n.key)).size).toBe(h.notices.length);

    await handle.executeUpdate(completeItem, { args: [{ comment: '已整改到位', actor: manager }] });
    const final = await closed(handle);
    expect(final.status).toBe('completed');
    const history = await handle.fetchHistory();
    // Long-lived items must keep history small: report the size of a full three-urge path.
    console.log(`three-urge path: ${history.events?.length} events, ${JSON.stringify(history).length} bytes`);
    const batches = expectSoundRecord(h.batches, final.id);
    expect(batches.flatMap((b) => b.events.map((e) => e.action))).toEqual(final.history.map((e) => e.action));
    // One upsert per change of the indexed values: the start (naming them all, since this test starts
    // without any), the warning, the three urges and the completion.
    // (a patch's own TemporalChangeVersion upsert is the SDK's, not the item's)
    const upserts =
      history.events?.filter((e) => {
        const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
        return fields && !('TemporalChangeVersion' in fields);
      }) ?? [];
    expect(upserts).toHaveLength(6);
    // a new run asks one patch (runPatches): one marker, however many patches came before it
    const patches = history.events
      ?.map((e) => e.markerRecordedEventAttributes)
      .filter((m) => m?.markerName === 'core_patch')
      .map((m) => JSON.parse(Buffer.from(m?.details?.['patch-data']?.payloads?.[0]?.data ?? []).toString()));
    expect(patches).toEqual([{ id: RUN_LEVEL[0]!.id, deprecated: false }]);
    // the item linked each level's case as it started it: no case signals it back
    expect(history.events?.filter((e) => e.workflowExecutionSignaledEventAttributes)).toEqual([]);
    // each notice's result per channel reached the record in a batch (deliveries-in-record-batch)
    const rows = batches.flatMap((b) => b.deliveries ?? []);
    expect(rows.map((d) => `${d.noticeKey} ${d.channel} ${d.status}`).sort()).toEqual(
      final.notices.flatMap((n) => [`${n.key} email delivered`, `${n.key} webhook delivered`]).sort(),
    );
    expect(rows.every((d) => d.itemId === final.id)).toBe(true);
    // notices-in-task: an urge's batch carries the rows of its own urge and bulletin, one write
    const kindOf = new Map(final.notices.map((n) => [n.key, n.kind]));
    const urgeBatches = batches.filter((b) => b.events.some((e) => e.action === 'urged'));
    expect(urgeBatches).toHaveLength(3);
    // case-linked-with-urge: the urge's batch also links its level case; the start adds no batch
    expect(urgeBatches.map((b) => b.events.map((e) => e.action))).toEqual(
      Array(3).fill(['urged', 'case_opened']),
    );
    expect(batches.filter((b) => b.events.some((e) => e.action === 'case_opened'))).toHaveLength(3);
    for (const b of urgeBatches)
      expect((b.deliveries ?? []).map((d) => `${kindOf.get(d.noticeKey)} ${d.channel}`).sort()).toEqual([
        'bulletin email',
        'bulletin webhook',
        'urge email',
        'urge webhook',
      ]);
    // record-in-task: each batch is written inside the task that decided it (a local activity: no
    // activity events), fenced on the revision written before it
    expect(batches.map((b) => b.fence?.follows)).toEqual([0, ...batches.slice(0, -1).map((b) => b.revision)]);
    const scheduled = history.events?.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
    expect(scheduled).not.toContain('recordItem');
    // case-started-in-task: each level's case started from the urge's task (a local activity), not
    // as a child, and each is running on the item's task queue
    expect(history.events?.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toEqual([]);
    for (const id of final.caseIds) {
      const d = await env.client.workflow.getHandle(`case-${id}`).describe();
      expect([d.type, d.status.name, d.taskQueue]).toEqual(['accountabilityCase', 'RUNNING', h.taskQueue]);
    }
    await recordHistory(handle, 'supervision-three-urges');
    await recordHistory(handle, 'supervision-three-urges-deliveries-in-batch');
    await recordHistory(handle, 'supervision-three-urges-notices-in-task');
    await recordHistory(handle, 'supervision-three-urges-case-linked-with-urge');
    await recordHistory(handle, 'supervision-three-urges-packed-calendar');
    await recordHistory(handle, 'supervision-three-urges-record-in-task');
    await recordHistory(handle, 'supervision-three-urges-case-started-in-task');
    // The case outlives the item by design; end it so it does not hold the shared clock.
    for (const id of final.caseIds) await env.client.workflow.getHandle(`case-${id}`).terminate('test done');
  });
});

test('a returned final report counts as an urge (S4 §四(五)1) and the clock stops during review', async () => {
  const h = harness();
  await h.run(async () => {
    const { handle } = await startNow(h, { due: { workingDays: 10 } });
    const report = await handle.executeUpdate(submitReport, {
      args: [{ kind: 'final', summary: '已完成改造', signedBy: '李局长', actor: staff }],
    });
    expect(report).toMatchObject({ status: 'under_review', report: { kind: 'final', id: 'r1' } });
    let s = await query(handle);
    expect(s.status).toBe('under_review');
    expect(s.clockStoppedAt).toBeDefined();

    // A second final report while one waits is refused with the reason.
    const dup = await refusal(
      handle.executeUpdate(submitReport, {
        args: [{ kind: 'final', summary: 'x', signedBy: 'y', actor: staff }],
      }),
    );
    expect(dup.type).toBe('InvalidState');
    expect(dup.message).toContain('待审核');

    const returned = await handle.executeUpdate(reviewReport, {
      args: [{ decision: 'return', comment: '材料不全', actor: manager }],
    });
    expect(returned.report.review).toMatchObject({ decision: 'return' });
    s = await query(handle);
    expect(returned.status).toBe(s.status);
    expect(s.urgeCount).toBe(1);
    expect(s.reminders[0]).toMatchObject({ level: 1, reason: 'returned' });
    expect(s.status).not.toBe('under_review');
    expect(s.clockStoppedAt).toBeUndefined();
    expect(s.reports[0]!.review).toMatchObject({ decision: 'return', by: 'manager-1' });

    // The next final report is accepted: the item is done (办结).
    await handle.executeUpdate(submitReport, {
      args: [{ kind: 'final', summary: '补充材料', signedBy: '李局长', actor: staff }],
    });
    const accepted = await handle.executeUpdate(reviewReport, {
      args: [{ decision: 'accept', comment: '同意办结', actor: manager }],
    });
    expect(accepted.status).toBe('completed');
    expect((await query(handle)).status).toBe('completed');
    await closed(handle);
    expectSoundRecord(h.batches, s.id);
    await recordHistory(handle, 'supervision-returned-report');
  });
});

test('an extension asked after the deadline is refused with the reason; before it, approval moves the deadline', async () => {
  const h = harness();
  await h.run(async () => {
    const { handle, s: s0 } = await startNow(h, { due: { workingDays: 5 } });
    const before = s0.deadlineAt!;
    const ext = await handle.executeUpdate(requestExtension, {
      args: [{ reason: '需协调市发改委', due: { workingDays: 5 }, actor: staff }],
    });
    expect(ext.extension.id).toBe('e1');
    const decided = await handle.executeUpdate(decideExtension, {
      args: [{ decision: 'approve', actor: manager }],
    });
    const s1 = await query(handle);
    expect(decided.deadlineAt).toBe(s1.deadlineAt);
    expect(decided.extension.decision).toMatchObject({ decision: 'approve' });
    expect(Date.parse(s1.deadlineAt!)).toBeGreaterThan(Date.parse(before));
    expect(s1.extensions[0]!.decision).toMatchObject({ decision: 'approve', newDeadlineAt: s1.deadlineAt });
    expect(s1.deadline!.receipt.adjustments.map((a) => a.kind)).toContain('extension');
    expect(s1.schedule!.deadlineAt).toBe(s1.deadlineAt);

    // No request pending: a decision is refused.
    const none = await refusal(
      handle.executeUpdate(decideExtension, { args: [{ decision: 'reject', actor: manager }] }),
    );
    expect(none.type).toBe('InvalidState');

    await advanceTo(s1.deadlineAt!);
    await waitFor(handle, (x) => x.status === 'overdue', 'overdue');
    const late = await refusal(
      handle.executeUpdate(requestExtension, {
        args: [{ reason: '来不及', due: { workingDays: 3 }, actor: staff }],
      }),
    );
    expect(late.type).toBe('TooLate');
    expect(late.message).toContain('提前报告原因');
    await handle.executeUpdate(cancelItem, { args: [{ reason: '任务调整', actor: manager }] });
    expect(await closed(handle)).toMatchObject({ status: 'cancelled' });
    await recordHistory(handle, 'supervision-extension');
  });
});

test('a pause holds the clock: no reminder while paused, and resume gives back exactly the time left', async () => {
  const h = harness();
  await h.run(async () => {
    const { handle, s: s0 } = await startNow(h, { due: { workingDays: 5 } });
    const deadline0 = s0.deadline!;
    await handle.executeUpdate(pauseItem, { args: [{ reason: '台风停工', actor: manager }] });
    expect((await query(handle)).status).toBe('paused');

    // Far past the original deadline and every level: nothing fires while paused.
    await advanceTo(s0.schedule!.levels[2]!.dueAt, 86_400_000);
    let s = await query(handle);
    expect(s.status).toBe('paused');
    expect(s.urgeCount).toBe(0);
    expect(s.reminders).toEqual([]);

    const pausedAt = s.pausedAt!;
    const resumed = await handle.executeUpdate(resumeItem, {
      args: [{ reason: '恢复施工', actor: manager }],
    });
    s = await query(handle);
    expect(resumed).toEqual({ status: s.status, deadlineAt: s.deadlineAt });
    expect(s.status).not.toBe('paused');
    expect(s.status).not.toBe('overdue');
    const adj = s.deadline!.receipt.adjustments.find((a) => a.kind === 'pause');
    expect(adj).toMatchObject({ from: deadline0.at, to: s.deadlineAt, by: 'manager-1' });
    // The unit has exactly as many working days left as it had when paused.
    const cal = officialCalendar();
    const day = (iso: string) => formatLocal(iso, 'Asia/Shanghai').slice(0, 10);
    const resumedAt = new Date(await env.currentTimeMs()).toISOString();
    const leftAtPause = cal.countWorkingDays(day(pausedAt), deadline0.localDate);
    expect(leftAtPause).toBeGreaterThan(0);
    expect(cal.countWorkingDays(day(resumedAt), s.deadline!.localDate)).toBe(leftAtPause);
    // And nothing fires from the schedule of the old deadline.
    await new Promise((r) => setTimeout(r, 1_000));
    s = await query(handle);
    expect(s.urgeCount).toBe(0);
    expect(s.reminders).toEqual([]);
    expect(s.schedule!.deadlineAt).toBe(s.deadlineAt);
    await handle.executeUpdate(completeItem, { args: [{ actor: manager }] });
    await closed(handle);
    await recordHistory(handle, 'supervision-pause');
  });
});

test('stages: each stage has its own deadline and ladder; the item is done with its last stage', async () => {
  const h = harness();
  await h.run(async () => {
    const { handle, s: s0 } = await startNow(h, {
      due: { workingDays: 15 },
      stages: [
        { name: '报批', due: { workingDays: 3 } },
        { name: '开工', due: { workingDays: 8 } },
      ],
    });
    expect(s0.currentStage).toBe('报批');
    expect(s0.stages!.map((x) => x.status)).toEqual(['active', 'pending']);
    expect(Date.parse(s0.stages![1]!.deadlineAt!)).toBeGreaterThan(Date.parse(s0.stages![0]!.deadlineAt!));

    await advanceTo(s0.stages![0]!.deadlineAt!);
    let s = await waitFor(handle, (x) => x.urgeCount === 1, 'the first stage urge');
    expect(s.reminders[0]!.stage).toBe('报批');
    expect(s.stages![0]!.urgeCount).toBe(1);

    const wrong = await refusal(
      handle.executeUpdate(completeItem, { args: [{ stage: '开工', actor: manager }] }),
    );
    expect(wrong.message).toContain('当前节点');
    const done = await handle.executeUpdate(completeItem, { args: [{ stage: '报批', actor: manager }] });
    expect(done).toMatchObject({ completedStage: '报批', currentStage: '开工' });
    s = await query(handle);
    expect(s.currentStage).toBe('开工');
    expect(s.deadlineAt).toBe(s.stages![1]!.deadlineAt);
    expect(s.stages!.map((x) => x.status)).toEqual(['completed', 'active']);
    expect(s.status).not.toBe('completed');
    // The new stage starts with its own ladder: nothing fires before its own deadline.
    await new Promise((r) => setTimeout(r, 1_000));
    s = await query(handle);
    expect(s.reminders.filter((r) => r.stage === '开工')).toEqual([]);
    expect(s.stages![1]!.urgeCount).toBe(0);
    expect(s.urgeCount).toBe(1);

    // A final report for the stage waits for review: completing over it is refused.
    await handle.executeUpdate(submitReport, {
      args: [{ kind: 'final', summary: '已开工', signedBy: '李局长', stage: '开工', actor: staff }],
    });
    const over = await refusal(
      handle.executeUpdate(completeItem, { args: [{ stage: '开工', actor: manager }] }),
    );
    expect(over.message).toContain('待审核');
    await handle.executeUpdate(reviewReport, {
      args: [{ decision: 'accept', comment: '开工到位', actor: manager }],
    });
    s = await query(handle);
    expect(s.status).toBe('completed');
    expect(s.stages!.map((x) => x.status)).toEqual(['completed', 'completed']);
    await closed(handle);
    await recordHistory(handle, 'supervision-stages');
  });
});

test('stage completion by a manager moves on; the last stage completes the item', async () => {
  const h = harness();
  await h.run(async () => {
    const { handle } = await startNow(h, {
      stages: [
        { name: '报批', due: { workingDays: 3 } },
        { name: '开工', due: { workingDays: 8 } },
      ],
    });
    const first = await handle.executeUpdate(completeItem, { args: [{ stage: '报批', actor: manager }] });
    expect(first.currentStage).toBe('开工');
    expect((await query(handle)).currentStage).toBe('开工');

    const last = await handle.executeUpdate(completeItem, { args: [{ stage: '开工', actor: manager }] });
    expect(last.status).toBe('completed');
    expect((await query(handle)).status).toBe('completed');
    await closed(handle);
    await recordHistory(handle, 'supervision-stages-manager');
  });
});

test('a drill policy with second-long intervals runs its whole ladder; a second pause is refused', async () => {
  const h = harness();
  await h.run(async () => {
    const { handle, s: s0 } = await startNow(h, { policy: drillPolicy, due: { duration: 'PT1M' } });
    expect(s0.policy).toBe('drill');
    await advanceTo(s0.schedule!.levels[1]!.dueAt);
    const s = await waitFor(handle, (x) => x.urgeCount === 2, 'two drill urges');
    expect(s.reminders.map((r) => r.notice.by)).toEqual(['督查室', '办公室']);
    await handle.executeUpdate(pauseItem, { args: [{ reason: '演练暂停', actor: manager }] });
    const twice = await refusal(handle.executeUpdate(pauseItem, { args: [{ reason: 'x', actor: manager }] }));
    expect(twice.type).toBe('InvalidState');
    expect(twice.message).toContain('暂停');
    await handle.executeUpdate(completeItem, { args: [{ comment: '演练结束', actor: manager }] });
    await closed(handle);
    await recordHistory(handle, 'supervision-drill');
  });
});

test('a long run continues as new, keeping its state, and still urges on time', async () => {
  const h = harness();
  await h.run(async () => {
    const { handle, s: s0 } = await startNow(h, { due: { workingDays: 5 }, continueAsNewAfterEvents: 40 });
    const firstRun = (await handle.describe()).runId;
    for (let i = 1; i <= 8; i++) {
      await handle.executeUpdate(submitReport, {
        args: [{ kind: 'progress', summary: `第${i}次进展`, actor: staff }],
      });
    }
    const s = await waitFor(handle, (x) => x.reports.length === 8, 'eight reports');
    const until = Date.now() + 15_000;
    while ((await handle.describe()).runId === firstRun && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await handle.describe()).runId).not.toBe(firstRun);
    expect(s.deadlineAt).toBe(s0.deadlineAt);
    expect((await query(handle)).reports.map((r) => r.summary)).toContain('第8次进展');

    await advanceTo(s0.deadlineAt!);
    const after = await waitFor(handle, (x) => x.urgeCount === 1, 'the first urge after continue-as-new');
    expect(after.reports).toHaveLength(8);
    expect(after.history.filter((e) => e.action === 'created')).toHaveLength(1);
    await handle.executeUpdate(completeItem, { args: [{ actor: manager }] });
    await closed(handle);
    // the run after continue-as-new, which starts from the carried state
    await recordHistory(handle, 'supervision-continued-as-new');
    await recordHistory(handle, 'supervision-continued-as-new-notices-in-task');
  });
});

async function failure(handle: WorkflowHandle): Promise<ApplicationFailure> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  const cause = (err as { cause?: unknown }).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

test('an inline policy the calendar refuses fails the item once, as a non-retryable InvalidInput', async () => {
  const h = harness();
  await h.run(async () => {
    const policy = structuredClone(drillPolicy);
    // The API's schema stops this; a hand-made start reaches the calendar, which refuses it.
    policy.reminders[1]!.after = { duration: 'two weeks' };
    const handle = await h.start(itemInput({ policy }));
    const cause = await failure(handle);
    expect(cause.type).toBe('InvalidInput');
    expect(cause.message).toContain('督办事项无法排期');
    // Computed in the workflow now: no activity, no retried workflow task, just one failure.
    const history = await handle.fetchHistory();
    expect(history.events?.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
    expect(history.events?.filter((e) => e.workflowTaskFailedEventAttributes)).toHaveLength(0);
    expect(history.events?.filter((e) => e.workflowExecutionFailedEventAttributes)).toHaveLength(1);
  });
});

test('an input missing its parts fails at once with the fields named, not a retried TypeError', async () => {
  const h = harness();
  await h.run(async () => {
    const input = itemInput({ policy: { name: 'empty', reminders: [] } });
    delete (input as Partial<SupervisionInput>).leadUnit;
    const cause = await failure(await h.start(input));
    expect(cause.type).toBe('InvalidInput');
    expect(cause.message).toBe('督办事项输入不完整：缺少 leadUnit.id, policy.reminders');
  });
});

test('a cancellation request (a case revoking its rectification) ends the item as cancelled, cleanly', async () => {
  const h = harness();
  await h.run(async () => {
    const { handle } = await startNow(h, { due: { workingDays: 5 } });
    await handle.cancel();
    const s = await closed(handle);
    expect(s.status).toBe('cancelled');
    expect(s.history.map((e) => e.action)).toContain('cancelled');
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    await waitFor(
      handle,
      (x) => x.notices.some((n) => n.key.endsWith(':cancelled')),
      'the cancellation notice',
    );
    // delivered before the run ended, and its rows reached the record
    const notice = s.notices.find((n) => n.key.endsWith(':cancelled'));
    expect(notice?.deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    const rows = h.batches.flatMap((b) => b.deliveries ?? []).filter((d) => d.noticeKey === notice?.key);
    expect(rows.map((d) => `${d.channel} ${d.status}`)).toEqual(['email delivered', 'webhook delivered']);
    await recordHistory(handle, 'supervision-cancel-request');
    await recordHistory(handle, 'supervision-cancel-request-notices-in-task');
  });
});
