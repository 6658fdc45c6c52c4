// The accountability case (问责程序) on the time-skipping server: each path of the procedure, the
// ledger it writes, the S3 cascade and the S5 rectification loop, asserting state at each point.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createCalendarActivities } from '../../activities/calendar/activities';
import { WorkingCalendar } from '../../activities/calendar/working-calendar';
import { createLedgerActivities } from '../../activities/ledger';
import { POLICY_PRESETS } from '../../domain/policies';
import type { accountabilityCase } from '../../workflows/case';
import { caseWorkflowId, itemWorkflowId, ledgerWorkflowId } from '../../workflows/ids';
import {
  completeItem,
  decideCase,
  fileAppeal,
  getCaseState,
  getItemState,
  getLedger,
  reviewAppeal,
  submitInvestigation,
} from '../../workflows/messages';
import type {
  Actor,
  AddIntervalRequest,
  CaseInput,
  DeliveryResult,
  LedgerState,
  Notice,
  Policy,
  Subject,
} from '../../workflows/types';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { recordHistory } from '../helpers/histories';

const manager: Actor = { id: 'director-zhou', role: 'manager' };
const staff: Actor = { id: 'staff-li', role: 'staff' };
const DAY = 24 * 3600 * 1000;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
}, 180_000);

afterAll(async () => {
  await env?.teardown();
});

/** every calendar day a working day: step due dates become plain day counts the tests can reason about */
const everyDayCalendar = {
  async addInterval(r: AddIntervalRequest) {
    const days = 'workingDays' in r.interval ? r.interval.workingDays : 0;
    return {
      at: new Date(Date.parse(r.from) + r.direction * days * DAY).toISOString(),
      calendar: { version: 'test-every-day', coveredThrough: '2099-12-31' },
    };
  },
};

interface Harness {
  notices: Notice[];
  taskQueue: string;
  tag: string;
  /** workflow ids to terminate after the test */
  started: string[];
}

