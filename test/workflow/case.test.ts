// The accountability case (问责程序) on the time-skipping server: each path of the procedure, the
// ledger rows it records, the S3 cascade and the S5 rectification loop, asserting state at each point.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { createCalendarActivities } from '../../activities/calendar/activities';
import { createCaseActivities } from '../../activities/cases/start-case';
import { buildCalendarData, officialCalendar } from '../../domain/calendar/official';
import { sliceCalendarData } from '../../domain/calendar/working-calendar';
import { packCalendar, type PackedCalendar } from '../../domain/calendar/packed';
import { POLICY_PRESETS } from '../../domain/policies';
import type { CaseRecordBatch, LedgerRow } from '../../domain/record';
import type { CaseReviewInput } from '../../domain/schemas';
import type { accountabilityCase } from '../../workflows/case/workflow';
import { caseWorkflowId, itemWorkflowId } from '../../workflows/ids';
import { deriveRestrictions } from '../../workflows/ledger-rules';
import {
  completeItem,
  decideCase,
  fileAppeal,
  getCaseState,
  getItemState,
  reviewAppeal,
  submitInvestigation,
} from '../../workflows/messages';
import type {
  Actor,
  CalendarData,
  CaseInput,
  CaseState,
  LedgerEvent,
  LedgerState,
  Notice,
  Policy,
  Subject,
} from '../../workflows/types';
import { drillPolicy, itemInput } from '../helpers/fixtures';
import { createDevServerEnv, createTimeSkippingEnv } from '../helpers/temporal';
import { batchDeliverer } from '../helpers/deliveries';
import { caseEnd } from '../../workflows/case/state';
import { recordHistory } from '../helpers/histories';
import { renderNotice } from '../../activities/notifications/templates';

const manager: Actor = { id: 'director-zhou', role: 'manager' };
const staff: Actor = { id: 'staff-li', role: 'staff' };
/** S4 §四(六)6: the review is a second look, by a manager other than the decider */
const reviewer: Actor = { id: 'deputy-wu', role: 'manager' };
const DAY = 24 * 3600 * 1000;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
}, 180_000);

// One server per test: the clock is global, and a record write still on its way when a test ends
// would leave a task on a queue nobody polls, which stops time skipping for every later test.
beforeEach(async () => {
  env = await createTimeSkippingEnv();
}, 60_000);

afterEach(async () => {
  await env?.teardown();
});

/** every calendar day a working day (each weekend a make-up day): step due dates become day counts */

/** Awaits the run's end (a small result) and reads the whole final state by query. */
async function ended(handle: WorkflowHandle): Promise<CaseState> {
  const end = await handle.result();
  const state = await handle.query(getCaseState);
  expect(end).toEqual(caseEnd(state));
  return state;
}

function everyDayCalendar(): CalendarData {
  const from = Date.now() - 40 * DAY;
  const date = (n: number) => new Date(from + n * DAY).toISOString().slice(0, 10);
  const workdays: CalendarData['workdays'] = {};
  for (let n = 0; n < 800; n++) {
    const day = new Date(from + n * DAY).getUTCDay();
    if (day === 0 || day === 6) workdays[date(n)] = { basis: 'office', name: '测试：每天都是工作日' };
  }
  return {
    version: 'test-every-day',
    coveredFrom: date(0),
    coveredThrough: date(799),
    estimatedThrough: date(799),
    holidays: {},
    workdays,
  };
}
/** the official calendar, sliced and packed as the API passes it */
const realCalendar = (): PackedCalendar => {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return packCalendar(
    sliceCalendarData(buildCalendarData(), day(Date.now() - 31 * DAY), day(Date.now() + 2 * 366 * DAY)),
  );
};

/** the record batches the case sent (recordCase), in order */
let batches: CaseRecordBatch[] = [];

interface Harness {
  notices: Notice[];
  taskQueue: string;
  tag: string;
  /** workflow ids to terminate after the test */
  started: string[];
}

async function withWorker<T>(
  fn: (h: Harness) => Promise<T>,
  opts: { activities?: Record<string, (...args: never[]) => Promise<unknown>> } = {},
): Promise<T> {
  const notices: Notice[] = [];
  batches = [];
  const taskQueue = `case-${randomUUID()}`;
  // one activity per step's batch of notices; each notice answered on both channels
  const deliverNotices = batchDeliverer(notices, 'not_configured');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: {
      // the case counts its working days itself; the calendar activities are the supervision item's
      ...createCalendarActivities(officialCalendar()),
      deliverNotices,
      recordCase: async (b: CaseRecordBatch) => void batches.push(b),
      // the rectification items run here too: their record write, a local activity, must be registered
      recordItem: async () => undefined,
      // and the level cases of the items' urges
      ...createCaseActivities({ client: env.client }),
      ...opts.activities,
    },
  });
  const h: Harness = { notices, taskQueue, tag: randomUUID().slice(0, 8), started: [] };
  try {
    return await worker.runUntil(fn(h));
  } finally {
    // A run left waiting on a timer would, once a later test skips time, hand a task to a queue no
    // worker polls any more, and the server would stop skipping time for everyone.
    for (const id of h.started) {
      await env.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
    }
  }
}

const street = (): Policy => structuredClone(POLICY_PRESETS['street-office']!);
const enterprise = (): Policy => structuredClone(POLICY_PRESETS['enterprise-key-work']!);

function subjects(tag: string): Subject[] {
  return [
    { kind: 'unit', id: `u-${tag}`, name: '城管科' },
    {
      kind: 'person',
      id: `p-${tag}`,
      name: '王五',
      unitId: `u-${tag}`,
      role: 'direct',
      email: 'wangwu@example.cn',
    },
  ];
}

function caseInput(tag: string, over: Partial<CaseInput> = {}): CaseInput {
  return {
    caseId: `k-${tag}`,
    subjects: subjects(tag),
    grounds: ['3、效率低下，未能按计划进度和时间节点要求有序推进的'],
    source: { kind: 'leader_instruction', reference: '督办事项 demo' },
    policy: street(),
    timeZone: 'Asia/Shanghai',
    openedBy: manager,
    openedAt: new Date(Date.now()).toISOString(),
    // packed, as every starter passes it
    calendar: packCalendar(everyDayCalendar()),
    ...over,
  };
}

async function start(h: Harness, input: CaseInput): Promise<WorkflowHandle<typeof accountabilityCase>> {
  h.started.push(caseWorkflowId(input.caseId));
  for (const n of [1, 2, 3]) h.started.push(itemWorkflowId(`${input.caseId}-rectify-${n}`));
  return env.client.workflow.start<typeof accountabilityCase>('accountabilityCase', {
    taskQueue: h.taskQueue,
    workflowId: caseWorkflowId(input.caseId),
    args: [input],
    staticSummary: `问责：${input.grounds[0]}`,
    memo: { title: input.grounds[0] },
  });
}

