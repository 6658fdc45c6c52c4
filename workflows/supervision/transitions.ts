// The rules of the supervision item (督办事项): one function per action and per timer event,
// `(state, args, ctx) -> { state, effects, outcome }`. Pure: each works on its own copy of the state,
// so a function that throws (the calendar refusing a date) leaves the caller's state as it was.
//
// Invariants:
// - Each level of the policy's ladder is reached once per stage, in order: when its instant
//   passes, or because an event counts as an urge (a report returned for redo, S4 §四(五)1).
// - While paused, or while the office holds a final report or an extension request (when the
//   policy stops the clock for reviews), nothing fires; when the clock runs again the deadline moves
//   so the unit has exactly the time it had left. Overlapping stops count once.
// - Each level with measures opens its own case (S4 §四(五)1–3, §四(五)4: accountability follows the
//   问责程序), summary or formal as the level says; the item lists the cases in order of level.
// - A rejected extension gives back no time: the clock stood still only while the request waited,
//   and the deadline stays where it was before the request (a unit cannot stall by asking).
// - Effects are data (notices, a case to open, a report to the origin case); the shell performs them.
import { citedGrounds } from '../../domain/grounds';
import { formatLocal, nth } from '../format';
import { escalationCaseId } from '../ids';
import type {
  AcknowledgementRecord,
  Actor,
  CaseInput,
  Contribution,
  DeclineRecord,
  Due,
  ExtensionRecord,
  InstructionRecord,
  Notice,
  NoticeKind,
  NoticeRecord,
  Recipient,
  ReminderRecord,
  ReportRecord,
  Unit,
} from '../types';
import type {
  AcknowledgeInput,
  CompleteInput,
  DeclineInput,
  ExtensionDecisionInput,
  ExtensionRequestInput,
  InstructionInput,
  ReasonInput,
  ReassignInput,
  ReportInput,
  ReviewInput,
  UrgeInput,
} from '../../domain/schemas';
import { derive } from './details';
import { CASE_LINKED_WITH_URGE } from '../shared/patch-ids';
import { ASSIGNMENT_NOTICE } from './patches';
import { unitOfAction } from './validate';
import type { WakeUp } from './next-wake-up';
import {
  clockStopsForReview,
  giveTimeBack,
  deliveryOf,
  pendingDecline,
  pendingExtension,
  pendingFinal,
  plan,
  releaseClock,
  remindersOfStage,
  setDeadline,
  stageOf,
} from './schedule';
import {
  acknowledgementDue,
  addLine,
  copy,
  isTerminal,
  iso,
  reportingFrom,
  type Ctx,
  type ItemState,
} from './state';

export type Effect =
  | { kind: 'notice'; notice: Notice }
  | { kind: 'openCase'; caseInput: CaseInput; level: number; stage?: string }
  | {
      kind: 'reportToCase';
      caseId: string;
      report: { itemId: string; measureId: string; status: 'completed' | 'cancelled' };
    };

export interface Step<R = void> {
  state: ItemState;
  effects: Effect[];
  outcome: R;
}

type WithActor<T> = T & { actor: Actor };

/** Runs a rule on a draft copy, then derives status and light at ctx.now. */
export function step<R>(state: ItemState, ctx: Ctx, rule: (s: ItemState, fx: Effect[]) => R): Step<R> {
  const s = copy(state);
  const effects: Effect[] = [];
  const outcome = rule(s, effects);
  derive(s, ctx.now);
  return { state: s, effects: holdForOfficeHours(s, effects, ctx), outcome };
}

/** the notices that wake people: the others (item events, cases) go out at once */
const HELD_KINDS: ReadonlySet<NoticeKind> = new Set(['warning', 'urge', 'bulletin', 'assignment']);

/**
 * Office hours (DESIGN): a warning, urge or bulletin decided outside them waits in the state for the
 * next opening; what was reached, and when, is already in the state. An item that ends sends what
 * it still holds at once (what was decided is delivered).
 */
function holdForOfficeHours(s: ItemState, effects: Effect[], ctx: Ctx): Effect[] {
  const deliver = deliveryOf(ctx);
  if (!deliver && !s.heldNotices?.length) return effects;
  const out: Effect[] = [];
  for (const e of effects) {
    // a notice released at its deliverAt is not held again, however late the worker woke
    if (deliver && e.kind === 'notice' && HELD_KINDS.has(e.notice.kind) && !e.notice.deliverAt) {
      const at = deliver(ctx.now);
      if (at > ctx.now) {
        (s.heldNotices ??= []).push({ ...e.notice, deliverAt: iso(at) });
        continue;
      }
    }
    out.push(e);
  }
  if (isTerminal(s) && s.heldNotices?.length) {
    out.push(...s.heldNotices.map((notice): Effect => ({ kind: 'notice', notice })));
    s.heldNotices = [];
  }
  return out;
}

/** The held notices whose deliverAt has come go out. */
function releaseHeld(s: ItemState, fx: Effect[], ctx: Ctx): void {
  const held = s.heldNotices ?? [];
  const due = held.filter((n) => Date.parse(n.deliverAt!) <= ctx.now);
  s.heldNotices = held.filter((n) => Date.parse(n.deliverAt!) > ctx.now);
  for (const notice of due) fx.push({ kind: 'notice', notice });
}

// ---------- notices ----------

