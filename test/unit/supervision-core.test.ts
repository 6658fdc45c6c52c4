// The supervision item's rules on the pure core: each rule of the seeds is a function call on plain
// data, checked in milliseconds (no Temporal server).
import { officialCalendar } from '../../domain/calendar/official';
import { sliceCalendarData } from '../../domain/calendar/working-calendar';
import { currentDetails, timerSummary } from '../../workflows/supervision/details';
import { nextWakeUp } from '../../workflows/supervision/next-wake-up';
import {
  calendarWindow,
  compacted,
  stateAtStart,
  type Ctx,
  type ItemState,
} from '../../workflows/supervision/state';
import * as t from '../../workflows/supervision/transitions';
import * as v from '../../workflows/supervision/validate';
import type { Actor, SupervisionInput } from '../../workflows/types';
import { drillPolicy, itemInput, preset } from '../helpers/fixtures';

const staff: Actor = { id: 'staff-1', role: 'staff' };
const manager: Actor = { id: 'manager-1', role: 'manager' };
const DAY = 86_400_000;
const full = officialCalendar();

/** An item assigned Monday 2026-09-07 09:00 Shanghai (no holiday near), on the three-urges preset. */
function start(overrides: Partial<SupervisionInput> = {}) {
  const base = itemInput({ assignedAt: '2026-09-07T01:00:00.000Z', due: { workingDays: 5 }, ...overrides });
  const { from, through } = calendarWindow(base.assignedAt, base.timeZone);
  const input: SupervisionInput = { ...base, calendar: sliceCalendarData(full.data, from, through) };
  const t0 = Date.parse(input.assignedAt);
  const state = stateAtStart(input, t0);
  const ctx = (now: number): Ctx => ({
    now,
    calendar: full,
    policy: input.policy,
    timeZone: input.timeZone,
  });
  return { input, state, ctx, t0 };
}

/** Fires every wake-up due by `now`, as the shell's loop does. */
function runUntil(state: ItemState, now: number, ctx: (n: number) => Ctx) {
  const effects: t.Effect[] = [];
  let s = state;
  for (let wake = nextWakeUp(s); wake && wake.at <= now; wake = nextWakeUp(s)) {
    const step = t.timerFired(s, wake, ctx(wake.at));
    s = step.state;
    effects.push(...step.effects);
  }
  return { state: s, effects };
}

const kinds = (fx: t.Effect[]) => fx.map((e) => (e.kind === 'notice' ? `${e.notice.kind}` : e.kind));

describe('the state at start', () => {
  test('has the deadline, the schedule and the history of creation, computed purely', () => {
    const { state } = start();
    expect(state.deadlineAt).toBe('2026-09-14T15:59:59.999Z'); // 5 working days after Mon 09-07
    expect(state.schedule?.levels.map((l) => l.name)).toEqual(['第一次催办', '第二次催办', '第三次催办']);
    expect(state.schedule?.warningAt).toBeDefined();
    expect(state).toMatchObject({ status: 'open', light: 'green', urgeCount: 0, revision: 1, seq: 1 });
    expect(state.history).toEqual([expect.objectContaining({ action: 'created', seq: 1 })]);
  });

  test('stages: every stage has its deadline up front and the first is active', () => {
    const { state } = start({
      stages: [
        { name: '报批', due: { workingDays: 3 } },
        { name: '开工', due: { workingDays: 8 } },
      ],
    });
    expect(state.stages!.map((s) => s.status)).toEqual(['active', 'pending']);
    expect(state.deadlineAt).toBe(state.stages![0]!.deadlineAt);
    expect(Date.parse(state.stages![1]!.deadlineAt!)).toBeGreaterThan(Date.parse(state.deadlineAt!));
    expect(state.history.map((h) => h.action)).toEqual(['created', 'stage_started']);
  });
});

