// The case's rules (问责程序, S4 §四(六)) as pure functions: `(state, args, ctx) -> {state, effects,
// outcome}`, one per action and per timer event. Nothing here awaits or touches Temporal; the shell
// validates first (validate.ts), applies one of these, and hands the effects to its outbox.
// Invariants:
// - A measure is executed the moment it is decided (an appeal never stops execution); only a review
//   revokes or amends it. Measure ids `<caseId>-m<n>` are stable: the ledger row's id.
// - Each subject appeals once, within the window; each appeal gets its own review, due in working
//   days from the appeal. While an appeal waits the stage is `review`, else `appeal_window`.
// - The case closes when the window has passed and every appeal has been reviewed.
// - A human step past its due date is reminded once per overdue working day, numbered per step.
// - Every change bumps `revision` and appends numbered history lines.
import { formatLocal } from '../format';
import { cascadeMeasures, chooseCascade, type CascadedMeasure } from '../cascade';
import { measureId, rectificationItemId } from '../ids';
import type {
  AppealInput,
  CascadeChoice,
  CaseReviewInput,
  DecisionInput,
  InvestigationInput,
} from '../../domain/schemas';
import type {
  Actor,
  AppealOutcome,
  CaseMeasure,
  CaseStage,
  CaseState,
  DecisionOutcome,
  ImposedMeasure,
  InvestigationOutcome,
  Notice,
  NoticeKind,
  NoticeRecord,
  Recipient,
  ReviewOutcome,
  SupervisionInput,
} from '../types';
import {
  RECTIFICATION_WORKING_DAYS,
  STEP_NAMES,
  dueFrom,
  stateAtStart,
  withLine,
  workingDaysAfter,
  type CaseContext,
  type CaseEffect,
  type CaseSetup,
  type Step,
} from './state';
import { appealToReview, cascadeCatalogueOf, catalogueOf, pendingAppeals, proposedCascade } from './validate';

type WithActor<T> = T & { actor: Actor };

const REVIEW_NAMES = { uphold: '维持原决定', revoke: '撤销问责措施', amend: '变更问责措施' } as const;

/** a working copy: transitions never change the state they are given */
const copy = (state: CaseState): CaseState => JSON.parse(JSON.stringify(state)) as CaseState;
const iso = (ctx: CaseContext): string => new Date(ctx.now).toISOString();
const local = (at: string, ctx: CaseContext): string => formatLocal(at, ctx.timeZone);
const titleOf = (setup: CaseSetup): string => setup.escalation?.itemTitle ?? setup.grounds[0] ?? setup.caseId;
const live = (state: CaseState): CaseMeasure[] => state.measures.filter((m) => m.status === 'executed');
const measureList = (ms: readonly CaseMeasure[]): ImposedMeasure[] =>
  ms.map((m) => ({
    subjectId: m.subjectId,
    code: m.code,
    ...(m.amount !== undefined ? { amount: m.amount } : {}),
  }));

/** the office the case reports to: the escalation level's `notice.by`, else the ladder's last */
export function officeOf(setup: CaseSetup): Recipient {
  const { policy, escalation } = setup;
  const name =
    (escalation ? policy.reminders[escalation.level - 1]?.notice.by : undefined) ??
    policy.reminders[policy.reminders.length - 1]?.notice.by ??
    '督查室';
  return { id: 'office', name, role: 'office' };
}

function notice(
  state: CaseState,
  ctx: CaseContext,
  kind: NoticeKind,
  key: string,
  subject: string,
  extra: Partial<Notice>,
): CaseEffect {
  const office = officeOf(ctx.setup);
  const subjects = state.subjects
    .filter((s) => s.email)
    .map((s) => ({ id: s.id, name: s.name, email: s.email, role: 'subject' }));
  return {
    kind: 'notice',
    notice: {
      key: `case-${state.id}-${key}`,
      kind,
      subject,
      caseId: state.id,
      ...(state.itemId ? { itemId: state.itemId } : {}),
      title: titleOf(ctx.setup),
      office: office.name,
      recipients: kind === 'case_step_overdue' ? [office] : [...subjects, office],
      at: iso(ctx),
      ...extra,
    },
  };
}

const bump = (state: CaseState): CaseState => ({ ...state, revision: state.revision + 1 });