function recipients(s: ItemState, office?: string): Recipient[] {
  const list: Recipient[] = [];
  const add = (p: { id: string; name: string; email?: string; phone?: string } | undefined, role: string) => {
    if (p && !list.some((r) => r.id === p.id && r.role === role)) list.push({ ...p, role });
  };
  add(s.leadUnit.liaison, 'liaison');
  add(s.responsible.principal, 'principal');
  add(s.responsible.inCharge, 'in_charge');
  add(s.responsible.direct, 'direct');
  // 协办单位 receive the item's notices too (DESIGN: assisting units)
  for (const u of s.assistingUnits ?? []) add(u.liaison, 'assisting_liaison');
  if (office) list.push({ id: `office:${office}`, name: office, role: 'office' });
  return list;
}

export function notice(
  s: ItemState,
  ctx: Ctx,
  kind: NoticeKind,
  key: string,
  subject: string,
  extra: Partial<Notice>,
): Effect {
  return {
    kind: 'notice',
    notice: {
      key: `${s.id}:${key}`,
      kind,
      subject,
      itemId: s.id,
      title: s.title,
      leadUnit: { id: s.leadUnit.id, name: s.leadUnit.name },
      deadlineAt: s.deadlineAt,
      localDeadline: s.deadlineAt ? formatLocal(s.deadlineAt, ctx.timeZone) : undefined,
      receiptSummary: s.deadline?.receipt.summary,
      recipients: recipients(s),
      at: iso(ctx.now),
      ...extra,
    },
  };
}

// ---------- the ladder ----------

const WHY: Record<ReminderRecord['reason'], string> = {
  deadline: '逾期未办结',
  interval: '催办后仍未落实',
  returned: '办结报告被退回重办',
  manual: '人工催办',
  missed_report: '逾期未报送进展情况（逾期不报）',
};

const CHANNEL_NAMES: Record<UrgeInput['channel'], string> = {
  phone: '电话催办',
  letter: '督办函',
  visit: '上门督办',
};

/** A level opens a case when it carries measures, or (first generation) says `openCase`. */
export const levelOpensCase = (level: { measures: unknown[]; openCase?: boolean }): boolean =>
  level.measures.length > 0 || level.openCase === true;

/** summary unless the level says otherwise; `openCase: true` alone meant the formal procedure */
export const procedureOf = (level: { procedure?: 'summary' | 'formal'; openCase?: boolean }) =>
  level.procedure ?? (level.openCase ? 'formal' : 'summary');

/** Reaches the next level of the current stage's ladder: 催办, 通报, the proposed measures, a case. */
function reachLevel(
  s: ItemState,
  fx: Effect[],
  reason: ReminderRecord['reason'],
  actor: Actor | string,
  ctx: Ctx,
  manual?: ReminderRecord['manual'],
): void {
  const stageName = s.currentStage;
  const index = remindersOfStage(s).length;
  s.urgeCount += 1;
  const current = stageOf(s);
  if (current) current.urgeCount += 1;
  const level = ctx.policy.reminders[index];
  if (!level) {
    // The ladder is exhausted (e.g. a report returned again after the last level): still an urge.
    const how = manual ? `，${CHANNEL_NAMES[manual.channel]}：${manual.note}` : '';
    addLine(s, actor, 'urged', ctx.now, `第${s.urgeCount}次催办（已达最高一级${how}）`);
    if (manual) {
      const origin = { kind: manual.channel, reference: manual.note };
      const subject = `${CHANNEL_NAMES[manual.channel]}：${s.title}`;
      fx.push(notice(s, ctx, 'urge', `manual:${s.urgeCount}:urge`, subject, { reason, origin }));
    }
    return;
  }
  const reminder: ReminderRecord = {
    level: index + 1,
    name: level.name ?? `第${index + 1}级`,
    at: iso(ctx.now),
    stage: stageName,
    reason,
    notice: level.notice,
    measures: level.measures,
    ...(manual ? { manual } : {}),
  };
  s.reminders.push(reminder);
  const how = manual ? `${CHANNEL_NAMES[manual.channel]}：${manual.note}` : WHY[reason];
  addLine(s, actor, 'urged', ctx.now, `${reminder.name}（${how}），由${level.notice.by}通报`);
  const opens = levelOpensCase(level);
  const accountability = opens
    ? `已启动本级问责（${procedureOf(level) === 'summary' ? '简易程序' : '问责程序'}）`
    : '';
  const next = [
    accountability,
    index + 1 < ctx.policy.reminders.length
      ? `如仍未落实，将进行${ctx.policy.reminders[index + 1]?.name ?? '下一级催办'}`
      : opens
        ? ''
        : '将依规问责',
  ]
    .filter(Boolean)
    .join('；');
  const where = stageName ? `${stageName}:` : '';
  const about: Partial<Notice> = {
    level: index + 1,
    office: level.notice.by,
    measures: level.measures,
    next,
    // the text says why this urge came (S4 §四(五)1: 逾期、退回重办; S2 §五1: 电话催办、督办函)
    reason,
    ...(manual ? { origin: { kind: manual.channel, reference: manual.note } } : {}),
  };
  fx.push(
    notice(s, ctx, 'urge', `${where}L${index + 1}:urge`, `${nth(index + 1)}催办：${s.title}`, about),
    notice(
      s,
      ctx,
      'bulletin',
      `${where}L${index + 1}:bulletin`,
      `督查通报（${level.notice.by}）：${s.title}`,
      {
        ...about,
        recipients: recipients(s, level.notice.by),
      },
    ),
  );
  if (opens) {
    const effect = openCase(s, reminder, procedureOf(level), ctx);
    // The id is known now. Runs before case-linked-with-urge list it once it runs (started, or
    // linked by the case); since, the urge's own batch names it, and the start only confirms it.
    reminder.caseId = effect.caseInput.caseId;
    if (ctx.patched?.(CASE_LINKED_WITH_URGE)) caseLinkedNow(s, reminder.caseId, ctx.now);
    fx.push(effect);
  }
}

