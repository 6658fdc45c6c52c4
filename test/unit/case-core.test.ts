// The accountability case's pure core, one rule per test: no Temporal, no server, milliseconds each.
import { buildCalendarData } from '../../domain/calendar/official';
import { sliceCalendarData } from '../../domain/calendar/working-calendar';
import { POLICY_PRESETS } from '../../domain/policies';
import { nextWakeUp, timersDue } from '../../workflows/case/next-wake-up';
import { caseRecordBatch, mergeCaseBatches } from '../../workflows/case/record';
import { compact, contextOf, stateAtStart, type CaseContext, type Step } from '../../workflows/case/state';
import * as core from '../../workflows/case/transitions';
import { currentDetails, timerSummary } from '../../workflows/case/details';
import * as check from '../../workflows/case/validate';
import type { Actor, CaseInput, CaseState } from '../../workflows/types';
import { renderNotice } from '../../activities/notifications/templates';

const manager: Actor = { id: 'director-zhou', role: 'manager' };
const staff: Actor = { id: 'staff-li', role: 'staff' };
const HOUR = 3600_000;
// Monday 2026-09-28 10:00 in Shanghai: National Day (10-01…10-08) and the 10-10 make-up day ahead
const MONDAY = Date.parse('2026-09-28T02:00:00Z');
const calendar = sliceCalendarData(buildCalendarData(), '2026-08-01', '2028-12-31');

function input(over: Partial<CaseInput> = {}): CaseInput {
  return {
    caseId: 'k1',
    subjects: [
      { kind: 'unit', id: 'u1', name: '城管科' },
      { kind: 'person', id: 'p1', name: '王五', unitId: 'u1', role: 'direct', email: 'w@example.cn' },
    ],
    grounds: ['效率低下'],
    source: { kind: 'inspection', reference: '抽查' },
    policy: structuredClone(POLICY_PRESETS['street-office']!),
    timeZone: 'Asia/Shanghai',
    openedBy: manager,
    openedAt: new Date(MONDAY).toISOString(),
    calendar,
    ...over,
  };
}
const at = (setup: CaseInput, ms: number): CaseContext => contextOf(setup, ms);
const noticeKinds = (step: Step<unknown>) =>
  step.effects.flatMap((e) => (e.kind === 'notice' ? [e.notice.kind] : []));

/** opened, investigated and decided (impose) on the given measures */
function decided(setup: CaseInput, measures = [{ subjectId: 'p1', code: 'admonition_talk' as const }]) {
  let state = core.opened(setup, at(setup, MONDAY)).state;
  state = core.investigationSubmitted(
    state,
    { actor: staff, findings: '属实' },
    at(setup, MONDAY + HOUR),
  ).state;
  return core.caseDecided(
    state,
    { actor: manager, decision: 'impose', measures },
    at(setup, MONDAY + 2 * HOUR),
  );
}

