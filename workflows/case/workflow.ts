// 问责程序 (S4 §四(六)): the shell of one accountability case; the rules are the pure core beside it.
// Invariants: handlers are registered before the first await, each applies one core transition at
// once (an Update answers as soon as its rule is applied) and hands its effects to an outbox lane.
// One main loop waits for a change, a failed lane or its one timer per wake-up instant (WakeTimer)
// and syncs once per activation: the record batch (diffed from what the record has), at most one
// search-attribute upsert (on a change of stage), the current details. A failed lane fails the task loudly. The run
// ends when the case is closed and every live rectification item has ended; it continues as new
// (compacted) only when its handlers are done, its lanes idle and it follows no child.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { CaseRecordBatch } from '../../domain/record';
import * as msg from '../messages';
import { deliveriesInBatch } from '../notify';
import { CaseStageKey, CaseSubjectsKey } from '../search-attributes';
import { Outbox } from '../shared/outbox';
import { NoticeLanes } from '../shared/notice-lanes';
import { runPatches } from '../shared/patches';
import { fencedWriter, RECORD_WRITE, RECORD_WRITE_TASK } from '../shared/record-write';
import { WakeTimer } from '../shared/wake-timer';
import type { CaseEnd, CaseInput, CaseState } from '../types';
import { caseChildren } from './children';
import { currentDetails, timerSummary } from './details';
import { nextWakeUp, timersDue } from './next-wake-up';
import { caseRecordBatch, mergeCaseBatches } from './record';
import * as base from './state';
import * as core from './transitions';
import * as check from './validate';

const { recordCase } = wf.proxyLocalActivities<Activities>(RECORD_WRITE);
const { recordCase: recordCaseTask } = wf.proxyActivities<Activities>(RECORD_WRITE_TASK);

/** an error with its causes: "Activity task failed: …" */
const why = (e: unknown): string =>
  e instanceof Error ? e.message + (e.cause ? `: ${why(e.cause)}` : '') : `${e}`;

const refuse = (refusal: check.Refusal | undefined): void => {
  if (refusal) throw wf.ApplicationFailure.create({ ...refusal, nonRetryable: true });
};

export async function accountabilityCase(input: CaseInput): Promise<CaseEnd> {
  const patched = runPatches(); // first, so it is settled in the run's first activation
  const { carried, ...setup } = input;
  const calendar = base.calendarOf(setup, (m) => wf.ApplicationFailure.nonRetryable(m, 'InvalidInput'));
  const ctx = () => ({ now: Date.now(), calendar, timeZone: setup.timeZone, setup });
  const first = carried ? undefined : core.opened(setup, ctx());
  let state: CaseState = carried ?? first!.state;
  let recorded: CaseState | undefined = carried; // what the record already has
  // what the start already indexed (the API and the item set the stage they start it in)
  let indexedStage = carried?.stage ?? wf.workflowInfo().typedSearchAttributes.get(CaseStageKey);
  let changed = true;

  const notices = new NoticeLanes(patched, (records) => apply(core.noticesDelivered(state, records)), sync);
  const write = fencedWriter<CaseRecordBatch>({
    patched,
    follows: carried?.revision ?? 0,
    local: recordCase,
    task: recordCaseTask,
    summary: (b) => `记录第 ${b.revision} 版`,
  });
  const record = new Outbox<CaseRecordBatch>(
    (batches) => write(mergeCaseBatches(batches)),
    20,
    notices.settled,
  );

  const { perform, watched } = caseChildren({
    state: () => state,
    ctx,
    apply,
    escalation: !!setup.escalation,
    patched,
  });
  const children = new Outbox<base.ChildEffect>(async (batch) => {
    for (const effect of batch) await perform(effect);
  });
  const lanes = [notices.byUpdate, notices.byStep, record, children];

  function apply<T>(step: base.Step<T>, byUpdate = false): T {
    state = step.state;
    for (const e of step.effects) {
      if (e.kind === 'notice') notices.push(e.notice, byUpdate);
      else children.push(e);
    }
    changed = true;
    return step.outcome;
  }

  // before the handlers: an Update delivered with the start runs inside setHandler, on this state
  if (first) apply(first);

  // ---------- handlers, before the first await ----------
  wf.setHandler(msg.getCaseState, () => state);
  wf.setHandler(msg.submitInvestigation, (u) => apply(core.investigationSubmitted(state, u, ctx()), true), {
    validator: (u) => refuse(check.validateInvestigation(state, u)),
  });
  wf.setHandler(msg.decideCase, (u) => apply(core.caseDecided(state, u, ctx()), true), {
    validator: (u) => refuse(check.validateDecision(state, u, ctx())),
  });
  wf.setHandler(msg.fileAppeal, (u) => apply(core.appealFiled(state, u, ctx()), true), {
    validator: (u) => refuse(check.validateAppeal(state, u, ctx())),
  });
  wf.setHandler(msg.reviewAppeal, (u) => apply(core.appealReviewed(state, u, ctx()), true), {
    validator: (u) => refuse(check.validateReview(state, u, ctx())),
  });
  wf.setHandler(msg.rectificationFinished, (s) => void apply(core.rectificationFinished(state, s, ctx())));

  // ---------- the main loop ----------
  /** once per activation: the record batch, the search attributes (on a change only), the details */
  function sync(): void {
    const batch = caseRecordBatch(recorded, state, setup, deliveriesInBatch(patched));
    if (batch) record.push(batch);
    recorded = state;
    if (state.stage !== indexedStage) {
      indexedStage = state.stage;
      wf.upsertSearchAttributes([
        { key: CaseStageKey, value: state.stage },
        { key: CaseSubjectsKey, value: state.subjects.map((s) => s.id) },
      ]);
    }
    wf.setCurrentDetails(currentDetails(state, ctx()));
  }
  const failed = () => lanes.find((l) => l.failed);
  const quiet = () => wf.allHandlersFinished() && lanes.every((l) => l.idle);
  const finished = () => state.stage === 'closed' && core.rectificationsEnded(state) && quiet();
  const continuable = () => {
    const info = wf.workflowInfo();
    const limit = setup.continueAsNewAfterEvents ?? base.CASE_CONTINUE_AS_NEW_AFTER_EVENTS;
    return (info.continueAsNewSuggested || info.historyLength >= limit) && quiet() && watched.size === 0;
  };

  const timer = new WakeTimer();
  const wakeUp = () => changed || timer.fired || failed() !== undefined || finished() || continuable();
  for (;;) {
    sync();
    changed = false;
    const lane = failed();
    if (lane) throw new Error(`case ${state.id}: an effect failed: ${why(lane.error)}`);
    if (finished()) break;
    if (continuable())
      await wf.continueAsNew<typeof accountabilityCase>({ ...setup, carried: base.compact(state) });
    const wake = nextWakeUp(state, ctx());
    if (wake === undefined || wake > Date.now()) {
      timer.set(wake, () => timerSummary(state, ctx()));
      await wf.condition(wakeUp);
    }
    if (wake !== undefined && Date.now() >= wake) apply(timersDue(state, ctx()));
  }
  await Promise.all(lanes.map((l) => l.close()));
  return base.caseEnd(state);
}