function close(state: CaseState, ctx: CaseContext, by: string, detail: string): CaseState {
  const at = iso(ctx);
  const next = withLine({ ...state, stage: 'closed', closedAt: at }, { at, by, action: 'closed', detail });
  delete next.stepDueAt;
  return next;
}

// ---------- actions ----------

/**
 * S3 §三 可视情节轻重, shown before the decision: what the escalation's proposed measures would cascade
 * to if each were imposed on every subject it fits. Only a proposal: the decider keeps or drops it.
 */
function withWouldCascade(state: CaseState, ctx: CaseContext): CaseState {
  const proposed = ctx.setup.escalation?.proposed ?? [];
  if (!ctx.setup.policy.cascade || proposed.length === 0) return state;
  const catalogue = catalogueOf(ctx.setup);
  const sources = proposed.flatMap((p) =>
    state.subjects
      .filter(
        (s) =>
          (!p.appliesTo || p.appliesTo === 'both' || p.appliesTo === s.kind) && catalogue(p.code, s.kind),
      )
      .map((s) => ({
        subjectId: s.id,
        code: p.code,
        ...(p.amount !== undefined ? { amount: p.amount } : {}),
      })),
  );
  const would = proposedCascade(state, sources, ctx.setup).map((c) => {
    const from = sources[Number(c.cascadedFrom.replace('proposed-', '')) - 1]!;
    return {
      subjectId: c.subjectId,
      code: c.code,
      ...(c.amount !== undefined ? { amount: c.amount } : {}),
      from: `${from.subjectId}|${from.code}`,
    };
  });
  return would.length ? { ...state, cascade: { wouldCascade: would } } : state;
}

/** 启动: the state at start, the opening notice, and the link to the item that escalated. A summary
 * case (简易程序) starts at the decision; a case opened by hand says where it came from. */
export function opened(setup: CaseSetup, ctx: CaseContext): Step {
  const started = stateAtStart(setup, ctx.now);
  const state = started.stage === 'decision' ? withWouldCascade(started, ctx) : started;
  const due = state.stepDueAt!;
  const effects: CaseEffect[] = [
    notice(state, ctx, 'case_opened', 'opened', `启动问责：${titleOf(setup)}`, {
      body: `问责事由：${state.grounds.join('；')}`,
      deadlineAt: due,
      localDeadline: local(due, ctx),
      next: `${STEP_NAMES[state.stage]}，截止 ${local(due, ctx)}`,
      procedure: state.procedure ?? 'formal',
      ...(setup.escalation
        ? {
            // the text says which urge opened it and why (S4 §四(五)1: 逾期、退回重办; S2 §五1: 电话催办)
            measures: setup.escalation.proposed,
            level: setup.escalation.level,
            ...(setup.escalation.reason ? { reason: setup.escalation.reason } : {}),
            ...(setup.escalation.manual
              ? { origin: { kind: setup.escalation.manual.channel, reference: setup.escalation.manual.note } }
              : {}),
          }
        : {
            origin: {
              kind: setup.source.kind,
              ...(setup.source.reference ? { reference: setup.source.reference } : {}),
            },
          }),
    }),
  ];
  if (state.itemId) effects.push({ kind: 'linkItem', itemId: state.itemId });
  return { state, effects, outcome: undefined };
}

/** 调查核实 done: the decision step starts, due in its working days from now. */
export function investigationSubmitted(
  state: CaseState,
  { actor, findings, evidence }: WithActor<InvestigationInput>,
  ctx: CaseContext,
): Step<InvestigationOutcome> {
  const at = iso(ctx);
  const investigation = {
    findings,
    evidence: [...(ctx.setup.evidence ?? []), ...(evidence ?? [])],
    at,
    by: actor.id,
  };
  let next: CaseState = withWouldCascade(
    { ...state, investigation, stage: 'decision', stepDueAt: dueFrom(ctx, 'decision', at) },
    ctx,
  );
  next = bump(withLine(next, { at, by: actor.id, action: 'investigation_submitted', detail: findings }));
  return { state: next, effects: [], outcome: { stage: next.stage, investigation } };
}

