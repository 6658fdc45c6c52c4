// The supervision item's rules on the pure core: each rule of the seeds is a function call on plain
// data, checked in milliseconds (no Temporal server).
import { CASE_LINKED_WITH_URGE } from '../../workflows/shared/patch-ids';
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

  test('case-linked-with-urge: the urge links its case with one case_opened line; the start adds none', () => {
    const { state, ctx: old } = start();
    const asked: string[] = [];
    const ctx = (now: number): Ctx => ({
      ...old(now),
      patched: (id) => (asked.push(id), id === CASE_LINKED_WITH_URGE),
    });
    const sched = state.schedule!;
    const r = runUntil(state, Date.parse(sched.deadlineAt), ctx);
    const caseId = `${state.id}-L1`;
    expect(asked).toContain(CASE_LINKED_WITH_URGE);
    expect(r.state.caseIds).toEqual([caseId]);
    const lines = (s: ItemState) => s.history.filter((l) => l.action === 'case_opened').map((l) => l.detail);
    expect(lines(r.state)).toEqual([`启动问责程序：${caseId}`]);
    const opened = t.caseOpened(r.state, { caseId, started: true }, ctx(Date.parse(sched.deadlineAt) + 50));
    expect(lines(opened.state)).toEqual([`启动问责程序：${caseId}`]);
    expect(opened.state.caseIds).toEqual([caseId]);
    // unpatched (runs before it): linked, and the line written, only once the case started
    const before = runUntil(state, Date.parse(sched.deadlineAt), old);
    expect(before.state.caseIds).toEqual([]);
    expect(lines(t.caseOpened(before.state, { caseId, started: true }, old(0)).state)).toHaveLength(1);
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

describe('签收 and 退回交办', () => {
  const noticesOf = (fx: t.Effect[]) => fx.flatMap((e) => (e.kind === 'notice' ? [e.notice] : []));
  const unit: Actor = { id: 'liaison-housing', role: 'unit', unit: 'u-housing' };
  const otherUnit: Actor = { id: 'liaison-water', role: 'unit', unit: 'u-water' };
  const water = { id: 'u-water', name: '市水务局', liaison: { id: 'p-water', name: '周联络' } };
  const waterPeople = { principal: { id: 'p-water-chief', name: '孙局长' } };
  // Monday 09-07 09:00 + 1 working day: the close of Tuesday 09-08 in Shanghai
  const ACK_DUE = '2026-09-08T15:59:59.999Z';
  const asking = () => start({ acknowledgeWithin: { workingDays: 1 } });

  test('an item asks for 签收 only when its input says so: the others start open as ever', () => {
    const { state } = asking();
    expect(state.status).toBe('awaiting_acknowledgement');
    expect(state.light).toBe('green');
    expect(state.acknowledgement).toMatchObject({ unit: { id: 'u-housing' }, dueAt: ACK_DUE });
    expect(nextWakeUp(state)).toMatchObject({ kind: 'acknowledgement', at: Date.parse(ACK_DUE) });
    expect(currentDetails(state, 'Asia/Shanghai')).toContain('待签收：市住建局，签收期限 2026-09-08 23:59');
    expect(timerSummary(state, nextWakeUp(state)!, 'Asia/Shanghai')).toBe(
      '等待签收 2026-09-08 23:59（市住建局）',
    );
    const plain = start().state;
    expect(plain.status).toBe('open');
    expect(plain.acknowledgement).toBeUndefined();
    expect(v.checkAcknowledge(plain, { actor: unit }, { now: 0, timeZone: 'Asia/Shanghai' })?.message).toBe(
      '本事项未要求签收',
    );
  });

  test('签收 in time opens the item; a second 签收 is refused with the reason', () => {
    const { state, ctx, t0 } = asking();
    const r = t.acknowledgeItem(state, { actor: unit, note: '已安排专人' }, ctx(t0 + 3_600_000));
    expect(r.state.status).toBe('open');
    expect(r.outcome.acknowledgement).toMatchObject({ by: unit.id, note: '已安排专人' });
    expect(r.outcome.acknowledgement.late).toBeUndefined();
    expect(r.state.history.at(-1)).toMatchObject({
      action: 'acknowledged',
      detail: '市住建局签收：已安排专人',
    });
    // no 签收 reminder is left: the next wake-up is the warning
    expect(nextWakeUp(r.state)?.kind).toBe('warning');
    const twice = v.checkAcknowledge(r.state, { actor: staff }, ctx(t0 + 7_200_000));
    expect(twice).toEqual({
      type: 'InvalidState',
      message: '市住建局已于2026-09-07 10:00签收，不能重复签收',
    });
    // a unit not on the item does not 签收 it, nor for another unit
    expect(v.checkAcknowledge(state, { actor: otherUnit }, ctx(t0))).toEqual({
      type: 'InvalidInput',
      message: 'unit: "u-water"不是本事项的牵头单位或协办单位',
    });
    expect(v.checkAcknowledge(state, { actor: unit, unit: 'u-water' }, ctx(t0))?.message).toBe(
      'unit: 单位账号只能代表本单位（u-housing）',
    );
  });

  test('late: reminded once at the due instant (领办逾期), the deadline clock never stops', () => {
    const { state, ctx } = asking();
    const r = runUntil(state, Date.parse(ACK_DUE), ctx);
    expect(r.state.acknowledgement?.remindedAt).toBe(ACK_DUE);
    expect(r.state.history.at(-1)).toMatchObject({ action: 'acknowledgement_overdue' });
    expect(r.state.history.at(-1)?.detail).toContain('领办逾期：市住建局未在2026-09-08 23:59前签收');
    const reminders = noticesOf(r.effects);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({ kind: 'item_event', subject: '签收提醒：推进老旧小区改造（测试）' });
    expect(reminders[0]!.recipients.map((x) => x.role)).toContain('liaison');
    expect(r.state.deadlineAt).toBe(state.deadlineAt);
    // once only: the warning is next, and the ladder follows on time without 签收
    expect(nextWakeUp(r.state)?.kind).toBe('warning');
    const overdue = runUntil(r.state, Date.parse(state.deadlineAt!), ctx);
    expect(overdue.state).toMatchObject({ status: 'overdue', urgeCount: 1 });
    const late = t.acknowledgeItem(
      overdue.state,
      { actor: staff },
      ctx(Date.parse(state.deadlineAt!) + 1000),
    );
    expect(late.outcome.acknowledgement.late).toBe(true);
    expect(late.state.history.at(-1)?.detail).toBe(
      '市住建局（督查室代为签收）签收（领办逾期：签收期限2026-09-08 23:59）',
    );
  });

  test('退回交办 holds the item for the office, which reassigns it: the clock restarts from then', () => {
    const { state, ctx, t0 } = asking();
    const d = t.declineItem(state, { reason: '该事项属水务部门职责', actor: unit }, ctx(t0 + 3_600_000));
    expect(d.state.status).toBe('declined');
    expect(d.outcome.decline).toMatchObject({
      id: 'd1',
      unit: { id: 'u-housing' },
      reason: '该事项属水务部门职责',
    });
    const toOffice = noticesOf(d.effects);
    expect(toOffice).toHaveLength(1);
    expect(toOffice[0]).toMatchObject({
      subject: '退回交办：推进老旧小区改造（测试）',
      office: '市政府督查室',
    });
    expect(toOffice[0]!.recipients).toEqual([
      { id: 'office:市政府督查室', name: '市政府督查室', role: 'office' },
    ]);
    // nothing fires while the office decides, not even long past the old deadline
    expect(nextWakeUp(d.state)).toBeUndefined();
    expect(currentDetails(d.state, 'Asia/Shanghai')).toContain(
      '已退回交办：市住建局（该事项属水务部门职责）',
    );
    // nobody works on a declined item meanwhile, and it is not declined twice
    expect(v.checkReport(d.state, { kind: 'progress', summary: 'x' })?.message).toBe(
      '事项已退回交办，待督查室重新交办或撤销',
    );
    expect(v.checkUrge(d.state)?.message).toContain('退回交办');
    expect(v.checkDecline(d.state, { reason: 'x', actor: unit })?.message).toContain('退回交办');
    expect(v.checkReassign(d.state, { leadUnit: { id: 'u-housing', name: '市住建局' } })).toEqual({
      type: 'InvalidInput',
      message: '不能重新交办给退回交办的原承办单位（市住建局）',
    });
    expect(v.checkReassign(state, { leadUnit: water })?.message).toBe('事项未被退回交办，不能重新交办');

    // reassigned on Thursday 09-10 10:00: 5 working days from then end on Thursday 09-17
    const at = Date.parse('2026-09-10T02:00:00.000Z');
    const r = t.reassignItem(
      d.state,
      { leadUnit: water, responsible: waterPeople, comment: '请水务局牵头', actor: manager },
      ctx(at),
      { workingDays: 5 },
    );
    expect(r.state.leadUnit.id).toBe('u-water');
    expect(r.state.responsible).toEqual(waterPeople);
    expect(r.state.deadlineAt).toBe('2026-09-17T15:59:59.999Z');
    expect(r.outcome.deadlineAt).toBe('2026-09-17T15:59:59.999Z');
    expect(r.state.deadline?.receipt.assignedAt).toBe('2026-09-10T02:00:00.000Z');
    expect(r.state.deadline?.receipt.adjustments).toEqual([
      expect.objectContaining({
        kind: 'reassignment',
        from: state.deadlineAt,
        to: '2026-09-17T15:59:59.999Z',
      }),
    ]);
    expect(r.state.schedule?.deadlineAt).toBe('2026-09-17T15:59:59.999Z');
    // the new unit owes its own 签收, one working day from the reassignment
    expect(r.state.acknowledgement).toMatchObject({
      unit: { id: 'u-water' },
      dueAt: '2026-09-11T15:59:59.999Z',
    });
    expect(r.state.acknowledgement?.remindedAt).toBeUndefined();
    expect(r.state.status).toBe('awaiting_acknowledgement');
    expect(r.state.declines![0]!.reassigned).toMatchObject({ leadUnit: { id: 'u-water' }, by: manager.id });
    expect(r.state.history.at(-1)).toMatchObject({
      action: 'reassigned',
      detail: '重新交办：市住建局 → 市水务局（请水务局牵头）',
    });
    const told = noticesOf(r.effects)[0]!;
    expect(told.subject).toBe('督办事项交办：推进老旧小区改造（测试）');
    expect(told.recipients.map((x) => x.id)).toEqual(['p-water', 'p-water-chief']);
    expect(told.next).toContain('请于2026-09-11 23:59前签收');
    // the old unit is no longer the lead: its account cannot 签收; the new one can
    expect(v.checkAcknowledge(r.state, { actor: unit }, ctx(at))?.message).toContain('不是本事项的牵头单位');
    expect(v.checkAcknowledge(r.state, { actor: otherUnit }, ctx(at))).toBeUndefined();
  });

  test('退回交办 is refused after 签收, after an urge, and on an item that never asked for 签收', () => {
    const { state, ctx, t0 } = asking();
    const acked = t.acknowledgeItem(state, { actor: unit }, ctx(t0)).state;
    expect(v.checkDecline(acked, { reason: 'x', actor: unit })).toEqual({
      type: 'InvalidState',
      message: '已签收，不能再退回交办',
    });
    const urged = t.recordUrge(state, { channel: 'phone', note: '电话催办', actor: staff }, ctx(t0)).state;
    expect(v.checkDecline(urged, { reason: 'x', actor: unit })?.message).toBe('事项已被催办，不能再退回交办');
    expect(v.checkDecline(start().state, { reason: 'x', actor: unit })?.message).toContain('未要求签收');
    expect(v.checkDecline(state, { reason: 'x', actor: otherUnit })?.message).toContain('只有牵头单位');
  });

  test('a declined item may be cancelled instead', () => {
    const { state, ctx, t0 } = asking();
    const d = t.declineItem(state, { reason: '不属本单位职责', actor: unit }, ctx(t0)).state;
    expect(v.checkCancel(d)).toBeUndefined();
    const c = t.cancelItem(d, { reason: '事项不再督办', actor: manager }, ctx(t0 + 1000)).state;
    expect(c.status).toBe('cancelled');
  });

  test('staged: every stage not yet done restarts from the reassignment', () => {
    const { state, ctx, t0 } = start({
      acknowledgeWithin: { workingDays: 1 },
      stages: [
        { name: '报批', due: { workingDays: 3 } },
        { name: '开工', due: { workingDays: 8 } },
      ],
    });
    const d = t.declineItem(state, { reason: '不属本单位职责', actor: unit }, ctx(t0)).state;
    const at = Date.parse('2026-09-10T02:00:00.000Z');
    const r = t.reassignItem(d, { leadUnit: water, actor: staff }, ctx(at), undefined).state;
    // Thu 09-10 + 3 working days: Tue 09-15; + 8: Mon 09-21 (Sunday 09-20 is a 调休 working day)
    expect(r.stages!.map((s) => s.deadlineAt)).toEqual([
      '2026-09-15T15:59:59.999Z',
      '2026-09-21T15:59:59.999Z',
    ]);
    expect(r.deadlineAt).toBe('2026-09-15T15:59:59.999Z');
    // without new people given (a hand-made update), the persons stay as they were
    expect(r.responsible).toEqual(state.responsible);
  });
});

describe('汇报频次: periodic progress reports', () => {
  const noticesOf = (fx: t.Effect[]) => fx.flatMap((e) => (e.kind === 'notice' ? [e.notice] : []));
  const unit: Actor = { id: 'liaison-housing', role: 'unit', unit: 'u-housing' };
  const assisting: Actor = { id: 'liaison-water', role: 'unit', unit: 'u-water' };
  // Monday 09-07 09:00, every 2 working days: the first period ends Wednesday 09-09 23:59
  const P1 = '2026-09-09T15:59:59.999Z';
  const GRACE = '2026-09-10T15:59:59.999Z';
  // 8 working days: the deadline (Wed 09-17) and its warning (Mon 09-14) come after these periods
  const reporting = () => start({ reportEvery: { workingDays: 2 }, due: { workingDays: 8 } });
  const fire = (s: ItemState, ctx: (n: number) => Ctx) => {
    const wake = nextWakeUp(s)!;
    return { wake, ...t.timerFired(s, wake, ctx(wake.at)) };
  };

  test('a report in the period settles it: the next period runs from where this one was due', () => {
    const { state, ctx, t0 } = reporting();
    expect(state.reporting).toMatchObject({ period: 1, dueAt: P1, missed: 0 });
    expect(nextWakeUp(state)).toMatchObject({ kind: 'report', at: Date.parse(P1) });
    const filed = t.submitReport(
      state,
      { kind: 'progress', summary: '已完成摸排', actor: unit },
      ctx(t0 + DAY),
    );
    // an assisting unit's report is its own, not the lead unit's
    const other = t.submitReport(state, { kind: 'progress', summary: 'x', actor: assisting }, ctx(t0 + DAY));
    expect(other.state.reporting?.reportedAt).toBeUndefined();
    const r = fire(filed.state, ctx);
    expect(r.effects).toEqual([]);
    expect(r.state.reporting).toMatchObject({ period: 2, from: P1, dueAt: '2026-09-11T15:59:59.999Z' });
    expect(r.state.reporting?.reportedAt).toBeUndefined();
  });

  test('missed: reminded when due, and still missing a working day later it counts as an urge (逾期不报)', () => {
    const { state, ctx } = reporting();
    let r = fire(state, ctx);
    expect(r.wake.at).toBe(Date.parse(P1));
    const reminder = noticesOf(r.effects);
    expect(reminder).toHaveLength(1);
    expect(reminder[0]).toMatchObject({
      kind: 'item_event',
      reason: 'missed_report',
      subject: '进展情况报送提醒：推进老旧小区改造（测试）',
    });
    expect(reminder[0]!.next).toContain('请于2026-09-10 23:59前补报');
    expect(r.state.reporting).toMatchObject({ remindedAt: P1, graceUntil: GRACE });
    expect(r.state.urgeCount).toBe(0);

    r = fire(r.state, ctx);
    expect(r.wake).toMatchObject({ kind: 'report', at: Date.parse(GRACE) });
    expect(r.state.urgeCount).toBe(1);
    expect(r.state.reminders[0]).toMatchObject({ level: 1, reason: 'missed_report', at: GRACE });
    const urge = noticesOf(r.effects).find((n) => n.kind === 'urge')!;
    expect(urge.reason).toBe('missed_report');
    expect(noticesOf(r.effects).find((n) => n.kind === 'bulletin')?.reason).toBe('missed_report');
    expect(r.effects.some((e) => e.kind === 'openCase')).toBe(true);
    expect(r.state.history.at(-1)?.detail).toContain('逾期未报送进展情况');
    // the next period runs a whole period from the urge, and the ladder counts from the deadline on
    expect(r.state.reporting).toMatchObject({
      period: 2,
      from: GRACE,
      dueAt: '2026-09-14T15:59:59.999Z',
      missed: 1,
    });
    expect(r.state.schedule!.levels[0]!.dueAt).toBe(GRACE);
    expect(r.state.deadlineAt).toBe(state.deadlineAt);
  });

  test('a report in the grace settles the period late, without an urge', () => {
    const { state, ctx } = reporting();
    const reminded = fire(state, ctx).state;
    const late = t.submitReport(
      reminded,
      { kind: 'progress', summary: '补报进展', actor: staff },
      ctx(Date.parse(P1) + 3_600_000),
    ).state;
    expect(late.history.at(-1)).toMatchObject({ action: 'report_filed_late' });
    expect(late.reporting).toMatchObject({ period: 2, missed: 0 });
    expect(late.reporting?.remindedAt).toBeUndefined();
    expect(nextWakeUp(late)).toMatchObject({ kind: 'report', at: Date.parse('2026-09-11T15:59:59.999Z') });
  });

  test('no period is owed past the deadline: the ladder urges from then', () => {
    const { state, ctx } = start({ reportEvery: { workingDays: 10 } });
    expect(nextWakeUp(state)?.kind).toBe('warning');
    const r = runUntil(state, Date.parse(state.deadlineAt!), ctx);
    expect(r.state.reminders.map((x) => x.reason)).toEqual(['deadline']);
  });
});

describe('协办单位: assisting units', () => {
  const noticesOf = (fx: t.Effect[]) => fx.flatMap((e) => (e.kind === 'notice' ? [e.notice] : []));
  const lead: Actor = { id: 'liaison-housing', role: 'unit', unit: 'u-housing' };
  const water: Actor = { id: 'liaison-water', role: 'unit', unit: 'u-water' };
  const waterUnit = {
    id: 'u-water',
    name: '市水务局',
    liaison: { id: 'p-water', name: '周联络', email: 'water@example.test' },
    duty: '负责排水管网改造',
    due: { workingDays: 2 },
  };
  // Monday 09-07 09:00: the water bureau's own time ends Wednesday 09-09 23:59
  const assisted = () => start({ assistingUnits: [waterUnit] });

  test('each receives the item’s notices and has its own time, reminded once if it filed nothing', () => {
    const { state, ctx } = assisted();
    expect(state.assistingUnits[0]).toMatchObject({ id: 'u-water', dueAt: '2026-09-09T15:59:59.999Z' });
    expect(currentDetails(state, 'Asia/Shanghai')).toContain('协办单位：市水务局');
    expect(timerSummary(state, nextWakeUp(state)!, 'Asia/Shanghai')).toBe('等待协办期限 2026-09-09 23:59');
    expect(nextWakeUp(state)).toMatchObject({
      kind: 'assisting',
      at: Date.parse('2026-09-09T15:59:59.999Z'),
    });
    const r = t.timerFired(state, nextWakeUp(state)!, ctx(Date.parse('2026-09-09T15:59:59.999Z')));
    const reminder = noticesOf(r.effects);
    expect(reminder).toHaveLength(1);
    expect(reminder[0]!.subject).toBe('协办提醒：推进老旧小区改造（测试）');
    expect(reminder[0]!.recipients).toEqual([
      expect.objectContaining({ id: 'p-water', role: 'assisting_liaison' }),
    ]);
    expect(r.state.history.at(-1)?.action).toBe('assisting_overdue');
    expect(nextWakeUp(r.state)?.kind).toBe('warning');
    // the ladder's notices reach it too
    const urged = runUntil(r.state, Date.parse(state.deadlineAt!), ctx);
    const urge = noticesOf(urged.effects).find((n) => n.kind === 'urge')!;
    expect(urge.recipients.map((x) => x.id)).toContain('p-water');
  });

  test('it acknowledges and reports for itself; a report by its time means no reminder', () => {
    const { state, ctx, t0 } = assisted();
    const ack = t.acknowledgeItem(state, { actor: water, note: '已明确专人' }, ctx(t0 + 1000));
    expect(ack.state.assistingUnits[0]!.acknowledgedAt).toBeDefined();
    expect(ack.state.history.at(-1)?.detail).toBe('协办单位市水务局签收：已明确专人');
    expect(v.checkAcknowledge(ack.state, { actor: water }, ctx(t0 + 2000))?.message).toContain(
      '协办单位市水务局已于',
    );
    // staff may file for it by naming it; a unit not on the item is refused with the field
    const filed = t.submitReport(
      ack.state,
      { kind: 'progress', summary: '管网摸排完成', unit: 'u-water', actor: staff },
      ctx(t0 + DAY),
    );
    expect(filed.outcome.report.unit).toBe('u-water');
    expect(v.checkReport(state, { kind: 'progress', summary: 'x', unit: 'u-nowhere' })?.message).toBe(
      'unit: "u-nowhere"不是本事项的牵头单位或协办单位',
    );
    expect(
      v.checkReport(state, { kind: 'progress', summary: 'x', unit: 'u-housing', actor: water })?.type,
    ).toBe('InvalidInput');
    const r = t.timerFired(
      filed.state,
      nextWakeUp(filed.state)!,
      ctx(Date.parse('2026-09-09T15:59:59.999Z')),
    );
    expect(r.effects).toEqual([]);
  });

  test('the final report is the lead unit’s and lists what each assisting unit contributed', () => {
    const { state, ctx, t0 } = assisted();
    const one = t.submitReport(
      state,
      { kind: 'progress', summary: '管网摸排完成', actor: water },
      ctx(t0 + 1000),
    );
    const two = t.submitReport(
      one.state,
      { kind: 'progress', summary: '改造完成80%', actor: water },
      ctx(t0 + 2000),
    );
    expect(
      v.checkReport(two.state, { kind: 'final', summary: 'x', signedBy: '孙局长', actor: water })?.message,
    ).toBe('办结报告由牵头单位（市住建局）报送，协办单位报送进展情况');
    const final = t.submitReport(
      two.state,
      { kind: 'final', summary: '已全部完成', signedBy: '李局长', actor: lead },
      ctx(t0 + 3000),
    );
    expect(final.outcome.report.contributions).toEqual([
      {
        unit: { id: 'u-water', name: '市水务局' },
        duty: '负责排水管网改造',
        reports: 2,
        lastReportAt: new Date(t0 + 2000).toISOString(),
        summaries: ['管网摸排完成', '改造完成80%'],
      },
    ]);
  });
});

describe('patched rules (new runs): 交办通知 and 汇报频次 across a stopped clock', () => {
  const yes = (c: Ctx): Ctx => ({ ...c, patched: () => true });
  const noticesOf = (fx: t.Effect[]) => fx.flatMap((e) => (e.kind === 'notice' ? [e.notice] : []));
  const unit: Actor = { id: 'liaison-housing', role: 'unit', unit: 'u-housing' };

  test('an old run (no patch) sends no 交办通知; a new one sends one, to the lead unit’s people and each assisting liaison', () => {
    const water = { id: 'u-water', name: '市水务局', duty: '负责排水管网改造', due: { workingDays: 2 } };
    const { state, ctx, t0 } = start({
      assistingUnits: [{ ...water, liaison: { id: 'p-water', name: '周联络' } }],
    });
    const old = t.itemAssigned(state, ctx(t0));
    expect(old.effects).toEqual([]);
    expect(old.state).toBe(state);
    const asked: string[] = [];
    const step = t.itemAssigned(state, { ...ctx(t0), patched: (id) => (asked.push(id), true) });
    expect(asked).toEqual(['assignment-notice']);
    const [n, ...rest] = noticesOf(step.effects);
    expect(rest).toEqual([]);
    expect(n).toMatchObject({ key: `${state.id}:assigned`, kind: 'assignment' });
    expect(n!.recipients.map((r) => r.role)).toEqual([
      'liaison',
      'principal',
      'in_charge',
      'direct',
      'assisting_liaison',
    ]);
    expect(n!.body).toContain(
      '市水务局（协办事项：负责排水管网改造，请于2026-09-09 23:59前完成并报送协办情况）',
    );
  });

  test('outside office hours the 交办通知 is held until the opening, like an urge', () => {
    const { state, ctx } = start();
    const evening = Date.parse('2026-09-07T12:00:00.000Z'); // 20:00 Shanghai, Monday
    const c = { ...yes(ctx(evening)), officeHours: { open: '09:00', close: '18:00' } };
    const step = t.itemAssigned(state, c);
    expect(step.effects).toEqual([]);
    expect(step.state.heldNotices?.map((n) => [n.kind, n.deliverAt])).toEqual([
      ['assignment', '2026-09-08T01:00:00.000Z'],
    ]);
  });

  test('a pause (working-day cadence): nothing falls due; the period keeps the working days it had left', () => {
    const { state, ctx } = start({ reportEvery: { workingDays: 2 }, due: { workingDays: 8 } });
    const P1 = '2026-09-09T15:59:59.999Z'; // Wed 09-09 23:59
    expect(state.reporting?.dueAt).toBe(P1);
    const pausedAt = Date.parse('2026-09-08T02:00:00.000Z'); // Tue 10:00
    const resumedAt = Date.parse('2026-09-14T02:00:00.000Z'); // next Mon 10:00
    const paused = t.pauseItem(state, { reason: '台风', actor: manager }, ctx(pausedAt)).state;
    expect(nextWakeUp(paused)).toBeUndefined();
    // an old run: the period that fell due while paused is owed at once on resume
    const before = t.resumeItem(paused, { reason: '恢复', actor: manager }, ctx(resumedAt)).state;
    expect(nextWakeUp(before)).toMatchObject({ kind: 'report', at: Date.parse(P1) });
    // a new run: 09-09, 10, 11 and 14 were lost, so the period ends four working days later (Tue 09-15)
    const after = t.resumeItem(paused, { reason: '恢复', actor: manager }, yes(ctx(resumedAt))).state;
    expect(after.reporting).toMatchObject({ period: 1, dueAt: '2026-09-15T15:59:59.999Z' });
    expect(nextWakeUp(after)).toMatchObject({ kind: 'report', at: Date.parse('2026-09-15T15:59:59.999Z') });
    // the deadline moved by the same four working days (Sunday 09-20 is a make-up working day)
    expect(after.deadlineAt).toBe('2026-09-22T15:59:59.999Z');
    // a report before the moved end settles the period
    const filed = t.submitReport(
      after,
      { kind: 'progress', summary: '复工', signedBy: '李局长', actor: unit },
      yes(ctx(resumedAt + 3_600_000)),
    ).state;
    expect(filed.reporting?.reportedAt).toBeDefined();
  });

  test('a reminder’s grace interrupted by a pause keeps its time too', () => {
    const { state, ctx } = start({ reportEvery: { workingDays: 2 }, due: { workingDays: 8 } });
    const due = Date.parse('2026-09-09T15:59:59.999Z');
    const reminded = t.timerFired(state, nextWakeUp(state)!, ctx(due)).state;
    expect(reminded.reporting?.graceUntil).toBe('2026-09-10T15:59:59.999Z');
    const paused = t.pauseItem(reminded, { reason: '台风', actor: manager }, ctx(due + 3_600_000)).state;
    // paused just after midnight on 09-10, resumed Monday: 09-11 and 09-14 were lost, as for a deadline
    const resumedAt = Date.parse('2026-09-14T02:00:00.000Z');
    const after = t.resumeItem(paused, { reason: '恢复', actor: manager }, yes(ctx(resumedAt))).state;
    expect(after.reporting).toMatchObject({ remindedAt: reminded.reporting!.remindedAt, missed: 0 });
    expect(after.reporting?.graceUntil).toBe('2026-09-14T15:59:59.999Z');
    expect(nextWakeUp(after)).toMatchObject({ kind: 'report', label: '逾期不报' });
  });
});