/** polls a read until it holds (activities run on the real clock while the test waits) */
async function eventually<T>(read: () => Promise<T>, holds: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (holds(v)) return v;
    if (Date.now() > until) throw new Error(`condition not met: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const stateOf = (h: WorkflowHandle<typeof accountabilityCase>) => h.query(getCaseState);
const yearOf = (iso: string): number =>
  Number(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date(iso)),
  );
/** every ledger row the case recorded, in order */
const rows = (): (LedgerRow & { caseId: string })[] =>
  batches.flatMap((b) => (b.ledger ?? []).map((r) => ({ ...r, caseId: b.caseId })));
/** how many rows say `status` about a measure: each change goes out exactly once */
const rowCount = (measureId: string, status: LedgerRow['status']): number =>
  rows().filter((r) => r.measureId === measureId && r.status === status).length;
/**
 * A subject's ledger as the record derives it from the rows (the last row per measure wins; a unit
 * counts its staff's rows too), with the restrictions of the same pure rules. The tests name units
 * `u-…`; everyone else is a person.
 */
async function ledgerOf(subjectId: string, year: number): Promise<LedgerState> {
  const kind = subjectId.startsWith('u-') ? 'unit' : 'person';
  const latest = new Map<string, LedgerRow & { caseId: string }>();
  for (const r of rows()) latest.set(r.measureId, r);
  const events: LedgerEvent[] = [...latest.values()]
    .filter(
      (r) =>
        Number(r.date.slice(0, 4)) === year &&
        (r.subjectId === subjectId || (kind === 'unit' && r.unitId === subjectId)),
    )
    .map((r) => ({
      measureId: r.measureId,
      caseId: r.caseId,
      subjectId: r.subjectId,
      subjectKind: r.subjectKind,
      subjectName: r.subjectName,
      ...(r.unitId ? { unitId: r.unitId } : {}),
      code: r.code as LedgerEvent['code'],
      ...(r.amount !== undefined ? { amount: r.amount } : {}),
      date: r.date,
      decidedBy: r.decidedBy,
      revoked: r.status !== 'executed',
      ...(r.subjectId !== subjectId ? { viaStaff: true } : {}),
    }));
  if (!events.length) throw new Error(`nothing recorded for ${subjectId}`);
  return { subjectId, subjectKind: kind, year, events, restrictions: deriveRestrictions(kind, events) };
}
/** the ledger once it holds `n` events (the case records it from its outbox, after the update answered) */
const ledgerWith = (subjectId: string, year: number, n: number): Promise<LedgerState> =>
  eventually(
    () => ledgerOf(subjectId, year).catch(() => undefined),
    (l) => (l?.events.length ?? 0) >= n,
  ).then((l) => l!);
/** sleeps on the server's clock until just after an instant */
const sleepPast = async (iso: string): Promise<void> => {
  const wait = Date.parse(iso) - (await env.currentTimeMs()) + 60_000;
  if (wait > 0) await env.sleep(wait);
};
const refusal = (type: string) => ({ cause: expect.objectContaining({ type }) });
/** polls (in real time) until the run has closed; awaiting result() would let the server race ahead */
async function whenClosed(handle: WorkflowHandle): Promise<string> {
  const until = Date.now() + 15_000;
  for (;;) {
    const status = (await handle.describe()).status.name;
    if (status !== 'RUNNING') return status;
    if (Date.now() > until) throw new Error('the workflow did not close');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function throughInvestigation(handle: WorkflowHandle<typeof accountabilityCase>): Promise<void> {
  await handle.executeUpdate(submitInvestigation, {
    args: [{ actor: staff, findings: '经核实，城管科未按节点推进拆违工作', evidence: ['现场照片3张'] }],
  });
}

describe('accountability case (问责程序)', () => {
  it('runs the whole procedure: investigation → decision → ledger → appeal window passes → closed', async () => {
    await withWorker(async (h) => {
      const input = caseInput(h.tag, { calendar: realCalendar() });
      const handle = await start(h, input);
      let state = await eventually(
        () => stateOf(handle),
        (s) => s.stepDueAt !== undefined && s.notices.length > 0,
      );
      expect(state.stage).toBe('investigation');
      expect(Date.parse(state.stepDueAt!)).toBeGreaterThan(Date.parse(input.openedAt) + 10 * DAY);
      expect(state.notices[0]).toMatchObject({ kind: 'case_opened', recipients: [`p-${h.tag}`, 'office'] });
      expect(h.notices[0]?.subject).toContain('启动问责');

      await throughInvestigation(handle);
      state = await stateOf(handle);
      expect(state.stage).toBe('decision');
      expect(state.investigation).toMatchObject({ by: staff.id, evidence: ['现场照片3张'] });

      const decided = await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [
              { subjectId: `u-${h.tag}`, code: 'written_self_criticism' },
              { subjectId: `p-${h.tag}`, code: 'public_criticism' },
            ],
            comment: '常务会议决定',
          },
        ],
      });
      // the Update answers its outcome, not the whole case
      expect(decided).toMatchObject({ stage: 'appeal_window', decision: { decision: 'impose' } });
      expect(decided.measures.map((m) => m.measureId)).toEqual([`k-${h.tag}-m1`, `k-${h.tag}-m2`]);
      state = await stateOf(handle);
      expect(state.stage).toBe('appeal_window');
      expect(state.measures.map((m) => [m.measureId, m.subjectId, m.code, m.status])).toEqual([
        [`k-${h.tag}-m1`, `u-${h.tag}`, 'written_self_criticism', 'executed'],
        [`k-${h.tag}-m2`, `p-${h.tag}`, 'public_criticism', 'executed'],
      ]);

      // executed at once; the ledgers follow from the outbox
      const year = yearOf(state.measures[0]!.executedAt);
      const person = await ledgerWith(`p-${h.tag}`, year, 1);
      expect(person.events).toEqual([
        expect.objectContaining({
          measureId: `k-${h.tag}-m2`,
          code: 'public_criticism',
          decidedBy: manager.id,
        }),
      ]);
      expect(person.restrictions.ratingCap).toBe('competent');
      const unit = await ledgerWith(`u-${h.tag}`, year, 2);
      expect(unit.events.map((e) => [e.measureId, e.viaStaff ?? false])).toEqual([
        [`k-${h.tag}-m1`, false],
        [`k-${h.tag}-m2`, true],
      ]);
      expect(rows().find((r) => r.measureId === `k-${h.tag}-m2`)).toMatchObject({
        caseId: `k-${h.tag}`,
        subjectKind: 'person',
        unitId: `u-${h.tag}`,
        status: 'executed',
        date: expect.stringMatching(new RegExp(`^${year}-`)),
      });

      state = await eventually(
        () => stateOf(handle),
        (s) => s.appealDeadlineAt !== undefined && s.notices.some((n) => n.kind === 'case_decision'),
      );
      const decisionNotice = h.notices.find((n) => n.kind === 'case_decision')!;
      expect(decisionNotice.next).toContain('申诉');
      expect(decisionNotice.measures).toHaveLength(2);
      expect(state.stepDueAt).toBe(state.appealDeadlineAt);

      await sleepPast(state.appealDeadlineAt!);
      const final = await ended(handle);
      expect(final.stage).toBe('closed');
      expect(final.closedAt).toBeDefined();
      expect(final.history.map((e) => e.action)).toEqual([
        'opened',
        'investigation_submitted',
        'decided_impose',
        'measure_executed',
        'measure_executed',
        'closed',
      ]);
      expect(final.history.at(-1)?.detail).toContain('申诉期届满');
      expect(final.remindersSent).toEqual([]);
      // the ledger rows went out once each; the record's summary followed the case to its end
      expect([1, 2].map((n) => rowCount(`k-${h.tag}-m${n}`, 'executed'))).toEqual([1, 1]);
      await eventually(
        async () => batches.at(-1)?.summary.stage,
        (stage) => stage === 'closed',
      );
      expect(batches[0]?.created).toMatchObject({ id: `k-${h.tag}`, stage: 'investigation' });
      expect(batches.map((b) => b.revision)).toEqual(
        [...batches.map((b) => b.revision)].sort((a, b) => a - b),
      );
      // each notice's results reached the record in a batch (deliveries-in-record-batch)
      await eventually(
        async () => batches.flatMap((b) => b.deliveries ?? []).length,
        (n) => n === final.notices.length * 2,
      );
      expect(
        batches
          .flatMap((b) => b.deliveries ?? [])
          .every((d) => d.caseId === final.id && d.status === 'skipped'),
      ).toBe(true);
      // record-in-task: each batch written inside its task, fenced on the revision written before it
      expect(batches.map((b) => b.fence?.follows)).toEqual([
        0,
        ...batches.slice(0, -1).map((b) => b.revision),
      ]);
      const { events } = await handle.fetchHistory();
      const scheduled = events?.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
      expect(scheduled).not.toContain('recordCase');
      await recordHistory(handle, 'case-full-procedure');
      await recordHistory(handle, 'case-full-procedure-deliveries-in-batch');
      await recordHistory(handle, 'case-full-procedure-notices-in-task');
      await recordHistory(handle, 'case-full-procedure-case-linked-with-urge');
      await recordHistory(handle, 'case-full-procedure-packed-calendar');
      await recordHistory(handle, 'case-full-procedure-record-in-task');
      await recordHistory(handle, 'case-full-procedure-case-started-in-task');
    });
  });

  it('opens a case by hand from an inspection (S5 明察暗访) with its evidence', async () => {
    await withWorker(async (h) => {
      const input = caseInput(h.tag, {
        source: { kind: 'inspection', reference: '治庸专班突击抽查 2026-03' },
        grounds: ['上班做与工作无关的事'],
        evidence: ['录音录像 2026-03-02', '办事记录核对表'],
        subjects: [subjects(h.tag)[1]!],
      });
      const handle = await start(h, input);
      let state = await stateOf(handle);
      expect(state.source.kind).toBe('inspection');
      expect(state.history[0]?.detail).toContain('明察暗访');
      expect(state.history[0]?.detail).toContain('录音录像');

      await throughInvestigation(handle);
      state = await stateOf(handle);
      expect(state.investigation?.evidence).toEqual(['录音录像 2026-03-02', '办事记录核对表', '现场照片3张']);

      await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [{ subjectId: `p-${h.tag}`, code: 'admonition_talk' }],
          },
        ],
      });
      state = await stateOf(handle);
      expect(state.measures).toEqual([
        expect.objectContaining({ code: 'admonition_talk', subjectKind: 'person', subjectName: '王五' }),
      ]);
      await recordHistory(handle, 'case-inspection');
    });
  });

  it('an appeal does not stop execution; a review that revokes lifts the restriction', async () => {
    await withWorker(async (h) => {
      const handle = await start(h, caseInput(h.tag));
      await throughInvestigation(handle);
      await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [
              { subjectId: `p-${h.tag}`, code: 'written_self_criticism' },
              { subjectId: `p-${h.tag}`, code: 'admonition_talk' },
            ],
          },
        ],
      });
      let state = await stateOf(handle);
      const year = yearOf(state.measures[0]!.executedAt);
      expect((await ledgerWith(`p-${h.tag}`, year, 2)).restrictions.ratingCap).toBe('competent');

      const appealed = await handle.executeUpdate(fileAppeal, {
        args: [{ actor: staff, subjectId: `p-${h.tag}`, reason: '延误系上级审批未及时下达所致' }],
      });
      expect(appealed).toMatchObject({ stage: 'review', appeal: { subjectId: `p-${h.tag}` } });
      state = await stateOf(handle);
      expect(state.stage).toBe('review');
      expect(state.appeals).toHaveLength(1);
      expect(state.measures.every((m) => m.status === 'executed')).toBe(true);
      expect((await ledgerOf(`p-${h.tag}`, year)).restrictions.ratingCap).toBe('competent');

      const reviewed = await handle.executeUpdate(reviewAppeal, {
        args: [
          {
            actor: reviewer,
            decision: 'revoke',
            measures: [{ subjectId: `p-${h.tag}`, code: 'written_self_criticism' }],
            comment: '复查认定理由成立',
          },
        ],
      });
      expect(reviewed.measures.map((m) => [m.code, m.status])).toEqual([
        ['written_self_criticism', 'revoked'],
      ]);
      state = await stateOf(handle);
      // reviewed, but the window is still open for the other party: not closed yet
      expect(state.stage).toBe('appeal_window');
      expect(state.appeals[0]?.review).toMatchObject({ decision: 'revoke', subjectId: `p-${h.tag}` });
      expect(state.measures.map((m) => [m.code, m.status])).toEqual([
        ['written_self_criticism', 'revoked'],
        ['admonition_talk', 'executed'],
      ]);
      const ledger = await eventually(
        () => ledgerOf(`p-${h.tag}`, year),
        (l) => l.events.some((e) => e.revoked),
      );
      expect(ledger.restrictions).toEqual({ ratingCap: 'excellent', reasons: [] });
      expect(ledger.events.map((e) => [e.code, e.revoked])).toEqual([
        ['written_self_criticism', true],
        ['admonition_talk', false],
      ]);
      expect([rowCount(`k-${h.tag}-m1`, 'executed'), rowCount(`k-${h.tag}-m1`, 'revoked')]).toEqual([1, 1]);
      expect([rowCount(`k-${h.tag}-m2`, 'executed'), rowCount(`k-${h.tag}-m2`, 'revoked')]).toEqual([1, 0]);
      await sleepPast(state.appealDeadlineAt!);
      const final = await ended(handle);
      expect(final.stage).toBe('closed');
      expect(final.history.at(-1)?.detail).toContain('1项申诉均已复查');
      expect(final.notices.map((n) => n.kind)).toEqual(['case_opened', 'case_decision', 'appeal_result']);
      expect(h.notices.at(-1)?.body).toContain('撤销');
      await recordHistory(handle, 'case-appeal-revoke');
    });
  });

  it('a review that amends replaces the old measures with the new ones', async () => {
    await withWorker(async (h) => {
      const handle = await start(h, caseInput(h.tag));
      await throughInvestigation(handle);
      const decided = await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [{ subjectId: `p-${h.tag}`, code: 'public_criticism' }],
          },
        ],
      });
      const year = yearOf(decided.measures[0]!.executedAt);
      await handle.executeUpdate(fileAppeal, {
        args: [{ actor: staff, subjectId: `p-${h.tag}`, reason: '处理过重' }],
      });
      await handle.executeUpdate(reviewAppeal, {
        args: [
          {
            actor: reviewer,
            decision: 'amend',
            measures: [{ subjectId: `p-${h.tag}`, code: 'admonition_talk' }],
          },
        ],
      });
      const state = await stateOf(handle);
      expect(state.measures.map((m) => [m.measureId, m.code, m.status])).toEqual([
        [`k-${h.tag}-m1`, 'public_criticism', 'revoked'],
        [`k-${h.tag}-m2`, 'admonition_talk', 'executed'],
      ]);
      const ledger = await eventually(
        () => ledgerWith(`p-${h.tag}`, year, 2),
        (l) => l.events[0]?.revoked === true,
      );
      expect(ledger.events.map((e) => [e.measureId, e.revoked])).toEqual([
        [`k-${h.tag}-m1`, true],
        [`k-${h.tag}-m2`, false],
      ]);
      expect(ledger.restrictions.ratingCap).toBe('excellent');
      // the old measure leaves the ledger as amended (not revoked), the new one enters it once
      expect(rowCount(`k-${h.tag}-m1`, 'amended')).toBe(1);
      expect(rowCount(`k-${h.tag}-m1`, 'revoked')).toBe(0);
      expect(rowCount(`k-${h.tag}-m2`, 'executed')).toBe(1);
      await sleepPast(state.appealDeadlineAt!);
      expect((await ended(handle)).review?.decision).toBe('amend');
      await recordHistory(handle, 'case-amend');
    });
  });

  it('reminds an overdue investigation once per overdue working day', async () => {
    await withWorker(async (h) => {
      const handle = await start(h, caseInput(h.tag, { stepDue: { investigation: 2 } }));
      let state = await eventually(
        () => stateOf(handle),
        (s) => s.stepDueAt !== undefined,
      );
      const due = state.stepDueAt!;
      await env.sleep(Date.parse(due) - (await env.currentTimeMs()) - 3600_000);
      expect((await stateOf(handle)).remindersSent).toEqual([]);

      await sleepPast(due);
      state = await eventually(
        () => stateOf(handle),
        (s) => s.notices.some((n) => n.kind === 'case_step_overdue'),
      );
      expect(state.remindersSent).toEqual([{ step: 'investigation', at: expect.any(String), dueAt: due }]);
      const reminder = h.notices.find((n) => n.kind === 'case_step_overdue')!;
      expect(reminder.recipients.map((r) => r.role)).toEqual(['office']);
      expect(reminder.body).toContain('调查核实');

      // half a day later: still one; a working day after the deadline: two
      await env.sleep(DAY / 2);
      expect((await stateOf(handle)).remindersSent).toHaveLength(1);
      await env.sleep(DAY / 2);
      state = await eventually(
        () => stateOf(handle),
        (s) => s.remindersSent.length === 2,
      );
      expect(state.notices.filter((n) => n.kind === 'case_step_overdue').map((n) => n.key)).toEqual([
        `case-k-${h.tag}-overdue-investigation-1`,
        `case-k-${h.tag}-overdue-investigation-2`,
      ]);

      // the report ends the reminding
      await throughInvestigation(handle);
      await env.sleep(3 * DAY);
      state = await stateOf(handle);
      expect(state.remindersSent.filter((r) => r.step === 'investigation')).toHaveLength(2);
      expect(state.stage).toBe('decision');
      // the stage is indexed once per stage, not on every refresh (each upsert is a history event)
      // (a patch's own TemporalChangeVersion upsert is the SDK's, not the case's)
      const upserts = (await handle.fetchHistory()).events!.filter((e) => {
        const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
        return fields && !('TemporalChangeVersion' in fields);
      });
      expect(upserts).toHaveLength(2);
      await recordHistory(handle, 'case-overdue-investigation');
    });
  });

  it('refuses an appeal after the window with TooLate', async () => {
    await withWorker(async (h) => {
      // a rectification keeps the case running after it closes, so the late appeal reaches the validator
      const handle = await start(h, caseInput(h.tag, { stepDue: { appealWindow: 3 } }));
      await throughInvestigation(handle);
      await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [{ subjectId: `u-${h.tag}`, code: 'rectify_within_deadline' }],
          },
        ],
      });
      const state = await eventually(
        () => stateOf(handle),
        (s) => s.appealDeadlineAt !== undefined,
      );
      await sleepPast(state.appealDeadlineAt!);
      await eventually(
        () => stateOf(handle),
        (s) => s.stage === 'closed',
      );
      await expect(
        handle.executeUpdate(fileAppeal, {
          args: [{ actor: staff, subjectId: `p-${h.tag}`, reason: '迟到的申诉' }],
        }),
      ).rejects.toMatchObject(refusal('TooLate'));
      expect((await stateOf(handle)).appeals).toEqual([]);
    });
  });

  it('refuses a decision on a closed (dismissed) case and a decision before the investigation', async () => {
    await withWorker(async (h) => {
      const handle = await start(h, caseInput(h.tag));
      await expect(
        handle.executeUpdate(decideCase, {
          args: [
            {
              actor: manager,
              decision: 'impose',
              measures: [{ subjectId: `p-${h.tag}`, code: 'admonition_talk' }],
            },
          ],
        }),
      ).rejects.toMatchObject(refusal('InvalidState'));
      await throughInvestigation(handle);
      const dismissed = handle.executeUpdate(decideCase, {
        args: [{ actor: manager, decision: 'dismiss', measures: [], comment: '情节轻微' }],
      });
      expect((await dismissed).stage).toBe('closed');
      // a second decision may reach the still-running workflow before it ends, or find it completed
      const again = handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [{ subjectId: `p-${h.tag}`, code: 'admonition_talk' }],
          },
        ],
      });
      await expect(again).rejects.toBeDefined();
      const final = await ended(handle);
      expect(final.measures).toEqual([]);
      expect(final.notices.map((n) => n.kind)).toEqual(['case_opened', 'case_decision']);
      expect(h.notices.at(-1)?.body).toContain('不予问责');
      await recordHistory(handle, 'case-dismissed');
    });
  });

  it('refuses a measure outside the policy catalogue, an unknown subject and a fine without amount', async () => {
    await withWorker(async (h) => {
      const policy: Policy = { ...street(), personMeasures: [...street().personMeasures!, { code: 'fine' }] };
      const handle = await start(h, caseInput(h.tag, { policy }));
      await throughInvestigation(handle);
      const decide = (
        measures: { subjectId: string; code: 'removal' | 'admonition_talk' | 'fine'; amount?: number }[],
      ) => handle.executeUpdate(decideCase, { args: [{ actor: manager, decision: 'impose', measures }] });
      // 免职 is not among S1's forms
      await expect(decide([{ subjectId: `p-${h.tag}`, code: 'removal' }])).rejects.toMatchObject(
        refusal('InvalidInput'),
      );
      await expect(decide([{ subjectId: 'nobody', code: 'admonition_talk' }])).rejects.toMatchObject(
        refusal('InvalidInput'),
      );
      await expect(decide([{ subjectId: `p-${h.tag}`, code: 'fine' }])).rejects.toMatchObject(
        refusal('InvalidInput'),
      );
      // a person measure is not a unit measure: 诫勉谈话 for the unit is refused too
      await expect(decide([{ subjectId: `u-${h.tag}`, code: 'admonition_talk' }])).rejects.toMatchObject(
        refusal('InvalidInput'),
      );
      await decide([{ subjectId: `p-${h.tag}`, code: 'fine', amount: 200 }]);
      const state = await stateOf(handle);
      expect(state.measures).toEqual([expect.objectContaining({ code: 'fine', amount: 200 })]);
      expect(state.history.filter((e) => e.action.startsWith('decided'))).toHaveLength(1);
    });
  });

  it('cascades S3 measures to the leaders and the unit, each with its fine (S3 §三)', async () => {
    await withWorker(async (h) => {
      const t = h.tag;
      const input = caseInput(t, {
        policy: enterprise(),
        subjects: [
          { kind: 'unit', id: `u-${t}`, name: '生产部' },
          { kind: 'person', id: `lead-${t}`, name: '部长', unitId: `u-${t}`, role: 'principal' },
          { kind: 'person', id: `vice-${t}`, name: '副部长', unitId: `u-${t}`, role: 'in_charge' },
          { kind: 'person', id: `clerk-${t}`, name: '专员', unitId: `u-${t}`, role: 'direct' },
        ],
      });
      const handle = await start(h, input);
      await throughInvestigation(handle);
      const state = await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [
              { subjectId: `u-${t}`, code: 'public_criticism' },
              { subjectId: `clerk-${t}`, code: 'written_explanation' },
            ],
          },
        ],
      });
      const rows = state.measures.map((m) => [
        m.measureId.replace(`k-${t}-`, ''),
        m.subjectId.split('-')[0],
        m.code,
        m.amount,
        m.cascadedFrom?.replace(`k-${t}-`, ''),
      ]);
      expect(rows).toEqual([
        ['m1', 'u', 'public_criticism', 800, undefined],
        // S3 §三 对责任单位和责任人的处罚金额: a person's form carries its amount too
        ['m2', 'clerk', 'written_explanation', 200, undefined],
        ['m3', 'lead', 'public_criticism', 800, 'm1'],
        ['m4', 'vice', 'public_criticism', 800, 'm1'],
        ['m5', 'u', 'written_explanation', 200, 'm2'],
        ['m6', 'lead', 'written_explanation', 200, 'm2'],
        ['m7', 'vice', 'written_explanation', 200, 'm2'],
      ]);
      const year = yearOf(state.measures[0]!.executedAt);
      const leader = await ledgerWith(`lead-${t}`, year, 2);
      expect(leader.events.map((e) => [e.code, e.amount])).toEqual([
        ['public_criticism', 800],
        ['written_explanation', 200],
      ]);
      expect(leader.restrictions.ratingCap).toBe('competent');
      // all of one case: the unit's ledger counts it once
      const unit = await ledgerWith(`u-${t}`, year, 7);
      expect(unit.events).toHaveLength(7);
      expect(unit.restrictions.advancedUnitEligible).toBe(true);
    });
  });

  it('starts a rectification item for 责令限期整改 and records its completion (S5 查→追→改)', async () => {
    await withWorker(async (h) => {
      const handle = await start(h, caseInput(h.tag, { itemId: `missing-${h.tag}` }));
      await throughInvestigation(handle);
      await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [{ subjectId: `u-${h.tag}`, code: 'rectify_within_deadline' }],
          },
        ],
      });
      const itemId = `k-${h.tag}-rectify-1`;
      let state = await eventually(
        () => stateOf(handle),
        (s) => s.measures[0]?.rectificationItemId !== undefined,
      );
      expect(state.measures[0]).toMatchObject({ measureId: `k-${h.tag}-m1`, rectificationItemId: itemId });
      const item = env.client.workflow.getHandle(itemWorkflowId(itemId));
      const itemState = (await eventually(
        () => item.query(getItemState).catch(() => undefined),
        (s) => s?.deadlineAt !== undefined,
      ))!;
      expect(itemState).toMatchObject({
        source: { kind: 'case_rectification', reference: `k-${h.tag}` },
        origin: { caseId: `k-${h.tag}`, measureId: `k-${h.tag}-m1` },
        leadUnit: { id: `u-${h.tag}` },
      });
      expect(await (await item.describe()).staticSummary()).toMatch(/^整改：/);

      // the appeal window passes; the case is closed but waits for the rectification to report back
      await sleepPast(
        (
          await eventually(
            () => stateOf(handle),
            (s) => !!s.appealDeadlineAt,
          )
        ).appealDeadlineAt!,
      );
      state = await eventually(
        () => stateOf(handle),
        (s) => s.stage === 'closed',
      );
      expect(state.measures[0]?.rectificationStatus).toBeUndefined();

      await item.executeUpdate(completeItem, { args: [{ actor: manager, comment: '整改到位' }] });
      const final = await ended(handle);
      expect(final.measures[0]?.rectificationStatus).toBe('completed');
      expect(final.history.at(-1)).toMatchObject({ action: 'rectification_finished', by: itemId });
      await recordHistory(handle, 'case-rectification');
      await recordHistory(handle, 'case-rectification-notices-in-task');
    });
  });

  it('continues as new when the history grows (an overdue step reminded day after day), carrying its state', async () => {
    await withWorker(async (h) => {
      const handle = await start(
        h,
        caseInput(h.tag, { stepDue: { investigation: 1 }, continueAsNewAfterEvents: 20 }),
      );
      const firstRunId = (await handle.describe()).runId;
      const first = await eventually(
        () => stateOf(handle),
        (s) => s.stepDueAt !== undefined && s.notices.length > 0,
      );
      const due = first.stepDueAt!;
      await sleepPast(due);
      for (let n = 1; n <= 4; n++) {
        await eventually(
          () => stateOf(handle),
          (s) => s.remindersSent.length >= n,
        );
        if (n < 4) await env.sleep(DAY);
      }
      const runId = (await handle.describe()).runId;
      expect(runId).not.toBe(firstRunId);
      const state = await stateOf(handle);
      // one reminder per working day, numbered on across the runs, each about the same due date
      expect(state.remindersSent).toHaveLength(4);
      expect(state.remindersSent.every((r) => r.dueAt === due)).toBe(true);
      expect(state.stepDueAt).toBe(due);
      expect(state.notices.filter((n) => n.kind === 'case_step_overdue').map((n) => n.key)).toEqual(
        [1, 2, 3, 4].map((n) => `case-k-${h.tag}-overdue-investigation-${n}`),
      );
      expect(state.notices.filter((n) => n.kind === 'case_opened')).toHaveLength(1);
      const latest = await env.client.workflow.getHandle(caseWorkflowId(`k-${h.tag}`), runId).fetchHistory();
      expect(latest.events!.length).toBeLessThan(80);

      await throughInvestigation(handle);
      expect((await stateOf(handle)).stage).toBe('decision');
      await handle.executeUpdate(decideCase, {
        args: [{ actor: manager, decision: 'dismiss', measures: [], comment: '情节轻微' }],
      });
      expect(await whenClosed(handle)).toBe('COMPLETED');
      expect((await stateOf(handle)).history.map((e) => e.action)).toEqual([
        'opened',
        ...[1, 2, 3, 4].map(() => 'step_overdue_reminded'),
        'investigation_submitted',
        'decided_dismiss',
        'closed',
      ]);
      await recordHistory(handle, 'case-continued-as-new');
      await recordHistory(handle, 'case-continued-as-new-notices-in-task');
    });
  });

  it('a decision answers at once while the record is down; its rows land once it is back, exactly once', async () => {
    let down = true;
    let attempts = 0;
    const recordCase = async (b: CaseRecordBatch): Promise<void> => {
      if (b.ledger?.length) attempts += 1;
      if (down && b.ledger?.length) throw new Error('记录库暂时不可用');
      batches.push(b);
    };
    await withWorker(
      async (h) => {
        const handle = await start(h, caseInput(h.tag));
        await throughInvestigation(handle);
        const asked = Date.now();
        const decided = await handle.executeUpdate(decideCase, {
          args: [
            {
              actor: manager,
              decision: 'impose',
              measures: [
                { subjectId: `p-${h.tag}`, code: 'public_criticism' },
                { subjectId: `u-${h.tag}`, code: 'written_self_criticism' },
              ],
            },
          ],
        });
        expect(Date.now() - asked).toBeLessThan(5_000);
        expect(decided.stage).toBe('appeal_window');
        expect(decided.measures.map((m) => m.status)).toEqual(['executed', 'executed']);
        const year = yearOf(decided.measures[0]!.executedAt);
        await expect(ledgerOf(`p-${h.tag}`, year)).rejects.toBeDefined();

        // far longer than the first generation's bounded retries: the record write never gives up
        await env.sleep(40 * 60_000);
        await eventually(
          async () => attempts,
          (n) => n > 20,
        );
        expect(rows()).toEqual([]);
        expect((await handle.describe()).status.name).toBe('RUNNING');

        down = false;
        await env.sleep(2 * 60_000);
        expect((await ledgerWith(`p-${h.tag}`, year, 1)).restrictions.ratingCap).toBe('competent');
        expect((await ledgerWith(`u-${h.tag}`, year, 2)).events).toHaveLength(2);
        expect([1, 2].map((n) => rowCount(`k-${h.tag}-m${n}`, 'executed'))).toEqual([1, 1]);
      },
      { activities: { recordCase } },
    );
  });

  it('a batch the record refuses fails the workflow task loudly; the case does not hang silently', async () => {
    const recordCase = async (b: CaseRecordBatch): Promise<void> => {
      if (b.ledger?.length)
        throw ApplicationFailure.nonRetryable('ledger row without a year', 'InvalidInput');
      batches.push(b);
    };
    await withWorker(
      async (h) => {
        const handle = await start(h, caseInput(h.tag));
        await throughInvestigation(handle);
        const decided = await handle.executeUpdate(decideCase, {
          args: [
            {
              actor: manager,
              decision: 'impose',
              measures: [{ subjectId: `p-${h.tag}`, code: 'public_criticism' }],
            },
          ],
        });
        expect(decided.stage).toBe('appeal_window');
        const failure = await eventually(
          async () =>
            (await handle.fetchHistory()).events!.find((e) => e.workflowTaskFailedEventAttributes)
              ?.workflowTaskFailedEventAttributes?.failure?.message,
          (message) => message !== undefined,
        );
        expect(failure).toContain('an effect failed');
        expect(failure).toContain('ledger row without a year');
        // the run stays open (a failed task is retried) and says why in its history, for ops to see
        expect((await handle.describe()).status.name).toBe('RUNNING');
      },
      { activities: { recordCase } },
    );
  });

  it('each subject may appeal within the window; a review answers one appeal; the case closes when the window has passed and every appeal is reviewed', async () => {
    await withWorker(async (h) => {
      const t = h.tag;
      const handle = await start(
        h,
        caseInput(t, {
          policy: enterprise(),
          subjects: [
            { kind: 'unit', id: `u-${t}`, name: '生产部' },
            { kind: 'person', id: `lead-${t}`, name: '部长', unitId: `u-${t}`, role: 'principal' },
          ],
        }),
      );
      await throughInvestigation(handle);
      const decided = await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [{ subjectId: `u-${t}`, code: 'public_criticism' }],
          },
        ],
      });
      expect(decided.measures.map((m) => [m.subjectId, m.cascadedFrom])).toEqual([
        [`u-${t}`, undefined],
        [`lead-${t}`, `k-${t}-m1`],
      ]);
      const appeal = (subjectId: string) =>
        handle.executeUpdate(fileAppeal, { args: [{ actor: staff, subjectId, reason: '处理不当' }] });
      const review = (r: CaseReviewInput) =>
        handle.executeUpdate(reviewAppeal, { args: [{ actor: reviewer, ...r }] });

      await appeal(`lead-${t}`);
      expect((await appeal(`u-${t}`)).stage).toBe('review');
      await expect(appeal(`lead-${t}`)).rejects.toMatchObject(refusal('InvalidState'));
      // two pending: the review must say whose appeal it answers
      await expect(review({ decision: 'uphold' })).rejects.toMatchObject(refusal('InvalidInput'));
      // a name that matches nothing is refused, and so is another subject's measure
      await expect(
        review({
          decision: 'revoke',
          subjectId: `u-${t}`,
          measures: [{ subjectId: `u-${t}`, code: 'written_explanation' }],
        }),
      ).rejects.toMatchObject(refusal('InvalidInput'));
      await expect(
        review({
          decision: 'revoke',
          subjectId: `u-${t}`,
          measures: [{ subjectId: `lead-${t}`, code: 'public_criticism' }],
        }),
      ).rejects.toMatchObject(refusal('InvalidInput'));

      // the leader's measure is a cascaded one: naming it revokes it (and only it)
      const revoked = await review({
        decision: 'revoke',
        subjectId: `lead-${t}`,
        measures: [{ subjectId: `lead-${t}`, code: 'public_criticism' }],
      });
      expect(revoked.measures.map((m) => [m.measureId, m.status])).toEqual([[`k-${t}-m2`, 'revoked']]);
      expect(revoked.stage).toBe('review');
      let state = await stateOf(handle);
      expect(state.measures.map((m) => m.status)).toEqual(['executed', 'revoked']);
      expect((await review({ decision: 'uphold', comment: '维持' })).stage).toBe('appeal_window');
      state = await stateOf(handle);
      expect(state.appeals.map((a) => [a.subjectId, a.review?.decision])).toEqual([
        [`lead-${t}`, 'revoke'],
        [`u-${t}`, 'uphold'],
      ]);
      const year = yearOf(state.measures[0]!.executedAt);
      const leader = await eventually(
        () => ledgerOf(`lead-${t}`, year),
        (l) => l.events[0]?.revoked === true,
      );
      expect(leader.restrictions.ratingCap).toBe('excellent');

      state = await eventually(
        () => stateOf(handle),
        (s) => s.appealDeadlineAt !== undefined,
      );
      await sleepPast(state.appealDeadlineAt!);
      expect(await whenClosed(handle)).toBe('COMPLETED');
      state = await stateOf(handle);
      expect(state.stage).toBe('closed');
      expect(state.history.at(-1)?.detail).toBe('申诉期届满，2项申诉均已复查');
      expect(state.notices.filter((n) => n.kind === 'appeal_result')).toHaveLength(2);
      await recordHistory(handle, 'case-two-appeals');
    });
  });

  it('a revoked 责令限期整改 cancels its rectification item', async () => {
    await withWorker(async (h) => {
      const handle = await start(h, caseInput(h.tag));
      await throughInvestigation(handle);
      await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [{ subjectId: `u-${h.tag}`, code: 'rectify_within_deadline' }],
          },
        ],
      });
      const itemId = `k-${h.tag}-rectify-1`;
      await eventually(
        () => stateOf(handle),
        (s) => s.measures[0]?.rectificationItemId === itemId,
      );
      const item = env.client.workflow.getHandle(itemWorkflowId(itemId));
      await eventually(
        () => item.query(getItemState).catch(() => undefined),
        (s) => s?.deadlineAt !== undefined,
      );
      await handle.executeUpdate(fileAppeal, {
        args: [{ actor: staff, subjectId: `u-${h.tag}`, reason: '已整改' }],
      });
      const reviewed = await handle.executeUpdate(reviewAppeal, {
        args: [{ actor: reviewer, decision: 'revoke' }],
      });
      expect(reviewed.measures[0]?.status).toBe('revoked');
      const state = await eventually(
        () => stateOf(handle),
        (s) => s.measures[0]?.rectificationStatus !== undefined,
      );
      expect(state.measures[0]?.rectificationStatus).toBe('cancelled');
      // whichever the case hears first ends the wait: the cancel request accepted, or the item's end
      expect(state.history.at(-1)?.detail).toMatch(/已请求取消|整改事项 \S+已撤销/);
      // the item receives a Temporal cancellation request and ends itself as cancelled
      const itemHistory = await item.fetchHistory();
      expect(itemHistory.events!.some((e) => e.workflowExecutionCancelRequestedEventAttributes)).toBe(true);
      await eventually(
        async () => (await item.describe()).status.name,
        (status) => status === 'COMPLETED',
      );
      expect((await item.query(getItemState)).status).toBe('cancelled');
      const year = yearOf(state.measures[0]!.executedAt);
      await eventually(
        () => ledgerOf(`u-${h.tag}`, year),
        (l) => l.events[0]?.revoked === true,
      );
      // (the window is not waited out here: after that failing item task this server's clock stays locked)
    });
  });

  // The time-skipping test server never tells a parent that its child was terminated (temporalio/sdk-java
  // PR #2921), so this one runs on a real dev server, with working days shortened to seconds.
  it('ends the wait for a rectification item that is terminated (its signal never comes)', async () => {
    await env.teardown();
    env = await createDevServerEnv();
    await withWorker(async (h) => {
      // a drill: the appeal window is two seconds (an Interval, as a policy's drill levels are)
      const handle = await start(h, caseInput(h.tag, { stepDue: { appealWindow: { duration: 'PT2S' } } }));
      await throughInvestigation(handle);
      await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [{ subjectId: `u-${h.tag}`, code: 'rectify_within_deadline' }],
          },
        ],
      });
      let state = await eventually(
        () => stateOf(handle),
        (s) => s.stage === 'closed' && s.measures[0]?.rectificationItemId !== undefined,
      );
      expect(state.measures[0]?.rectificationStatus).toBeUndefined();
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await env.client.workflow.getHandle(itemWorkflowId(`k-${h.tag}-rectify-1`)).terminate('误建，终止');
      expect(await whenClosed(handle)).toBe('COMPLETED');
      state = await stateOf(handle);
      expect(state.measures[0]?.rectificationStatus).toBe('failed');
      expect(state.history.at(-1)).toMatchObject({ action: 'rectification_finished' });
      expect(state.history.at(-1)?.detail).toContain('被终止');
    });
  }, 120_000);

  it('the full procedure from an escalated item to a closed case (issue #4)', async () => {
    await withWorker(async (h) => {
      const t = h.tag;
      const policy: Policy = {
        ...structuredClone(drillPolicy),
        reminders: drillPolicy.reminders.map((l, i, all) =>
          i === all.length - 1 ? { ...l, openCase: true } : l,
        ),
      };
      const nowMs = await env.currentTimeMs();
      const input = itemInput({
        itemId: `esc-${t}`,
        assignedAt: new Date(nowMs).toISOString(),
        due: { at: new Date(nowMs + 60_000).toISOString() },
        policy,
      });
      const caseId = `esc-${t}-L2`;
      const firstCase = `esc-${t}-L1`;
      h.started.push(itemWorkflowId(input.itemId), caseWorkflowId(caseId), caseWorkflowId(firstCase));
      const item = await env.client.workflow.start('supervisionItem', {
        taskQueue: h.taskQueue,
        workflowId: itemWorkflowId(input.itemId),
        args: [input],
      });
      await eventually(
        () => item.query(getItemState).catch(() => undefined),
        (s) => s?.deadlineAt !== undefined,
      );
      // deadline, first urge, and 30 s later the second: each level with measures opens its case
      await env.sleep(2 * 60_000);
      const itemState = (await eventually(
        () => item.query(getItemState).catch(() => undefined),
        (s) => s?.caseIds.includes(caseId) ?? false,
      ))!;
      expect(itemState.reminders.map((r) => [r.level, r.caseId])).toEqual([
        [1, firstCase],
        [2, caseId],
      ]);

      const handle = env.client.workflow.getHandle<typeof accountabilityCase>(caseWorkflowId(caseId));
      let state = await eventually(
        () => stateOf(handle),
        (s) => s.stepDueAt !== undefined,
      );
      expect(state).toMatchObject({
        stage: 'investigation',
        itemId: input.itemId,
        escalation: { level: 2, proposed: [{ code: 'public_criticism' }] },
      });
      expect(state.subjects.map((s) => [s.kind, s.id, s.role])).toEqual([
        ['unit', 'u-housing', undefined],
        ['person', 'p-chief', 'principal'],
        ['person', 'p-deputy', 'in_charge'],
        ['person', 'p-clerk', 'direct'],
      ]);

      await throughInvestigation(handle);
      await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: state.escalation!.proposed.map((p) => ({ subjectId: 'p-clerk', code: p.code })),
            comment: '第二次催办后仍未落实',
          },
        ],
      });
      state = await stateOf(handle);
      expect(state.stage).toBe('appeal_window');
      expect(state.measures).toEqual([
        expect.objectContaining({
          measureId: `${caseId}-m1`,
          subjectId: 'p-clerk',
          code: 'public_criticism',
        }),
      ]);
      const year = yearOf(state.measures[0]!.executedAt);
      const clerk = (await eventually(
        () => ledgerOf('p-clerk', year).catch(() => undefined),
        (l) => l?.events.some((e) => e.caseId === caseId) ?? false,
      ))!;
      expect(clerk.restrictions.ratingCap).toBe('competent');
      const unit = (await eventually(
        () => ledgerOf('u-housing', year).catch(() => undefined),
        (l) => l?.events.some((e) => e.caseId === caseId) ?? false,
      ))!;
      expect(unit.events.find((e) => e.caseId === caseId)).toMatchObject({ viaStaff: true });

      state = await eventually(
        () => stateOf(handle),
        (s) => s.appealDeadlineAt !== undefined,
      );
      await sleepPast(state.appealDeadlineAt!);
      expect(await whenClosed(handle)).toBe('COMPLETED');
      state = await stateOf(handle);
      expect(state.stage).toBe('closed');
      expect(state.history.map((e) => e.action)).toEqual([
        'opened',
        'investigation_submitted',
        'decided_impose',
        'measure_executed',
        'closed',
      ]);
      expect((await item.query(getItemState)).caseIds).toEqual([firstCase, caseId]);
    });
  }, 240_000);

  it('the S4 path: three urges → three cases → decided, waived, formal with an appeal reviewed by a second manager', async () => {
    await withWorker(async (h) => {
      const t = h.tag;
      // S4's ladder and procedures, its intervals shortened to a drill's
      const policy: Policy = structuredClone(POLICY_PRESETS['three-urges']!);
      policy.warnBefore = { duration: 'PT10S' };
      policy.reminders = policy.reminders.map((l, i) => ({
        ...l,
        after: { duration: i ? 'PT30S' : 'PT0S' },
      }));
      const nowMs = await env.currentTimeMs();
      const input = itemInput({
        itemId: `s4-${t}`,
        assignedAt: new Date(nowMs).toISOString(),
        due: { at: new Date(nowMs + 60_000).toISOString() },
        policy,
      });
      const ids = [1, 2, 3].map((l) => `s4-${t}-L${l}`);
      h.started.push(itemWorkflowId(input.itemId), ...ids.map(caseWorkflowId));
      for (const id of ids) h.started.push(itemWorkflowId(`${id}-rectify-1`));
      const item = await env.client.workflow.start('supervisionItem', {
        taskQueue: h.taskQueue,
        workflowId: itemWorkflowId(input.itemId),
        args: [input],
      });
      await eventually(
        () => item.query(getItemState).catch(() => undefined),
        (s) => s?.deadlineAt !== undefined,
      );
      // S4 §四(五)1–3 and §四(五)4: three urges, each with its own accountability, listed in level order
      await env.sleep(3 * 60_000);
      const itemState = (await eventually(
        () => item.query(getItemState).catch(() => undefined),
        (s) => (s?.caseIds.length ?? 0) === 3,
      ))!;
      expect(itemState.urgeCount).toBe(3);
      expect(itemState.caseIds).toEqual(ids);
      const [l1, l2, l3] = ids.map((id) =>
        env.client.workflow.getHandle<typeof accountabilityCase>(caseWorkflowId(id)),
      );
      const opened = await Promise.all(
        [l1!, l2!, l3!].map((c) =>
          eventually(
            () => stateOf(c),
            (s) => s.stepDueAt !== undefined,
          ),
        ),
      );
      expect(opened.map((s) => [s.procedure, s.stage, s.escalation?.proposed.map((m) => m.code)])).toEqual([
        ['summary', 'decision', ['admonition_talk', 'disqualify_awards']],
        ['summary', 'decision', ['written_self_criticism', 'public_criticism']],
        ['formal', 'investigation', ['public_apology', 'reassignment']],
      ]);
      // each urge says why it came (its notices carry the same reason: test/unit/supervision-core)
      expect(itemState.reminders.map((r) => r.reason)).toEqual(['deadline', 'interval', 'interval']);
      // grounds from S4 §四(四)'s catalogue, codes plus Chinese text (point 11)
      expect(opened.map((s) => s.groundCodes)).toEqual([['S4-4'], ['S4-4'], ['S4-1', 'S4-4']]);
      expect(opened[0]!.grounds[0]).toBe('办事拖拉、推诿扯皮（第一次催办：逾期未办结）');
      // each case's opening notice says which urge opened it, and how it proceeds (point 10)
      const openingOf = (caseId: string) =>
        renderNotice(h.notices.find((n) => n.kind === 'case_opened' && n.caseId === caseId)!).text;
      expect(openingOf(ids[0]!)).toContain(
        '逾期未办结（第一次催办），市政府督查室决定启动本级问责（简易程序）',
      );
      expect(openingOf(ids[1]!)).toContain(
        '经催办后仍未落实（第二次催办），市政府办公室决定启动本级问责（简易程序）',
      );
      expect(openingOf(ids[2]!)).toContain('请有关单位和人员配合调查核实');

      // level 1: 诫勉谈话 for the unit is refused (a person measure), for the principal decided
      const decide = (c: typeof l1, body: Record<string, unknown>) =>
        c!.executeUpdate(decideCase, { args: [{ actor: manager, ...body } as never] });
      await expect(
        decide(l1, { decision: 'impose', measures: [{ subjectId: 'u-housing', code: 'admonition_talk' }] }),
      ).rejects.toMatchObject(refusal('InvalidInput'));
      await decide(l1, { decision: 'impose', measures: [{ subjectId: 'p-chief', code: 'admonition_talk' }] });
      const s1 = await stateOf(l1!);
      expect(s1.stage).toBe('appeal_window');
      // executed, and in the ledger of the person (the record's rows)
      const year = yearOf(s1.measures[0]!.executedAt);
      const chief = await ledgerWith('p-chief', year, 1);
      expect(chief.events).toEqual([
        expect.objectContaining({
          measureId: `${ids[0]}-m1`,
          caseId: ids[0],
          code: 'admonition_talk',
          decidedBy: manager.id,
        }),
      ]);

      // level 2 waived with a reason
      await decide(l2, { decision: 'dismiss', measures: [], comment: '承办单位已书面说明原因，免予问责' });
      expect(await stateOf(l2!)).toMatchObject({
        stage: 'closed',
        decision: { decision: 'dismiss', comment: '承办单位已书面说明原因，免予问责' },
      });

      // level 3: the formal procedure, investigation first; a decision before it is refused
      await expect(
        decide(l3, { decision: 'impose', measures: [{ subjectId: 'p-clerk', code: 'reassignment' }] }),
      ).rejects.toMatchObject(refusal('InvalidState'));
      await throughInvestigation(l3!);
      await decide(l3, { decision: 'impose', measures: [{ subjectId: 'p-clerk', code: 'reassignment' }] });
      await l3!.executeUpdate(fileAppeal, {
        args: [{ actor: staff, subjectId: 'p-clerk', reason: '调整岗位过重' }],
      });
      // the decider may not review their own decision (S4 §四(六)6)
      await expect(
        l3!.executeUpdate(reviewAppeal, { args: [{ actor: manager, decision: 'uphold' }] }),
      ).rejects.toMatchObject(refusal('InvalidState'));
      const reviewed = await l3!.executeUpdate(reviewAppeal, {
        args: [{ actor: reviewer, decision: 'uphold', comment: '维持' }],
      });
      expect(reviewed).toMatchObject({ stage: 'appeal_window', review: { by: reviewer.id } });
      const s3 = await stateOf(l3!);
      // the ledger holds level 1's and level 3's measures; the waived level wrote nothing
      const clerk = await ledgerWith('p-clerk', year, 1);
      expect(clerk.events).toEqual([expect.objectContaining({ caseId: ids[2], code: 'reassignment' })]);
      expect(rows().filter((r) => r.caseId === ids[1])).toEqual([]);
      expect(s3.history.map((e) => e.action)).toEqual([
        'opened',
        'investigation_submitted',
        'decided_impose',
        'measure_executed',
        'appeal_filed',
        'reviewed_uphold',
      ]);
      await recordHistory(l3!, 'case-s4-formal-after-three-urges');
      // the same path in a run started since `escalation-case-no-link-back`: the case sends no signal back
      await recordHistory(l3!, 'case-s4-formal-no-link-back');
    });
  }, 120_000);
});