/** 决定: a dismissal closes the case; an imposition executes at once and opens the appeal window. */
export function caseDecided(
  state: CaseState,
  input: WithActor<DecisionInput>,
  ctx: CaseContext,
): Step<DecisionOutcome> {
  const { actor, decision, measures, comment } = input;
  const at = iso(ctx);
  const title = titleOf(ctx.setup);
  const record = { decision, ...(comment ? { comment } : {}), at, by: actor.id };
  let next = withLine(
    { ...copy(state), decision: record },
    {
      at,
      by: actor.id,
      action: decision === 'impose' ? 'decided_impose' : 'decided_dismiss',
      detail: comment,
    },
  );
  if (decision === 'dismiss') {
    next = bump(close(next, ctx, actor.id, '决定不予问责'));
    const effects = [
      notice(next, ctx, 'case_decision', 'decision', `问责决定：${title}`, {
        body: `决定不予问责。${comment ?? ''}`,
      }),
    ];
    return { state: next, effects, outcome: { stage: next.stage, decision: record, measures: [] } };
  }
  const choice = input.decision === 'impose' ? input.cascade : undefined;
  const executed = execute(next, measures, actor.id, ctx, choice);
  const windowEnd = dueFrom(ctx, 'appealWindow', at);
  next = bump({
    ...executed.state,
    stage: 'appeal_window',
    appealDeadlineAt: windowEnd,
    stepDueAt: windowEnd,
  });
  const effects = [
    ...executed.effects,
    notice(next, ctx, 'case_decision', 'decision', `问责决定：${title}`, {
      measures: measureList(next.measures),
      body: comment,
      next: `如不服，可在 ${local(windowEnd, ctx)} 前提出申诉；申诉期间不停止执行`,
    }),
  ];
  return {
    state: next,
    effects,
    outcome: { stage: next.stage, decision: record, measures: executed.measures },
  };
}

/** 申诉: the appellant's review is due in its working days from now; execution goes on. */
export function appealFiled(
  state: CaseState,
  { actor, subjectId, reason }: WithActor<AppealInput>,
  ctx: CaseContext,
): Step<AppealOutcome> {
  const at = iso(ctx);
  const appeal = { subjectId, reason, at, by: actor.id, reviewDueAt: dueFrom(ctx, 'review', at) };
  let next: CaseState = { ...state, appeals: [...state.appeals, appeal], stage: 'review' };
  next.stepDueAt = pendingAppeals(next)[0]!.reviewDueAt;
  next = bump(
    withLine(next, { at, by: actor.id, action: 'appeal_filed', detail: `${subjectId}：${reason}` }),
  );
  return { state: next, effects: [], outcome: { stage: next.stage, appeal } };
}

/**
 * 复议/复查 of one appeal: it touches only the appellant's measures and what cascaded from them.
 * `revoke` revokes the named ones (all, when none is named); `amend` replaces them with new ones.
 */
export function appealReviewed(
  state: CaseState,
  { actor, decision, subjectId, measures, comment }: WithActor<CaseReviewInput>,
  ctx: CaseContext,
): Step<ReviewOutcome> {
  const at = iso(ctx);
  let next = copy(state);
  const found = appealToReview(next, subjectId);
  if ('refusal' in found) throw new Error(found.refusal.message); // the validator refused it already
  const appeal = found.appeal;
  const review = { decision, ...(comment ? { comment } : {}), at, by: actor.id, subjectId: appeal.subjectId };
  appeal.review = review;
  next.review = review;
  next = withLine(next, {
    at,
    by: actor.id,
    action: `reviewed_${decision}`,
    detail: `${appeal.subjectId}${comment ? `：${comment}` : ''}`,
  });
  const appellants = live(next).filter((m) => m.subjectId === appeal.subjectId);
  let effects: CaseEffect[] = [];
  let touched: string[] = [];
  if (decision === 'revoke') {
    const targets = measures?.length
      ? appellants.filter((m) => measures.some((x) => x.code === m.code))
      : appellants;
    const revoked = revoke(next, targets, actor.id, 'revoked', ctx);
    ({ state: next, effects } = revoked);
    touched = revoked.ids;
  } else if (decision === 'amend') {
    const revoked = revoke(next, appellants, actor.id, 'amended', ctx);
    const executed = execute(revoked.state, measures ?? [], actor.id, ctx);
    next = executed.state;
    effects = [...revoked.effects, ...executed.effects];
    touched = [...revoked.ids, ...executed.measures.map((m) => m.measureId)];
  }
  const pending = pendingAppeals(next);
  next.stage = pending.length ? 'review' : 'appeal_window';
  next.stepDueAt = pending.length ? pending[0]!.reviewDueAt : next.appealDeadlineAt;
  next = bump(next);
  effects.push(
    notice(
      next,
      ctx,
      'appeal_result',
      `appeal-result-${appeal.subjectId}`,
      `申诉复查结果：${titleOf(ctx.setup)}`,
      {
        measures: measureList(live(next)),
        body: `${appeal.subjectId}：${REVIEW_NAMES[decision]}。${comment ?? ''}`,
      },
    ),
  );
  const outcome = {
    stage: next.stage,
    review,
    measures: next.measures.filter((m) => touched.includes(m.measureId)),
  };
  return { state: next, effects, outcome };
}

