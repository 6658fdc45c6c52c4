// Office hours (办公时间): people are not woken by a notice. A warning, urge or bulletin whose instant
// falls outside the hours of a working day goes out at the next opening; the instant itself (the
// deadline, when a level was reached) never moves. Pure: the API's preview and the workflow both
// compute `deliverAt` with it.
import type { Schedule } from '../../workflows/types';
import { CalendarInputError, localDateOf, addDays, zonedInstant, type TimeOfDay } from './zoned-time';

/** "HH:mm-HH:mm", local time of the organisation's zone, on the calendar's working days */
export interface OfficeHours {
  open: string;
  close: string;
}

export const DEFAULT_OFFICE_HOURS: OfficeHours = { open: '09:00', close: '18:00' };

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const time = (hhmm: string): TimeOfDay => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return { hour: h, minute: m, second: 0, millisecond: 0 };
};
const minutes = (hhmm: string) => time(hhmm).hour * 60 + time(hhmm).minute;

/** Parses `DUBAN_OFFICE_HOURS` ("09:00-18:00"); throws CalendarInputError saying what is wrong. */
export function parseOfficeHours(text: string): OfficeHours {
  const [open, close, ...rest] = text.trim().split('-');
  if (rest.length || !open || !close || !HHMM.test(open) || !HHMM.test(close)) {
    throw new CalendarInputError(`office hours "${text}" are not HH:mm-HH:mm, e.g. 09:00-18:00`);
  }
  if (minutes(close) <= minutes(open)) {
    throw new CalendarInputError(`office hours "${text}" close before they open`);
  }
  return { open, close };
}

/**
 * The instant a notice decided at `at` goes out: `at` itself inside the hours of a working day,
 * otherwise the next working day's opening (the same day's, before it opens).
 */
export function nextOpening(
  at: number,
  calendar: { isWorkingDay(date: string): boolean },
  timeZone: string,
  hours: OfficeHours,
): number {
  let day = localDateOf(at, timeZone);
  if (calendar.isWorkingDay(day)) {
    const open = zonedInstant(day, time(hours.open), timeZone);
    const close = zonedInstant(day, time(hours.close), timeZone);
    if (at < open) return open;
    if (at < close) return at;
  }
  // a working day within a year: past the calendar's data, weekends alone still leave five a week
  for (let i = 0; i < 366; i++) {
    day = addDays(day, 1);
    if (calendar.isWorkingDay(day)) return zonedInstant(day, time(hours.open), timeZone);
  }
  throw new CalendarInputError(`no working day within a year after ${day}`);
}

/**
 * The schedule with `deliverAt` beside each instant (the warning and every level). Without office
 * hours (a drill, or an item started before they existed) each goes out at its own instant.
 */
export function withDelivery(schedule: Schedule, deliver: ((ms: number) => number) | undefined): Schedule {
  const at = (iso: string) => (deliver ? new Date(deliver(Date.parse(iso))).toISOString() : iso);
  return {
    ...schedule,
    ...(schedule.warningAt
      ? { warning: { dueAt: schedule.warningAt, deliverAt: at(schedule.warningAt) } }
      : {}),
    levels: schedule.levels.map((l) => ({ ...l, deliverAt: at(l.dueAt) })),
  };
}