describe('the case core (问责程序)', () => {
  it('starts in the investigation stage, due in 10 working days on the official calendar', () => {
    const s = stateAtStart(input(), MONDAY);
    expect(s).toMatchObject({ stage: 'investigation', revision: 1, measures: [], appeals: [] });
    // 10 working days from Monday 09-28: 09-29, 09-30, 10-08, 10-09, 10-10 (make-up), 10-12 … 10-16
    expect(s.stepDueAt).toBe('2026-10-16T15:59:59.999Z');
    expect(s.history).toEqual([expect.objectContaining({ seq: 1, action: 'opened' })]);
    expect(s.history[0]!.detail).toContain('明察暗访');
  });

  it('opening notifies the subjects with an e-mail and the office, and links the item', () => {
    const step = core.opened(input({ itemId: 'item-1' }), at(input(), MONDAY));
    const notice = step.effects.find((e) => e.kind === 'notice');
    expect(notice).toMatchObject({ notice: { key: 'case-k1-opened', kind: 'case_opened' } });
    if (notice?.kind !== 'notice') throw new Error('no notice');
    expect(notice.notice.recipients.map((r) => r.id)).toEqual(['p1', 'office']);
    expect(step.effects).toContainEqual({ kind: 'linkItem', itemId: 'item-1' });
  });

  it('without a calendar slice the case counts weekends only, and says so', () => {
    const setup = input({ calendar: undefined });
    const s = stateAtStart(setup, MONDAY);
    expect(s.stepDueAt).toBe('2026-10-12T15:59:59.999Z');
    expect(currentDetails(s, at(setup, MONDAY))).toContain('仅按周末计算');
  });

  it('a drill step may be an Interval (PT2S)', () => {
    const setup = input({ stepDue: { investigation: { duration: 'PT2S' } } });
    expect(stateAtStart(setup, MONDAY).stepDueAt).toBe(new Date(MONDAY + 2000).toISOString());
  });

  it('the investigation moves the case to the decision, due 5 working days later, and keeps all evidence', () => {
    const setup = input({ evidence: ['录音'] });
    const s0 = stateAtStart(setup, MONDAY);
    const step = core.investigationSubmitted(
      s0,
      { actor: staff, findings: '属实', evidence: ['照片'] },
      at(setup, MONDAY),
    );
    expect(step.outcome).toMatchObject({ stage: 'decision', investigation: { evidence: ['录音', '照片'] } });
    // 09-29, 09-30, (国庆 10-01…10-07), 10-08, 10-09, 10-10 (a Saturday worked: 调休)
    expect(step.state.stepDueAt).toBe('2026-10-10T15:59:59.999Z');
    expect(step.state.revision).toBe(2);
    expect(s0.stage).toBe('investigation'); // never changes what it was given
  });

  it('an imposition executes at once, opens the appeal window and notifies the decision', () => {
    const step = decided(input());
    expect(step.outcome.stage).toBe('appeal_window');
    expect(step.outcome.measures).toEqual([
      expect.objectContaining({ measureId: 'k1-m1', status: 'executed', decidedBy: manager.id }),
    ]);
    expect(step.state.appealDeadlineAt).toBe(step.state.stepDueAt);
    expect(noticeKinds(step)).toEqual(['case_decision']);
  });

  it('a dismissal closes the case', () => {
    const setup = input();
    let s = core.opened(setup, at(setup, MONDAY)).state;
    s = core.investigationSubmitted(s, { actor: staff, findings: '轻微' }, at(setup, MONDAY)).state;
    const step = core.caseDecided(
      s,
      { actor: manager, decision: 'dismiss', measures: [] },
      at(setup, MONDAY),
    );
    expect(step.state).toMatchObject({ stage: 'closed', closedAt: expect.any(String) });
    expect(step.state.stepDueAt).toBeUndefined();
    expect(step.state.history.map((h) => h.action)).toEqual([
      'opened',
      'investigation_submitted',
      'decided_dismiss',
      'closed',
    ]);
  });

  it('history lines are numbered on across compaction', () => {
    const s = compact(decided(input()).state, 2);
    expect(s.history.map((h) => h.seq)).toEqual([3, 4]);
    const next = core.appealFiled(
      s,
      { actor: staff, subjectId: 'p1', reason: '过重' },
      at(input(), MONDAY + 3 * HOUR),
    );
    expect(next.state.history.at(-1)?.seq).toBe(5);
  });

  it('the S3 cascade reaches the unit, each priced from its own catalogue (S3 §三 单位和责任人的处罚金额)', () => {
    const setup = input({
      policy: structuredClone(POLICY_PRESETS['enterprise-key-work']!),
      subjects: [
        { kind: 'unit', id: 'u1', name: '生产部' },
        { kind: 'person', id: 'c1', name: '专员', unitId: 'u1', role: 'direct' },
      ],
    });
    const step = decided(setup, [{ subjectId: 'c1', code: 'written_explanation' as never }]);
    expect(step.state.measures.map((m) => [m.subjectId, m.code, m.amount, m.cascadedFrom])).toEqual([
      ['c1', 'written_explanation', 200, undefined],
      ['u1', 'written_explanation', 200, 'k1-m1'],
    ]);
  });

  it('责令限期整改 names its rectification item and asks the shell to start it on the case calendar', () => {
    const setup = input();
    const step = decided(setup, [{ subjectId: 'u1', code: 'rectify_within_deadline' as never }]);
    expect(step.state.measures[0]?.rectificationItemId).toBe('k1-rectify-1');
    const start = step.effects.find((e) => e.kind === 'startRectification');
    expect(start).toEqual({
      kind: 'startRectification',
      measureId: 'k1-m1',
      itemId: 'k1-rectify-1',
      by: manager.id,
    });
    const item = core.rectificationInput(step.state, start as never, at(setup, MONDAY));
    expect(item).toMatchObject({
      itemId: 'k1-rectify-1',
      source: { kind: 'case_rectification', reference: 'k1' },
      origin: { caseId: 'k1', measureId: 'k1-m1' },
      leadUnit: { id: 'u1' },
      due: { workingDays: 15 },
      calendar,
    });
  });

  it('an appeal does not stop execution; its review is due 10 working days after it', () => {
    const setup = input();
    const step = core.appealFiled(
      decided(setup).state,
      { actor: staff, subjectId: 'p1', reason: '过重' },
      at(setup, MONDAY + 3 * HOUR),
    );
    expect(step.outcome.stage).toBe('review');
    expect(step.state.measures.every((m) => m.status === 'executed')).toBe(true);
    expect(step.outcome.appeal.reviewDueAt).toBe('2026-10-16T15:59:59.999Z');
    expect(step.state.stepDueAt).toBe(step.outcome.appeal.reviewDueAt);
  });

  it('a revoke review revokes the named measure and what cascaded from it; a 整改 item is cancelled', () => {
    const setup = input();
    let s = decided(setup, [
      { subjectId: 'u1', code: 'rectify_within_deadline' as never },
      { subjectId: 'u1', code: 'written_self_criticism' as never },
    ]).state;
    s = core.appealFiled(
      s,
      { actor: staff, subjectId: 'u1', reason: '已整改' },
      at(setup, MONDAY + 3 * HOUR),
    ).state;
    const step = core.appealReviewed(
      s,
      {
        actor: manager,
        decision: 'revoke',
        measures: [{ subjectId: 'u1', code: 'rectify_within_deadline' }],
      },
      at(setup, MONDAY + 4 * HOUR),
    );
    expect(step.state.measures.map((m) => [m.code, m.status, m.revocation])).toEqual([
      ['rectify_within_deadline', 'revoked', 'revoked'],
      ['written_self_criticism', 'executed', undefined],
    ]);
    expect(step.effects).toContainEqual({
      kind: 'cancelRectification',
      measureId: 'k1-m1',
      itemId: 'k1-rectify-1',
    });
    expect(step.state.stage).toBe('appeal_window');
    expect(step.state.stepDueAt).toBe(step.state.appealDeadlineAt);
    expect(noticeKinds(step)).toEqual(['appeal_result']);
  });

  it('an amend review marks the old measures amended and executes the new ones under new ids', () => {
    const setup = input();
    let s = decided(setup, [{ subjectId: 'p1', code: 'public_criticism' as never }]).state;
    s = core.appealFiled(
      s,
      { actor: staff, subjectId: 'p1', reason: '过重' },
      at(setup, MONDAY + 3 * HOUR),
    ).state;
    const step = core.appealReviewed(
      s,
      { actor: manager, decision: 'amend', measures: [{ subjectId: 'p1', code: 'admonition_talk' }] },
      at(setup, MONDAY + 4 * HOUR),
    );
    expect(step.outcome.measures.map((m) => [m.measureId, m.status, m.revocation])).toEqual([
      ['k1-m1', 'revoked', 'amended'],
      ['k1-m2', 'executed', undefined],
    ]);
  });

  it('the first report of a rectification item wins', () => {
    const setup = input();
    const s = decided(setup, [{ subjectId: 'u1', code: 'rectify_within_deadline' as never }]).state;
    const done = core.rectificationFinished(
      s,
      { measureId: 'k1-m1', itemId: 'k1-rectify-1', status: 'completed' },
      at(setup, MONDAY),
    );
    const late = core.rectificationFinished(
      done.state,
      { measureId: 'k1-m1', itemId: 'k1-rectify-1', status: 'failed' },
      at(setup, MONDAY),
    );
    expect(late.state.measures[0]?.rectificationStatus).toBe('completed');
    expect(late.state).toBe(done.state);
  });

  it('an overdue step is reminded at its due date, then once per working day (holidays skipped)', () => {
    const setup = input({ stepDue: { investigation: 2 } });
    let s = stateAtStart(setup, MONDAY);
    const due = s.stepDueAt!; // Wednesday 09-30 23:59:59.999
    expect(nextWakeUp(s, at(setup, MONDAY))).toBe(Date.parse(due));
    expect(timersDue(s, at(setup, Date.parse(due) - 1)).effects).toEqual([]);
    const first = timersDue(s, at(setup, Date.parse(due)));
    s = first.state;
    expect(s.remindersSent).toEqual([{ step: 'investigation', at: due, dueAt: due }]);
    expect(noticeKinds(first)).toEqual(['case_step_overdue']);
    // the next working day after 09-30 is 10-08 (the National Day holiday in between)
    expect(new Date(nextWakeUp(s, at(setup, 0))!).toISOString()).toBe('2026-10-08T15:59:59.999Z');
    expect(timerSummary(s, at(setup, 0))).toBe('调查报告已逾期，等待（下次提醒 2026-10-08 23:59）');
  });

  it('a late wake-up catches up one reminder per overdue working day, numbered on', () => {
    const setup = input({ stepDue: { investigation: 2 } });
    const s = stateAtStart(setup, MONDAY);
    const step = timersDue(s, at(setup, Date.parse('2026-10-10T16:30:00Z')));
    // 09-30, then 10-08, 10-09 and 10-10 (调休): four by 10-11 00:30
    expect(step.state.remindersSent).toHaveLength(4);
    expect(step.effects.map((e) => (e.kind === 'notice' ? e.notice.key : e.kind))).toEqual([
      'case-k1-overdue-investigation-1',
      'case-k1-overdue-investigation-2',
      'case-k1-overdue-investigation-3',
      'case-k1-overdue-investigation-4',
    ]);
  });

  it('the appeal window ends the case just after its last instant, with no appeal waiting', () => {
    const setup = input();
    const s = decided(setup).state;
    const end = Date.parse(s.appealDeadlineAt!);
    expect(nextWakeUp(s, at(setup, MONDAY))).toBe(end + 1);
    expect(timersDue(s, at(setup, end)).state.stage).toBe('appeal_window');
    const closed = timersDue(s, at(setup, end + 1)).state;
    expect(closed).toMatchObject({ stage: 'closed' });
    expect(closed.history.at(-1)?.detail).toBe('申诉期届满，未提出申诉');
    expect(nextWakeUp(closed, at(setup, end + 1))).toBeUndefined();
  });

  it('while an appeal waits, the window does not close the case; its review is reminded instead', () => {
    const setup = input();
    let s = decided(setup).state;
    s = core.appealFiled(
      s,
      { actor: staff, subjectId: 'p1', reason: '过重' },
      at(setup, MONDAY + 3 * HOUR),
    ).state;
    expect(nextWakeUp(s, at(setup, MONDAY))).toBe(Date.parse(s.appeals[0]!.reviewDueAt!));
    const later = timersDue(s, at(setup, Date.parse(s.appeals[0]!.reviewDueAt!))).state;
    expect(later.stage).toBe('review');
    expect(later.remindersSent.map((r) => r.step)).toEqual(['review']);
  });
});

