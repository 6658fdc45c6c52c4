// Local calendar overrides (DUBAN_CALENDAR_OVERRIDES): next year's official schedule before the
// chinese-days package ships it, or local rules (a city's own day off, an extra make-up day).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { officialCalendar } from '../../domain/calendar/official';
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import { isDate } from '../../domain/calendar/zoned-time';

const day = z.string().refine(isDate, 'expected a calendar date YYYY-MM-DD');

const OverrideDay = z.strictObject({
  date: day,
  name: z.string().trim().min(1).max(100).optional(),
});

export const CalendarOverrides = z
  .strictObject({
    /** the last date the overrides (together with the package) describe completely */
    coveredThrough: day.optional(),
    holidays: z.array(OverrideDay).max(1000).optional(),
    workdays: z.array(OverrideDay).max(1000).optional(),
  })
  .superRefine((o, ctx) => {
    const seen = new Map<string, string>();
    for (const kind of ['holidays', 'workdays'] as const) {
      (o[kind] ?? []).forEach((d, i) => {
        const earlier = seen.get(d.date);
        if (earlier) {
          ctx.addIssue({
            code: 'custom',
            path: [kind, i, 'date'],
            message: `${d.date} is listed twice (also at ${earlier})`,
          });
        }
        seen.set(d.date, `${kind}[${i}]`);
      });
    }
  });
export type CalendarOverrides = z.infer<typeof CalendarOverrides>;

export class CalendarOverridesError extends Error {
  override name = 'CalendarOverridesError';
}

/** Validates overrides already in memory; `origin` names where they came from in the error. */
export function parseCalendarOverrides(value: unknown, origin = 'calendar overrides'): CalendarOverrides {
  const parsed = CalendarOverrides.safeParse(value);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`,
    );
    throw new CalendarOverridesError(`invalid calendar overrides in ${origin}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Reads and validates the overrides file; every failure names the file (and the field). */
export function loadCalendarOverrides(path: string): CalendarOverrides {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CalendarOverridesError(
      `cannot read calendar overrides file ${path}: ${(err as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new CalendarOverridesError(
      `calendar overrides file ${path} is not valid JSON: ${(err as Error).message}`,
    );
  }
  return parseCalendarOverrides(json, path);
}

/** The calendar the worker and the API use: the package plus the overrides file, when one is named. */
export function createWorkingCalendar(
  opts: { overridesFile?: string; closeTime?: string } = {},
): WorkingCalendar {
  const overrides = opts.overridesFile ? loadCalendarOverrides(opts.overridesFile) : undefined;
  return officialCalendar({ overrides, closeTime: opts.closeTime });
}
