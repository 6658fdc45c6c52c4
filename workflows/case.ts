// 问责程序 (S4 §四(六)): one workflow per accountability case.
//   启动 → investigation (调查核实) → decision (决定) → 执行 → appeal_window (申诉) ⇄ review (复议/复查) → closed
// Invariants:
// - State changes happen synchronously in the update handlers, so an update answers at once; their
//   effects (ledger writes, rectification items, notices) go to an outbox that one loop drains in order.
// - A measure is executed the moment it is decided, and an appeal never stops execution; only a
//   review revokes or amends. Every measure has a stable id `<caseId>-m<n>` the ledger deduplicates on.
// - Each subject may appeal once within the appeal window; each appeal gets its own review (due in
//   working days from the appeal). The case closes when the window has passed and every appeal has
//   been reviewed.
// - Each human step has a working-day due date and is reminded once per overdue working day.
// - Refusals are ApplicationFailures typed InvalidState, TooLate or InvalidInput.
// - The workflow returns only after the procedure is closed and every live rectification item has
//   ended (its result, or its signal, tells the case). It continues as new when the history is long,
//   but not while it follows a rectification item it started itself (the new run could not see that
//   child's result).
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  TerminatedFailure,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { cascadeMeasures, kindCatalogue } from './cascade';
import { formatLocal, formatLocalDate } from './format';
import { itemWorkflowId } from './ids';
import {
  caseLinked,
  decideCase,
  fileAppeal,
  getCaseState,
  rectificationFinished,
  REFUSAL,
  reviewAppeal,
  submitInvestigation,
} from './messages';
import { deliver } from './notify';
import { CaseStageKey, CaseSubjectsKey } from './search-attributes';
import type {
  CaseAppeal,
  CaseInput,
  CaseMeasure,
  CaseStage,
  CaseState,
  ImposedMeasure,
  LedgerEvent,
  Notice,
  NoticeKind,
  ProposedMeasure,
  Recipient,
  Subject,
  SupervisionInput,
  SupervisionState,
} from './types';

/** working days for each step when the input does not say */
export const CASE_STEP_DEFAULTS = { investigation: 10, decision: 5, appealWindow: 5, review: 10 } as const;
/** S5 查→追→改: the rectification item a 责令限期整改 starts gets this many working days */
export const RECTIFICATION_WORKING_DAYS = 15;
/** continue-as-new once the history is this long, unless the server suggests it earlier */
export const CASE_CONTINUE_AS_NEW_AFTER_EVENTS = 10_000;

const { addInterval } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['InvalidInput'],
  },
});
// A ledger write is idempotent on the measure id. About a quarter of an hour of retries (20 attempts,
// backoff capped at a minute); after that the failure is recorded on the case, never dropped.
export const LEDGER_RETRY = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 20,
  nonRetryableErrorTypes: ['InvalidInput'],
} as const;
const { recordMeasure, revokeMeasure } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...LEDGER_RETRY, nonRetryableErrorTypes: [...LEDGER_RETRY.nonRetryableErrorTypes] },
});

type Effect =
  | { kind: 'notice'; notice: Notice }
  | { kind: 'ledger'; action: 'record' | 'revoke'; event: LedgerEvent }
  | { kind: 'rectify'; measureId: string; by: string }
  | { kind: 'cancelRectification'; measureId: string };

const STEP_NAMES: Record<CaseStage, string> = {
  investigation: '调查核实',
  decision: '问责决定',
  appeal_window: '申诉期',
  review: '复议复查',
  closed: '已结案',
};
const WAITING_FOR: Partial<Record<CaseStage, string>> = {
  investigation: '调查报告',
  decision: '问责决定',
  review: '复议复查决定',
};
const REVIEW_NAMES = { uphold: '维持原决定', revoke: '撤销问责措施', amend: '变更问责措施' } as const;

const refuse = (type: string, message: string): never => {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
};

const untilMs = (iso: string): number => Math.max(1, Date.parse(iso) - Date.now());