/** the rectification item has ended: its result, its signal or our cancellation says so (first wins) */
export function rectificationFinished(
  state: CaseState,
  args: {
    measureId: string;
    itemId: string;
    status: NonNullable<CaseMeasure['rectificationStatus']>;
    how?: string;
  },
  ctx: CaseContext,
): Step {
  const m = state.measures.find((x) => x.measureId === args.measureId);
  if (!m || m.rectificationStatus !== undefined) return { state, effects: [], outcome: undefined };
  const next = copy(state);
  next.measures.find((x) => x.measureId === args.measureId)!.rectificationStatus = args.status;
  const said = { completed: '已办结', cancelled: '已撤销', failed: '未办结即终止' }[args.status];
  const detail = `${args.measureId} 整改事项 ${args.itemId}${said}${args.how ? `（${args.how}）` : ''}`;
  const at = iso(ctx);
  return {
    state: bump(withLine(next, { at, by: args.itemId, action: 'rectification_finished', detail })),
    effects: [],
    outcome: undefined,
  };
}

/** S5: a closed case stays open on the books until each live rectification item has ended */
export const rectificationsEnded = (state: CaseState): boolean =>
  state.measures.every(
    (m) => !m.rectificationItemId || m.status === 'revoked' || m.rectificationStatus !== undefined,
  );

/** the shell started (or found running) the rectification item */
export function rectificationStarted(
  state: CaseState,
  args: { measureId: string; itemId: string; by: string },
  ctx: CaseContext,
): Step {
  const detail = `${args.measureId} → 整改事项 ${args.itemId}`;
  const next = withLine(state, { at: iso(ctx), by: args.by, action: 'rectification_started', detail });
  return { state: bump(next), effects: [], outcome: undefined };
}

/** what the notice lane delivered, kept on the case (the record has every one) */
export function noticesDelivered(state: CaseState, records: readonly NoticeRecord[]): Step {
  return {
    state: bump({ ...state, notices: [...state.notices, ...records] }),
    effects: [],
    outcome: undefined,
  };
}

/**
 * The input of the item a 责令限期整改 starts (S5 查→追→改), on the case's own calendar slice, with the
 * time limit the decision set. It is addressed to the measure's unit (the subject, or a person's
 * unit) and that unit's people among the subjects; a person never lends a unit their name.
 */
export function rectificationInput(
  state: CaseState,
  effect: { measureId: string; itemId: string; by: string },
  ctx: CaseContext,
): SupervisionInput {
  const m = state.measures.find((x) => x.measureId === effect.measureId)!;
  const subject = state.subjects.find((s) => s.id === m.subjectId)!;
  const unitId = subject.kind === 'unit' ? subject.id : subject.unitId;
  const unitSubject = state.subjects.find((s) => s.kind === 'unit' && s.id === unitId);
  const leadUnit = unitSubject
    ? { id: unitSubject.id, name: unitSubject.name }
    : subject.kind === 'person' && subject.unitId
      ? { id: subject.unitId, name: subject.unitName ?? subject.unitId }
      : // a person of no known unit is answerable alone: their own desk, named as such
        { id: `person-${subject.id}`.slice(0, 64), name: `${subject.name}（个人整改）` };
  const staffOf = (role: 'principal' | 'in_charge' | 'direct') =>
    state.subjects.find((s) => s.kind === 'person' && s.unitId === unitId && s.role === role);
  const person = (s: (typeof state.subjects)[number]) => ({
    id: s.id,
    name: s.name,
    ...(s.email ? { email: s.email } : {}),
  });
  // the person the measure names answers for it; else the unit's 主要领导; else (a unit alone) the unit
  const named = subject.kind === 'person' ? subject : undefined;
  const principal = staffOf('principal') ?? named ?? subject;
  const inCharge = staffOf('in_charge');
  const direct = named && named.id !== principal.id ? named : staffOf('direct');
  const days = m.within?.workingDays ?? RECTIFICATION_WORKING_DAYS;
  return {
    itemId: effect.itemId,
    title: `${subject.name}限期整改：${titleOf(ctx.setup)}`,
    description: `问责案件 ${state.id} 责令限期整改（${state.grounds.join('；')}），限${days}个工作日`,
    source: { kind: 'case_rectification', reference: state.id },
    leadUnit,
    responsible: {
      principal: person(principal),
      ...(inCharge && inCharge.id !== principal.id ? { inCharge: person(inCharge) } : {}),
      ...(direct && direct.id !== principal.id && direct.id !== inCharge?.id
        ? { direct: person(direct) }
        : {}),
    },
    assignedAt: iso(ctx),
    due: { workingDays: days },
    policy: ctx.setup.policy,
    timeZone: ctx.timeZone,
    createdBy: { id: effect.by, role: 'system' },
    origin: { caseId: state.id, measureId: m.measureId },
    ...(ctx.setup.calendar ? { calendar: ctx.setup.calendar } : {}),
  };
}

