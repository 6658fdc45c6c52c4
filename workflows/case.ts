// 问责程序 (S4 §四(六)): one workflow per accountability case.
//   启动 → investigation (调查核实) → decision (决定) → 执行 → appeal_window (申诉) → review (复议/复查) → closed
// Invariants: a measure is executed (written to the ledger, rectification started) the moment it is
// decided, and an appeal never stops execution; only a review revokes or amends. Every measure has a
// stable id `<caseId>-m<n>` that the ledger deduplicates on. Each human step has a working-day due date
// and is reminded once per overdue working day. Refusals are ApplicationFailures typed InvalidState,
// TooLate or InvalidInput. The workflow returns only after the procedure is closed and every live
// rectification item has reported back.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { cascadeMeasures } from './cascade';
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
} from './types';

/** working days for each step when the input does not say */
export const CASE_STEP_DEFAULTS = { investigation: 10, decision: 5, appealWindow: 5, review: 10 } as const;
/** S5 查→追→改: the rectification item a 责令限期整改 starts gets this many working days */
export const RECTIFICATION_WORKING_DAYS = 15;

const { addInterval } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['InvalidInput'],
  },
});
// A ledger write must land: retried without a limit, and idempotent on the measure id.
const { recordMeasure, revokeMeasure } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['InvalidInput'],
  },
});

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

const refuse = (type: string, message: string): never => {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
};

