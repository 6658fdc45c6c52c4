// The supervision item (督办事项): one workflow per item, from assignment to 办结 or cancellation.
//
// Invariants:
// - Every deadline comes from the calendar activity, so the instant, the calendar version and the
//   receipt are in the history; a calendar update never changes a running item's past decisions.
// - The policy is data. Each level of its ladder is reached once per stage, in order, either when
//   its instant passes or because an event counts as an urge (a report returned for redo, S4).
// - While paused, or while the office holds a final report or an extension request (when the
//   policy stops the clock for reviews), no reminder fires; on restart the deadline moves so the
//   unit has exactly the time it had left.
// - State changes happen synchronously in handlers; their effects (notices, opening a case) go to
//   an outbox that one loop drains, so an update answers at once even while a mail server is down.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  allHandlersFinished,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { formatLocal, nth } from './format';
import { caseWorkflowId } from './ids';
import {
  cancelItem,
  caseLinked,
  completeItem,
  decideExtension,
  getItemState,
  pauseItem,
  rectificationFinished,
  REFUSAL,
  requestExtension,
  resumeItem,
  reviewReport,
  submitReport,
} from './messages';
import { deliver, deliveryFailed } from './notify';
import {
  DeadlineAtKey,
  DeliveryFailuresKey,
  LeadUnitKey,
  SupervisionStatusKey,
  UrgeCountKey,
} from './search-attributes';
import type {
  Actor,
  CaseInput,
  Deadline,
  ItemStatus,
  Light,
  Notice,
  NoticeKind,
  Recipient,
  ReminderRecord,
  StageState,
  SupervisionInput,
  SupervisionState,
} from './types';

const calendar = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 10, nonRetryableErrorTypes: ['InvalidInput'] },
});

type Effect =
  | { kind: 'notice'; notice: Notice }
  | { kind: 'openCase'; reminder: ReminderRecord }
  | { kind: 'reportToCase' };

const refuse = (type: string, message: string): never => {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
};

