// The supervision item's state (督办事项) as plain data, and the state right after creation. Pure:
// no Temporal imports, so the API builds the create response with the same code the workflow runs.
import { CalendarInputError, WorkingCalendar } from '../../domain/calendar/working-calendar';
import { addDays, localDateOf } from '../../domain/calendar/zoned-time';
import type {
  AcknowledgementRecord,
  Actor,
  HistoryEntry,
  Interval,
  ItemEnd,
  OfficeHours,
  Policy,
  ReportingState,
  StageState,
  SupervisionInput,
  SupervisionState,
} from '../types';
import { derive } from './details';
import { setDeadline } from './schedule';

/** A history line with its position in the item's whole history (the record's event key). */
export type ItemLine = HistoryEntry & { seq: number };

/** Today's SupervisionState, with the record's counters always present. */
export interface ItemState extends SupervisionState {
  /** the last record batch handed to the record lane */
  revision: number;
  /** the last history line's seq */
  seq: number;
  history: ItemLine[];
}

/** What every transition computes with besides the state. */
export interface Ctx {
  now: number;
  calendar: WorkingCalendar;
  policy: Policy;
  timeZone: string;
  /** absent: every notice goes out at its instant (drills, items started before office hours) */
  officeHours?: OfficeHours;
  /**
   * The shell's `patched()` (workflows/supervision/patches.ts); absent (the API, unit tests of the
   * old paths) answers false. Called only where a patched rule acts: each call may write a marker.
   */
  patched?: (id: string) => boolean;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** A deep copy, so each transition works on its own draft and the caller's state never changes. */
export const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export const isTerminal = (s: SupervisionState): boolean =>
  s.status === 'completed' || s.status === 'cancelled';

/** Appends a history line (办理过程) with the next seq. */
export function addLine(
  s: ItemState,
  actor: Actor | string,
  action: string,
  now: number,
  detail?: string,
): void {
  s.seq += 1;
  s.history.push({
    at: iso(now),
    by: typeof actor === 'string' ? actor : actor.id,
    action,
    ...(detail !== undefined ? { detail } : {}),
    seq: s.seq,
  });
}

export function contextOf(
  input: Pick<SupervisionInput, 'calendar' | 'policy' | 'timeZone' | 'officeHours'>,
  now: number,
): Ctx {
  if (!input.calendar) throw new Error('the item input carries no calendar');
  return {
    now,
    calendar: new WorkingCalendar(input.calendar),
    policy: input.policy,
    timeZone: input.timeZone,
    ...(input.officeHours ? { officeHours: input.officeHours } : {}),
  };
}

/** The calendar an item carries: from a month before its assignment day to two years after it. */
export function calendarWindow(assignedAt: string, timeZone: string): { from: string; through: string } {
  const day = localDateOf(Date.parse(assignedAt), timeZone);
  const through = `${String(Number(day.slice(0, 4)) + 2).padStart(4, '0')}${day.slice(4)}`;
  // 29 February two years on does not exist: take the last day of February.
  return { from: addDays(day, -31), through: through.endsWith('-02-29') ? addDays(through, -1) : through };
}

/** 签收 owed by a lead unit within `interval` from `since` (the assignment, or a reassignment). */
export function acknowledgementDue(
  unit: { id: string; name: string },
  interval: Interval,
  since: string,
  ctx: Ctx,
): AcknowledgementRecord {
  const dueAt = ctx.calendar.addInterval({ from: since, interval, direction: 1, timeZone: ctx.timeZone }).at;
  return { unit: { id: unit.id, name: unit.name }, interval, since, dueAt };
}

/** 汇报频次: the first period of progress reports, from `since` (the assignment, or a reassignment). */
export function reportingFrom(every: Interval, since: string, ctx: Ctx): ReportingState {
  const dueAt = ctx.calendar.addInterval({
    from: since,
    interval: every,
    direction: 1,
    timeZone: ctx.timeZone,
  }).at;
  return { every, period: 1, from: since, dueAt, missed: 0 };
}

/**
 * The item as its input gives it, before any deadline is computed: what a query answers while an
 * item started without a calendar fetches its slice (no deadline, no schedule, no history yet).
 */
export function unplannedState(input: SupervisionInput): ItemState {
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
    stages: input.stages?.map((st): StageState => ({
      name: st.name,
      due: st.due,
      status: 'pending',
      urgeCount: 0,
    })),
    notices: [],
    deliveryFailures: 0,
    origin: input.origin,
    history: [],
    requestHash: input.requestHash,
    revision: 1, // the record's first batch creates the item as it is here
    seq: 0,
  };
}