/**
 * The grounds of a level's case (S1 §三, S3 §四, S4 §四(四)): the catalogue grounds the level cites,
 * each saying which urge and why, then the level's clause; without cited grounds, the clause alone.
 */
function levelGrounds(
  level: Ctx['policy']['reminders'][number] | undefined,
  reminder: ReminderRecord,
  ctx: Ctx,
): { grounds: string[]; groundCodes?: string[] } {
  const why = reminder.manual ? CHANNEL_NAMES[reminder.manual.channel] : WHY[reminder.reason];
  const cited = citedGrounds(ctx.policy.grounds, level?.grounds, `${reminder.name}：${why}`);
  const clause = level?.clause ?? `${reminder.name}后仍未落实`;
  if (!cited.codes.length) return { grounds: [clause] };
  return { grounds: [...cited.grounds, clause], groundCodes: cited.codes };
}

function openCase(
  s: ItemState,
  reminder: ReminderRecord,
  procedure: 'summary' | 'formal',
  ctx: Ctx,
): Extract<Effect, { kind: 'openCase' }> {
  const stageIndex = s.stages ? s.stages.findIndex((st) => st.name === reminder.stage) + 1 : undefined;
  const caseId = escalationCaseId(s.id, reminder.level, stageIndex || undefined);
  const persons = [
    { p: s.responsible.principal, role: 'principal' as const },
    { p: s.responsible.inCharge, role: 'in_charge' as const },
    { p: s.responsible.direct, role: 'direct' as const },
  ];
  const caseInput: CaseInput = {
    caseId,
    subjects: [
      { kind: 'unit', id: s.leadUnit.id, name: s.leadUnit.name },
      ...persons.flatMap(({ p, role }) =>
        p
          ? [{ kind: 'person' as const, id: p.id, name: p.name, unitId: s.leadUnit.id, role, email: p.email }]
          : [],
      ),
    ],
    ...levelGrounds(ctx.policy.reminders[reminder.level - 1], reminder, ctx),
    source: { kind: s.source.kind, reference: `督办事项 ${s.id}` },
    itemId: s.id,
    escalation: {
      level: reminder.level,
      proposed: reminder.measures,
      itemTitle: s.title,
      reason: reminder.reason,
      ...(reminder.manual ? { manual: reminder.manual } : {}),
    },
    procedure,
    policy: ctx.policy,
    timeZone: ctx.timeZone,
    // the case counts its step days on the item's own calendar slice
    calendar: ctx.calendar.packed(),
    openedBy: { id: 'system', role: 'system' },
    openedAt: iso(ctx.now),
  };
  return { kind: 'openCase', caseInput, level: reminder.level, stage: reminder.stage };
}

function reportToCase(s: ItemState, fx: Effect[]): void {
  if (!s.origin) return;
  fx.push({
    kind: 'reportToCase',
    caseId: s.origin.caseId,
    report: {
      itemId: s.id,
      measureId: s.origin.measureId,
      status: s.status === 'completed' ? 'completed' : 'cancelled',
    },
  });
}

// ---------- stages and the end ----------

function finishStage(s: ItemState, fx: Effect[], actor: Actor, how: string, ctx: Ctx): void {
  // What the finished stage left pending does not carry over to the next one.
  const ext = pendingExtension(s);
  if (ext) {
    ext.decision = {
      decision: 'reject',
      comment: '节点已办结，延期申请不再审批',
      at: iso(ctx.now),
      by: actor.id,
    };
  }
  s.clockStoppedAt = undefined;
  const current = stageOf(s);
  if (current) {
    current.status = 'completed';
    current.completedAt = iso(ctx.now);
    addLine(s, actor, 'stage_completed', ctx.now, `${current.name}：${how}`);
    const next = s.stages?.find((st) => st.status === 'pending');
    if (next) {
      s.warnedAt = undefined; // each stage's deadline has its own warning
      next.status = 'active';
      s.currentStage = next.name;
      addLine(s, 'system', 'stage_started', ctx.now, `进入节点：${next.name}`);
      setDeadline(s, next.deadline!, ctx);
      return;
    }
  }
  s.status = 'completed';
  s.completedAt = iso(ctx.now);
  addLine(s, actor, 'completed', ctx.now, how);
  fx.push(notice(s, ctx, 'item_event', 'completed', `已办结：${s.title}`, { body: how }));
  reportToCase(s, fx);
}

function cancel(
  s: ItemState,
  fx: Effect[],
  by: Actor | string,
  reason: string,
  body: string | undefined,
  ctx: Ctx,
) {
  s.status = 'cancelled';
  s.cancelledAt = iso(ctx.now);
  addLine(s, by, 'cancelled', ctx.now, reason);
  fx.push(
    notice(s, ctx, 'item_event', 'cancelled', `已撤销：${s.title}`, body === undefined ? {} : { body }),
  );
  reportToCase(s, fx);
}

// ---------- actions ----------