export async function supervisionItem(input: SupervisionInput): Promise<SupervisionState> {
  assertShape(input);
  const tz = input.timeZone;
  const policy = input.policy;
  const state: SupervisionState = input.carried ?? initialState(input);
  const outbox: Effect[] = [];
  let wake = false; // set when a handler moved the schedule, so the main loop re-plans its wait
  let replan = false;
  let lastIndexed = '';

  // ---------- helpers over state ----------
  const now = () => new Date().toISOString();
  const terminal = () => state.status === 'completed' || state.status === 'cancelled';
  const stage = (): StageState | undefined => state.stages?.find((s) => s.name === state.currentStage);
  const remindersOfStage = () => state.reminders.filter((r) => r.stage === state.currentStage);
  const pendingFinal = () => state.reports.find((r) => r.kind === 'final' && !r.review);
  const pendingExtension = () => state.extensions.find((e) => !e.decision);
  const clockStopsForReview = () => policy.clockStopsDuringReview !== false;
  const record = (actor: Actor | string, action: string, detail?: string) =>
    state.history.push({ at: now(), by: typeof actor === 'string' ? actor : actor.id, action, detail });

  function refreshStatus(): void {
    if (!terminal()) {
      const deadlineMs = state.deadlineAt ? Date.parse(state.deadlineAt) : Infinity;
      // A paused item keeps the light it had when its clock stopped.
      const overdue = (state.pausedAt ? Date.parse(state.pausedAt) : Date.now()) >= deadlineMs;
      const warned = Boolean(state.warnedAt) && !overdue;
      const light: Light = overdue ? 'red' : warned ? 'yellow' : 'green';
      let status: ItemStatus = overdue ? 'overdue' : warned ? 'warning' : 'open';
      if (pendingFinal()) status = 'under_review';
      if (state.pausedAt) status = 'paused';
      state.status = status;
      state.light = light;
    }
    // Upsert only what changed: every upsert is an event in the history.
    const indexed = `${state.status}|${state.urgeCount}|${state.deliveryFailures}|${state.deadlineAt ?? ''}`;
    if (indexed !== lastIndexed) {
      lastIndexed = indexed;
      upsertSearchAttributes([
        { key: SupervisionStatusKey, value: state.status },
        { key: UrgeCountKey, value: state.urgeCount },
        { key: DeliveryFailuresKey, value: state.deliveryFailures },
        ...(state.deadlineAt ? [{ key: DeadlineAtKey, value: new Date(state.deadlineAt) }] : []),
      ]);
    }
    setCurrentDetails(details());
  }

  function details(): string {
    const light = { green: '绿灯', yellow: '黄灯', red: '红灯' }[state.light];
    const label: Record<ItemStatus, string> = {
      open: '办理中',
      warning: '临近期限',
      overdue: '已逾期',
      under_review: '办结报告待审核',
      paused: '已暂停（不可抗力）',
      completed: '已办结',
      cancelled: '已撤销',
    };
    const parts = [`${light} · ${label[state.status]}`, `已催办${state.urgeCount}次`];
    if (state.currentStage) parts.push(`当前节点：${state.currentStage}`);
    if (state.deadlineAt) parts.push(`期限：${formatLocal(state.deadlineAt, tz)}`);
    const next = terminal() ? undefined : nextEvent();
    if (next && !state.pausedAt)
      parts.push(`下一步：${next.label} ${formatLocal(new Date(next.at).toISOString(), tz)}`);
    return parts.join('\n');
  }

  // ---------- notices ----------
  function recipients(withOffice?: string): Recipient[] {
    const list: Recipient[] = [];
    const add = (
      p: { id: string; name: string; email?: string; phone?: string } | undefined,
      role: string,
    ) => {
      if (p && !list.some((r) => r.id === p.id && r.role === role)) list.push({ ...p, role });
    };
    add(input.leadUnit.liaison, 'liaison');
    add(input.responsible.principal, 'principal');
    add(input.responsible.inCharge, 'in_charge');
    add(input.responsible.direct, 'direct');
    if (withOffice) list.push({ id: `office:${withOffice}`, name: withOffice, role: 'office' });
    return list;
  }

  function notice(kind: NoticeKind, key: string, subject: string, extra: Partial<Notice>): void {
    outbox.push({
      kind: 'notice',
      notice: {
        key: `${state.id}:${key}`,
        kind,
        subject,
        itemId: state.id,
        title: state.title,
        leadUnit: { id: input.leadUnit.id, name: input.leadUnit.name },
        deadlineAt: state.deadlineAt,
        localDeadline: state.deadlineAt ? formatLocal(state.deadlineAt, tz) : undefined,
        receiptSummary: state.deadline?.receipt.summary,
        recipients: recipients(),
        at: now(),
        ...extra,
      },
    });
  }

  // ---------- the ladder ----------
  /** Reaches the next level of the current stage's ladder: 催办, 通报 and the proposed measures. */
  function reachLevel(reason: ReminderRecord['reason'], actor: Actor | string): void {
    const stageName = state.currentStage;
    const index = remindersOfStage().length;
    state.urgeCount += 1;
    const current = stage();
    if (current) current.urgeCount += 1;
    const level = policy.reminders[index];
    if (!level) {
      // The ladder is exhausted (e.g. a report returned again after the last level): still an urge.
      record(actor, 'urged', `第${state.urgeCount}次催办（已达最高一级）`);
      return;
    }
    const reminder: ReminderRecord = {
      level: index + 1,
      name: level.name ?? `第${index + 1}级`,
      at: now(),
      stage: stageName,
      reason,
      notice: level.notice,
      measures: level.measures,
    };
    state.reminders.push(reminder);
    const where = stageName ? `${stageName}:` : '';
    const why = { deadline: '逾期未办结', interval: '催办后仍未落实', returned: '办结报告被退回重办' }[
      reason
    ];
    record(actor, 'urged', `${reminder.name}（${why}），由${level.notice.by}通报`);
    const next =
      index + 1 < policy.reminders.length
        ? `如仍未落实，将进行${policy.reminders[index + 1]?.name ?? '下一级催办'}`
        : level.openCase
          ? '将启动问责程序'
          : '将依规问责';
    notice('urge', `${where}L${index + 1}:urge`, `${nth(index + 1)}催办：${state.title}`, {
      level: index + 1,
      office: level.notice.by,
      measures: level.measures,
      next,
    });
    notice('bulletin', `${where}L${index + 1}:bulletin`, `督查通报（${level.notice.by}）：${state.title}`, {
      level: index + 1,
      office: level.notice.by,
      measures: level.measures,
      recipients: recipients(level.notice.by),
      next,
    });
    if (level.openCase) outbox.push({ kind: 'openCase', reminder });
  }

  function nextEvent(): { at: number; label: string; fire: () => void } | undefined {
    const schedule = state.schedule;
    // Never act on a schedule that is being replaced: a moved deadline must be re-planned first.
    if (!schedule || replan || busy > 0) return undefined;
    const deadline = Date.parse(schedule.deadlineAt);
    if (schedule.warningAt && !state.warnedAt && Date.now() < deadline) {
      return { at: Date.parse(schedule.warningAt), label: '预警', fire: warn };
    }
    const level = schedule.levels[remindersOfStage().length];
    if (Date.now() < deadline && (!level || Date.parse(level.dueAt) > deadline)) {
      return { at: deadline, label: '截止', fire: () => record('system', 'overdue', '已超过办理期限') };
    }
    if (level) {
      return {
        at: Date.parse(level.dueAt),
        label: level.name,
        fire: () => reachLevel(remindersOfStage().length === 0 ? 'deadline' : 'interval', 'system'),
      };
    }
    return undefined;
  }

  function warn(): void {
    state.warnedAt = now();
    record('system', 'warned', `距期限${formatLocal(state.deadlineAt!, tz)}已不足预警期`);
    notice(
      'warning',
      `${state.currentStage ?? 'item'}:warning:${state.deadlineAt}`,
      `预警提醒：${state.title}`,
      {
        next: `请于${formatLocal(state.deadlineAt!, tz)}前办结并报送办结报告`,
      },
    );
  }

  // ---------- deadlines (activities; serialised so two moves never interleave) ----------
  let chain: Promise<unknown> = Promise.resolve();
  let busy = 0; // counted from the call, so the main loop holds still while a move waits its turn
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    busy += 1;
    const run = chain.then(fn).finally(() => {
      busy -= 1;
      wake = true;
    });
    chain = run.catch(() => undefined);
    return run;
  }

  function setDeadline(deadline: Deadline): void {
    state.deadline = deadline;
    state.deadlineAt = deadline.at;
    state.calendar = deadline.calendar;
    const current = stage();
    if (current) {
      current.deadline = deadline;
      current.deadlineAt = deadline.at;
    }
    replan = true;
    wake = true;
  }

  async function plan(): Promise<void> {
    replan = false;
    const schedule = await calendar.planSchedule.executeWithOptions(
      { startToCloseTimeout: '10 seconds', summary: '计算催办时间表' },
      [{ deadlineAt: state.deadlineAt!, policy, timeZone: tz, reached: remindersOfStage() }],
    );
    state.schedule = schedule;
    // A moved deadline earns a new warning only if its warning instant is still ahead; otherwise the
    // warning already given stands (a resumed item is not warned twice).
    if (state.warnedAt && schedule.warningAt && Date.now() < Date.parse(schedule.warningAt)) {
      state.warnedAt = undefined;
    }
    wake = true;
  }

  /**
   * Ends one reason for the unit's clock to stand still (a pause, or the office holding a report or
   * an extension request). Overlapping stops count once: only when no reason is left is the unit
   * given back the whole time since the first one began.
   */
  function releaseClock(kind: 'pause' | 'review'): string | undefined {
    const stops = [state.pausedAt, clockStopsForReview() ? state.clockStoppedAt : undefined];
    const since = stops.filter((x): x is string => Boolean(x)).sort()[0];
    if (kind === 'pause') {
      state.pausedAt = undefined;
      state.pauseReason = undefined;
    } else {
      state.clockStoppedAt = undefined;
    }
    const stillStopped = Boolean(state.pausedAt) || (clockStopsForReview() && Boolean(state.clockStoppedAt));
    return stillStopped ? undefined : since;
  }

  /** Moves the deadline by the time the clock stood still (working days, or elapsed time). */
  async function giveTimeBack(
    since: string | undefined,
    actor: Actor,
    kind: 'pause' | 'review_clock_stop',
    detail: string,
  ): Promise<void> {
    if (!since || !state.deadline) return;
    const moved = await calendar.shiftDeadline.executeWithOptions(
      {
        startToCloseTimeout: '10 seconds',
        summary: kind === 'pause' ? '恢复：顺延期限' : '审核结束：顺延期限',
      },
      [
        {
          deadline: state.deadline,
          stoppedAt: since,
          resumedAt: now(),
          kind,
          detail,
          by: actor.id,
          timeZone: tz,
        },
      ],
    );
    setDeadline(moved);
  }

  async function startStage(s: StageState | undefined): Promise<void> {
    state.warnedAt = undefined; // each stage's deadline has its own warning
    if (s) {
      s.status = 'active';
      state.currentStage = s.name;
      record('system', 'stage_started', `进入节点：${s.name}`);
    }
    const deadline =
      s?.deadline ??
      (await calendar.computeDeadline.executeWithOptions(
        { startToCloseTimeout: '10 seconds', summary: '计算办理期限' },
        [{ from: state.assignedAt, due: input.due, timeZone: tz }],
      ));
    setDeadline(deadline);
    await plan();
  }

  async function finishStage(actor: Actor, how: string): Promise<void> {
    // What the finished stage left pending does not carry over to the next one.
    const ext = pendingExtension();
    if (ext) {
      ext.decision = { decision: 'reject', comment: '节点已办结，延期申请不再审批', at: now(), by: actor.id };
    }
    state.clockStoppedAt = undefined;
    const current = stage();
    if (current) {
      current.status = 'completed';
      current.completedAt = now();
      record(actor, 'stage_completed', `${current.name}：${how}`);
      const next = state.stages?.find((s) => s.status === 'pending');
      if (next) {
        await startStage(next);
        return;
      }
    }
    state.status = 'completed';
    state.completedAt = now();
    record(actor, 'completed', how);
    notice('item_event', 'completed', `已办结：${state.title}`, { body: how });
    if (state.origin) outbox.push({ kind: 'reportToCase' });
  }

  // ---------- handlers (registered before the first await) ----------
  setHandler(getItemState, () => state);

  setHandler(caseLinked, ({ caseId }) => {
    if (!state.caseIds.includes(caseId)) state.caseIds.push(caseId);
  });

  const assertOpen = () => {
    if (terminal())
      refuse(REFUSAL.invalidState, `事项已${state.status === 'completed' ? '办结' : '撤销'}，不能再操作`);
  };
  const assertStage = (name?: string) => {
    if (name && name !== state.currentStage) {
      refuse(REFUSAL.invalidState, `当前节点是"${state.currentStage ?? '（无节点）'}"，不是"${name}"`);
    }
  };

  setHandler(
    submitReport,
    (r) => {
      const id = `r${state.reports.length + 1}`;
      const report = {
        id,
        kind: r.kind,
        summary: r.summary,
        signedBy: r.signedBy,
        stage: r.stage ?? state.currentStage,
        at: now(),
        by: r.actor.id,
      };
      state.reports.push(report);
      record(r.actor, r.kind === 'final' ? 'final_report' : 'progress_report', r.summary.slice(0, 200));
      if (r.kind === 'final' && clockStopsForReview() && !state.clockStoppedAt) state.clockStoppedAt = now();
      wake = true;
      refreshStatus();
      return report;
    },
    {
      validator: (r) => {
        assertOpen();
        assertStage(r.stage);
        if (r.kind === 'final') {
          if (!r.signedBy) refuse(REFUSAL.invalidInput, '办结报告须由承办单位主要负责人签发（signedBy）');
          if (pendingFinal()) refuse(REFUSAL.invalidState, '已有办结报告待审核');
          if (state.pausedAt) refuse(REFUSAL.invalidState, '事项已暂停，恢复后再报送办结报告');
        }
      },
    },
  );

  setHandler(
    reviewReport,
    async (r) => {
      const report = pendingFinal()!;
      // Taken at once, so a second review of the same report is refused by the validator.
      report.review = { decision: r.decision, comment: r.comment, at: now(), by: r.actor.id };
      if (r.decision === 'accept') {
        record(r.actor, 'report_accepted', r.comment);
        await exclusive(async () => {
          if (!terminal()) await finishStage(r.actor, `办结报告审核通过：${r.comment}`);
        });
      } else {
        record(r.actor, 'report_returned', r.comment);
        const since = pendingExtension() ? undefined : releaseClock('review');
        await exclusive(async () => {
          if (terminal()) return;
          await giveTimeBack(
            since,
            r.actor,
            'review_clock_stop',
            `办结报告审核期间停止计时，退回重办：${r.comment}`,
          );
          reachLevel('returned', r.actor); // S4 §四(五)1: 退回重办 counts as an urge
          await plan();
        });
        notice('item_event', `${report.id}:returned`, `退回重办：${state.title}`, { body: r.comment });
      }
      wake = true;
      refreshStatus();
      return state;
    },
    {
      validator: (_input) => {
        assertOpen();
        if (!pendingFinal()) refuse(REFUSAL.invalidState, '没有待审核的办结报告');
      },
    },
  );

  setHandler(
    completeItem,
    async (c) => {
      const how = c.comment ? `领导确认办结：${c.comment}` : '领导确认办结';
      await exclusive(async () => {
        // Re-checked in turn: a cancel or a completion of the same stage may have come first.
        if (terminal() || (c.stage && c.stage !== state.currentStage)) return;
        if (c.stage || !state.stages) {
          await finishStage(c.actor, how);
        } else {
          // No stage named: the whole item is done, every remaining stage with it.
          for (const s of state.stages) if (s.status !== 'completed') s.status = 'completed';
          state.currentStage = undefined;
          await finishStage(c.actor, how);
        }
      });
      wake = true;
      refreshStatus();
      return state;
    },
    {
      validator: (c) => {
        assertOpen();
        assertStage(c.stage);
        if (pendingFinal()) refuse(REFUSAL.invalidState, '有待审核的办结报告，请先审核（通过或退回）');
      },
    },
  );

  setHandler(
    requestExtension,
    (e) => {
      const ext = {
        id: `e${state.extensions.length + 1}`,
        reason: e.reason,
        due: e.due,
        requestedAt: now(),
        requestedBy: e.actor.id,
        stage: state.currentStage,
      };
      state.extensions.push(ext);
      if (clockStopsForReview() && !state.clockStoppedAt) state.clockStoppedAt = now();
      record(e.actor, 'extension_requested', e.reason.slice(0, 200));
      wake = true;
      refreshStatus();
      return ext;
    },
    {
      validator: (e) => {
        assertOpen();
        if (state.pausedAt) refuse(REFUSAL.invalidState, '事项已暂停，不能申请延期');
        if (!state.deadlineAt || Date.now() >= Date.parse(state.deadlineAt)) {
          refuse(
            REFUSAL.tooLate,
            `已超过办理期限（${formatLocal(state.deadlineAt!, tz)}），不能再申请延期：须在期限届满前提前报告原因（S4 §三(一)）`,
          );
        }
        if (pendingExtension()) refuse(REFUSAL.invalidState, '已有延期申请待审批');
        if ('at' in e.due && Date.parse(e.due.at) <= Date.parse(state.deadlineAt!)) {
          refuse(REFUSAL.invalidInput, `申请的新期限须晚于当前期限（${formatLocal(state.deadlineAt!, tz)}）`);
        }
      },
    },
  );

  setHandler(
    decideExtension,
    async (d) => {
      const ext = pendingExtension()!;
      // Taken at once, so a repeated decision (a double click, a retried request) is refused.
      const decision: NonNullable<typeof ext.decision> = {
        decision: d.decision,
        comment: d.comment,
        at: now(),
        by: d.actor.id,
      };
      ext.decision = decision;
      record(d.actor, d.decision === 'approve' ? 'extension_approved' : 'extension_rejected', d.comment);
      const since = pendingFinal() ? undefined : releaseClock('review');
      await exclusive(async () => {
        if (terminal()) return;
        await giveTimeBack(since, d.actor, 'review_clock_stop', '延期申请审批期间停止计时');
        if (d.decision === 'approve') {
          const extended = await calendar.extendDeadline.executeWithOptions(
            { startToCloseTimeout: '10 seconds', summary: '批准延期：计算新期限' },
            [
              {
                deadline: state.deadline!,
                due: ext.due,
                at: now(),
                by: d.actor.id,
                reason: ext.reason,
                timeZone: tz,
              },
            ],
          );
          setDeadline(extended);
          decision.newDeadlineAt = extended.at;
        }
        if (replan) await plan();
      });
      notice(
        'item_event',
        `${ext.id}:${d.decision}`,
        `延期申请${d.decision === 'approve' ? '已批准' : '未批准'}：${state.title}`,
        {
          body: d.comment,
        },
      );
      wake = true;
      refreshStatus();
      return state;
    },
    {
      validator: (_input) => {
        assertOpen();
        if (!pendingExtension()) refuse(REFUSAL.invalidState, '没有待审批的延期申请');
      },
    },
  );

  setHandler(
    pauseItem,
    (p) => {
      state.pausedAt = now();
      state.pauseReason = p.reason;
      record(p.actor, 'paused', p.reason);
      wake = true;
      refreshStatus();
      return state;
    },
    {
      validator: (_input) => {
        assertOpen();
        if (state.pausedAt) refuse(REFUSAL.invalidState, '事项已处于暂停状态');
      },
    },
  );

  setHandler(
    resumeItem,
    async (p) => {
      const detail = `因不可抗力暂停：${state.pauseReason ?? ''}`;
      record(p.actor, 'resumed', p.reason);
      const since = releaseClock('pause');
      await exclusive(async () => {
        if (terminal()) return;
        await giveTimeBack(since, p.actor, 'pause', detail);
        if (replan) await plan();
      });
      wake = true;
      refreshStatus();
      return state;
    },
    {
      validator: (_input) => {
        assertOpen();
        if (!state.pausedAt) refuse(REFUSAL.invalidState, '事项未暂停');
      },
    },
  );

  setHandler(
    cancelItem,
    (c) => {
      state.status = 'cancelled';
      state.cancelledAt = now();
      record(c.actor, 'cancelled', c.reason);
      notice('item_event', 'cancelled', `已撤销：${state.title}`, { body: c.reason });
      if (state.origin) outbox.push({ kind: 'reportToCase' });
      wake = true;
      refreshStatus();
      return state;
    },
    { validator: (_input) => assertOpen() },
  );

  // ---------- effects ----------
  async function perform(effect: Effect): Promise<void> {
    if (effect.kind === 'notice') {
      const result = await deliver(effect.notice);
      state.notices.push(result);
      if (deliveryFailed(result)) {
        state.deliveryFailures += 1;
        record(
          'system',
          'delivery_failed',
          `${result.subject}：${result.deliveries
            .filter((d) => d.status === 'failed')
            .map((d) => `${d.channel} ${d.detail ?? ''}`)
            .join('; ')}`,
        );
        refreshStatus();
      }
    } else if (effect.kind === 'openCase') {
      await openCase(effect.reminder);
    } else {
      const origin = state.origin!;
      try {
        await getExternalWorkflowHandle(caseWorkflowId(origin.caseId)).signal(rectificationFinished, {
          itemId: state.id,
          measureId: origin.measureId,
          status: state.status === 'completed' ? 'completed' : 'cancelled',
        });
      } catch (err) {
        log.warn('could not tell the case about the rectification', {
          caseId: origin.caseId,
          error: String(err),
        });
      }
    }
  }

  async function openCase(reminder: ReminderRecord): Promise<void> {
    const caseId = `${state.id}-${reminder.stage ? `${reminder.stage}-` : ''}L${reminder.level}`;
    const persons = [
      { p: input.responsible.principal, role: 'principal' as const },
      { p: input.responsible.inCharge, role: 'in_charge' as const },
      { p: input.responsible.direct, role: 'direct' as const },
    ];
    const caseInput: CaseInput = {
      caseId,
      subjects: [
        { kind: 'unit', id: input.leadUnit.id, name: input.leadUnit.name },
        ...persons.flatMap(({ p, role }) =>
          p
            ? [
                {
                  kind: 'person' as const,
                  id: p.id,
                  name: p.name,
                  unitId: input.leadUnit.id,
                  role,
                  email: p.email,
                },
              ]
            : [],
        ),
      ],
      grounds: [policy.reminders[reminder.level - 1]?.clause ?? `${reminder.name}后仍未落实`],
      source: { kind: input.source.kind, reference: `督办事项 ${state.id}` },
      itemId: state.id,
      escalation: { level: reminder.level, proposed: reminder.measures, itemTitle: state.title },
      policy,
      timeZone: tz,
      openedBy: { id: 'system', role: 'system' },
      openedAt: now(),
    };
    try {
      await startChild('accountabilityCase', {
        workflowId: caseWorkflowId(caseId),
        args: [caseInput],
        parentClosePolicy: ParentClosePolicy.ABANDON, // the case outlives the item
        staticSummary: `问责：${state.title}`,
        staticDetails: `督办事项：${state.id}\n承办单位：${input.leadUnit.name}\n触发：${reminder.name}`,
        memo: { title: `问责：${state.title}` },
      });
      reminder.caseId = caseId;
      if (!state.caseIds.includes(caseId)) state.caseIds.push(caseId);
      record('system', 'case_opened', `启动问责程序：${caseId}`);
    } catch (err) {
      // Already started (e.g. after a continue-as-new): the link is what matters.
      log.warn('accountability case not started', { caseId, error: String(err) });
      reminder.caseId = caseId;
      if (!state.caseIds.includes(caseId)) state.caseIds.push(caseId);
    }
  }

  // One loop performs effects in order, beside the main loop, so a slow delivery never delays a timer.
  let finishing = false;
  async function pumpOutbox(): Promise<void> {
    for (;;) {
      await condition(() => outbox.length > 0 || finishing);
      if (outbox.length === 0) return;
      await perform(outbox[0]!);
      outbox.shift();
    }
  }

  // ---------- the process ----------
  upsertSearchAttributes([{ key: LeadUnitKey, value: input.leadUnit.id }]);
  try {
    if (!input.carried) {
      record(input.createdBy, 'created', `交办：${input.leadUnit.name}`);
      if (input.stages?.length) {
        // Every stage's deadline is known up front so the state shows the whole plan.
        for (const s of state.stages!) {
          s.deadline = await calendar.computeDeadline.executeWithOptions(
            { startToCloseTimeout: '10 seconds', summary: `计算节点期限：${s.name}` },
            [{ from: state.assignedAt, due: s.due, timeZone: tz }],
          );
          s.deadlineAt = s.deadline.at;
        }
        await exclusive(() => startStage(state.stages![0]));
      } else {
        await exclusive(() => startStage(undefined));
      }
    } else if (!state.schedule) {
      await exclusive(() => startStage(stage()));
    }
  } catch (err) {
    // Input the calendar refuses can never become valid: fail the item clearly, once.
    if (
      err instanceof ActivityFailure &&
      err.cause instanceof ApplicationFailure &&
      err.cause.type === 'InvalidInput'
    ) {
      throw ApplicationFailure.nonRetryable(`督办事项无法排期：${err.cause.message}`, 'InvalidInput');
    }
    throw err;
  }
  refreshStatus();
  // Effects are never cut off half-way: a cancelled item still sends what it owes, then ends.
  const pump = CancellationScope.nonCancellable(pumpOutbox);

  try {
    while (!terminal()) {
      if (replan) await exclusive(plan);
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength >= (input.continueAsNewAfterEvents ?? 10_000)) {
        await condition(() => allHandlersFinished() && outbox.length === 0);
        await continueAsNew<typeof supervisionItem>({ ...input, carried: state });
      }
      wake = false;
      refreshStatus();
      const clockStopped =
        Boolean(state.pausedAt) || (clockStopsForReview() && Boolean(state.clockStoppedAt));
      const next = clockStopped ? undefined : nextEvent();
      const until = () => wake || terminal();
      if (!next) {
        await condition(until);
        continue;
      }
      const delay = next.at - Date.now();
      if (delay > 0) {
        // Whether woken or timed out, look again: a handler may have moved the schedule meanwhile.
        await condition(until, delay, { summary: timerSummary(next.label, next.at) });
        continue;
      }
      next.fire();
    }
  } catch (err) {
    // A cancellation request (e.g. the case revoked the rectification it ordered) ends the item
    // the way cancelItem does, instead of failing its workflow task forever.
    if (!isCancellation(err)) throw err;
    state.status = 'cancelled';
    state.cancelledAt = now();
    record('system', 'cancelled', '收到撤销请求（如问责决定撤销了整改要求）');
    notice('item_event', 'cancelled', `已撤销：${state.title}`, {});
    if (state.origin) outbox.push({ kind: 'reportToCase' });
  }

  await CancellationScope.nonCancellable(async () => {
    await condition(allHandlersFinished);
    finishing = true;
    await pump;
  });
  refreshStatus();
  return state;

  function timerSummary(label: string, at: number): string {
    const when = formatLocal(new Date(at).toISOString(), tz);
    const days = state.deadline?.workingDays;
    const deadline = `等待截止 ${when}${days ? `（第${days}个工作日）` : ''}`;
    if (label === '截止') return deadline;
    if (label === '预警') return `等待预警 ${when}`;
    // A level due at the deadline itself (after: 0) waits for the deadline: say so.
    if (state.deadlineAt && at === Date.parse(state.deadlineAt)) return `${deadline}，届时${label}`;
    return `等待${label} ${when}`;
  }
}