describe('the case refusals (validate)', () => {
  const setup = input();
  const ctx = at(setup, MONDAY);
  const opened = (): CaseState => stateAtStart(setup, MONDAY);

  it('a decision before the investigation is InvalidState', () => {
    expect(check.validateDecision(opened(), { decision: 'dismiss', measures: [] }, ctx)).toMatchObject({
      type: 'InvalidState',
    });
  });

  it('a measure outside the catalogue, an unknown subject, a fine without amount, a duplicate: InvalidInput', () => {
    const s = core.investigationSubmitted(opened(), { actor: staff, findings: 'x' }, ctx).state;
    const refusal = (measures: never[]) => check.validateDecision(s, { decision: 'impose', measures }, ctx);
    expect(refusal([{ subjectId: 'p1', code: 'removal' }] as never[])?.message).toContain('不在政策');
    expect(refusal([{ subjectId: 'nobody', code: 'admonition_talk' }] as never[])?.type).toBe('InvalidInput');
    expect(refusal([{ subjectId: 'u1', code: 'admonition_talk' }] as never[])?.message).toContain('单位');
    expect(refusal([] as never[])?.message).toContain('至少');
    const twice = [
      { subjectId: 'p1', code: 'admonition_talk' },
      { subjectId: 'p1', code: 'admonition_talk' },
    ];
    expect(refusal(twice as never[])?.message).toContain('重复');
  });

  it('an appeal after the window is TooLate; a second appeal of one subject is InvalidState', () => {
    const s = decided(setup).state;
    const after = at(setup, Date.parse(s.appealDeadlineAt!) + 1);
    expect(check.validateAppeal(s, { subjectId: 'p1', reason: 'x' }, after)?.type).toBe('TooLate');
    const again = core.appealFiled(s, { actor: staff, subjectId: 'p1', reason: 'x' }, ctx).state;
    expect(check.validateAppeal(again, { subjectId: 'p1', reason: 'y' }, ctx)?.type).toBe('InvalidState');
  });

  it('a review must name the appeal when several wait, and only the appellant’s live measures', () => {
    let s = decided(setup, [{ subjectId: 'u1', code: 'written_self_criticism' as never }]).state;
    s = core.appealFiled(s, { actor: staff, subjectId: 'p1', reason: 'x' }, ctx).state;
    s = core.appealFiled(s, { actor: staff, subjectId: 'u1', reason: 'x' }, ctx).state;
    expect(check.validateReview(s, { decision: 'uphold' }, ctx)?.message).toContain('须写明申诉人');
    const other = {
      decision: 'revoke' as const,
      subjectId: 'u1',
      measures: [{ subjectId: 'p1', code: 'admonition_talk' as const }],
    };
    expect(check.validateReview(s, other, ctx)?.message).toContain('复查只处理申诉人');
    const none = {
      decision: 'revoke' as const,
      subjectId: 'u1',
      measures: [{ subjectId: 'u1', code: 'public_criticism' as const }],
    };
    expect(check.validateReview(s, none, ctx)?.message).toContain('没有对 u1 执行中的措施');
  });
});