async function withWorker<T>(
  fn: (h: Harness) => Promise<T>,
  opts: { realCalendar?: boolean } = {},
): Promise<T> {
  const notices: Notice[] = [];
  const taskQueue = `case-${randomUUID()}`;
  const deliver =
    (channel: 'email' | 'webhook') =>
    async (n: Notice): Promise<DeliveryResult> => {
      if (channel === 'email') notices.push(n);
      return { channel, status: 'not_configured' };
    };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: {
      ...createCalendarActivities(new WorkingCalendar()),
      ...(opts.realCalendar ? {} : everyDayCalendar),
      sendEmail: deliver('email'),
      sendWebhook: deliver('webhook'),
      ...createLedgerActivities(env.client),
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
const ledgerOf = (subjectId: string, year: number): Promise<LedgerState> =>
  env.client.workflow.getHandle(ledgerWorkflowId(subjectId, year)).query(getLedger);
/** sleeps on the server's clock until just after an instant */
const sleepPast = async (iso: string): Promise<void> => {
  const wait = Date.parse(iso) - (await env.currentTimeMs()) + 60_000;
  if (wait > 0) await env.sleep(wait);
};
const refusal = (type: string) => ({ cause: expect.objectContaining({ type }) });

async function throughInvestigation(handle: WorkflowHandle<typeof accountabilityCase>): Promise<void> {
  await handle.executeUpdate(submitInvestigation, {
    args: [{ actor: staff, findings: '经核实，城管科未按节点推进拆违工作', evidence: ['现场照片3张'] }],
  });
}

describe('accountability case (问责程序)', () => {
  it('runs the whole procedure: investigation → decision → ledger → appeal window passes → closed', async () => {
    await withWorker(
      async (h) => {
        const input = caseInput(h.tag);
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

        state = await handle.executeUpdate(decideCase, {
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
        expect(state.stage).toBe('appeal_window');
        expect(state.measures.map((m) => [m.measureId, m.subjectId, m.code, m.status])).toEqual([
          [`k-${h.tag}-m1`, `u-${h.tag}`, 'written_self_criticism', 'executed'],
          [`k-${h.tag}-m2`, `p-${h.tag}`, 'public_criticism', 'executed'],
        ]);

        // executed at once: both are in the ledgers when the update answers
        const year = yearOf(state.measures[0]!.executedAt);
        const person = await ledgerOf(`p-${h.tag}`, year);
        expect(person.events).toEqual([
          expect.objectContaining({
            measureId: `k-${h.tag}-m2`,
            code: 'public_criticism',
            decidedBy: manager.id,
          }),
        ]);
        expect(person.restrictions.ratingCap).toBe('competent');
        const unit = await ledgerOf(`u-${h.tag}`, year);
        expect(unit.events.map((e) => [e.measureId, e.viaStaff ?? false])).toEqual([
          [`k-${h.tag}-m1`, false],
          [`k-${h.tag}-m2`, true],
        ]);

        state = await eventually(
          () => stateOf(handle),
          (s) => s.appealDeadlineAt !== undefined && s.notices.some((n) => n.kind === 'case_decision'),
        );
        const decisionNotice = h.notices.find((n) => n.kind === 'case_decision')!;
        expect(decisionNotice.next).toContain('申诉');
        expect(decisionNotice.measures).toHaveLength(2);
        expect(state.stepDueAt).toBe(state.appealDeadlineAt);

        await sleepPast(state.appealDeadlineAt!);
        const final = await handle.result();
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
        await recordHistory(handle, 'case-full-procedure');
      },
      { realCalendar: true },
    );
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

      state = await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [{ subjectId: `p-${h.tag}`, code: 'admonition_talk' }],
          },
        ],
      });
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
      let state = await handle.executeUpdate(decideCase, {
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
      const year = yearOf(state.measures[0]!.executedAt);
      expect((await ledgerOf(`p-${h.tag}`, year)).restrictions.ratingCap).toBe('competent');

      state = await handle.executeUpdate(fileAppeal, {
        args: [{ actor: staff, subjectId: `p-${h.tag}`, reason: '延误系上级审批未及时下达所致' }],
      });
      expect(state.stage).toBe('review');
      expect(state.appeals).toHaveLength(1);
      expect(state.measures.every((m) => m.status === 'executed')).toBe(true);
      expect((await ledgerOf(`p-${h.tag}`, year)).restrictions.ratingCap).toBe('competent');

      state = await handle.executeUpdate(reviewAppeal, {
        args: [
          {
            actor: manager,
            decision: 'revoke',
            measures: [{ subjectId: `p-${h.tag}`, code: 'written_self_criticism' }],
            comment: '复查认定理由成立',
          },
        ],
      });
      expect(state.stage).toBe('closed');
      expect(state.measures.map((m) => [m.code, m.status])).toEqual([
        ['written_self_criticism', 'revoked'],
        ['admonition_talk', 'executed'],
      ]);
      const ledger = await ledgerOf(`p-${h.tag}`, year);
      expect(ledger.restrictions).toEqual({ ratingCap: 'excellent', reasons: [] });
      expect(ledger.events.map((e) => [e.code, e.revoked])).toEqual([
        ['written_self_criticism', true],
        ['admonition_talk', false],
      ]);
      const final = await handle.result();
      expect(final.notices.map((n) => n.kind)).toEqual(['case_opened', 'case_decision', 'appeal_result']);
      expect(h.notices.at(-1)?.body).toContain('撤销');
      await recordHistory(handle, 'case-appeal-revoke');
    });
  });

  it('a review that amends replaces the old measures with the new ones', async () => {
    await withWorker(async (h) => {
      const handle = await start(h, caseInput(h.tag));
      await throughInvestigation(handle);
      let state = await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [{ subjectId: `p-${h.tag}`, code: 'public_criticism' }],
          },
        ],
      });
      const year = yearOf(state.measures[0]!.executedAt);
      await handle.executeUpdate(fileAppeal, {
        args: [{ actor: staff, subjectId: `p-${h.tag}`, reason: '处理过重' }],
      });
      state = await handle.executeUpdate(reviewAppeal, {
        args: [
          {
            actor: manager,
            decision: 'amend',
            measures: [{ subjectId: `p-${h.tag}`, code: 'admonition_talk' }],
          },
        ],
      });
      expect(state.measures.map((m) => [m.measureId, m.code, m.status])).toEqual([
        [`k-${h.tag}-m1`, 'public_criticism', 'revoked'],
        [`k-${h.tag}-m2`, 'admonition_talk', 'executed'],
      ]);
      const ledger = await ledgerOf(`p-${h.tag}`, year);
      expect(ledger.events.map((e) => [e.measureId, e.revoked])).toEqual([
        [`k-${h.tag}-m1`, true],
        [`k-${h.tag}-m2`, false],
      ]);
      expect(ledger.restrictions.ratingCap).toBe('excellent');
      expect((await handle.result()).review?.decision).toBe('amend');
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
      expect(state.remindersSent).toEqual([{ step: 'investigation', at: expect.any(String) }]);
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
      const final = await handle.result();
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
      const state = await decide([{ subjectId: `p-${h.tag}`, code: 'fine', amount: 200 }]);
      expect(state.measures).toEqual([expect.objectContaining({ code: 'fine', amount: 200 })]);
      expect(state.history.filter((e) => e.action.startsWith('decided'))).toHaveLength(1);
    });
  });

  it('cascades S3 measures to the leaders and the unit, and keeps enterprise fines', async () => {
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
        ['m2', 'clerk', 'written_explanation', undefined, undefined],
        ['m3', 'lead', 'public_criticism', 800, 'm1'],
        ['m4', 'vice', 'public_criticism', 800, 'm1'],
        // the unit's 书面说明 carries the unit fine of S3 §三 (200元)
        ['m5', 'u', 'written_explanation', 200, 'm2'],
        ['m6', 'lead', 'written_explanation', undefined, 'm2'],
        ['m7', 'vice', 'written_explanation', undefined, 'm2'],
      ]);
      const year = yearOf(state.measures[0]!.executedAt);
      const leader = await ledgerOf(`lead-${t}`, year);
      expect(leader.events.map((e) => [e.code, e.amount])).toEqual([
        ['public_criticism', 800],
        ['written_explanation', undefined],
      ]);
      expect(leader.restrictions.ratingCap).toBe('competent');
      // all of one case: the unit's ledger counts it once
      const unit = await ledgerOf(`u-${t}`, year);
      expect(unit.events).toHaveLength(7);
      expect(unit.restrictions.advancedUnitEligible).toBe(true);
    });
  });

  it('starts a rectification item for 责令限期整改 and records its completion (S5 查→追→改)', async () => {
    await withWorker(async (h) => {
      const handle = await start(h, caseInput(h.tag, { itemId: `missing-${h.tag}` }));
      await throughInvestigation(handle);
      let state = await handle.executeUpdate(decideCase, {
        args: [
          {
            actor: manager,
            decision: 'impose',
            measures: [{ subjectId: `u-${h.tag}`, code: 'rectify_within_deadline' }],
          },
        ],
      });
      const itemId = `k-${h.tag}-rectify-1`;
      expect(state.measures[0]).toMatchObject({ measureId: `k-${h.tag}-m1`, rectificationItemId: itemId });
      const item = env.client.workflow.getHandle(itemWorkflowId(itemId));
      const itemState = await eventually(
        () => item.query(getItemState),
        (s) => s.deadlineAt !== undefined,
      );
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
      const final = await handle.result();
      expect(final.measures[0]?.rectificationStatus).toBe('completed');
      expect(final.history.at(-1)).toMatchObject({ action: 'rectification_finished', by: itemId });
      await recordHistory(handle, 'case-rectification');
    });
  });
});