// ---------- timer events ----------

/** the step whose due date the reminders are about, if a human step is waiting */
export function waitingStep(state: CaseState): { step: CaseStage; dueAt: string } | undefined {
  if ((state.stage === 'investigation' || state.stage === 'decision') && state.stepDueAt) {
    return { step: state.stage, dueAt: state.stepDueAt };
  }
  const pending = state.stage === 'review' ? pendingAppeals(state)[0] : undefined;
  return pending?.reviewDueAt ? { step: 'review', dueAt: pending.reviewDueAt } : undefined;
}

/** when the next overdue reminder of the waiting step is due: at its due date, then each working day */
export function nextReminderAt(state: CaseState, ctx: CaseContext): string | undefined {
  const waiting = waitingStep(state);
  if (!waiting) return undefined;
  const late = state.remindersSent.filter((r) => r.step === waiting.step && r.dueAt === waiting.dueAt).length;
  return late === 0 ? waiting.dueAt : workingDaysAfter(ctx, waiting.dueAt, late);
}

/** 逾期提醒: the office is told the step is overdue (once per overdue working day). */
export function stepOverdueReminded(state: CaseState, ctx: CaseContext): Step {
  const waiting = waitingStep(state);
  if (!waiting) return { state, effects: [], outcome: undefined };
  const { step, dueAt } = waiting;
  const at = iso(ctx);
  const n = state.remindersSent.filter((r) => r.step === step).length + 1;
  let next: CaseState = { ...state, remindersSent: [...state.remindersSent, { step, at, dueAt }] };
  next = bump(
    withLine(next, {
      at,
      by: 'system',
      action: 'step_overdue_reminded',
      detail: `${STEP_NAMES[step]}逾期第${n}次提醒`,
    }),
  );
  const title = titleOf(ctx.setup);
  const effect = notice(
    next,
    ctx,
    'case_step_overdue',
    `overdue-${step}-${n}`,
    `问责程序逾期提醒：${title}（${STEP_NAMES[step]}）`,
    {
      deadlineAt: dueAt,
      localDeadline: local(dueAt, ctx),
      body: `${STEP_NAMES[step]}已于 ${local(dueAt, ctx)} 到期，尚未完成（第${n}次提醒）`,
    },
  );
  return { state: next, effects: [effect], outcome: undefined };
}

/** 申诉期届满 with no appeal waiting: the case closes. */
export function appealWindowEnded(state: CaseState, ctx: CaseContext): Step {
  if (state.stage !== 'appeal_window') return { state, effects: [], outcome: undefined };
  const n = state.appeals.length;
  const detail = n ? `申诉期届满，${n}项申诉均已复查` : '申诉期届满，未提出申诉';
  return { state: bump(close(state, ctx, 'system', detail)), effects: [], outcome: undefined };
}

// ---------- execution (执行) ----------

