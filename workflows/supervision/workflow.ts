// The supervision item's shell (督办事项): wires the Updates to the pure core, waits for the next
// wake-up, and hands the core's effects to outbox lanes (notices, the record, child workflows).
//
// Invariants:
// - Handlers never await: validator -> transition -> new state, so every action answers at once.
//   (Only an update that arrives while an item started without a calendar fetches it waits for
//   the plan; its query and updates are registered before that first await.)
// - After each change one sync() writes a record batch (revisions strictly increasing) if the
//   record's view changed, upserts the search attributes that changed and sets the current
//   details. One timer per wake-up instant (WakeTimer).
// - An outbox that fails stops the workflow task loudly (the item is kept, not failed).
// - Continue-as-new only when every handler and lane is idle, carrying a compacted state.
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ItemRecordBatch } from '../../domain/record';
import { CalendarInputError } from '../../domain/calendar/working-calendar';
import * as m from '../messages';
import { deliveriesInBatch } from '../notify';
import { recordChanges } from '../shared/record-diff';
import { Outbox } from '../shared/outbox';
import { NoticeLanes } from '../shared/notice-lanes';
import { CASE_STARTED_IN_TASK } from '../shared/patch-ids';
import { runPatches } from '../shared/patches';
import { WakeTimer } from '../shared/wake-timer';
import type { ItemEnd, SupervisionInput } from '../types';
import { currentDetails, timerSummary } from './details';
import { calendarSlice, childrenLane, recordBatches, SearchIndex } from './effects';
import { nextWakeUp } from './next-wake-up';
import { firstBatch, indexedValues, itemDiff, summaryOf } from './record-view';
import {
  calendarWindow,
  carriedState,
  compacted,
  contextOf,
  isTerminal,
  itemEnd,
  stateAtStart,
  unplannedState,
} from './state';
import type { ItemState } from './state';
import * as t from './transitions';
import { calendarChanged } from './calendar-update';
import { registerUpdates } from './updates';
import * as v from './validate';

type Ctx = ReturnType<typeof contextOf>;