export function submitReport(
  state: ItemState,
  r: WithActor<ReportInput>,
  ctx: Ctx,
): Step<{ report: ReportRecord }> {
  return step(state, ctx, (s) => {
    const unit = unitOfAction(s, r);
    const report: ReportRecord = {
      id: `r${s.reports.length + 1}`,
      kind: r.kind,
      summary: r.summary,
      signedBy: r.signedBy,
      stage: r.stage ?? s.currentStage,
      unit,
      ...(r.kind === 'final' && s.assistingUnits.length ? { contributions: contributions(s) } : {}),
      at: iso(ctx.now),
      by: r.actor.id,
    };
    s.reports.push(report);
    const assisting = s.assistingUnits.find((u) => u.id === unit);
    if (assisting) assisting.reportedAt = report.at;
    addLine(
      s,
      r.actor,
      r.kind === 'final' ? 'final_report' : 'progress_report',
      ctx.now,
      r.summary.slice(0, 200),
    );
    if (r.kind === 'final' && clockStopsForReview(ctx.policy) && !s.clockStoppedAt)
      s.clockStoppedAt = iso(ctx.now);
    if (r.kind === 'progress' && unit === s.leadUnit.id) progressReported(s, ctx);
    return { report };
  });
}

export function reviewReport(
  state: ItemState,
  r: WithActor<ReviewInput>,
  ctx: Ctx,
): Step<{ report: ReportRecord }> {
  return step(state, ctx, (s, fx) => {
    const report = pendingFinal(s)!;
    report.review = { decision: r.decision, comment: r.comment, at: iso(ctx.now), by: r.actor.id };
    if (r.decision === 'accept') {
      addLine(s, r.actor, 'report_accepted', ctx.now, r.comment);
      finishStage(s, fx, r.actor, `办结报告审核通过：${r.comment}`, ctx);
    } else {
      addLine(s, r.actor, 'report_returned', ctx.now, r.comment);
      // An extension still waiting keeps the clock stopped.
      const since = pendingExtension(s) ? undefined : releaseClock(s, 'review');
      giveTimeBack(
        s,
        since,
        r.actor,
        'review_clock_stop',
        `办结报告审核期间停止计时，退回重办：${r.comment}`,
        ctx,
      );
      reachLevel(s, fx, 'returned', r.actor, ctx); // S4 §四(五)1: 退回重办 counts as an urge
      plan(s, ctx);
      fx.push(
        notice(s, ctx, 'item_event', `${report.id}:returned`, `退回重办：${s.title}`, { body: r.comment }),
      );
    }
    return { report };
  });
}

export function completeItem(
  state: ItemState,
  c: WithActor<CompleteInput>,
  ctx: Ctx,
): Step<{ completedStage?: string; currentStage?: string }> {
  return step(state, ctx, (s, fx) => {
    const how = c.comment ? `领导确认办结：${c.comment}` : '领导确认办结';
    const completedStage = s.currentStage;
    if (!c.stage && s.stages) {
      // No stage named: the whole item is done, every remaining stage with it.
      for (const st of s.stages) if (st.status !== 'completed') st.status = 'completed';
      s.currentStage = undefined;
    }
    finishStage(s, fx, c.actor, how, ctx);
    return { completedStage, currentStage: s.currentStage };
  });
}

export function requestExtension(
  state: ItemState,
  e: WithActor<ExtensionRequestInput>,
  ctx: Ctx,
): Step<{ extension: ExtensionRecord }> {
  return step(state, ctx, (s) => {
    const extension: ExtensionRecord = {
      id: `e${s.extensions.length + 1}`,
      reason: e.reason,
      due: e.due,
      requestedAt: iso(ctx.now),
      requestedBy: e.actor.id,
      stage: s.currentStage,
    };
    s.extensions.push(extension);
    if (clockStopsForReview(ctx.policy) && !s.clockStoppedAt) s.clockStoppedAt = iso(ctx.now);
    addLine(s, e.actor, 'extension_requested', ctx.now, e.reason.slice(0, 200));
    return { extension };
  });
}

export function decideExtension(
  state: ItemState,
  d: WithActor<ExtensionDecisionInput>,
  ctx: Ctx,
): Step<{ extension: ExtensionRecord; deadlineAt?: string }> {
  return step(state, ctx, (s, fx) => {
    const ext = pendingExtension(s)!;
    const decision: NonNullable<ExtensionRecord['decision']> = {
      decision: d.decision,
      comment: d.comment,
      at: iso(ctx.now),
      by: d.actor.id,
    };
    ext.decision = decision;
    addLine(
      s,
      d.actor,
      d.decision === 'approve' ? 'extension_approved' : 'extension_rejected',
      ctx.now,
      d.comment,
    );
    if (d.decision === 'reject') {
      // No time back: the deadline stands where it was before the request. The clock stood still
      // only while the request waited; a final report still waiting keeps it stopped from its own
      // filing, and a pause keeps its own start.
      const report = pendingFinal(s);
      s.clockStoppedAt = report ? report.at : undefined;
      addLine(
        s,
        'system',
        'deadline_kept',
        ctx.now,
        `延期未批准，期限不顺延：${formatLocal(s.deadlineAt!, ctx.timeZone)}`,
      );
      plan(s, ctx);
    } else {
      // A final report still waiting keeps the clock stopped.
      const since = pendingFinal(s) ? undefined : releaseClock(s, 'review');
      giveTimeBack(s, since, d.actor, 'review_clock_stop', '延期申请审批期间停止计时', ctx);
    }
    if (d.decision === 'approve') {
      const extended = ctx.calendar.extendDeadline({
        deadline: s.deadline!,
        due: ext.due,
        at: iso(ctx.now),
        by: d.actor.id,
        reason: ext.reason,
        timeZone: ctx.timeZone,
      });
      setDeadline(s, extended, ctx);
      decision.newDeadlineAt = extended.at;
    }
    const said = d.decision === 'approve' ? '已批准' : '未批准';
    fx.push(
      notice(s, ctx, 'item_event', `${ext.id}:${d.decision}`, `延期申请${said}：${s.title}`, {
        body: d.comment,
      }),
    );
    return { extension: ext, deadlineAt: s.deadlineAt };
  });
}

