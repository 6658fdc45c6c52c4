// Calendar activities: the workflow asks for deadlines and schedules here, so each answer (and the
// calendar version that produced it) is recorded in the history and a later calendar update never
// rewrites a running item's past. Requests are validated at this boundary; bad input fails as a
// non-retryable InvalidInput, because retrying garbage can never succeed.
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { Due, Interval, Policy } from '../../domain/schemas';
import type {
  AddIntervalRequest,
  AddIntervalResult,
  ComputeDeadlineRequest,
  Deadline,
  ExtendDeadlineRequest,
  PlanScheduleRequest,
  Schedule,
  ShiftDeadlineRequest,
} from '../../workflows/types';
import { CalendarInputError, isTimeZone } from '../../domain/calendar/zoned-time';
import {
  sliceCalendarData,
  type CalendarData,
  type WorkingCalendar,
} from '../../domain/calendar/working-calendar';
import type { CalendarService } from './service';
import { INVALID_INPUT, parseInput } from '../input';

const instant = z.iso.datetime({ offset: true });
const timeZone = z.string().min(1).max(64).refine(isTimeZone, 'not an IANA time zone');

const DeadlineInput = z.looseObject({
  at: instant,
  localDate: z.iso.date(),
  clock: z.enum(['workingDays', 'elapsed']),
  workingDays: z.int().min(0).optional(),
  receipt: z.looseObject({
    assignedAt: instant,
    timeZone: z.string(),
    countedDays: z.array(z.string()),
    skipped: z.array(z.looseObject({ date: z.string() })),
    makeUpDays: z.array(z.string()),
    adjustments: z.array(z.looseObject({ kind: z.string(), at: z.string() })),
    summary: z.string(),
  }),
  calendar: z.looseObject({ version: z.string(), coveredThrough: z.string() }),
});

const ComputeDeadlineInput = z.object({ from: instant, due: Due, timeZone });

const AddIntervalInput = z.object({
  from: instant,
  interval: Interval,
  direction: z.union([z.literal(1), z.literal(-1)]),
  timeZone,
});

const ShiftDeadlineInput = z.object({
  deadline: DeadlineInput,
  stoppedAt: instant,
  resumedAt: instant,
  kind: z.enum(['extension', 'pause', 'review_clock_stop']),
  detail: z.string().max(5000),
  by: z.string().max(200).optional(),
  timeZone,
});

const ExtendDeadlineInput = z.object({
  deadline: DeadlineInput,
  due: z.union([z.strictObject({ workingDays: z.int().min(1).max(250) }), z.strictObject({ at: instant })]),
  at: instant,
  by: z.string().max(200).optional(),
  reason: z.string().max(5000),
  timeZone,
});

const PlanScheduleInput = z.object({
  deadlineAt: instant,
  policy: Policy,
  timeZone,
  reached: z.array(z.object({ level: z.int().min(1).max(5), at: instant })).max(5),
});

function invalid(activity: string, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`${activity}: ${message}`, INVALID_INPUT);
}

/** Runs a calendar method; the calendar's own refusals become non-retryable InvalidInput too. */
function guarded<Req, Res>(
  activity: string,
  schema: z.ZodType,
  run: (req: Req) => Res,
): (req: Req) => Promise<Res> {
  return async (req: Req) => {
    parseInput(activity, schema, req, 'request');
    try {
      return run(req);
    } catch (err) {
      if (err instanceof CalendarInputError) throw invalid(activity, err.message);
      throw err;
    }
  };
}

/**
 * `inForce`: the calendar service that follows the years the office loads (the worker's); without
 * it, the fixed `calendar` (tests, tools).
 */
export function createCalendarActivities(calendar: WorkingCalendar, inForce?: CalendarService) {
  const current = () => inForce?.current ?? calendar;
  return {
    /** 计算截止时间: N working days, an instant, or a drill duration after the assignment. */
    computeDeadline: guarded<ComputeDeadlineRequest, Deadline>('computeDeadline', ComputeDeadlineInput, (r) =>
      current().computeDeadline(r),
    ),
    /** Adds (or subtracts) working days or a duration: warnings, reminder intervals, step dues. */
    addInterval: guarded<AddIntervalRequest, AddIntervalResult>('addInterval', AddIntervalInput, (r) =>
      current().addInterval(r),
    ),
    /** Gives back the time a stopped clock (pause, review) cost the unit. */
    shiftDeadline: guarded<ShiftDeadlineRequest, Deadline>('shiftDeadline', ShiftDeadlineInput, (r) =>
      current().shiftDeadline(r),
    ),
    /** 延期: extra working days or a later instant. */
    extendDeadline: guarded<ExtendDeadlineRequest, Deadline>('extendDeadline', ExtendDeadlineInput, (r) =>
      current().extendDeadline(r),
    ),
    /** The calendar data from one date through another, for a rectification item started without one
     * (until the case passes its items a calendar). */
    calendarSlice: async (r: { from: string; through: string }): Promise<CalendarData> =>
      sliceCalendarData((inForce ? await inForce.refresh() : calendar).data, r.from, r.through),
    /** The warning and each level's instant for a deadline under a policy. */
    planSchedule: guarded<PlanScheduleRequest, Schedule>('planSchedule', PlanScheduleInput, (r) =>
      current().planSchedule(r),
    ),
  };
}

export type CalendarActivities = ReturnType<typeof createCalendarActivities>;
