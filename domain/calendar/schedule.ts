// The reminder schedule (预警与催办时间表) a policy gives a deadline. A level already reached keeps
// the instant it was reached; the next one counts from the later of the deadline and the previous
// level, so an urge that came early (a report returned for redo before the deadline) still leaves
// the deadline as the anchor of the level after it.
import type { PlanScheduleRequest, Schedule, ScheduledLevel } from '../../workflows/types';
import type { WorkingCalendar } from './working-calendar';
import { CalendarInputError, parseInstant, toIso } from './zoned-time';

export function planSchedule(
  calendar: Pick<WorkingCalendar, 'addInterval'>,
  req: PlanScheduleRequest,
): Schedule {
  const deadlineMs = parseInstant(req.deadlineAt, 'deadlineAt');
  const deadlineAt = toIso(deadlineMs);
  const levels = req.policy.reminders;
  if (!levels.length) throw new CalendarInputError('a policy needs at least one reminder level');
  const { timeZone } = req;

  const schedule: Schedule = { deadlineAt, levels: [] };
  if (req.policy.warnBefore) {
    schedule.warningAt = calendar.addInterval({
      from: deadlineAt,
      interval: req.policy.warnBefore,
      direction: -1,
      timeZone,
    }).at;
  }

  let previous: number | undefined;
  levels.forEach((level, i) => {
    const n = i + 1;
    const reached = req.reached.find((r) => r.level === n);
    let dueMs: number;
    if (reached) {
      dueMs = parseInstant(reached.at, `reached[level ${n}].at`);
    } else {
      const anchor = previous === undefined ? deadlineMs : Math.max(deadlineMs, previous);
      dueMs = parseInstant(
        calendar.addInterval({ from: toIso(anchor), interval: level.after, direction: 1, timeZone }).at,
      );
    }
    previous = dueMs;
    const scheduled: ScheduledLevel = { level: n, name: level.name ?? `第${n}级`, dueAt: toIso(dueMs) };
    schedule.levels.push(scheduled);
  });
  return schedule;
}