describe('the case record batch (ledger rows)', () => {
  it('the first batch creates the case; a decision adds one executed row per measure', () => {
    const setup = input();
    const s0 = stateAtStart(setup, MONDAY);
    expect(caseRecordBatch(undefined, s0, setup)).toMatchObject({
      caseId: 'k1',
      revision: 1,
      created: { id: 'k1' },
    });
    const s1 = decided(setup).state;
    const batch = caseRecordBatch(s0, s1, setup)!;
    expect(batch.ledger).toEqual([
      expect.objectContaining({
        measureId: 'k1-m1',
        status: 'executed',
        subjectId: 'p1',
        unitId: 'u1',
        date: expect.stringMatching(/^2026-/),
      }),
    ]);
    expect(batch.summary).toMatchObject({ stage: 'appeal_window', decidedAt: expect.any(String) });
    expect(caseRecordBatch(s1, s1, setup)).toBeUndefined();
  });

  it('a rectification report does not repeat the measure’s row; a revoke writes one revoked row', () => {
    const setup = input();
    const s1 = decided(setup, [{ subjectId: 'u1', code: 'rectify_within_deadline' as never }]).state;
    const s2 = core.rectificationFinished(
      s1,
      { measureId: 'k1-m1', itemId: 'k1-rectify-1', status: 'completed' },
      at(setup, MONDAY),
    ).state;
    expect(caseRecordBatch(s1, s2, setup)?.ledger).toBeUndefined();
    let s3 = core.appealFiled(s2, { actor: staff, subjectId: 'u1', reason: 'x' }, at(setup, MONDAY)).state;
    s3 = core.appealReviewed(s3, { actor: manager, decision: 'revoke' }, at(setup, MONDAY)).state;
    expect(caseRecordBatch(s2, s3, setup)?.ledger?.map((r) => [r.measureId, r.status])).toEqual([
      ['k1-m1', 'revoked'],
    ]);
  });

  it('merged batches keep every row in order and the latest summary', () => {
    const setup = input();
    const s0 = stateAtStart(setup, MONDAY);
    const s1 = decided(setup).state;
    const merged = mergeCaseBatches([
      caseRecordBatch(undefined, s0, setup)!,
      caseRecordBatch(s0, s1, setup)!,
    ]);
    expect(merged).toMatchObject({ revision: s1.revision, summary: { stage: 'appeal_window' } });
    expect(merged.ledger?.map((r) => r.measureId)).toEqual(['k1-m1']);
  });
});

