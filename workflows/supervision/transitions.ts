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
  Actor,
  CaseInput,
  ExtensionRecord,
  InstructionRecord,
  Notice,
  NoticeKind,
  NoticeRecord,
  Recipient,
  ReminderRecord,
  ReportRecord,
} from '../types';
import type {
  CompleteInput,
  ExtensionDecisionInput,
  ExtensionRequestInput,
  InstructionInput,
  ReasonInput,
  ReportInput,
  ReviewInput,
  UrgeInput,
} from '../../domain/schemas';
import { derive } from './details';
import type { WakeUp } from './next-wake-up';
import {
  clockStopsForReview,
  giveTimeBack,
  pendingExtension,
  pendingFinal,
  plan,
  releaseClock,
  remindersOfStage,
  setDeadline,
  stageOf,
} from './schedule';
import { addLine, copy, iso, type Ctx, type ItemState } from './state';

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
  return { state: s, effects, outcome };
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
    // The id is known now; caseIds lists the case once it runs (started, or linked by the case).
    reminder.caseId = effect.caseInput.caseId;
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
    calendar: ctx.calendar.data,
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
    const report: ReportRecord = {
      id: `r${s.reports.length + 1}`,
      kind: r.kind,
      summary: r.summary,
      signedBy: r.signedBy,
      stage: r.stage ?? s.currentStage,
      at: iso(ctx.now),
      by: r.actor.id,
    };
    s.reports.push(report);
    addLine(
      s,
      r.actor,
      r.kind === 'final' ? 'final_report' : 'progress_report',
      ctx.now,
      r.summary.slice(0, 200),
    );
    if (r.kind === 'final' && clockStopsForReview(ctx.policy) && !s.clockStoppedAt)
      s.clockStoppedAt = iso(ctx.now);
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
    if (wake.kind === 'warning' && !deadlinePassed) warn(s, fx, ctx);
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
    linkCase(s, c.caseId);
    if (c.started) addLine(s, 'system', 'case_opened', ctx.now, `启动问责程序：${c.caseId}`);
  });
}