export async function accountabilityCase(input: CaseInput): Promise<CaseState> {
  const { policy, timeZone } = input;
  const stepDays = { ...CASE_STEP_DEFAULTS, ...input.stepDue };
  const state: CaseState = input.carried ?? {
    id: input.caseId,
    stage: 'investigation',
    subjects: input.subjects,
    grounds: input.grounds,
    source: input.source,
    ...(input.itemId ? { itemId: input.itemId } : {}),
    policy: policy.name,
    ...(input.escalation ? { escalation: input.escalation } : {}),
    measures: [],
    appeals: [],
    remindersSent: [],
    history: [
      {
        at: input.openedAt,
        by: input.openedBy.id,
        action: 'opened',
        detail: [
          `启动问责（${input.escalation ? `第${input.escalation.level}次催办后` : sourceName(input.source.kind)}）`,
          `事由：${input.grounds.join('；')}`,
          ...(input.evidence?.length ? [`证据：${input.evidence.join('；')}`] : []),
        ].join('，'),
      },
    ],
    notices: [],
    openedAt: input.openedAt,
  };
  const title = input.escalation?.itemTitle ?? input.grounds[0] ?? input.caseId;
  const subjectById = (id: string): Subject | undefined => state.subjects.find((s) => s.id === id);
  const now = (): string => new Date().toISOString();
  const local = (iso: string): string => formatLocal(iso, timeZone);
  const outbox: Effect[] = [];
  /** measure ids whose rectification item this run started and whose result it still awaits */
  const watched = new Set<string>();

  // ---------- the catalogue of measures the policy allows (S1 §二, S3 §三, S4 §四(五)) ----------
  const catalogue: ProposedMeasure[] = [
    ...(input.escalation?.proposed ?? []),
    ...(policy.unitMeasures ?? []),
    ...(policy.personMeasures ?? []),
    ...policy.reminders.flatMap((l) => l.measures),
  ];
  const catalogueEntry = kindCatalogue({}, catalogue);
  // the cascade only reaches a kind its own list allows, when the policy has one
  const cascadeCatalogue = kindCatalogue(policy, [
    ...(input.escalation?.proposed ?? []),
    ...policy.reminders.flatMap((l) => l.measures),
  ]);

  const validateMeasures = (measures: readonly ImposedMeasure[]): void => {
    const seen = new Set<string>();
    for (const m of measures) {
      const subject = subjectById(m.subjectId);
      if (!subject) refuse(REFUSAL.invalidInput, `问责对象 ${m.subjectId} 不是本案当事人`);
      const entry = catalogueEntry(m.code, subject!.kind);
      if (!entry) {
        refuse(
          REFUSAL.invalidInput,
          `措施 ${m.code} 不在政策 ${policy.name} 对${subject!.kind === 'unit' ? '单位' : '个人'}的问责形式中`,
        );
      }
      if (m.code === 'fine' && m.amount === undefined && entry!.amount === undefined) {
        refuse(REFUSAL.invalidInput, '罚款须写明金额（amount，元）');
      }
      const key = `${m.subjectId}|${m.code}`;
      if (seen.has(key)) refuse(REFUSAL.invalidInput, `对 ${m.subjectId} 重复作出 ${m.code}`);
      seen.add(key);
    }
  };

  // ---------- search attributes, details, notices ----------
  let indexedStage: CaseStage | undefined;
  const refresh = (): void => {
    // every upsert is an event in the history: only when the stage changed
    if (state.stage !== indexedStage) {
      indexedStage = state.stage;
      upsertSearchAttributes([
        { key: CaseStageKey, value: state.stage },
        { key: CaseSubjectsKey, value: state.subjects.map((s) => s.id) },
      ]);
    }
    const due = state.stage !== 'closed' && state.stepDueAt ? `，截止 ${local(state.stepDueAt)}` : '';
    const overdue = state.remindersSent.filter((r) => r.step === state.stage).length;
    const live = state.measures.filter((m) => m.status === 'executed').length;
    const pending = state.appeals.filter((a) => !a.review).length;
    const failed = state.ledgerFailures?.length ?? 0;
    setCurrentDetails(
      [
        `${STEP_NAMES[state.stage]}${due}${overdue ? `，已逾期提醒 ${overdue} 次` : ''}`,
        ...(live ? [`执行中措施 ${live} 项`] : []),
        ...(pending ? [`待复查申诉 ${pending} 项`] : []),
        ...(failed ? [`台帐写入失败 ${failed} 项`] : []),
      ].join('；'),
    );
  };

  const office: Recipient = {
    id: 'office',
    name:
      (input.escalation ? policy.reminders[input.escalation.level - 1]?.notice.by : undefined) ??
      policy.reminders[policy.reminders.length - 1]?.notice.by ??
      '督查室',
    role: 'office',
  };
  const recipients = (): Recipient[] => [
    ...state.subjects
      .filter((s) => s.email)
      .map((s) => ({ id: s.id, name: s.name, email: s.email, role: 'subject' })),
    office,
  ];
  /** queues a notice; a key already delivered or queued is not queued again */
  const notify = (kind: NoticeKind, key: string, subject: string, extra: Partial<Notice>): void => {
    const fullKey = `case-${state.id}-${key}`;
    if (
      state.notices.some((n) => n.key === fullKey) ||
      outbox.some((e) => e.kind === 'notice' && e.notice.key === fullKey)
    ) {
      return;
    }
    outbox.push({
      kind: 'notice',
      notice: {
        key: fullKey,
        kind,
        subject,
        caseId: state.id,
        ...(state.itemId ? { itemId: state.itemId } : {}),
        title,
        office: office.name,
        recipients: kind === 'case_step_overdue' ? [office] : recipients(),
        at: now(),
        ...extra,
      },
    });
  };
  const measureList = (ms: readonly CaseMeasure[]): ImposedMeasure[] =>
    ms.map((m) => ({
      subjectId: m.subjectId,
      code: m.code,
      ...(m.amount !== undefined ? { amount: m.amount } : {}),
    }));
  const liveMeasures = (): CaseMeasure[] => state.measures.filter((m) => m.status === 'executed');

  // ---------- execution (执行) ----------
  const ledgerEvent = (m: CaseMeasure, decidedBy: string): LedgerEvent => {
    const subject = subjectById(m.subjectId);
    return {
      measureId: m.measureId,
      caseId: state.id,
      subjectId: m.subjectId,
      subjectKind: m.subjectKind,
      subjectName: m.subjectName,
      ...(m.subjectKind === 'person' && subject?.unitId ? { unitId: subject.unitId } : {}),
      code: m.code,
      ...(m.amount !== undefined ? { amount: m.amount } : {}),
      date: formatLocalDate(m.executedAt, timeZone),
      decidedBy,
    };
  };

  /** the item has ended: its result, its signal or our cancellation says so (the first one counts) */
  const rectificationEnded = (
    measureId: string,
    itemId: string,
    status: NonNullable<CaseMeasure['rectificationStatus']>,
    how?: string,
  ): void => {
    const m = state.measures.find((x) => x.measureId === measureId);
    if (!m || m.rectificationStatus !== undefined) return;
    m.rectificationStatus = status;
    const said = { completed: '已办结', cancelled: '已撤销', failed: '未办结即终止' }[status];
    state.history.push({
      at: now(),
      by: itemId,
      action: 'rectification_finished',
      detail: `${measureId} 整改事项 ${itemId}${said}${how ? `（${how}）` : ''}`,
    });
    refresh();
  };

  const startRectification = async (m: CaseMeasure, by: string): Promise<void> => {
    const n = state.measures.filter((x) => x.rectificationItemId).length + 1;
    const itemId = `${state.id}-rectify-${n}`;
    m.rectificationItemId = itemId;
    const subject = subjectById(m.subjectId)!;
    const unit = subject.kind === 'unit' ? subject : subject.unitId ? subjectById(subject.unitId) : undefined;
    const principal =
      subject.kind === 'person'
        ? subject
        : (state.subjects.find(
            (s) => s.kind === 'person' && s.unitId === subject.id && s.role === 'principal',
          ) ?? subject);
    const itemTitle = `${subject.name}限期整改：${title}`;
    const itemInput: SupervisionInput = {
      itemId,
      title: itemTitle,
      description: `问责案件 ${state.id} 责令限期整改（${state.grounds.join('；')}）`,
      source: { kind: 'case_rectification', reference: state.id },
      leadUnit: unit
        ? { id: unit.id, name: unit.name }
        : { id: subject.unitId ?? subject.id, name: subject.name },
      responsible: {
        principal: {
          id: principal.id,
          name: principal.name,
          ...(principal.email ? { email: principal.email } : {}),
        },
      },
      assignedAt: now(),
      due: { workingDays: RECTIFICATION_WORKING_DAYS },
      policy,
      timeZone,
      createdBy: { id: by, role: 'system' },
      origin: { caseId: state.id, measureId: m.measureId },
    };
    try {
      const child = await startChild<(i: SupervisionInput) => Promise<SupervisionState>>('supervisionItem', {
        workflowId: itemWorkflowId(itemId),
        args: [itemInput],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `整改：${itemTitle}`,
      });
      // The result ends the wait even when the item never signals (terminated, failed, cancelled).
      watched.add(m.measureId);
      child.result().then(
        (end) => {
          watched.delete(m.measureId);
          rectificationEnded(m.measureId, itemId, end.status === 'completed' ? 'completed' : 'cancelled');
        },
        (err: unknown) => {
          watched.delete(m.measureId);
          const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
          if (cause instanceof CancelledFailure)
            rectificationEnded(m.measureId, itemId, 'cancelled', '已取消');
          else if (cause instanceof TerminatedFailure)
            rectificationEnded(m.measureId, itemId, 'failed', '被终止');
          else if (cause instanceof TimeoutFailure) rectificationEnded(m.measureId, itemId, 'failed', '超时');
          else rectificationEnded(m.measureId, itemId, 'failed', '运行失败');
        },
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      log.info('rectification item already running', { itemId });
    }
    state.history.push({
      at: now(),
      by,
      action: 'rectification_started',
      detail: `${m.measureId} → 整改事项 ${itemId}`,
    });
  };

  /** records the measures (and what cascades from them) as executed and queues their effects */
  const execute = (imposed: readonly ImposedMeasure[], by: string): void => {
    const at = now();
    const make = (m: ImposedMeasure, cascadedFrom?: string): CaseMeasure => {
      const subject = subjectById(m.subjectId)!;
      const amount = m.amount ?? catalogueEntry(m.code, subject.kind)?.amount;
      const measure: CaseMeasure = {
        measureId: `${state.id}-m${state.measures.length + 1}`,
        subjectId: m.subjectId,
        code: m.code,
        ...(amount !== undefined ? { amount } : {}),
        subjectKind: subject.kind,
        subjectName: subject.name,
        status: 'executed',
        ...(cascadedFrom ? { cascadedFrom } : {}),
        executedAt: at,
      };
      state.measures.push(measure);
      state.history.push({
        at,
        by,
        action: 'measure_executed',
        detail: `${measure.measureId} ${measure.subjectName}：${measure.code}${amount !== undefined ? ` ${amount}元` : ''}${cascadedFrom ? `（由 ${cascadedFrom} 连带）` : ''}`,
      });
      return measure;
    };
    const inForce = new Set(liveMeasures().map((m) => `${m.subjectId}|${m.code}`));
    const originals = imposed.map((m) => make(m));
    const cascaded = cascadeMeasures(originals, state.subjects, policy.cascade, cascadeCatalogue)
      .filter((c) => !inForce.has(`${c.subjectId}|${c.code}`))
      .map((c) => make(c, c.cascadedFrom));
    // one by one, so each ledger lists its events in the order of the measures
    const executed = [...originals, ...cascaded];
    for (const m of executed) outbox.push({ kind: 'ledger', action: 'record', event: ledgerEvent(m, by) });
    for (const m of executed) {
      if (m.code === 'rectify_within_deadline') outbox.push({ kind: 'rectify', measureId: m.measureId, by });
    }
    refresh();
  };

  /** marks measures revoked, with whatever cascaded from them, and queues their effects */
  const revoke = (targets: readonly CaseMeasure[], by: string): CaseMeasure[] => {
    const at = now();
    const ids = new Set(targets.map((m) => m.measureId));
    const all = liveMeasures().filter(
      (m) => ids.has(m.measureId) || (m.cascadedFrom !== undefined && ids.has(m.cascadedFrom)),
    );
    for (const m of all) {
      m.status = 'revoked';
      m.revokedAt = at;
      state.history.push({
        at,
        by,
        action: 'measure_revoked',
        detail: `${m.measureId} ${m.subjectName}：${m.code}`,
      });
      outbox.push({ kind: 'ledger', action: 'revoke', event: ledgerEvent(m, by) });
      // a revoked 责令限期整改 must not go on urging (and escalating) its rectification item
      if (m.code === 'rectify_within_deadline') {
        outbox.push({ kind: 'cancelRectification', measureId: m.measureId });
      }
    }
    refresh();
    return all;
  };

  const close = (by: string, detail: string): void => {
    state.stage = 'closed';
    state.closedAt = now();
    state.stepDueAt = undefined;
    state.history.push({ at: state.closedAt, by, action: 'closed', detail });
    refresh();
  };

  const requireStage = (stage: CaseStage): void => {
    if (state.stage === 'closed') refuse(REFUSAL.invalidState, `案件 ${state.id} 已结案`);
    if (state.stage !== stage) {
      refuse(
        REFUSAL.invalidState,
        `案件处于“${STEP_NAMES[state.stage]}”阶段，不能进行“${STEP_NAMES[stage]}”`,
      );
    }
  };

  const pendingAppeals = (): CaseAppeal[] => state.appeals.filter((a) => !a.review);
  /** the appeal a review answers: the one named, or the only one pending */
  const appealToReview = (subjectId: string | undefined): CaseAppeal => {
    const pending = pendingAppeals();
    if (subjectId) {
      const named = pending.find((a) => a.subjectId === subjectId);
      if (!named) refuse(REFUSAL.invalidInput, `没有 ${subjectId} 待复查的申诉`);
      return named!;
    }
    if (pending.length !== 1) {
      refuse(REFUSAL.invalidInput, `有 ${pending.length} 项申诉待复查，须写明申诉人（subjectId）`);
    }
    return pending[0]!;
  };

  // ---------- handlers (registered before the first await) ----------
  setHandler(getCaseState, () => state);

  setHandler(
    submitInvestigation,
    ({ actor, findings, evidence }) => {
      state.investigation = {
        findings,
        evidence: [...(input.evidence ?? []), ...(evidence ?? [])],
        at: now(),
        by: actor.id,
      };
      state.stage = 'decision';
      state.stepDueAt = undefined;
      state.history.push({
        at: state.investigation.at,
        by: actor.id,
        action: 'investigation_submitted',
        detail: findings,
      });
      refresh();
      return state;
    },
    { validator: (_u) => requireStage('investigation') },
  );

  setHandler(
    decideCase,
    ({ actor, decision, measures, comment }) => {
      state.decision = { decision, ...(comment ? { comment } : {}), at: now(), by: actor.id };
      state.stepDueAt = undefined;
      state.history.push({
        at: state.decision.at,
        by: actor.id,
        action: decision === 'impose' ? 'decided_impose' : 'decided_dismiss',
        detail: comment,
      });
      if (decision === 'dismiss') {
        close(actor.id, '决定不予问责');
        notify('case_decision', 'decision', `问责决定：${title}`, {
          body: `决定不予问责。${comment ?? ''}`,
        });
        return state;
      }
      state.stage = 'appeal_window';
      execute(measures, actor.id);
      return state;
    },
    {
      validator: ({ decision, measures }) => {
        requireStage('decision');
        if (decision === 'impose') {
          if (measures.length === 0) refuse(REFUSAL.invalidInput, '作出问责决定须至少列明一项措施');
          validateMeasures(measures);
        }
      },
    },
  );

  setHandler(
    fileAppeal,
    ({ actor, subjectId, reason }) => {
      state.appeals.push({ subjectId, reason, at: now(), by: actor.id });
      state.history.push({
        at: now(),
        by: actor.id,
        action: 'appeal_filed',
        detail: `${subjectId}：${reason}`,
      });
      state.stage = 'review';
      state.stepDueAt = undefined;
      refresh();
      return state;
    },
    {
      validator: ({ subjectId }) => {
        const afterDecision = state.decision?.decision === 'impose';
        if (!afterDecision) {
          refuse(REFUSAL.invalidState, `案件处于“${STEP_NAMES[state.stage]}”阶段，不受理申诉`);
        }
        if (state.appealDeadlineAt !== undefined && Date.now() > Date.parse(state.appealDeadlineAt)) {
          refuse(REFUSAL.tooLate, `申诉期已于 ${local(state.appealDeadlineAt)} 届满，不再受理申诉`);
        }
        if (state.stage === 'closed') refuse(REFUSAL.invalidState, `案件 ${state.id} 已结案`);
        if (!subjectById(subjectId)) refuse(REFUSAL.invalidInput, `申诉人 ${subjectId} 不是本案当事人`);
        if (state.appeals.some((a) => a.subjectId === subjectId)) {
          refuse(REFUSAL.invalidState, `${subjectId} 已提出申诉，每名被问责对象申诉一次`);
        }
      },
    },
  );

  setHandler(
    reviewAppeal,
    ({ actor, decision, subjectId, measures, comment }) => {
      const appeal = appealToReview(subjectId);
      const review = {
        decision,
        ...(comment ? { comment } : {}),
        at: now(),
        by: actor.id,
        subjectId: appeal.subjectId,
      };
      appeal.review = review;
      state.review = review;
      state.history.push({
        at: review.at,
        by: actor.id,
        action: `reviewed_${decision}`,
        detail: `${appeal.subjectId}${comment ? `：${comment}` : ''}`,
      });
      // a review answers its appellant: it touches the appellant's measures (and what cascaded from them)
      const appellants = liveMeasures().filter((m) => m.subjectId === appeal.subjectId);
      if (decision === 'revoke') {
        revoke(
          measures?.length ? appellants.filter((m) => measures.some((x) => x.code === m.code)) : appellants,
          actor.id,
        );
      } else if (decision === 'amend') {
        revoke(appellants, actor.id);
        execute(measures ?? [], actor.id);
      }
      state.stage = pendingAppeals().length ? 'review' : 'appeal_window';
      state.stepDueAt = undefined;
      notify('appeal_result', `appeal-result-${appeal.subjectId}`, `申诉复查结果：${title}`, {
        measures: measureList(liveMeasures()),
        body: `${appeal.subjectId}：${REVIEW_NAMES[decision]}。${comment ?? ''}`,
      });
      refresh();
      return state;
    },
    {
      validator: ({ decision, subjectId, measures }) => {
        requireStage('review');
        const appeal = appealToReview(subjectId);
        if (decision === 'amend') {
          if (!measures?.length) refuse(REFUSAL.invalidInput, '变更决定须列明新的问责措施');
          validateMeasures(measures!);
        }
        if (decision !== 'uphold' && measures?.length) {
          for (const x of measures) {
            if (x.subjectId !== appeal.subjectId) {
              refuse(
                REFUSAL.invalidInput,
                `复查只处理申诉人 ${appeal.subjectId} 的措施，不涉及 ${x.subjectId}`,
              );
            }
            const found = liveMeasures().some((m) => m.subjectId === x.subjectId && m.code === x.code);
            if (decision === 'revoke' && !found) {
              refuse(REFUSAL.invalidInput, `没有对 ${x.subjectId} 执行中的措施 ${x.code}`);
            }
          }
        }
      },
    },
  );

  setHandler(rectificationFinished, ({ itemId, measureId, status }) => {
    rectificationEnded(measureId, itemId, status);
  });

  // ---------- effects: one loop performs them in order, beside the procedure ----------
  const perform = async (effect: Effect): Promise<void> => {
    switch (effect.kind) {
      case 'notice':
        state.notices.push(await deliver(effect.notice));
        return;
      case 'ledger': {
        const { event, action } = effect;
        const what = action === 'record' ? '记入台帐' : '撤销台帐记录';
        try {
          await (action === 'record' ? recordMeasure : revokeMeasure).executeWithOptions(
            {
              startToCloseTimeout: '30 seconds',
              retry: { ...LEDGER_RETRY, nonRetryableErrorTypes: [...LEDGER_RETRY.nonRetryableErrorTypes] },
              summary: `${what}：${event.subjectName} ${event.code}`,
            },
            [event],
          );
        } catch (err) {
          if (!(err instanceof ActivityFailure)) throw err;
          const error = err.cause?.message ?? err.message;
          (state.ledgerFailures ??= []).push({ measureId: event.measureId, action, error, at: now() });
          state.history.push({
            at: now(),
            by: 'system',
            action: 'ledger_write_failed',
            detail: `${what}失败：${event.measureId} ${event.subjectName} ${event.code}（${error}）`,
          });
          log.error('ledger write failed after its retries', { measureId: event.measureId, action, error });
          refresh();
        }
        return;
      }
      case 'rectify': {
        const m = state.measures.find((x) => x.measureId === effect.measureId);
        // revoked before its item started: nothing to start
        if (m && m.status === 'executed' && !m.rectificationItemId) await startRectification(m, effect.by);
        return;
      }
      case 'cancelRectification': {
        const m = state.measures.find((x) => x.measureId === effect.measureId);
        const itemId = m?.rectificationItemId;
        if (!m || !itemId || m.rectificationStatus !== undefined) return;
        try {
          await getExternalWorkflowHandle(itemWorkflowId(itemId)).cancel();
          rectificationEnded(m.measureId, itemId, 'cancelled', '措施撤销，已请求取消');
        } catch (err) {
          // already closed: its result or its signal has told (or will tell) the case how it ended
          log.warn('could not cancel the rectification item', { itemId, error: String(err) });
        }
        return;
      }
    }
  };
  let finishing = false;
  const pumpOutbox = async (): Promise<void> => {
    for (;;) {
      await condition(() => outbox.length > 0 || finishing);
      if (outbox.length === 0) return;
      await perform(outbox[0]!);
      outbox.shift();
    }
  };

  const continueAsNewIfDue = async (): Promise<void> => {
    const info = workflowInfo();
    const limit = input.continueAsNewAfterEvents ?? CASE_CONTINUE_AS_NEW_AFTER_EVENTS;
    if (!info.continueAsNewSuggested && info.historyLength < limit) return;
    await condition(() => allHandlersFinished() && outbox.length === 0);
    if (watched.size > 0) return; // a new run could not follow this run's children
    await continueAsNew<typeof accountabilityCase>({ ...input, carried: state });
  };

  // ---------- the procedure ----------
  refresh();
  const pump = pumpOutbox();
  // if the case itself is cancelled, the main loop reports it; the pump's rejection is not a second failure
  pump.catch(() => undefined);
  if (!input.carried && state.itemId) {
    try {
      await getExternalWorkflowHandle(itemWorkflowId(state.itemId)).signal(caseLinked, { caseId: state.id });
    } catch (err) {
      log.warn('could not link the case to its item', { itemId: state.itemId, error: String(err) });
    }
  }

  const dueFrom = async (from: string, workingDays: number, summary: string): Promise<string> => {
    const r = await addInterval.executeWithOptions({ startToCloseTimeout: '10 seconds', summary }, [
      { from, interval: { workingDays }, direction: 1, timeZone },
    ]);
    return r.at;
  };

  /** waits until `done`; once `dueAt` has passed, reminds the office once per working day */
  const awaitStep = async (stage: CaseStage, dueAt: string, done: () => boolean): Promise<void> => {
    const what = WAITING_FOR[stage]!;
    for (;;) {
      const late = state.remindersSent.filter((r) => r.step === stage && r.dueAt === dueAt).length;
      const at = late === 0 ? dueAt : await dueFrom(dueAt, late, `计算下次逾期提醒（${STEP_NAMES[stage]}）`);
      if (done()) return;
      const summary =
        late === 0 ? `等待${what}（截止 ${local(dueAt)}）` : `${what}已逾期，等待（下次提醒 ${local(at)}）`;
      if (await condition(done, untilMs(at), { summary })) return;
      const n = state.remindersSent.filter((r) => r.step === stage).length + 1;
      state.remindersSent.push({ step: stage, at: now(), dueAt });
      state.history.push({
        at: now(),
        by: 'system',
        action: 'step_overdue_reminded',
        detail: `${STEP_NAMES[stage]}逾期第${n}次提醒`,
      });
      refresh();
      notify(
        'case_step_overdue',
        `overdue-${stage}-${n}`,
        `问责程序逾期提醒：${title}（${STEP_NAMES[stage]}）`,
        {
          deadlineAt: dueAt,
          localDeadline: local(dueAt),
          body: `${STEP_NAMES[stage]}已于 ${local(dueAt)} 到期，尚未完成（第${n}次提醒）`,
        },
      );
      await continueAsNewIfDue();
    }
  };

  while (state.stage !== 'closed') {
    await continueAsNewIfDue();
    const stage = state.stage;

    if (stage === 'investigation' || stage === 'decision') {
      const days = stage === 'investigation' ? stepDays.investigation : stepDays.decision;
      // a carried run keeps the due date its stage already had
      const dueAt =
        state.stepDueAt ?? (await dueFrom(now(), days, `计算${STEP_NAMES[stage]}期限（${days}个工作日）`));
      if (stage === 'investigation') {
        notify('case_opened', 'opened', `启动问责：${title}`, {
          body: `问责事由：${state.grounds.join('；')}`,
          deadlineAt: dueAt,
          localDeadline: local(dueAt),
          next: `调查核实，截止 ${local(dueAt)}`,
        });
      }
      if (state.stage !== stage) continue;
      state.stepDueAt = dueAt;
      refresh();
      await awaitStep(stage, dueAt, () => state.stage !== stage);
      continue;
    }

    // after an impose decision: the appeal window, and a review for each appeal
    if (!state.appealDeadlineAt) {
      const windowEnd = await dueFrom(
        state.decision!.at,
        stepDays.appealWindow,
        `计算申诉期（${stepDays.appealWindow}个工作日）`,
      );
      state.appealDeadlineAt = windowEnd;
      notify('case_decision', 'decision', `问责决定：${title}`, {
        measures: measureList(state.measures),
        body: state.decision!.comment,
        next: `如不服，可在 ${local(windowEnd)} 前提出申诉；申诉期间不停止执行`,
      });
    }
    const pending = pendingAppeals()[0];
    if (pending) {
      pending.reviewDueAt ??= await dueFrom(
        pending.at,
        stepDays.review,
        `计算复议复查期限（${stepDays.review}个工作日）`,
      );
      if (state.stage === 'review' && !pending.review) {
        state.stepDueAt = pending.reviewDueAt;
        refresh();
      }
      await awaitStep('review', pending.reviewDueAt, () => pending.review !== undefined);
      continue;
    }
    const windowEnd = state.appealDeadlineAt;
    if (Date.now() <= Date.parse(windowEnd)) {
      state.stepDueAt = windowEnd;
      refresh();
      await condition(() => pendingAppeals().length > 0, untilMs(windowEnd), {
        summary: `申诉期（至 ${local(windowEnd)}）`,
      });
      continue;
    }
    close(
      'system',
      state.appeals.length ? `申诉期届满，${state.appeals.length}项申诉均已复查` : '申诉期届满，未提出申诉',
    );
  }

  // S5 查→追→改: the case stays open on the books until each live rectification has ended.
  await condition(
    () =>
      allHandlersFinished() &&
      outbox.length === 0 &&
      state.measures.every(
        (m) => !m.rectificationItemId || m.status === 'revoked' || m.rectificationStatus !== undefined,
      ),
  );
  finishing = true;
  await pump;
  return state;
}

function sourceName(kind: string): string {
  const names: Record<string, string> = {
    leader_instruction: '领导批示',
    meeting_decision: '会议决定',
    document: '文件',
    deputy_proposal: '代表建议、委员提案',
    inspection: '明察暗访',
    complaint: '检举控告',
    media: '媒体报道',
    case_rectification: '整改事项',
    other: '其他渠道',
  };
  return names[kind] ?? kind;
}