describe('the ladder', () => {
  test('warning (yellow), then deadline → L1, L2, and L3 opens a case with an id free of stage names', () => {
    const { state, ctx } = start();
    const sched = state.schedule!;
    let wake = nextWakeUp(state)!;
    expect(wake).toMatchObject({ kind: 'warning', at: Date.parse(sched.warningAt!) });
    expect(timerSummary(state, wake, 'Asia/Shanghai')).toMatch(/^等待预警 /);

    let r = runUntil(state, Date.parse(sched.warningAt!), ctx);
    expect(r.state).toMatchObject({ status: 'warning', light: 'yellow' });
    expect(kinds(r.effects)).toEqual(['warning']);

    wake = nextWakeUp(r.state)!;
    // Level 1 is due at the deadline itself (after: 0): the timer says so.
    expect(timerSummary(r.state, wake, 'Asia/Shanghai')).toContain('届时第一次催办');
    r = runUntil(r.state, Date.parse(sched.deadlineAt), ctx);
    expect(r.state).toMatchObject({ status: 'overdue', light: 'red', urgeCount: 1 });
    expect(r.state.reminders[0]).toMatchObject({ level: 1, reason: 'deadline' });
    // S4 §四(五)1 and §四(五)4: the first urge has its own accountability, a summary case
    expect(kinds(r.effects)).toEqual(['urge', 'bulletin', 'openCase']);
    const openOf = (fx: t.Effect[]) =>
      fx.find((e) => e.kind === 'openCase') as Extract<t.Effect, { kind: 'openCase' }>;
    expect(openOf(r.effects).caseInput).toMatchObject({ caseId: `${state.id}-L1`, procedure: 'summary' });
    expect(openOf(r.effects).caseInput.escalation?.proposed.map((m) => m.code)).toEqual([
      'admonition_talk',
      'disqualify_awards',
    ]);

    r = runUntil(r.state, Date.parse(sched.levels[1]!.dueAt), ctx);
    expect(r.state.reminders[1]).toMatchObject({ level: 2, reason: 'interval' });
    expect(kinds(r.effects)).toEqual(['urge', 'bulletin', 'openCase']);
    expect(openOf(r.effects).caseInput).toMatchObject({ caseId: `${state.id}-L2`, procedure: 'summary' });

    r = runUntil(r.state, Date.parse(sched.levels[2]!.dueAt), ctx);
    expect(kinds(r.effects)).toEqual(['urge', 'bulletin', 'openCase']);
    const open = openOf(r.effects);
    expect(open.caseInput.caseId).toBe(`${state.id}-L3`);
    expect(open.caseInput.procedure).toBe('formal'); // S4 §四(六): the third urge's full 问责程序
    expect(open.caseInput.escalation?.proposed.map((m) => m.code)).toEqual([
      'public_apology',
      'reassignment',
    ]);
    expect(nextWakeUp(r.state)).toBeUndefined();

    // the item lists its cases in order of level, whatever order they ran or linked in
    let linked = t.caseOpened(r.state, { caseId: open.caseInput.caseId, started: true }, ctx(0)).state;
    linked = t.caseLinked(linked, { caseId: `${state.id}-L2` }, ctx(0)).state;
    linked = t.caseOpened(linked, { caseId: `${state.id}-L1`, started: true }, ctx(0)).state;
    expect(linked.caseIds).toEqual([`${state.id}-L1`, `${state.id}-L2`, `${state.id}-L3`]);
    expect(linked.reminders[2]!.caseId).toBe(`${state.id}-L3`);
  });

  test('a level after the deadline waits for it: the deadline passes first (overdue), then the level', () => {
    const policy = preset();
    policy.reminders[0]!.after = { workingDays: 1 };
    const { state, ctx } = start({ policy });
    const deadline = Date.parse(state.deadlineAt!);
    const r = runUntil(state, deadline, ctx);
    expect(r.state).toMatchObject({ status: 'overdue', urgeCount: 0 });
    expect(r.state.history.at(-1)!.action).toBe('overdue');
    expect(nextWakeUp(r.state)).toMatchObject({ kind: 'level', label: '第一次催办' });
  });

  test('a warning overtaken by its deadline (worker away) is not sent', () => {
    const { state, ctx } = start();
    const wake = nextWakeUp(state)!;
    const step = t.timerFired(state, wake, ctx(Date.parse(state.deadlineAt!) + 1));
    expect(step.effects).toEqual([]);
    expect(step.state.warnedAt).toBeUndefined();
    expect(nextWakeUp(step.state)).toMatchObject({ kind: 'level' });
  });

  test('stage escalation case ids carry the stage position, never its Chinese name', () => {
    const policy = preset();
    for (const l of policy.reminders) l.openCase = true;
    const { state, ctx } = start({ policy, stages: [{ name: '报批', due: { workingDays: 3 } }] });
    const r = runUntil(state, Date.parse(state.deadlineAt!), ctx);
    const open = r.effects.find((e) => e.kind === 'openCase') as Extract<t.Effect, { kind: 'openCase' }>;
    expect(open.caseInput.caseId).toBe(`${state.id}-S1-L1`);
  });
});