/** records the measures (and what cascades from them) as executed; a 责令限期整改 starts its item */
function execute(
  state: CaseState,
  imposed: readonly ImposedMeasure[],
  by: string,
  ctx: CaseContext,
  choice?: CascadeChoice,
): { state: CaseState; effects: CaseEffect[]; measures: CaseMeasure[] } {
  const at = iso(ctx);
  const catalogue = catalogueOf(ctx.setup);
  let next = copy(state);
  const inForce = new Set(live(next).map((m) => `${m.subjectId}|${m.code}`));
  const make = (m: ImposedMeasure, cascadedFrom?: string): CaseMeasure => {
    const subject = next.subjects.find((s) => s.id === m.subjectId)!;
    const amount = m.amount ?? catalogue(m.code, subject.kind)?.amount;
    const measure: CaseMeasure = {
      measureId: measureId(next.id, next.measures.length + 1),
      subjectId: m.subjectId,
      code: m.code,
      ...(amount !== undefined ? { amount } : {}),
      ...(m.within ? { within: m.within } : {}),
      subjectKind: subject.kind,
      subjectName: subject.name,
      status: 'executed',
      ...(cascadedFrom ? { cascadedFrom } : {}),
      executedAt: at,
      decidedBy: by,
    };
    next.measures.push(measure);
    const priced = amount !== undefined ? ` ${amount}元` : '';
    const via = cascadedFrom ? `（由 ${cascadedFrom} 连带）` : '';
    next = withLine(next, {
      at,
      by,
      action: 'measure_executed',
      detail: `${measure.measureId} ${measure.subjectName}：${measure.code}${priced}${via}`,
    });
    return measure;
  };
  const originals = imposed.map((m) => make(m));
  const proposed = cascadeMeasures(
    originals,
    next.subjects,
    ctx.setup.policy.cascade,
    cascadeCatalogueOf(ctx.setup),
  ).filter((c) => !inForce.has(`${c.subjectId}|${c.code}`));
  // S3 §三 可视情节轻重: only what the decider kept cascades; the state says what was dropped
  const { kept, dropped } = chooseCascade(proposed, choice);
  for (const c of kept) make(c, c.cascadedFrom);
  if (proposed.length) next = { ...next, cascade: { kept: strip(kept), dropped: strip(dropped) } };
  else if (next.cascade?.wouldCascade) next = { ...next, cascade: {} };
  const executed = next.measures.slice(state.measures.length);
  const effects: CaseEffect[] = [];
  for (const m of executed) {
    if (m.code !== 'rectify_within_deadline') continue;
    const n = next.measures.filter((x) => x.rectificationItemId).length + 1;
    const itemId = rectificationItemId(next.id, n);
    next.measures.find((x) => x.measureId === m.measureId)!.rectificationItemId = itemId;
    effects.push({ kind: 'startRectification', measureId: m.measureId, itemId, by });
  }
  return { state: next, effects, measures: next.measures.slice(state.measures.length) };
}

const strip = (ms: readonly CascadedMeasure[]) =>
  ms.map((m) => ({
    subjectId: m.subjectId,
    code: m.code,
    ...(m.amount !== undefined ? { amount: m.amount } : {}),
    cascadedFrom: m.cascadedFrom,
  }));

/** marks measures revoked (or amended), with whatever cascaded from them */
function revoke(
  state: CaseState,
  targets: readonly CaseMeasure[],
  by: string,
  how: 'revoked' | 'amended',
  ctx: CaseContext,
): { state: CaseState; effects: CaseEffect[]; ids: string[] } {
  const at = iso(ctx);
  let next = copy(state);
  const ids = new Set(targets.map((m) => m.measureId));
  const all = live(next).filter(
    (m) => ids.has(m.measureId) || (m.cascadedFrom !== undefined && ids.has(m.cascadedFrom)),
  );
  const effects: CaseEffect[] = [];
  for (const m of all) {
    Object.assign(m, { status: 'revoked', revokedAt: at, revokedBy: by, revocation: how });
    next = withLine(next, {
      at,
      by,
      action: 'measure_revoked',
      detail: `${m.measureId} ${m.subjectName}：${m.code}`,
    });
    // a revoked 责令限期整改 must not go on urging (and escalating) its rectification item
    if (m.code === 'rectify_within_deadline' && m.rectificationItemId) {
      effects.push({ kind: 'cancelRectification', measureId: m.measureId, itemId: m.rectificationItemId });
    }
  }
  return { state: next, effects, ids: all.map((m) => m.measureId) };
}