describe('each urge its accountability (S4 §四(五)1–4), decided as the rule books say', () => {
  const s4 = () => structuredClone(POLICY_PRESETS['three-urges']!);
  const escalated = (level: number, procedure: 'summary' | 'formal', over: Partial<CaseInput> = {}) =>
    input({
      policy: s4(),
      itemId: 'item-1',
      escalation: { level, proposed: s4().reminders[level - 1]!.measures, itemTitle: '老旧小区改造' },
      procedure,
      subjects: [
        { kind: 'unit', id: 'u1', name: '城管科' },
        { kind: 'person', id: 'p1', name: '王五', unitId: 'u1', role: 'principal', email: 'w@example.cn' },
      ],
      ...over,
    });

  it('a summary case (简易程序) starts at the decision, due in 5 working days, and is reminded like any step', () => {
    const setup = escalated(1, 'summary');
    const step = core.opened(setup, at(setup, MONDAY));
    expect(step.state).toMatchObject({ stage: 'decision', procedure: 'summary' });
    expect(step.state.history[0]!.detail).toContain('简易程序');
    const due = Date.parse(step.state.stepDueAt!);
    expect(nextWakeUp(step.state, at(setup, MONDAY))).toBe(due);
    const late = timersDue(step.state, at(setup, due + 1));
    expect(noticeKinds(late)).toEqual(['case_step_overdue']);
    // no investigation in a summary case
    expect(check.validateInvestigation(step.state)?.type).toBe('InvalidState');
  });

  it('a formal case (level 3) starts with the investigation', () => {
    const setup = escalated(3, 'formal');
    expect(core.opened(setup, at(setup, MONDAY)).state).toMatchObject({
      stage: 'investigation',
      procedure: 'formal',
    });
  });

  it('a level may be waived with a reason: a dismiss decision closes the case', () => {
    const setup = escalated(2, 'summary');
    const s = core.opened(setup, at(setup, MONDAY)).state;
    const d = core.caseDecided(
      s,
      { actor: manager, decision: 'dismiss', measures: [], comment: '已说明原因，免予问责' },
      at(setup, MONDAY + HOUR),
    );
    expect(d.state).toMatchObject({ stage: 'closed', decision: { decision: 'dismiss' }, measures: [] });
  });

  it('a unit is never given 诫勉谈话 or 免职: refused with the reason in Chinese', () => {
    const setup = escalated(1, 'summary');
    const s = core.opened(setup, at(setup, MONDAY)).state;
    const r = check.validateDecision(
      s,
      { decision: 'impose', measures: [{ subjectId: 'u1', code: 'admonition_talk' }] },
      at(setup, MONDAY),
    );
    expect(r).toEqual({ type: 'InvalidInput', message: expect.stringContaining('诫勉谈话只适用于个人') });
    const wide = input({ wholeCatalogue: true });
    const st = stateAtStart(wide, MONDAY);
    const removal = check.validateMeasures(st, [{ subjectId: 'u1', code: 'removal' }], wide);
    expect(removal?.message).toContain('免职只适用于个人');
  });

  it('a case opened by hand without a policy may use the whole catalogue that fits its subject', () => {
    const setup = input({ wholeCatalogue: true });
    const st = stateAtStart(setup, MONDAY);
    expect(
      check.validateMeasures(
        st,
        [
          { subjectId: 'p1', code: 'organizational_criticism' },
          { subjectId: 'p1', code: 'demotion' },
          { subjectId: 'u1', code: 'rectify_within_deadline' },
        ],
        setup,
      ),
    ).toBeUndefined();
    // with a policy, only its catalogue: street-office has no 组织批评
    expect(
      check.validateMeasures(st, [{ subjectId: 'p1', code: 'organizational_criticism' }], input()),
    ).toMatchObject({ type: 'InvalidInput' });
  });

  it('the review is decided by a manager other than the one who decided (S4 §四(六)6), else refused', () => {
    const setup = input();
    let s = decided(setup).state;
    s = core.appealFiled(
      s,
      { actor: staff, subjectId: 'p1', reason: '不服' },
      at(setup, MONDAY + 3 * HOUR),
    ).state;
    const same = check.validateReview(
      s,
      { decision: 'uphold', actor: manager },
      at(setup, MONDAY + 4 * HOUR),
    );
    expect(same).toMatchObject({ type: 'InvalidState', message: expect.stringContaining('以外的领导') });
    const other: Actor = { id: 'deputy-wu', role: 'manager' };
    expect(check.validateReview(s, { decision: 'uphold', actor: other }, at(setup, MONDAY))).toBeUndefined();
  });

  it('the appeal window and step due dates are settings of the case, or of its policy', () => {
    const own = input({ stepDue: { investigation: 3, appealWindow: 10 } });
    // 3 working days from Monday 09-28: 09-29, 09-30, then National Day, 10-08
    expect(stateAtStart(own, MONDAY).stepDueAt).toBe('2026-10-08T15:59:59.999Z');
    const policy = structuredClone(POLICY_PRESETS['street-office']!);
    policy.caseSteps = { investigation: 1 };
    expect(stateAtStart(input({ policy }), MONDAY).stepDueAt).toBe('2026-09-29T15:59:59.999Z');
    const s = decided(own).state;
    const standard = decided(input()).state;
    expect(Date.parse(s.appealDeadlineAt!)).toBeGreaterThan(Date.parse(standard.appealDeadlineAt!));
  });
});