export async function supervisionItem(input: SupervisionInput): Promise<ItemEnd> {
  const patched = runPatches(); // first, so it is settled in the run's first activation
  const missing = v.missingParts(input);
  const unknown = missing.length ? [] : v.unknownMeasures(input);
  if (unknown.length)
    throw ApplicationFailure.nonRetryable(`督办事项无法排期：${unknown.join('; ')}`, 'InvalidInput');
  if (missing.length)
    throw ApplicationFailure.nonRetryable(`督办事项输入不完整：缺少 ${missing.join(', ')}`, 'InvalidInput');
  const tz = input.timeZone;
  // An item started without a calendar (a case's rectification items) fetches its slice first. The
  // query and updates are registered before that await (the SDK rejects an update and fails a query
  // that arrive before their handler): until the plan exists they answer the unplanned item / wait.
  let planned = false;
  let state: ItemState = unplannedState(input);
  let calendar = input.calendar;
  let base!: Ctx;
  const ctx = (): Ctx => ({ ...base, now: Date.now(), patched }); // the core asks where it acts

  // ---------- query and updates (registered before the first await) ----------
  setHandler(m.getItemState, () => state);
  registerUpdates({ state: () => state, ctx, apply: (s) => apply(s, true), planned: () => planned }, input);

  calendar ??= await calendarSlice(calendarWindow(input.assignedAt, input.timeZone));
  try {
    base = contextOf({ ...input, calendar }, Date.now());
    const createdAt = input.createdAt ? Date.parse(input.createdAt) : Date.now();
    state = input.carried
      ? carriedState(input.carried)
      : stateAtStart({ ...input, calendar }, createdAt, { ...base, now: createdAt });
  } catch (err) {
    // Input the calendar refuses can never become valid: fail the item clearly, once.
    if (err instanceof CalendarInputError)
      throw ApplicationFailure.nonRetryable(`督办事项无法排期：${err.message}`, 'InvalidInput');
    throw err;
  }
  let recorded: ItemState | undefined = input.carried ? state : undefined;
  let changed = false;

  // A step's local activities run one after another (notices, case starts, record), so each is
  // scheduled in the same order on replay whatever order they finished in live.
  const casesInTask = patched(CASE_STARTED_IN_TASK);
  const notices = new NoticeLanes(patched, (r) => apply(t.noticesDelivered(state, r, ctx())), sync);
  const children = childrenLane(casesInTask, notices.tried, (c) => apply(t.caseOpened(state, c, ctx())));
  const recordReady = () => notices.settled() && (!casesInTask || children.idle);
  const record = new Outbox(recordBatches(patched, input.carried ? state.revision : 0), 50, recordReady);
  const lanes = [notices.byUpdate, notices.byStep, children, record];
  const failure = (): unknown => lanes.find((l) => l.failed)?.error;

  function apply<R>(next: t.Step<R>, byUpdate = false): R {
    state = next.state;
    for (const e of next.effects) {
      if (e.kind === 'notice') notices.push(e.notice, byUpdate);
      else children.push(e);
    }
    changed = true;
    return next.outcome;
  }

  planned = true;
  if (!input.carried) apply(t.itemAssigned(state, ctx())); // 交办通知

  // ---------- signals (the SDK keeps a signal until its handler is set) ----------
  setHandler(m.caseLinked, (l) => void apply(t.caseLinked(state, l, ctx())));
  setHandler(m.calendarChanged, (c) => {
    // from now on the item computes on the calendar the office loaded
    calendar = c.calendar;
    base = contextOf({ ...input, calendar }, Date.now());
    apply(calendarChanged(state, c, ctx()));
  });

  // ---------- sync: record, search attributes, details ----------
  const index = new SearchIndex();
  function sync(): void {
    // The state at start already names its batch (revision 1), so the create response matches it.
    const changes = recorded
      ? recordChanges(
          recorded as never,
          state as never,
          state.revision + 1,
          itemDiff(state, deliveriesInBatch(patched)),
        )
      : firstBatch(state);
    if (changes) {
      state.revision = changes.revision;
      record.push({ ...changes, itemId: state.id, summary: summaryOf(state) } as ItemRecordBatch);
      recorded = state;
    }
    index.update(indexedValues(state));
    setCurrentDetails(currentDetails(state, tz));
  }
  const throwIfFailed = (err = failure()) => {
    if (err) throw new Error(`督办事项输出失败：${err instanceof Error ? err.message : String(err)}`);
  };
  // ---------- the process ----------
  const timer = new WakeTimer();
  try {
    for (;;) {
      let wake = nextWakeUp(state);
      while (wake && wake.at <= Date.now()) {
        apply(t.timerFired(state, wake, ctx()));
        wake = nextWakeUp(state);
      }
      sync();
      changed = false;
      if (isTerminal(state)) break;
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength >= (input.continueAsNewAfterEvents ?? 10_000)) {
        await condition(() => (allHandlersFinished() && lanes.every((l) => l.idle)) || Boolean(failure()));
        throwIfFailed();
        if (!changed)
          await continueAsNew<typeof supervisionItem>({ ...input, calendar, carried: compacted(state) });
        continue;
      }
      timer.set(wake?.at, () => timerSummary(state, wake!, tz)); // the summary is read at once
      await condition(() => changed || timer.fired || Boolean(failure()));
      throwIfFailed();
    }
  } catch (err) {
    // A cancellation request ends the item the way cancelItem does, instead of failing forever.
    if (!isCancellation(err)) throw err;
    apply(t.cancelRequested(state, ctx()));
    sync();
  }
  // What was decided is still delivered and recorded, cancelled or not.
  await CancellationScope.nonCancellable(async () => {
    await condition(allHandlersFinished);
    await notices.close();
    await children.close();
    sync();
    await record.close();
    throwIfFailed();
  });
  return itemEnd(state);
}