describe('reports and review', () => {
  test('a returned final report is an urge (S4 §四(五)1), and the review stops the clock and gives it back', () => {
    const { state, ctx, t0 } = start({ due: { workingDays: 10 } });
    const deadline0 = state.deadlineAt!;
    const filed = t.submitReport(
      state,
      { kind: 'final', summary: '完成', signedBy: '李局长', actor: staff },
      ctx(t0 + 1000),
    );
    expect(filed.outcome.report).toMatchObject({ id: 'r1', kind: 'final' });
    expect(filed.state).toMatchObject({ status: 'under_review' });
    expect(filed.state.clockStoppedAt).toBeDefined();
    expect(nextWakeUp(filed.state)).toBeUndefined(); // nothing fires while the office holds it

    // Held three working days (Tue → Fri); returned: the unit gets them back, and it counts as an urge.
    const back = t.reviewReport(
      filed.state,
      { decision: 'return', comment: '材料不全', actor: manager },
      ctx(t0 + 3 * DAY),
    );
    expect(back.state.urgeCount).toBe(1);
    expect(back.state.reminders[0]).toMatchObject({ level: 1, reason: 'returned' });
    expect(back.state.clockStoppedAt).toBeUndefined();
    expect(back.state.deadline!.receipt.adjustments[0]).toMatchObject({
      kind: 'review_clock_stop',
      from: deadline0,
    });
    expect(full.countWorkingDays(deadline0.slice(0, 10), back.state.deadline!.localDate)).toBe(3);
    expect(kinds(back.effects)).toEqual(['urge', 'bulletin', 'openCase', 'item_event']);
    // Level 2 still counts from the deadline, not from the early urge.
    expect(back.state.schedule!.levels[0]!.dueAt).toBe(back.state.reminders[0]!.at);
    expect(Date.parse(back.state.schedule!.levels[1]!.dueAt)).toBeGreaterThan(
      Date.parse(back.state.deadlineAt!),
    );
  });

  test('an accepted final report completes the item and reports to the case that ordered it', () => {
    const { state, ctx, t0 } = start({ origin: { caseId: 'c1', measureId: 'c1-m1' } });
    const filed = t.submitReport(
      state,
      { kind: 'final', summary: '完成', signedBy: '李局长', actor: staff },
      ctx(t0),
    );
    const done = t.reviewReport(
      filed.state,
      { decision: 'accept', comment: '同意', actor: manager },
      ctx(t0 + 1),
    );
    expect(done.state.status).toBe('completed');
    expect(done.effects.at(-1)).toEqual({
      kind: 'reportToCase',
      caseId: 'c1',
      report: { itemId: state.id, measureId: 'c1-m1', status: 'completed' },
    });
  });

  test('a transition never changes the state it was given', () => {
    const { state, ctx, t0 } = start();
    const before = JSON.stringify(state);
    t.submitReport(state, { kind: 'progress', summary: 'x', actor: staff }, ctx(t0));
    t.pauseItem(state, { reason: 'x', actor: manager }, ctx(t0));
    expect(JSON.stringify(state)).toBe(before);
  });
});