export function pauseItem(state: ItemState, p: WithActor<ReasonInput>, ctx: Ctx): Step<{ pausedAt: string }> {
  return step(state, ctx, (s) => {
    s.pausedAt = iso(ctx.now);
    s.pauseReason = p.reason;
    addLine(s, p.actor, 'paused', ctx.now, p.reason);
    return { pausedAt: s.pausedAt };
  });
}

export function resumeItem(
  state: ItemState,
  p: WithActor<ReasonInput>,
  ctx: Ctx,
): Step<{ deadlineAt?: string }> {
  return step(state, ctx, (s) => {
    const detail = `因不可抗力暂停：${s.pauseReason ?? ''}`;
    addLine(s, p.actor, 'resumed', ctx.now, p.reason);
    giveTimeBack(s, releaseClock(s, 'pause'), p.actor, 'pause', detail, ctx);
    return { deadlineAt: s.deadlineAt };
  });
}

/**
 * 电话催办 / 督办函 / 上门督办 recorded by hand (S2 §五1): it counts as an urge and reaches the next
 * level of the ladder, with its notices and that level's case.
 */
export function recordUrge(
  state: ItemState,
  u: WithActor<UrgeInput>,
  ctx: Ctx,
): Step<{ reminder?: ReminderRecord; urgeCount: number }> {
  return step(state, ctx, (s, fx) => {
    const before = s.reminders.length;
    reachLevel(s, fx, 'manual', u.actor, ctx, { channel: u.channel, note: u.note });
    plan(s, ctx);
    return { reminder: s.reminders.length > before ? s.reminders.at(-1) : undefined, urgeCount: s.urgeCount };
  });
}

/** 领导批示 (S4 §四(五)2): kept on the item and delivered to the unit and its people. */
export function recordInstruction(
  state: ItemState,
  i: WithActor<InstructionInput>,
  ctx: Ctx,
): Step<{ instruction: InstructionRecord }> {
  return step(state, ctx, (s, fx) => {
    const list = (s.instructions ??= []);
    const instruction: InstructionRecord = {
      id: `i${list.length + 1}`,
      text: i.text,
      at: iso(ctx.now),
      by: i.actor.id,
    };
    list.push(instruction);
    addLine(s, i.actor, 'instruction', ctx.now, i.text.slice(0, 200));
    fx.push(
      notice(s, ctx, 'item_event', `${instruction.id}:instruction`, `领导批示：${s.title}`, {
        body: i.text,
        reason: 'instruction',
        origin: { kind: 'leader_instruction', reference: i.actor.id },
      }),
    );
    return { instruction };
  });
}

export function cancelItem(
  state: ItemState,
  c: WithActor<ReasonInput>,
  ctx: Ctx,
): Step<{ cancelledAt: string }> {
  return step(state, ctx, (s, fx) => {
    cancel(s, fx, c.actor, c.reason, c.reason, ctx);
    return { cancelledAt: s.cancelledAt! };
  });
}

/** The workflow was asked to cancel (e.g. the case revoked the rectification it ordered). */
export function cancelRequested(state: ItemState, ctx: Ctx): Step {
  return step(state, ctx, (s, fx) => {
    cancel(s, fx, 'system', '收到撤销请求（如问责决定撤销了整改要求）', undefined, ctx);
  });
}

/** Lists a case once, in order of level (and stage): the order the ladder reached them, whatever
 * order they started or linked in. A case opened by hand for the item comes after them. */