describe('the S3 cascade is proposed, the decider chooses (S3 §三 可视情节轻重)', () => {
  const setup = input({
    policy: structuredClone(POLICY_PRESETS['enterprise-key-work']!),
    subjects: [
      { kind: 'unit', id: 'u1', name: '生产部' },
      { kind: 'person', id: 'lead', name: '主要领导', unitId: 'u1', role: 'principal' },
      { kind: 'person', id: 'c1', name: '专员', unitId: 'u1', role: 'direct' },
    ],
  });
  const decide = (cascade?: { drop: { subjectId: string; code: 'written_explanation' }[] }) => {
    let s = core.opened(setup, at(setup, MONDAY)).state;
    s = core.investigationSubmitted(s, { actor: staff, findings: '属实' }, at(setup, MONDAY + HOUR)).state;
    const measures = [{ subjectId: 'c1', code: 'written_explanation' as const }];
    return core.caseDecided(
      s,
      { actor: manager, decision: 'impose', measures, ...(cascade ? { cascade } : {}) },
      at(setup, MONDAY + 2 * HOUR),
    );
  };

  it('an old body (no choice) cascades everything proposed, as before', () => {
    const d = decide();
    expect(d.state.measures.map((m) => m.subjectId)).toEqual(['c1', 'u1', 'lead']);
    expect(d.state.cascade?.dropped).toEqual([]);
  });

  it('an explicit drop is honoured, and the state shows what was dropped', () => {
    const d = decide({ drop: [{ subjectId: 'u1', code: 'written_explanation' }] });
    expect(d.state.measures.map((m) => m.subjectId)).toEqual(['c1', 'lead']);
    expect(d.state.cascade?.dropped).toEqual([
      { subjectId: 'u1', code: 'written_explanation', amount: 200, cascadedFrom: 'k1-m1' },
    ]);
  });

  it('a choice naming no proposed part is refused', () => {
    let s = core.opened(setup, at(setup, MONDAY)).state;
    s = core.investigationSubmitted(s, { actor: staff, findings: '属实' }, at(setup, MONDAY + HOUR)).state;
    const r = check.validateDecision(
      s,
      {
        decision: 'impose',
        measures: [{ subjectId: 'c1', code: 'written_explanation' }],
        cascade: { keep: [{ subjectId: 'u1', code: 'public_criticism' }] },
      },
      at(setup, MONDAY),
    );
    expect(r?.message).toContain('连带问责');
  });

  it('while the decision waits, the state shows what the proposed measures would cascade to', () => {
    const s3 = structuredClone(POLICY_PRESETS['enterprise-key-work']!);
    const esc = input({
      policy: s3,
      subjects: setup.subjects,
      escalation: { level: 1, proposed: s3.reminders[0]!.measures, itemTitle: '重点工作' },
      procedure: 'summary',
    });
    const s = core.opened(esc, at(esc, MONDAY)).state;
    // the unit's 书面说明 (200 元) would reach its principal, priced for a person (S3 §三)
    expect(s.cascade?.wouldCascade).toEqual([
      { subjectId: 'lead', code: 'written_explanation', amount: 200, from: 'u1|written_explanation' },
    ]);
  });
});