describe('extensions', () => {
  test('approval moves the deadline by the days asked, plus the days the request waited', () => {
    const { state, ctx, t0 } = start();
    const asked = t.requestExtension(
      state,
      { reason: '协调', due: { workingDays: 5 }, actor: staff },
      ctx(t0),
    );
    expect(asked.outcome.extension.id).toBe('e1');
    expect(nextWakeUp(asked.state)).toBeUndefined();
    const ok = t.decideExtension(asked.state, { decision: 'approve', actor: manager }, ctx(t0 + 60_000));
    expect(ok.outcome.deadlineAt).toBe(ok.state.deadlineAt);
    expect(ok.state.extensions[0]!.decision).toMatchObject({
      decision: 'approve',
      newDeadlineAt: ok.state.deadlineAt,
    });
    expect(ok.state.deadline!.receipt.adjustments.map((a) => a.kind)).toContain('extension');
    expect(full.countWorkingDays(state.deadline!.localDate, ok.state.deadline!.localDate)).toBe(5);
    expect(ok.state.schedule!.deadlineAt).toBe(ok.state.deadlineAt);
  });

  test('a rejection gives back no time: the deadline stays where it was (a unit cannot stall by asking)', () => {
    const { state, ctx, t0 } = start();
    const asked = t.requestExtension(
      state,
      { reason: '协调', due: { workingDays: 5 }, actor: staff },
      ctx(t0),
    );
    expect(nextWakeUp(asked.state)).toBeUndefined(); // the clock stands still while the request waits
    const no = t.decideExtension(asked.state, { decision: 'reject', actor: manager }, ctx(t0 + 2 * DAY));
    expect(no.state.deadlineAt).toBe(state.deadlineAt);
    expect(no.state.deadline!.receipt.adjustments).toEqual([]);
    expect(no.state.clockStoppedAt).toBeUndefined();
    expect(no.state.history.at(-1)).toMatchObject({ action: 'deadline_kept' });
  });

  test('a request rejected after the deadline passed: the first urge follows at once', () => {
    const { state, ctx, t0 } = start();
    const asked = t.requestExtension(
      state,
      { reason: '协调', due: { workingDays: 5 }, actor: staff },
      ctx(t0),
    );
    const late = Date.parse(state.deadlineAt!) + DAY;
    const no = t.decideExtension(asked.state, { decision: 'reject', actor: manager }, ctx(late));
    expect(no.state.deadlineAt).toBe(state.deadlineAt);
    const wake = nextWakeUp(no.state)!;
    expect(wake.at).toBeLessThanOrEqual(late);
    const r = runUntil(no.state, late, ctx);
    expect(r.state.urgeCount).toBe(1);
  });
});

describe('pause and overlapping stops', () => {
  test('nothing fires while paused; resume gives back exactly the working days left', () => {
    const { state, ctx, t0 } = start();
    const paused = t.pauseItem(state, { reason: '台风', actor: manager }, ctx(t0 + 1000));
    expect(paused.state.status).toBe('paused');
    expect(nextWakeUp(paused.state)).toBeUndefined();
    expect(currentDetails(paused.state, 'Asia/Shanghai')).not.toContain('下一步');
    const resumeAt = t0 + 14 * DAY;
    const resumed = t.resumeItem(paused.state, { reason: '恢复', actor: manager }, ctx(resumeAt));
    const left = full.countWorkingDays('2026-09-07', state.deadline!.localDate);
    const day = new Date(resumeAt + 8 * 3600_000).toISOString().slice(0, 10);
    expect(full.countWorkingDays(day, resumed.state.deadline!.localDate)).toBe(left);
    expect(resumed.state.status).toBe('open');
    expect(nextWakeUp(resumed.state)!.at).toBeGreaterThan(resumeAt);
  });

  test('a pause inside a review stop counts once: the time is given back when the last stop ends', () => {
    const { state, ctx, t0 } = start();
    let s = t.submitReport(
      state,
      { kind: 'final', summary: 'x', signedBy: '李', actor: staff },
      ctx(t0),
    ).state;
    s = t.pauseItem(s, { reason: '台风', actor: manager }, ctx(t0 + 1 * DAY)).state;
    s = t.reviewReport(s, { decision: 'return', comment: '补', actor: manager }, ctx(t0 + 2 * DAY)).state;
    expect(s.deadlineAt).toBe(state.deadlineAt); // still paused: nothing given back yet
    s = t.resumeItem(s, { reason: '恢复', actor: manager }, ctx(t0 + 3 * DAY)).state;
    expect(s.deadline!.receipt.adjustments).toHaveLength(1);
    expect(full.countWorkingDays(state.deadline!.localDate, s.deadline!.localDate)).toBe(3);
  });
});

