// Deadlines and the reminder schedule of the current stage, computed on the pure calendar. These
// helpers change the draft a transition works on; the transitions are what callers use.
import { nextOpening, withDelivery } from '../../domain/calendar/office-hours';
import { localDateOf } from '../../domain/calendar/zoned-time';
import type { Actor, Deadline, Policy, StageState, SupervisionState } from '../types';
import { REPORTING_CLOCK_STOP } from './patches';
import type { Ctx, ItemState } from './state';

export const stageOf = (s: SupervisionState): StageState | undefined =>
  s.stages?.find((st) => st.name === s.currentStage);

export const remindersOfStage = (s: SupervisionState) =>
  s.reminders.filter((r) => r.stage === s.currentStage);

export const pendingFinal = (s: SupervisionState) => s.reports.find((r) => r.kind === 'final' && !r.review);

export const pendingExtension = (s: SupervisionState) => s.extensions.find((e) => !e.decision);

/** 签收 still owed by the lead unit */
export const awaitingAcknowledgement = (s: SupervisionState): boolean =>
  Boolean(s.acknowledgement && !s.acknowledgement.acknowledgedAt);

/** the 退回交办 the office has not answered yet: the item waits for a reassignment or a cancel */
export const pendingDecline = (s: SupervisionState) => {
  const last = s.declines?.at(-1);
  return last && !last.reassigned ? last : undefined;
};

export const clockStopsForReview = (policy: Policy): boolean => policy.clockStopsDuringReview !== false;

/** Paused, or the office holds a report or a request while the policy stops the clock for it. */
export const clockStopped = (s: SupervisionState): boolean =>
  Boolean(s.pausedAt) || (clockStopsForReview(s.policyDetail) && Boolean(s.clockStoppedAt));

/** Puts a deadline in place (on the item and its current stage) and plans its schedule. */
export function setDeadline(s: ItemState, deadline: Deadline, ctx: Ctx): void {
  s.deadline = deadline;
  s.deadlineAt = deadline.at;
  s.calendar = deadline.calendar;
  const current = stageOf(s);
  if (current) {
    current.deadline = deadline;
    current.deadlineAt = deadline.at;
  }
  plan(s, ctx);
}

/** When a warning, urge or bulletin decided at an instant goes out (undefined: at once). */
export const deliveryOf = (ctx: Ctx): ((ms: number) => number) | undefined =>
  ctx.officeHours ? (ms) => nextOpening(ms, ctx.calendar, ctx.timeZone, ctx.officeHours!) : undefined;

/** The warning and each level's instant, with when each goes out; levels already reached keep theirs. */
export function plan(s: ItemState, ctx: Ctx): void {
  const planned = ctx.calendar.planSchedule({
    deadlineAt: s.deadlineAt!,
    policy: ctx.policy,
    timeZone: ctx.timeZone,
    reached: remindersOfStage(s),
  });
  const schedule = withDelivery(planned, deliveryOf(ctx));
  s.schedule = schedule;
  // A moved deadline earns a new warning only if its warning instant is still ahead; otherwise the
  // warning already given stands (a resumed item is not warned twice).
  if (s.warnedAt && schedule.warningAt && ctx.now < Date.parse(schedule.warningAt)) s.warnedAt = undefined;
}

/**
 * Ends one reason for the clock to stand still. Overlapping stops count once: only when no reason
 * is left does this return since when the clock stood still (the earliest stop).
 */
export function releaseClock(s: ItemState, kind: 'pause' | 'review'): string | undefined {
  const reviewStops = clockStopsForReview(s.policyDetail);
  const stops = [s.pausedAt, reviewStops ? s.clockStoppedAt : undefined];
  const since = stops.filter((x): x is string => Boolean(x)).sort()[0];
  if (kind === 'pause') {
    s.pausedAt = undefined;
    s.pauseReason = undefined;
  } else {
    // A review that ends inside a pause hands its start to the pause (a review can never begin
    // while paused), so the time since the first stop is still given back when the pause ends.
    if (s.pausedAt && since && since < s.pausedAt) s.pausedAt = since;
    s.clockStoppedAt = undefined;
  }
  return clockStopped(s) ? undefined : since;
}

/** Moves the deadline by the time the clock stood still (working days, or elapsed time). */
export function giveTimeBack(
  s: ItemState,
  since: string | undefined,
  actor: Actor,
  kind: 'pause' | 'review_clock_stop',
  detail: string,
  ctx: Ctx,
): void {
  if (!since || !s.deadline) return;
  const moved = ctx.calendar.shiftDeadline({
    deadline: s.deadline,
    stoppedAt: since,
    resumedAt: new Date(ctx.now).toISOString(),
    kind,
    detail,
    by: actor.id,
    timeZone: ctx.timeZone,
  });
  setDeadline(s, moved, ctx);
  if (s.reporting && ctx.patched?.(REPORTING_CLOCK_STOP)) shiftReporting(s, since, ctx);
}

/**
 * 汇报频次 across a stopped clock. S4 §三(一) asks for progress to be reported 适时, as the work goes:
 * a period measures time the unit can work on the item, and a pause (不可抗力) or a report or request
 * the office holds is not such time. So the period the stop interrupted keeps exactly the time it had
 * left, as the deadline does: nothing falls due while stopped, nothing is owed at once on resume,
 * and a reminder's grace keeps its time too. (A whole new period from the resume would also owe
 * nothing, but would leave the work done before the stop unreported for more than a period.)
 */
function shiftReporting(s: ItemState, since: string, ctx: Ctx): void {
  const r = s.reporting!;
  const tz = ctx.timeZone;
  const lost =
    'duration' in r.every
      ? undefined
      : ctx.calendar.countWorkingDays(localDateOf(Date.parse(since), tz), localDateOf(ctx.now, tz));
  const later = (at: string): string => {
    if (lost === undefined) return new Date(Date.parse(at) + ctx.now - Date.parse(since)).toISOString();
    if (lost === 0) return at;
    return ctx.calendar.addInterval({ from: at, interval: { workingDays: lost }, direction: 1, timeZone: tz })
      .at;
  };
  r.dueAt = later(r.dueAt);
  if (r.graceUntil) r.graceUntil = later(r.graceUntil);
}