function localParts(iso: string, timeZone: string): Record<string, string> {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  return Object.fromEntries(parts.map((p) => [p.type, p.value]));
}
const localDate = (iso: string, tz: string): string => {
  const p = localParts(iso, tz);
  return `${p.year}-${p.month}-${p.day}`;
};
const localMinute = (iso: string, tz: string): string => {
  const p = localParts(iso, tz);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
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

  // ---------- the catalogue of measures the policy allows (S1 §二, S3 §三, S4 §四(五)) ----------
  const catalogue: ProposedMeasure[] = [
    ...(input.escalation?.proposed ?? []),
    ...(policy.unitMeasures ?? []),
    ...(policy.personMeasures ?? []),
    ...policy.reminders.flatMap((l) => l.measures),
  ];
  const catalogueEntry = (code: string, kind: Subject['kind']): ProposedMeasure | undefined => {
    const fits = catalogue.filter((c) => c.code === code && (!c.appliesTo || c.appliesTo === kind));
    return fits.find((c) => c.amount !== undefined) ?? fits[0];
  };

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
  const refresh = (): void => {
    upsertSearchAttributes([
      { key: CaseStageKey, value: state.stage },
      { key: CaseSubjectsKey, value: state.subjects.map((s) => s.id) },
    ]);
    const due =
      state.stage !== 'closed' && state.stepDueAt ? `，截止 ${localMinute(state.stepDueAt, timeZone)}` : '';
    const overdue = state.remindersSent.filter((r) => r.step === state.stage).length;
    const live = state.measures.filter((m) => m.status === 'executed').length;
    setCurrentDetails(
      `${STEP_NAMES[state.stage]}${due}${overdue ? `，已逾期提醒 ${overdue} 次` : ''}${live ? `；执行中措施 ${live} 项` : ''}`,
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
  const notify = async (
    kind: NoticeKind,
    key: string,
    subject: string,
    extra: Partial<Notice>,
  ): Promise<void> => {
    const notice: Notice = {
      key: `case-${state.id}-${key}`,
      kind,
      subject,
      caseId: state.id,
      ...(state.itemId ? { itemId: state.itemId } : {}),
      title,
      office: office.name,
      recipients: kind === 'case_step_overdue' ? [office] : recipients(),
      at: now(),
      ...extra,
    };
    state.notices.push(await deliver(notice));
  };
  const measureList = (ms: readonly CaseMeasure[]): ImposedMeasure[] =>
    ms.map((m) => ({
      subjectId: m.subjectId,
      code: m.code,
      ...(m.amount !== undefined ? { amount: m.amount } : {}),
    }));

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
      date: localDate(m.executedAt, timeZone),
      decidedBy,
    };
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
      await startChild<(i: SupervisionInput) => Promise<unknown>>('supervisionItem', {
        workflowId: itemWorkflowId(itemId),
        args: [itemInput],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `整改：${itemTitle}`,
      });
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

  /** records the measures (and what cascades from them) as executed; the effects follow in `effects` */
  const applyExecute = (imposed: readonly ImposedMeasure[], by: string): CaseMeasure[] => {
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
    const originals = imposed.map((m) => make(m));
    const cascaded = cascadeMeasures(originals, state.subjects, policy.cascade).map((c) =>
      make(c, c.cascadedFrom),
    );
    refresh();
    return [...originals, ...cascaded];
  };

  /** marks measures revoked, with whatever cascaded from them */
  const applyRevoke = (targets: readonly CaseMeasure[], by: string): CaseMeasure[] => {
    const at = now();
    const ids = new Set(targets.map((m) => m.measureId));
    const all = state.measures.filter(
      (m) =>
        m.status === 'executed' &&
        (ids.has(m.measureId) || (m.cascadedFrom !== undefined && ids.has(m.cascadedFrom))),
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
    }
    refresh();
    return all;
  };

  /** 执行: ledger writes for revoked and executed measures, then the rectification items */
  const effects = async (
    { revoked = [], executed = [] }: { revoked?: CaseMeasure[]; executed?: CaseMeasure[] },
    by: string,
  ): Promise<void> => {
    // one by one, so each ledger lists its events in the order of the measures
    for (const m of revoked) {
      await revokeMeasure.executeWithOptions(
        { startToCloseTimeout: '30 seconds', summary: `撤销台帐记录：${m.subjectName} ${m.code}` },
        [ledgerEvent(m, by)],
      );
    }
    for (const m of executed) {
      await recordMeasure.executeWithOptions(
        { startToCloseTimeout: '30 seconds', summary: `记入台帐：${m.subjectName} ${m.code}` },
        [ledgerEvent(m, by)],
      );
    }
    for (const m of executed) if (m.code === 'rectify_within_deadline') await startRectification(m, by);
  };

  const close = (by: string, detail: string): void => {
    state.stage = 'closed';
    state.closedAt = now();
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
    async ({ actor, decision, measures, comment }) => {
      state.decision = { decision, ...(comment ? { comment } : {}), at: now(), by: actor.id };
      state.history.push({
        at: state.decision.at,
        by: actor.id,
        action: decision === 'impose' ? 'decided_impose' : 'decided_dismiss',
        detail: comment,
      });
      if (decision === 'dismiss') {
        close(actor.id, '决定不予问责');
        return state;
      }
      // the stage moves first so no second decision can slip in while the measures are being executed
      state.stage = 'appeal_window';
      await effects({ executed: applyExecute(measures, actor.id) }, actor.id);
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
      refresh();
      return state;
    },
    {
      validator: ({ subjectId }) => {
        const windowOver =
          state.appealDeadlineAt !== undefined && Date.now() > Date.parse(state.appealDeadlineAt);
        if (
          state.stage === 'appeal_window' ||
          state.stage === 'review' ||
          (state.stage === 'closed' && windowOver)
        ) {
          if (windowOver) {
            refuse(
              REFUSAL.tooLate,
              `申诉期已于 ${localMinute(state.appealDeadlineAt!, timeZone)} 届满，不再受理申诉`,
            );
          }
        } else {
          refuse(REFUSAL.invalidState, `案件处于“${STEP_NAMES[state.stage]}”阶段，不受理申诉`);
        }
        if (!subjectById(subjectId)) refuse(REFUSAL.invalidInput, `申诉人 ${subjectId} 不是本案当事人`);
      },
    },
  );

  setHandler(
    reviewAppeal,
    async ({ actor, decision, measures, comment }) => {
      state.review = { decision, ...(comment ? { comment } : {}), at: now(), by: actor.id };
      state.history.push({
        at: state.review.at,
        by: actor.id,
        action: `reviewed_${decision}`,
        detail: comment,
      });
      // closed first: no second review can slip in while the ledger is being corrected
      const live = state.measures.filter((m) => m.status === 'executed');
      const closing = { uphold: '复查维持原决定', revoke: '复查撤销问责措施', amend: '复查变更问责措施' }[
        decision
      ];
      close(actor.id, closing);
      if (decision === 'revoke') {
        const named = measures?.length
          ? live.filter(
              (m) =>
                !m.cascadedFrom && measures.some((x) => x.subjectId === m.subjectId && x.code === m.code),
            )
          : live;
        await effects({ revoked: applyRevoke(named, actor.id) }, actor.id);
      } else if (decision === 'amend') {
        const revoked = applyRevoke(live, actor.id);
        await effects({ revoked, executed: applyExecute(measures ?? [], actor.id) }, actor.id);
      }
      return state;
    },
    {
      validator: ({ decision, measures }) => {
        requireStage('review');
        if (decision === 'amend') {
          if (!measures?.length) refuse(REFUSAL.invalidInput, '变更决定须列明新的问责措施');
          validateMeasures(measures!);
        }
        if (decision === 'revoke' && measures?.length) {
          for (const x of measures) {
            const found = state.measures.some(
              (m) => m.status === 'executed' && m.subjectId === x.subjectId && m.code === x.code,
            );
            if (!found) refuse(REFUSAL.invalidInput, `没有对 ${x.subjectId} 执行中的措施 ${x.code}`);
          }
        }
      },
    },
  );

  setHandler(rectificationFinished, ({ itemId, measureId, status }) => {
    const m = state.measures.find((x) => x.measureId === measureId);
    if (m) m.rectificationStatus = status;
    state.history.push({
      at: now(),
      by: itemId,
      action: 'rectification_finished',
      detail: `${measureId} 整改事项 ${itemId}${status === 'completed' ? '已办结' : '已撤销'}`,
    });
  });

  // ---------- the procedure ----------
  refresh();
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

  /** waits for the step to be done; once overdue, reminds the office once per working day */
  const awaitStep = async (stage: CaseStage, dueAt: string): Promise<void> => {
    const what = WAITING_FOR[stage]!;
    if (
      await condition(() => state.stage !== stage, untilMs(dueAt), {
        summary: `等待${what}（截止 ${localMinute(dueAt, timeZone)}）`,
      })
    ) {
      return;
    }
    let next = dueAt;
    while (state.stage === stage) {
      const n = state.remindersSent.filter((r) => r.step === stage).length + 1;
      state.remindersSent.push({ step: stage, at: now() });
      state.history.push({
        at: now(),
        by: 'system',
        action: 'step_overdue_reminded',
        detail: `${STEP_NAMES[stage]}逾期第${n}次提醒`,
      });
      refresh();
      await notify(
        'case_step_overdue',
        `overdue-${stage}-${n}`,
        `问责程序逾期提醒：${title}（${STEP_NAMES[stage]}）`,
        {
          deadlineAt: dueAt,
          localDeadline: localMinute(dueAt, timeZone),
          body: `${STEP_NAMES[stage]}已于 ${localMinute(dueAt, timeZone)} 到期，尚未完成（第${n}次提醒）`,
        },
      );
      next = await dueFrom(next, 1, `计算下次逾期提醒（${STEP_NAMES[stage]}）`);
      await condition(() => state.stage !== stage, untilMs(next), {
        summary: `${what}已逾期，等待（下次提醒 ${localMinute(next, timeZone)}）`,
      });
    }
  };

  while (state.stage !== 'closed') {
    const stage = state.stage;
    const days =
      stage === 'investigation'
        ? stepDays.investigation
        : stage === 'decision'
          ? stepDays.decision
          : stage === 'appeal_window'
            ? stepDays.appealWindow
            : stepDays.review;
    const dueAt = await dueFrom(now(), days, `计算${STEP_NAMES[stage]}期限（${days}个工作日）`);
    if (stage === 'appeal_window') state.appealDeadlineAt = dueAt;
    if (state.stage === stage) {
      state.stepDueAt = dueAt;
      refresh();
    }
    if (stage === 'investigation' && !state.notices.some((n) => n.kind === 'case_opened')) {
      await notify('case_opened', 'opened', `启动问责：${title}`, {
        body: `问责事由：${state.grounds.join('；')}`,
        deadlineAt: dueAt,
        localDeadline: localMinute(dueAt, timeZone),
        next: `调查核实，截止 ${localMinute(dueAt, timeZone)}`,
      });
    }

    if (
      stage === 'appeal_window' &&
      state.decision &&
      !state.notices.some((n) => n.kind === 'case_decision')
    ) {
      await notify('case_decision', 'decision', `问责决定：${title}`, {
        measures: measureList(state.measures),
        body: state.decision.comment,
        next: `如不服，可在 ${localMinute(dueAt, timeZone)} 前提出申诉；申诉期间不停止执行`,
      });
    }

    if (stage === 'appeal_window') {
      const appealed = await condition(() => state.stage !== stage, untilMs(dueAt), {
        summary: `申诉期（至 ${localMinute(dueAt, timeZone)}）`,
      });
      if (!appealed) close('system', '申诉期届满，未提出申诉');
    } else {
      await awaitStep(stage, dueAt);
    }

    if (stage === 'decision' && state.decision?.decision === 'dismiss') {
      await notify('case_decision', 'decision', `问责决定：${title}`, {
        body: `决定不予问责。${state.decision.comment ?? ''}`,
      });
    }
    if (stage === 'review' && state.review) {
      await notify('appeal_result', 'appeal-result', `申诉复查结果：${title}`, {
        measures: measureList(state.measures.filter((m) => m.status === 'executed')),
        body: `${{ uphold: '维持原决定', revoke: '撤销问责措施', amend: '变更问责措施' }[state.review.decision]}。${state.review.comment ?? ''}`,
      });
    }
  }

  // S5 查→追→改: the case stays open on the books until each live rectification reports back.
  await condition(
    () =>
      allHandlersFinished() &&
      state.measures.every(
        (m) => !m.rectificationItemId || m.status === 'revoked' || m.rectificationStatus !== undefined,
      ),
  );
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