describe('stages, completion, cancellation', () => {
  test('completing a stage starts the next with its own deadline and ladder', () => {
    const { state, ctx, t0 } = start({
      stages: [
        { name: '报批', due: { workingDays: 3 } },
        { name: '开工', due: { workingDays: 8 } },
      ],
    });
    const next = t.completeItem(state, { stage: '报批', actor: manager }, ctx(t0 + 1000));
    expect(next.outcome).toEqual({ completedStage: '报批', currentStage: '开工' });
    expect(next.state.deadlineAt).toBe(next.state.stages![1]!.deadlineAt);
    expect(next.state.schedule!.deadlineAt).toBe(next.state.deadlineAt);
    const done = t.completeItem(next.state, { stage: '开工', actor: manager }, ctx(t0 + 2000));
    expect(done.state.status).toBe('completed');
    expect(kinds(done.effects)).toEqual(['item_event']);
    expect(nextWakeUp(done.state)).toBeUndefined();
  });

  test('cancel ends the item and says so; a cancellation request does the same as the system', () => {
    const { state, ctx, t0 } = start();
    const c = t.cancelItem(state, { reason: '任务调整', actor: manager }, ctx(t0));
    expect(c.state).toMatchObject({ status: 'cancelled' });
    expect(c.effects[0]).toMatchObject({
      kind: 'notice',
      notice: { key: `${state.id}:cancelled`, body: '任务调整' },
    });
    const r = t.cancelRequested(state, ctx(t0));
    expect(r.state.history.at(-1)).toMatchObject({ action: 'cancelled', by: 'system' });
  });

  test('a failed delivery is counted and said in the history', () => {
    const { state, ctx, t0 } = start();
    const rec = { key: 'k', kind: 'urge' as const, subject: '催办', at: '', recipients: [] };
    const s = t.noticesDelivered(
      state,
      [{ ...rec, deliveries: [{ channel: 'email', status: 'failed', detail: 'smtp down' }] }],
      ctx(t0),
    ).state;
    expect(s.deliveryFailures).toBe(1);
    expect(s.history.at(-1)).toMatchObject({ action: 'delivery_failed' });
  });

  test('continue-as-new carries bounded tails of history and notices, and the counters', () => {
    const { state, ctx, t0 } = start();
    let s = state;
    for (let i = 0; i < 80; i++)
      s = t.submitReport(s, { kind: 'progress', summary: `${i}`, actor: staff }, ctx(t0)).state;
    const c = compacted(s);
    expect(c.history).toHaveLength(50);
    expect(c.history.at(-1)!.seq).toBe(s.seq);
    expect(c.seq).toBe(81);
    expect(c.reports).toHaveLength(80);
  });
});

describe('refusals', () => {
  const { state, ctx, t0 } = start();
  test('same types and reasons as ever', () => {
    expect(v.checkReview(state)).toEqual({ type: 'InvalidState', message: '没有待审核的办结报告' });
    expect(v.checkExtensionDecision(state)?.type).toBe('InvalidState');
    expect(v.checkResume(state)).toEqual({ type: 'InvalidState', message: '事项未暂停' });
    // a hand-made update without the signature the API's schema requires
    expect(v.checkReport(state, { kind: 'final', summary: 'x' } as never)?.type).toBe('InvalidInput');
    expect(v.checkComplete(state, { stage: '开工' })?.message).toContain('当前节点');
    const late = v.checkExtensionRequest(
      state,
      { reason: 'x', due: { workingDays: 1 } },
      { now: Date.parse(state.deadlineAt!), timeZone: 'Asia/Shanghai' },
    );
    expect(late?.type).toBe('TooLate');
    expect(late?.message).toContain('提前报告原因');
    const filed = t.submitReport(
      state,
      { kind: 'final', summary: 'x', signedBy: '李', actor: staff },
      ctx(t0),
    ).state;
    expect(v.checkReport(filed, { kind: 'final', summary: 'x', signedBy: 'y' })?.message).toContain('待审核');
    expect(v.checkComplete(filed, {})?.message).toContain('待审核');
    const paused = t.pauseItem(state, { reason: 'x', actor: manager }, ctx(t0)).state;
    expect(v.checkPause(paused)?.message).toContain('暂停');
    const cancelled = t.cancelItem(state, { reason: 'x', actor: manager }, ctx(t0)).state;
    expect(v.checkCancel(cancelled)).toEqual({ type: 'InvalidState', message: '事项已撤销，不能再操作' });
  });

  test('a drill ladder with seconds', () => {
    const { state: d } = start({ policy: drillPolicy, due: { duration: 'PT1M' } });
    expect(Date.parse(d.deadlineAt!) - Date.parse(d.assignedAt)).toBe(60_000);
    expect(d.schedule!.levels.map((l) => l.dueAt)).toEqual([
      d.deadlineAt,
      new Date(Date.parse(d.deadlineAt!) + 30_000).toISOString(),
    ]);
  });
});