/**
 * The state right after creation: every stage's deadline (so the state shows the whole plan), the
 * first deadline and its schedule. Throws the calendar's CalendarInputError on input it refuses.
 */
export function stateAtStart(
  input: SupervisionInput,
  now: number,
  ctx: Ctx = contextOf(input, now),
): ItemState {
  const s = unplannedState(input);
  // A refusal names the field it is about, as the API would.
  const at = <T>(field: string, run: () => T): T => {
    try {
      return run();
    } catch (err) {
      if (err instanceof CalendarInputError) throw new CalendarInputError(`${field}: ${err.message}`);
      throw err;
    }
  };
  const deadlineOf = (due: SupervisionInput['due'], field: string) =>
    at(field, () => ctx.calendar.computeDeadline({ from: s.assignedAt, due, timeZone: ctx.timeZone }));
  addLine(s, input.createdBy, 'created', now, `交办：${input.leadUnit.name}`);
  const first = s.stages?.[0];
  if (first) {
    for (const [i, st] of s.stages!.entries()) {
      st.deadline = deadlineOf(st.due, `stages.${i}.due`);
      st.deadlineAt = st.deadline.at;
    }
    first.status = 'active';
    s.currentStage = first.name;
    addLine(s, 'system', 'stage_started', now, `进入节点：${first.name}`);
    at('policy', () => setDeadline(s, first.deadline!, ctx));
  } else {
    const deadline = deadlineOf(input.due, 'due');
    at('policy', () => setDeadline(s, deadline, ctx));
  }
  s.assistingUnits.forEach((u, i) => {
    if (u.due) u.dueAt = deadlineOf(u.due, `assistingUnits.${i}.due`).at;
  });
  if (input.reportEvery) {
    s.reporting = at('reportEvery', () => reportingFrom(input.reportEvery!, s.assignedAt, ctx));
  }
  if (input.acknowledgeWithin) {
    s.acknowledgement = at('acknowledgeWithin', () =>
      acknowledgementDue(s.leadUnit, input.acknowledgeWithin!, s.assignedAt, ctx),
    );
  }
  derive(s, now);
  return copy(s);
}

/** A state carried over continue-as-new, with the counters a first-generation state lacks. */
export function carriedState(carried: SupervisionState): ItemState {
  let seq = carried.seq ?? 0;
  const history = carried.history.map((h) => ({ ...h, seq: h.seq ?? (seq += 1) }));
  return { ...carried, history, revision: carried.revision ?? 0, seq } as ItemState;
}

/** How the item ended: the run's result. */
export function itemEnd(s: ItemState): ItemEnd {
  const { id, status, revision, urgeCount, caseIds, completedAt, cancelledAt } = s;
  return {
    id,
    status,
    revision,
    urgeCount,
    caseIds,
    ...(completedAt ? { completedAt } : {}),
    ...(cancelledAt ? { cancelledAt } : {}),
  };
}

/** Bounded tails of history and notices for continue-as-new: the whole of both is in the record. */
export function compacted(s: ItemState, keep = 50): ItemState {
  return { ...s, history: s.history.slice(-keep), notices: s.notices.slice(-keep) };
}