describe('S5 查→追→改: the rectification the decision orders', () => {
  it('the decision sets its time limit; the item goes to the unit and its people', () => {
    const setup = input({
      subjects: [
        { kind: 'unit', id: 'u1', name: '城管科' },
        { kind: 'person', id: 'boss', name: '张科长', unitId: 'u1', role: 'principal' },
        { kind: 'person', id: 'p1', name: '王五', unitId: 'u1', role: 'direct' },
      ],
    });
    const step = decided(setup, [
      { subjectId: 'u1', code: 'rectify_within_deadline' as never, within: { workingDays: 5 } } as never,
    ]);
    const start = step.effects.find((e) => e.kind === 'startRectification')!;
    if (start.kind !== 'startRectification') throw new Error('no start');
    const item = core.rectificationInput(step.state, start, at(setup, MONDAY));
    expect(item.due).toEqual({ workingDays: 5 });
    expect(item.leadUnit).toEqual({ id: 'u1', name: '城管科' });
    expect(item.responsible.principal).toMatchObject({ id: 'boss', name: '张科长' });
    expect(item.responsible.direct).toMatchObject({ id: 'p1' });
  });

  it("a person's rectification never takes their name for the unit's", () => {
    const setup = input({
      subjects: [
        { kind: 'person', id: 'p9', name: '李四', unitId: 'u9', unitName: '法制科', role: 'direct' },
      ],
      wholeCatalogue: true,
    });
    const step = decided(setup, [{ subjectId: 'p9', code: 'rectify_within_deadline' as never }]);
    const start = step.effects.find((e) => e.kind === 'startRectification')!;
    if (start.kind !== 'startRectification') throw new Error('no start');
    const item = core.rectificationInput(step.state, start, at(setup, MONDAY));
    expect(item.leadUnit).toEqual({ id: 'u9', name: '法制科' });
    expect(item.responsible.principal).toMatchObject({ id: 'p9', name: '李四' });
    expect(item.due).toEqual({ workingDays: 15 }); // no limit set: the default
  });
});

