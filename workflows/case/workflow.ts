// 问责程序 (S4 §四(六)): the shell of one accountability case. The rules are the pure core (state,
// transitions, validate, next-wake-up, details); this file only wires Temporal to them.
// Invariants:
// - Handlers are registered before the first await; each applies one core transition at once, so an
//   Update answers as soon as its rule is applied, and its effects go to an outbox lane.
// - One main loop waits on `condition(changed || a lane failed, untilNextWakeUp)` and syncs once per
//   activation: the record batch (diffed from what the record has), at most one search-attribute
//   upsert (only on a change of stage), the current details.
// - A lane that fails (the record refuses a batch, a child cannot start) fails the workflow task
//   loudly; the case never hangs silently.
// - The run ends when the case is closed and every live rectification item has ended; it continues
//   as new (compacted) only when its handlers are done, its lanes are idle and it follows no child.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  type ActivityOptions,
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
import type { Activities } from '../../activities';
import type { CaseRecordBatch } from '../../domain/record';
import { itemWorkflowId } from '../ids';
import * as msg from '../messages';
import { deliverAll } from '../notify';
import { CaseStageKey, CaseSubjectsKey } from '../search-attributes';
import { Outbox } from '../shared/outbox';
import type { CaseInput, CaseState, Notice, SupervisionInput, SupervisionState } from '../types';
import { currentDetails, timerSummary } from './details';
import { nextWakeUp, timersDue } from './next-wake-up';
import { caseRecordBatch, mergeCaseBatches } from './record';
import { CASE_CONTINUE_AS_NEW_AFTER_EVENTS, calendarOf, compact, type CaseEffect, type Step } from './state';
import * as core from './transitions';
import * as check from './validate';

type ChildEffect = Exclude<CaseEffect, { kind: 'notice' }>;
type StartEffect = Extract<CaseEffect, { kind: 'startRectification' }>;

// The record is idempotent on (case, revision): retried until it lands; a batch it refuses is a bug.
const RECORD: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['InvalidInput'],
  },
};
const { recordCase } = proxyActivities<Activities>(RECORD);

/** an error with its causes, e.g. "Activity task failed: the record refused the batch" */
const why = (e: unknown): string =>
  e instanceof Error ? e.message + (e.cause ? `: ${why(e.cause)}` : '') : String(e);

const refuse = (refusal: check.Refusal | undefined): void => {
  if (refusal) throw ApplicationFailure.create({ ...refusal, nonRetryable: true });
};

