// The accountability case's (问责案件) state and how it starts. Pure: no Temporal imports, so the API
// answers a case opened by hand from the same `stateAtStart` the workflow begins with.
import {
  CalendarInputError,
  WorkingCalendar,
  type CalendarData,
} from '../../domain/calendar/working-calendar';
import { addDays, localDateOf } from '../../domain/calendar/zoned-time';
import type { CaseEnd, CaseHistoryLine, CaseInput, CaseStage, CaseState, Interval, Notice } from '../types';

/** working days for each step when the input does not say */
export const CASE_STEP_DEFAULTS = { investigation: 10, decision: 5, appealWindow: 5, review: 10 } as const;
/** S5 查→追→改: the rectification item a 责令限期整改 starts gets this many working days, unless the
 * decision sets its own time limit (`within`) */
export const RECTIFICATION_WORKING_DAYS = 15;
/** continue-as-new once the history is this long, unless the server suggests it earlier */
export const CASE_CONTINUE_AS_NEW_AFTER_EVENTS = 10_000;
/** how many history lines and notices a continued run carries (the record keeps them all) */
export const CARRIED_TAIL = 50;

/** A case's fixed settings: its input without the carried state. */
export type CaseSetup = Omit<CaseInput, 'carried'>;

/** What every transition is given besides the state and its arguments. */
export interface CaseContext {
  now: number;
  calendar: WorkingCalendar;
  timeZone: string;
  setup: CaseSetup;
}

/** An effect the shell performs through its outbox; the core only decides on it. */
export type CaseEffect =
  | { kind: 'notice'; notice: Notice }
  | { kind: 'startRectification'; measureId: string; itemId: string; by: string }
  | { kind: 'cancelRectification'; measureId: string; itemId: string }
  | { kind: 'linkItem'; itemId: string };

export type ChildEffect = Exclude<CaseEffect, { kind: 'notice' }>;
export type StartEffect = Extract<CaseEffect, { kind: 'startRectification' }>;

export interface Step<T = undefined> {
  state: CaseState;
  effects: CaseEffect[];
  /** what an Update answers */
  outcome: T;
}

/** No holiday data at all: weekends only (a starter of the first generation passes no slice). */
export const WEEKENDS_ONLY: CalendarData = {
  version: 'weekends-only',
  coveredFrom: '9999-12-31',
  coveredThrough: '0000-01-01',
  estimatedThrough: '0000-01-01',
  holidays: {},
  workdays: {},
};

/** The calendar a case opened by hand carries: a month back (late openings) through two years ahead. */
export function caseCalendarWindow(openedAt: number, timeZone: string): { from: string; through: string } {
  const today = localDateOf(openedAt, timeZone);
  return { from: addDays(today, -31), through: addDays(today, 2 * 366) };
}

/** the case's calendar; `refuse` turns a calendar that cannot be read into the shell's failure */
export function calendarOf(setup: CaseSetup, refuse?: (message: string) => Error): WorkingCalendar {
  try {
    return new WorkingCalendar(setup.calendar ?? WEEKENDS_ONLY);
  } catch (err) {
    if (refuse && err instanceof CalendarInputError) throw refuse(`问责案件无法计日：${err.message}`);
    throw err;
  }
}

export const contextOf = (setup: CaseSetup, now: number): CaseContext => ({
  now,
  calendar: calendarOf(setup),
  timeZone: setup.timeZone,
  setup,
});

type StepName = keyof typeof CASE_STEP_DEFAULTS;

/** The due date of a step that starts at `from` (working days, or an Interval for drills): the
 * case's own setting, else the policy's `caseSteps`, else the default. */
export function dueFrom(ctx: CaseContext, step: StepName, from: string): string {
  const given = ctx.setup.stepDue?.[step] ?? ctx.setup.policy.caseSteps?.[step] ?? CASE_STEP_DEFAULTS[step];
  const interval: Interval = typeof given === 'number' ? { workingDays: given } : given;
  return ctx.calendar.addInterval({ from, interval, direction: 1, timeZone: ctx.timeZone }).at;
}

/** `n` working days after `from`: the overdue reminders' rhythm. */
export function workingDaysAfter(ctx: CaseContext, from: string, n: number): string {
  return ctx.calendar.addInterval({
    from,
    interval: { workingDays: n },
    direction: 1,
    timeZone: ctx.timeZone,
  }).at;
}

export const STEP_NAMES: Record<CaseStage, string> = {
  investigation: '调查核实',
  decision: '问责决定',
  appeal_window: '申诉期',
  review: '复议复查',
  closed: '已结案',
};

const SOURCE_NAMES: Record<string, string> = {
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

/** Appends a history line numbered after the last one (seq survives compaction). */
export function withLine(state: CaseState, line: Omit<CaseHistoryLine, 'seq'>): CaseState {
  const seq = (state.history.at(-1)?.seq ?? 0) + 1;
  return { ...state, history: [...state.history, { ...line, seq }] };
}

export const isSummary = (setup: Pick<CaseSetup, 'procedure'>): boolean => setup.procedure === 'summary';

/** The stage a case begins in: 简易程序 skips the investigation. */
export const startStage = (setup: Pick<CaseSetup, 'procedure'>): 'decision' | 'investigation' =>
  isSummary(setup) ? 'decision' : 'investigation';

/** The state a case begins with: a formal case in the investigation stage, a summary one (简易程序:
 * no investigation) in the decision stage, its due date counted from `now`. */
export function stateAtStart(input: CaseInput, now: number): CaseState {
  const ctx = contextOf(input, now);
  const from = new Date(now).toISOString();
  const summary = isSummary(input);
  const origin = input.escalation
    ? `第${input.escalation.level}次催办后${summary ? '，简易程序' : ''}`
    : (SOURCE_NAMES[input.source.kind] ?? input.source.kind);
  const stage = startStage(input);
  return {
    id: input.caseId,
    revision: 1,
    stage,
    subjects: input.subjects,
    grounds: input.grounds,
    source: input.source,
    ...(input.itemId ? { itemId: input.itemId } : {}),
    policy: input.policy.name,
    ...(input.escalation ? { escalation: input.escalation } : {}),
    procedure: summary ? 'summary' : 'formal',
    ...(input.groundCodes?.length ? { groundCodes: input.groundCodes } : {}),
    measures: [],
    appeals: [],
    stepDueAt: dueFrom(ctx, stage, from),
    remindersSent: [],
    history: [
      {
        seq: 1,
        at: input.openedAt,
        by: input.openedBy.id,
        action: 'opened',
        detail: [
          `启动问责（${origin}）`,
          `事由：${input.grounds.join('；')}`,
          ...(input.evidence?.length ? [`证据：${input.evidence.join('；')}`] : []),
        ].join('，'),
      },
    ],
    notices: [],
    openedAt: input.openedAt,
  };
}

/** What a continued run carries: everything but the older history and notices (the record has them). */
/** How the case ended: the run's result. */
export function caseEnd(s: CaseState): CaseEnd {
  const { id, revision, stage, decision, closedAt } = s;
  return { id, revision, stage, ...(decision ? { decision } : {}), ...(closedAt ? { closedAt } : {}) };
}

export function compact(state: CaseState, tail = CARRIED_TAIL): CaseState {
  return { ...state, history: state.history.slice(-tail), notices: state.notices.slice(-tail) };
}