describe('every urge has its consequence and its reason (S4 §四(五), S2 §五1)', () => {
  const noticesOf = (fx: t.Effect[]) => fx.flatMap((e) => (e.kind === 'notice' ? [e.notice] : []));

  test('urge notices say why: deadline, then interval (S4 §四(五)1–3)', () => {
    const { state, ctx } = start();
    const sched = state.schedule!;
    let r = runUntil(state, Date.parse(sched.deadlineAt), ctx);
    expect(
      noticesOf(r.effects)
        .filter((n) => n.kind === 'urge')
        .map((n) => n.reason),
    ).toEqual(['deadline']);
    r = runUntil(r.state, Date.parse(sched.levels[1]!.dueAt), ctx);
    expect(noticesOf(r.effects).map((n) => n.reason)).toEqual(['interval', 'interval']);
  });

  test('a returned report is an urge whose notices say so (S4 §四(五)1 退回重办)', () => {
    const { state, ctx, t0 } = start();
    const filed = t.submitReport(
      state,
      { kind: 'final', summary: '完成', signedBy: '李局长', actor: staff },
      ctx(t0),
    );
    const back = t.reviewReport(
      filed.state,
      { decision: 'return', comment: '不实', actor: manager },
      ctx(t0 + 1),
    );
    const urge = noticesOf(back.effects).find((n) => n.kind === 'urge');
    expect(urge).toMatchObject({ reason: 'returned', level: 1 });
  });

  test("a level's case cites the catalogue's grounds: codes plus Chinese text, saying which urge and why (S4 §四(四))", () => {
    const openOf = (fx: t.Effect[]) =>
      (fx.find((e) => e.kind === 'openCase') as Extract<t.Effect, { kind: 'openCase' }>).caseInput;
    const { state, ctx } = start();
    const sched = state.schedule!;
    const r1 = runUntil(state, Date.parse(sched.deadlineAt), ctx);
    expect(openOf(r1.effects)).toMatchObject({
      grounds: [
        '办事拖拉、推诿扯皮（第一次催办：逾期未办结）',
        'S4 §四(五)1: 逾期不报、被催办一次或退回重办 → 督查室通报，诫勉谈话或取消当年评优评先资格',
      ],
      groundCodes: ['S4-4'],
    });
    const r3 = runUntil(r1.state, Date.parse(sched.levels[2]!.dueAt), ctx);
    const third = openOf(r3.effects.filter((e) => e.kind !== 'openCase' || e.level === 3));
    expect(third.groundCodes).toEqual(['S4-1', 'S4-4']);
    expect(third.grounds.slice(0, 2)).toEqual([
      '有令不行、有禁不止（第三次催办：催办后仍未落实）',
      '办事拖拉、推诿扯皮（第三次催办：催办后仍未落实）',
    ]);

    // a returned report (退回重办) and a manual urge say so in the grounds
    const { state: s0, ctx: c0, t0 } = start();
    const filed = t.submitReport(
      s0,
      { kind: 'final', summary: '完成', signedBy: '李局长', actor: staff },
      c0(t0),
    );
    const back = t.reviewReport(
      filed.state,
      { decision: 'return', comment: '不实', actor: manager },
      c0(t0 + 1),
    );
    expect(openOf(back.effects).grounds[0]).toBe('办事拖拉、推诿扯皮（第一次催办：办结报告被退回重办）');
    const phoned = t.recordUrge(s0, { channel: 'phone', note: '电话催办', actor: staff }, c0(t0 + 1));
    expect(openOf(phoned.effects).grounds[0]).toBe('办事拖拉、推诿扯皮（第一次催办：电话催办）');
    // and the case is told why, so its opening notice can say so (test/unit/case-core "notices say")
    expect(openOf(back.effects).escalation).toMatchObject({ level: 1, reason: 'returned' });
    expect(openOf(phoned.effects).escalation).toMatchObject({
      reason: 'manual',
      manual: { channel: 'phone', note: '电话催办' },
    });

    // S1 and S3 cite their own catalogues; a policy without one keeps the clause alone
    for (const [name, codes] of [
      ['street-office', ['S1-3']],
      ['enterprise-key-work', ['S3-7']],
      ['efficiency-supervision', undefined],
    ] as const) {
      const other = start({ policy: preset(name) });
      const r = runUntil(other.state, Date.parse(other.state.schedule!.deadlineAt), other.ctx);
      expect([name, openOf(r.effects).groundCodes]).toEqual([name, codes]);
      expect(openOf(r.effects).grounds.at(-1)).toBe(preset(name).reminders[0]!.clause);
    }
  });

  test('a manual urge (电话催办, S2 §五1) is recorded, delivered and reaches the next level with its case', () => {
    const { state, ctx, t0 } = start();
    expect(v.checkUrge(state)).toBeUndefined();
    const r = t.recordUrge(state, { channel: 'phone', note: '电话催办王联络', actor: staff }, ctx(t0 + 1000));
    expect(r.outcome).toMatchObject({ urgeCount: 1, reminder: { level: 1, reason: 'manual' } });
    expect(r.state.reminders[0]!.manual).toEqual({ channel: 'phone', note: '电话催办王联络' });
    const urge = noticesOf(r.effects).find((n) => n.kind === 'urge')!;
    expect(urge).toMatchObject({ reason: 'manual', origin: { kind: 'phone', reference: '电话催办王联络' } });
    expect(kinds(r.effects)).toEqual(['urge', 'bulletin', 'openCase']);
    expect(r.state.history.at(-1)).toMatchObject({ action: 'urged', by: staff.id });
    // the next timer level is the second: the manual urge took the first
    const second = t.recordUrge(
      r.state,
      { channel: 'letter', note: '督办函〔2026〕3号', actor: staff },
      ctx(t0 + 2000),
    );
    expect(second.state.reminders.map((x) => x.level)).toEqual([1, 2]);
  });

  test('a paused or finished item is not urged by hand (409 reasons in Chinese)', () => {
    const { state, ctx, t0 } = start();
    const paused = t.pauseItem(state, { reason: '台风', actor: manager }, ctx(t0)).state;
    expect(v.checkUrge(paused)?.message).toContain('暂停');
    const done = t.completeItem(state, { actor: manager }, ctx(t0)).state;
    expect(v.checkUrge(done)?.type).toBe('InvalidState');
    expect(v.checkInstruction(done)?.message).toContain('办结');
  });

  test("a leader's instruction (批示, S4 §四(五)2) is kept and delivered to the unit with its reason", () => {
    const { state, ctx, t0 } = start();
    const r = t.recordInstruction(state, { text: '请于本周内拿出方案', actor: manager }, ctx(t0 + 1000));
    expect(r.outcome.instruction).toMatchObject({ id: 'i1', text: '请于本周内拿出方案', by: manager.id });
    expect(r.state.instructions).toHaveLength(1);
    const n = noticesOf(r.effects)[0]!;
    expect(n).toMatchObject({ kind: 'item_event', reason: 'instruction', body: '请于本周内拿出方案' });
    expect(n.recipients.map((x) => x.role)).toContain('liaison');
  });

  test('procedure defaults: formal where openCase is true, summary elsewhere; no measures, no case', () => {
    expect(t.procedureOf({ openCase: true })).toBe('formal');
    expect(t.procedureOf({})).toBe('summary');
    expect(t.procedureOf({ procedure: 'summary', openCase: true })).toBe('summary');
    expect(t.levelOpensCase({ measures: [] })).toBe(false);
    expect(t.levelOpensCase({ measures: [], openCase: true })).toBe(true);
    expect(t.levelOpensCase({ measures: [{ code: 'admonition_talk' }] })).toBe(true);
  });
});