/**
 * The API validates every field with zod; this only stops a hand-made start with a missing part
 * from failing the workflow task forever (a TypeError is retried) instead of failing the item once.
 */
function assertShape(input: SupervisionInput): void {
  const missing = [
    !input?.itemId && 'itemId',
    !input?.title && 'title',
    !input?.leadUnit?.id && 'leadUnit.id',
    !input?.responsible?.principal && 'responsible.principal',
    !input?.assignedAt && 'assignedAt',
    !input?.due && !input?.stages?.length && 'due',
    !input?.policy?.reminders?.length && 'policy.reminders',
    !input?.timeZone && 'timeZone',
    !input?.createdBy && 'createdBy',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw ApplicationFailure.nonRetryable(`督办事项输入不完整：缺少 ${missing.join(', ')}`, 'InvalidInput');
  }
}

function initialState(input: SupervisionInput): SupervisionState {
  return {
    id: input.itemId,
    title: input.title,
    description: input.description,
    source: input.source,
    leadUnit: input.leadUnit,
    assistingUnits: input.assistingUnits ?? [],
    responsible: input.responsible,
    assignedAt: input.assignedAt,
    status: 'open',
    light: 'green',
    urgeCount: 0,
    reminders: [],
    reports: [],
    extensions: [],
    caseIds: [],
    policy: input.policy.name,
    policyDetail: input.policy,
    stages: input.stages?.map((s) => ({ name: s.name, due: s.due, status: 'pending', urgeCount: 0 })),
    notices: [],
    deliveryFailures: 0,
    origin: input.origin,
    history: [],
    requestHash: input.requestHash,
  };
}