describe('notices say where a case came from', () => {
  it('a case opened by hand carries its origin (S4 §四(六)1 启动)', () => {
    const step = core.opened(input(), at(input(), MONDAY));
    const n = step.effects.find((e) => e.kind === 'notice');
    if (n?.kind !== 'notice') throw new Error('no notice');
    expect(n.notice.origin).toEqual({ kind: 'inspection', reference: '抽查' });
    expect(n.notice.level).toBeUndefined();
    const text = renderNotice(n.notice).text;
    expect(text).toContain('根据督查检查发现（抽查），');
    expect(text).toContain('线索来源：督查检查发现（抽查）');
    expect(text).not.toContain('催办'); // never "经催办后仍未落实" for a case opened by hand
  });

  // The notice a level's case sends, rendered as the unit reads it (S4 §四(五)1–4).
  const openedBy = (
    level: number,
    procedure: 'summary' | 'formal',
    escalation: Partial<NonNullable<CaseInput['escalation']>>,
  ) => {
    const s4 = structuredClone(POLICY_PRESETS['three-urges']!);
    const setup = input({
      policy: s4,
      itemId: 'item-1',
      procedure,
      escalation: {
        level,
        proposed: s4.reminders[level - 1]!.measures,
        itemTitle: '老旧小区改造',
        ...escalation,
      },
    });
    const n = core.opened(setup, at(setup, MONDAY)).effects.find((e) => e.kind === 'notice');
    if (n?.kind !== 'notice') throw new Error('no notice');
    return { notice: n.notice, text: renderNotice(n.notice).text };
  };

  it('a case opened by an urge from a returned report says so, and a summary case asks for no investigation', () => {
    const { notice, text } = openedBy(1, 'summary', { reason: 'returned' });
    expect(notice).toMatchObject({ level: 1, reason: 'returned', procedure: 'summary' });
    expect(text).toContain(
      '因督办事项“老旧小区改造”办结报告被退回重办（第一次催办），市政府督查室决定启动本级问责（简易程序），立案为问责案件（编号：k1）。',
    );
    expect(text).not.toContain('调查核实');
    expect(text).not.toContain('仍未落实');
    expect(text).not.toContain('已超过办理期限');
    expect(text).not.toContain('线索来源');
  });

  it('a level reached by the deadline, by the interval, or by hand says which', () => {
    expect(openedBy(1, 'summary', { reason: 'deadline' }).text).toContain(
      '因督办事项“老旧小区改造”逾期未办结（第一次催办），',
    );
    const third = openedBy(3, 'formal', { reason: 'interval' }).text;
    expect(third).toContain('经催办后仍未落实（第三次催办），市政府办公室决定启动本级问责程序');
    expect(third).toContain('请有关单位和人员配合调查核实。');
    const phoned = openedBy(2, 'summary', {
      reason: 'manual',
      manual: { channel: 'visit', note: '约见主要负责人' },
    });
    expect(phoned.notice.origin).toEqual({ kind: 'visit', reference: '约见主要负责人' });
    expect(phoned.text).toContain('尚未办结（第二次催办，上门督办：约见主要负责人）');
    expect(phoned.text).not.toContain('线索来源');
  });
});