function linkCase(s: ItemState, caseId: string): void {
  if (!s.caseIds.includes(caseId)) s.caseIds.push(caseId);
  const order = (id: string) => {
    const i = s.reminders.findIndex((r) => r.caseId === id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  s.caseIds.sort((a, b) => order(a) - order(b));
}

/** A case tells the item it was opened for it (links both ways). */
export function caseLinked(state: ItemState, l: { caseId: string }, ctx: Ctx): Step {
  return step(state, ctx, (s) => linkCase(s, l.caseId));
}

// ---------- 汇报频次: periodic progress reports ----------

/** The next period starts where the last one was due (the cadence does not drift with a late report),
 * or, after an urge for a missed one, at the urge: the unit always has a whole period. */
function nextPeriod(s: ItemState, ctx: Ctx, from = s.reporting!.dueAt): void {
  const r = s.reporting!;
  const dueAt = ctx.calendar.addInterval({
    from,
    interval: r.every,
    direction: 1,
    timeZone: ctx.timeZone,
  }).at;
  s.reporting = { every: r.every, period: r.period + 1, from, dueAt, missed: r.missed };
}

/** A progress report of the lead unit (or staff for it) settles the period it falls in. */
function progressReported(s: ItemState, ctx: Ctx): void {
  const r = s.reporting;
  if (!r) return;
  if (!r.remindedAt) {
    r.reportedAt = iso(ctx.now);
    return;
  }
  addLine(s, 'system', 'report_filed_late', ctx.now, `第${r.period}期进展情况已补报`);
  nextPeriod(s, ctx);
}

/** One working day to make up a missed report (a drill: one more period of its own). */
const graceOf = (r: NonNullable<ItemState['reporting']>, ctx: Ctx): string =>
  ctx.calendar.addInterval({
    from: r.dueAt,
    interval: 'duration' in r.every ? r.every : { workingDays: 1 },
    direction: 1,
    timeZone: ctx.timeZone,
  }).at;

/** A period's end: reported, nothing to do; missed, a reminder; still missed after the grace, an urge. */
function periodEnded(s: ItemState, fx: Effect[], ctx: Ctx): void {
  const r = s.reporting!;
  if (r.reportedAt) return nextPeriod(s, ctx);
  if (!r.remindedAt) {
    r.remindedAt = iso(ctx.now);
    r.graceUntil = graceOf(r, ctx);
    const due = formatLocal(r.dueAt, ctx.timeZone);
    const grace = formatLocal(r.graceUntil, ctx.timeZone);
    addLine(s, 'system', 'report_overdue', ctx.now, `第${r.period}期进展情况应于${due}前报送，尚未报送`);
    fx.push(
      notice(s, ctx, 'item_event', `report:P${r.period}:reminder`, `进展情况报送提醒：${s.title}`, {
        reason: 'missed_report',
        body: `第${r.period}期进展情况应于${due}前报送，至今未报送`,
        next: `请于${grace}前补报；逾期仍未报送，视为催办一次（逾期不报）`,
      }),
    );
    return;
  }
  // S4 §四(五)1 逾期不报: counts as an urge, reaching the next level with its notices and case
  r.missed += 1;
  reachLevel(s, fx, 'missed_report', 'system', ctx);
  plan(s, ctx);
  nextPeriod(s, ctx, iso(ctx.now));
}

// ---------- 协办单位: assisting units ----------

/** What each assisting unit contributed: its progress reports, listed in the lead's final report. */
function contributions(s: ItemState): Contribution[] {
  return s.assistingUnits.map((u) => {
    const own = s.reports.filter((r) => r.unit === u.id && r.kind === 'progress');
    return {
      unit: { id: u.id, name: u.name },
      ...(u.duty !== undefined ? { duty: u.duty } : {}),
      reports: own.length,
      ...(own.length ? { lastReportAt: own.at(-1)!.at } : {}),
      summaries: own.map((r) => r.summary.slice(0, 200)),
    };
  });
}

/** An assisting unit's own time has come: reminded once if it has filed nothing by then. */
function assistingDue(s: ItemState, fx: Effect[], ctx: Ctx): void {
  for (const u of s.assistingUnits) {
    if (!u.dueAt || u.remindedAt || Date.parse(u.dueAt) > ctx.now) continue;
    u.remindedAt = iso(ctx.now);
    if (u.reportedAt) continue;
    const due = formatLocal(u.dueAt, ctx.timeZone);
    addLine(s, 'system', 'assisting_overdue', ctx.now, `协办单位${u.name}未在${due}前报送协办情况`);
    fx.push(
      notice(s, ctx, 'item_event', `assist:${u.id}:due`, `协办提醒：${s.title}`, {
        body: `协办单位${u.name}应于${due}前完成协办事项${u.duty ? `（${u.duty}）` : ''}并报送情况，至今未报送`,
        next: `请尽快报送协办情况；牵头单位办结期限${s.deadlineAt ? formatLocal(s.deadlineAt, ctx.timeZone) : ''}`,
        recipients: u.liaison ? [{ ...u.liaison, role: 'assisting_liaison' }] : [],
      }),
    );
  }
}

// ---------- 交办通知: the assignment notice ----------

/** Each assisting unit with its duty and its own time, as the notice lists them. */
function assistingLines(s: ItemState, ctx: Ctx): string {
  return s.assistingUnits
    .map((u) => {
      const own = [
        u.duty ? `协办事项：${u.duty}` : '',
        u.dueAt ? `请于${formatLocal(u.dueAt, ctx.timeZone)}前完成并报送协办情况` : '',
      ].filter(Boolean);
      return `${u.name}${own.length ? `（${own.join('，')}）` : ''}`;
    })
    .join('；');
}

/**
 * 交办通知 (S2 §六2, S3 §四(十)): one notice to the lead unit's liaison and responsible persons and to
 * every assisting unit's liaison, saying who leads, what each assisting unit does and by when, when
 * 签收, the first progress report and the final report are owed. Held for office hours like an urge.
 */
function assignmentNotice(s: ItemState, ctx: Ctx, key: string, why?: string): Effect {
  const at = (x: string) => formatLocal(x, ctx.timeZone);
  const ack = s.acknowledgement && !s.acknowledgement.acknowledgedAt ? s.acknowledgement : undefined;
  const body = [
    why,
    `牵头单位：${s.leadUnit.name}`,
    s.assistingUnits.length ? `协办单位：${assistingLines(s, ctx)}` : '',
    s.reporting ? `第${s.reporting.period}期进展情况请于${at(s.reporting.dueAt)}前报送` : '',
  ]
    .filter(Boolean)
    .join('。');
  const ask = ack ? `请于${at(ack.dueAt)}前签收（不属于本单位职责的，请说明理由退回交办），` : '';
  return notice(s, ctx, 'assignment', key, `督办事项交办：${s.title}`, {
    body,
    next: `${ask}请于${at(s.deadlineAt!)}前办结并报送办结报告`,
  });
}

/** The item has started: its units are told (runs started before the patch told nobody). */
export function itemAssigned(state: ItemState, ctx: Ctx): Step {
  if (!ctx.patched?.(ASSIGNMENT_NOTICE)) return { state, effects: [], outcome: undefined };
  return step(state, ctx, (s, fx) => void fx.push(assignmentNotice(s, ctx, 'assigned')));
}

// ---------- 签收 and 退回交办 ----------

/** the office that hears a 退回交办: the one that issues the ladder's first notice */
const officeOf = (ctx: Ctx): string => ctx.policy.reminders[0]?.notice.by ?? '督查室';

/** 签收 by the lead unit, or by staff on its behalf; after its due instant it is 领办逾期. */
export function acknowledgeItem(
  state: ItemState,
  a: WithActor<AcknowledgeInput>,
  ctx: Ctx,
): Step<{ acknowledgement: AcknowledgementRecord }> {
  return step(state, ctx, (s) => {
    const assisting = s.assistingUnits.find((u) => u.id === unitOfAction(s, a));
    if (assisting) {
      assisting.acknowledgedAt = iso(ctx.now);
      assisting.acknowledgedBy = a.actor.id;
      const note = a.note ? `：${a.note}` : '';
      addLine(s, a.actor, 'assisting_acknowledged', ctx.now, `协办单位${assisting.name}签收${note}`);
      return {
        acknowledgement: {
          unit: { id: assisting.id, name: assisting.name },
          interval: { workingDays: 0 },
          since: s.assignedAt,
          dueAt: assisting.acknowledgedAt,
          acknowledgedAt: assisting.acknowledgedAt,
          by: a.actor.id,
          ...(a.note !== undefined ? { note: a.note } : {}),
        },
      };
    }
    const ack = s.acknowledgement!;
    ack.acknowledgedAt = iso(ctx.now);
    ack.by = a.actor.id;
    if (a.note !== undefined) ack.note = a.note;
    const late = ctx.now > Date.parse(ack.dueAt);
    if (late) ack.late = true;
    const who = a.actor.role === 'unit' ? ack.unit.name : `${ack.unit.name}（督查室代为签收）`;
    const when = late ? `（领办逾期：签收期限${formatLocal(ack.dueAt, ctx.timeZone)}）` : '';
    addLine(s, a.actor, 'acknowledged', ctx.now, `${who}签收${when}${a.note ? `：${a.note}` : ''}`);
    return { acknowledgement: ack };
  });
}

/** 退回交办: the item waits (no timer fires) until the office reassigns or cancels it. */
export function declineItem(
  state: ItemState,
  d: WithActor<DeclineInput>,
  ctx: Ctx,
): Step<{ decline: DeclineRecord }> {
  return step(state, ctx, (s, fx) => {
    const list = (s.declines ??= []);
    const decline: DeclineRecord = {
      id: `d${list.length + 1}`,
      unit: { id: s.leadUnit.id, name: s.leadUnit.name },
      reason: d.reason,
      at: iso(ctx.now),
      by: d.actor.id,
    };
    list.push(decline);
    addLine(s, d.actor, 'declined', ctx.now, `${s.leadUnit.name}退回交办：${d.reason.slice(0, 200)}`);
    const office = officeOf(ctx);
    fx.push(
      notice(s, ctx, 'item_event', `${decline.id}:declined`, `退回交办：${s.title}`, {
        body: `${s.leadUnit.name}退回交办：${d.reason}`,
        next: '请重新交办（指定新的承办单位）或撤销事项',
        office,
        recipients: [{ id: `office:${office}`, name: office, role: 'office' }],
      }),
    );
    return { decline };
  });
}

/** Every deadline not yet met is computed afresh from `from` (the reassignment): the clock restarts. */
function restartClock(s: ItemState, due: Due | undefined, actor: Actor, detail: string, ctx: Ctx): void {
  const from = iso(ctx.now);
  const fresh = (d: Due, old: NonNullable<ItemState['deadline']>) => {
    // an explicit instant stays where it is: only a count of days or a duration restarts
    const next =
      'at' in d ? copy(old) : ctx.calendar.computeDeadline({ from, due: d, timeZone: ctx.timeZone });
    next.receipt.adjustments = [
      ...old.receipt.adjustments,
      { kind: 'reassignment', at: from, from: old.at, to: next.at, detail, by: actor.id },
    ];
    return next;
  };
  s.warnedAt = undefined;
  s.clockStoppedAt = undefined;
  if (s.stages) {
    for (const st of s.stages) {
      if (st.status === 'completed' || !st.deadline) continue;
      st.deadline = fresh(st.due, st.deadline);
      st.deadlineAt = st.deadline.at;
    }
    const current = s.stages.find((st) => st.name === s.currentStage);
    if (current?.deadline) return setDeadline(s, current.deadline, ctx);
  }
  if (s.deadline && due) setDeadline(s, fresh(due, s.deadline), ctx);
  else plan(s, ctx);
}

/**
 * 重新交办 after a 退回交办: the new lead unit (and its people) take the item, the clock restarts from
 * now with the item's own due, and the new unit owes its own 签收.
 */
export function reassignItem(
  state: ItemState,
  r: WithActor<ReassignInput>,
  ctx: Ctx,
  due: Due | undefined,
): Step<{ decline: DeclineRecord; deadlineAt?: string }> {
  return step(state, ctx, (s, fx) => {
    const decline = pendingDecline(s)!;
    const unit: Unit = {
      id: r.leadUnit.id,
      name: r.leadUnit.name ?? r.leadUnit.id,
      ...(r.leadUnit.liaison ? { liaison: r.leadUnit.liaison } : {}),
    };
    const before = s.leadUnit.name;
    s.leadUnit = unit;
    if (r.responsible) s.responsible = r.responsible;
    decline.reassigned = {
      leadUnit: { id: unit.id, name: unit.name },
      at: iso(ctx.now),
      by: r.actor.id,
      ...(r.comment !== undefined ? { comment: r.comment } : {}),
    };
    const detail = `${before}退回交办，重新交办给${unit.name}，自重新交办起计算期限`;
    addLine(
      s,
      r.actor,
      'reassigned',
      ctx.now,
      `重新交办：${before} → ${unit.name}${r.comment ? `（${r.comment}）` : ''}`,
    );
    restartClock(s, due, r.actor, detail, ctx);
    if (s.acknowledgement)
      s.acknowledgement = acknowledgementDue(unit, s.acknowledgement.interval, iso(ctx.now), ctx);
    if (s.reporting) s.reporting = reportingFrom(s.reporting.every, iso(ctx.now), ctx);
    if (ctx.patched?.(ASSIGNMENT_NOTICE)) {
      fx.push(assignmentNotice(s, ctx, `${decline.id}:assigned`, detail));
      return { decline, deadlineAt: s.deadlineAt };
    }
    const ask = s.acknowledgement ? `请于${formatLocal(s.acknowledgement.dueAt, ctx.timeZone)}前签收，` : '';
    fx.push(
      notice(s, ctx, 'item_event', `${decline.id}:reassigned`, `督办事项交办：${s.title}`, {
        body: detail,
        next: `${ask}请于${formatLocal(s.deadlineAt!, ctx.timeZone)}前办结并报送办结报告`,
      }),
    );
    return { decline, deadlineAt: s.deadlineAt };
  });
}

/** The 签收 due instant passed: remind once and record 领办逾期; the deadline clock runs on. */
function remindAcknowledgement(s: ItemState, fx: Effect[], ctx: Ctx): void {
  const ack = s.acknowledgement!;
  ack.remindedAt = iso(ctx.now);
  const local = formatLocal(ack.dueAt, ctx.timeZone);
  addLine(s, 'system', 'acknowledgement_overdue', ctx.now, `领办逾期：${ack.unit.name}未在${local}前签收`);
  fx.push(
    notice(s, ctx, 'item_event', `ack:${ack.unit.id}:${ack.since}`, `签收提醒：${s.title}`, {
      body: `${ack.unit.name}未在签收期限${local}前签收，已记录领办逾期`,
      next: '请立即签收；如不属于本单位职责，请说明理由退回交办',
    }),
  );
}

// ---------- timer events ----------

function warn(s: ItemState, fx: Effect[], ctx: Ctx): void {
  s.warnedAt = iso(ctx.now);
  const local = formatLocal(s.deadlineAt!, ctx.timeZone);
  addLine(s, 'system', 'warned', ctx.now, `距期限${local}已不足预警期`);
  fx.push(
    notice(s, ctx, 'warning', `${s.currentStage ?? 'item'}:warning:${s.deadlineAt}`, `预警提醒：${s.title}`, {
      next: `请于${local}前办结并报送办结报告`,
    }),
  );
}

/** The warning, the deadline or a level was reached. A warning already overtaken by its deadline is
 * not sent (a worker that was down for a while): the deadline is acted on instead. */
export function timerFired(state: ItemState, wake: WakeUp, ctx: Ctx): Step {
  return step(state, ctx, (s, fx) => {
    const deadlinePassed = s.deadlineAt !== undefined && ctx.now >= Date.parse(s.deadlineAt);
    if (wake.kind === 'delivery') releaseHeld(s, fx, ctx);
    else if (wake.kind === 'report') periodEnded(s, fx, ctx);
    else if (wake.kind === 'assisting') assistingDue(s, fx, ctx);
    else if (wake.kind === 'acknowledgement') remindAcknowledgement(s, fx, ctx);
    else if (wake.kind === 'warning' && !deadlinePassed) warn(s, fx, ctx);
    else if (wake.kind !== 'level') addLine(s, 'system', 'overdue', ctx.now, '已超过办理期限');
    else reachLevel(s, fx, remindersOfStage(s).length === 0 ? 'deadline' : 'interval', 'system', ctx);
  });
}

// ---------- what the outbox performed ----------

/** Each notice's delivery result is kept; a failed channel is counted and said in the history. */
export function noticesDelivered(state: ItemState, records: NoticeRecord[], ctx: Ctx): Step {
  return step(state, ctx, (s) => {
    for (const r of records) {
      s.notices.push(r);
      const failed = r.deliveries.filter((d) => d.status === 'failed');
      if (failed.length === 0) continue;
      s.deliveryFailures += 1;
      const detail = failed.map((d) => `${d.channel} ${d.detail ?? ''}`).join('; ');
      addLine(s, 'system', 'delivery_failed', ctx.now, `${r.subject}：${detail}`);
    }
  });
}

/** The escalation case runs (`started` false: it already did, e.g. after a continue-as-new). */
export function caseOpened(state: ItemState, c: { caseId: string; started: boolean }, ctx: Ctx): Step {
  return step(state, ctx, (s) => {
    if (c.started) caseLinkedNow(s, c.caseId, ctx.now);
    else linkCase(s, c.caseId);
  });
}

/** Links a level case with its `case_opened` line, once (the urge may have done so already). */
function caseLinkedNow(s: ItemState, caseId: string, now: number): void {
  linkCase(s, caseId);
  const detail = `启动问责程序：${caseId}`;
  if (!s.history.some((l) => l.action === 'case_opened' && l.detail === detail))
    addLine(s, 'system', 'case_opened', now, detail);
}