export async function accountabilityCase(input: CaseInput): Promise<CaseState> {
  const { carried, ...setup } = input;
  const calendar = calendarOf(setup);
  const ctx = () => ({ now: Date.now(), calendar, timeZone: setup.timeZone, setup });
  const first = carried ? undefined : core.opened(setup, ctx());
  let state: CaseState = carried ?? first!.state;
  let recorded: CaseState | undefined = carried; // what the record already has
  let indexedStage = carried?.stage;
  let changed = true;
  const watched = new Set<string>(); // rectification items this run started and still follows

  // read the state after the delivery: updates may have changed it meanwhile
  const notices = new Outbox<Notice>(async (batch) => {
    const delivered = await deliverAll(batch);
    apply(core.noticesDelivered(state, delivered));
  });
  const record = new Outbox<CaseRecordBatch>(async (batches) => {
    const batch = mergeCaseBatches(batches);
    await recordCase.executeWithOptions({ ...RECORD, summary: `记录案件（第 ${batch.revision} 版）` }, [
      batch,
    ]);
  }, 20);
  const children = new Outbox<ChildEffect>(async (batch) => {
    for (const effect of batch) await performChild(effect);
  });
  const lanes = [notices, record, children];

  function apply<T>(step: Step<T>): T {
    state = step.state;
    for (const e of step.effects) {
      if (e.kind === 'notice') notices.push(e.notice);
      else children.push(e);
    }
    changed = true;
    return step.outcome;
  }

  // before the handlers: an Update delivered with the start runs inside setHandler, on this state
  if (first) apply(first);

  // ---------- handlers, before the first await ----------
  setHandler(msg.getCaseState, () => state);
  setHandler(msg.submitInvestigation, (u) => apply(core.investigationSubmitted(state, u, ctx())), {
    validator: (u) => refuse(check.validateInvestigation(state, u)),
  });
  setHandler(msg.decideCase, (u) => apply(core.caseDecided(state, u, ctx())), {
    validator: (u) => refuse(check.validateDecision(state, u, ctx())),
  });
  setHandler(msg.fileAppeal, (u) => apply(core.appealFiled(state, u, ctx())), {
    validator: (u) => refuse(check.validateAppeal(state, u, ctx())),
  });
  setHandler(msg.reviewAppeal, (u) => apply(core.appealReviewed(state, u, ctx())), {
    validator: (u) => refuse(check.validateReview(state, u, ctx())),
  });
  setHandler(msg.rectificationFinished, (s) => void apply(core.rectificationFinished(state, s, ctx())));

  // ---------- children: rectification items (S5 查→追→改) and the item's link ----------
  async function performChild(effect: ChildEffect): Promise<void> {
    const item = getExternalWorkflowHandle(itemWorkflowId(effect.itemId));
    if (effect.kind === 'linkItem') {
      // a missing item is logged, not fatal
      await item.signal(msg.caseLinked, { caseId: state.id }).catch((err: unknown) => {
        log.warn('could not link the case to its item', { itemId: effect.itemId, error: String(err) });
      });
    } else if (effect.kind === 'cancelRectification') {
      try {
        await item.cancel();
        apply(
          core.rectificationFinished(
            state,
            { ...effect, status: 'cancelled', how: '措施撤销，已请求取消' },
            ctx(),
          ),
        );
      } catch (err) {
        // never started, or already closed: its result or its signal tells the case how it ended
        log.warn('could not cancel the rectification item', { itemId: effect.itemId, error: String(err) });
      }
    } else if (state.measures.find((m) => m.measureId === effect.measureId)?.status === 'executed') {
      await startRectification(effect, core.rectificationInput(state, effect, ctx()));
    }
  }

  async function startRectification(effect: StartEffect, args: SupervisionInput): Promise<void> {
    const ended = (status: 'completed' | 'cancelled' | 'failed', how?: string) => {
      watched.delete(effect.measureId);
      apply(core.rectificationFinished(state, { ...effect, status, ...(how ? { how } : {}) }, ctx()));
    };
    try {
      const child = await startChild<(i: SupervisionInput) => Promise<SupervisionState>>('supervisionItem', {
        workflowId: itemWorkflowId(effect.itemId),
        args: [args],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `整改：${args.title}`,
      });
      // The result ends the wait even when the item never signals (terminated, failed, cancelled).
      watched.add(effect.measureId);
      child.result().then(
        (end) => ended(end.status === 'completed' ? 'completed' : 'cancelled'),
        (err: unknown) => {
          const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
          if (cause instanceof CancelledFailure) ended('cancelled', '已取消');
          else if (cause instanceof TerminatedFailure) ended('failed', '被终止');
          else if (cause instanceof TimeoutFailure) ended('failed', '超时');
          else ended('failed', '运行失败');
        },
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      log.info('rectification item already running', { itemId: effect.itemId });
    }
    apply(core.rectificationStarted(state, effect, ctx()));
  }

  // ---------- the main loop ----------
  /** once per activation: the record batch, the search attributes (on a change only), the details */
  function sync(): void {
    const batch = caseRecordBatch(recorded, state, setup);
    if (batch) record.push(batch);
    recorded = state;
    if (state.stage !== indexedStage) {
      indexedStage = state.stage;
      upsertSearchAttributes([
        { key: CaseStageKey, value: state.stage },
        { key: CaseSubjectsKey, value: state.subjects.map((s) => s.id) },
      ]);
    }
    setCurrentDetails(currentDetails(state, ctx()));
  }
  const failed = () => lanes.find((l) => l.failed);
  const quiet = () => allHandlersFinished() && lanes.every((l) => l.idle);
  const rectified = () =>
    state.measures.every(
      (m) => !m.rectificationItemId || m.status === 'revoked' || m.rectificationStatus !== undefined,
    );
  const finished = () => state.stage === 'closed' && rectified() && quiet();
  const continuable = () => {
    const info = workflowInfo();
    const limit = setup.continueAsNewAfterEvents ?? CASE_CONTINUE_AS_NEW_AFTER_EVENTS;
    return (info.continueAsNewSuggested || info.historyLength >= limit) && quiet() && watched.size === 0;
  };

  for (;;) {
    sync();
    changed = false;
    const lane = failed();
    if (lane) throw new Error(`case ${state.id}: an effect failed: ${why(lane.error)}`);
    if (finished()) break;
    if (continuable()) await continueAsNew<typeof accountabilityCase>({ ...setup, carried: compact(state) });
    const wake = nextWakeUp(state, ctx());
    const wakeUp = () => changed || failed() !== undefined || finished() || continuable();
    if (wake === undefined) await condition(wakeUp);
    else if (wake > Date.now())
      await condition(wakeUp, wake - Date.now(), { summary: timerSummary(state, ctx()) });
    if (wake !== undefined && Date.now() >= wake) apply(timersDue(state, ctx()));
  }
  await Promise.all(lanes.map((l) => l.close()));
  return state;
}
