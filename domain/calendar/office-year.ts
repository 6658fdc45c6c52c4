// Next year's arrangement (放假安排), loaded by the office once the State Council publishes it
// (PUT /v1/calendar/{year}). The schema is the single source for the route's validation, its
// OpenAPI document and its types; the checks are the ones a clerk typing a notice in would miss.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { statutoryHolidays } from './law';
import { isDate, weekdayOf } from './zoned-time';

extendZodWithOpenApi(z);

/** Years the calendar takes: the package's data starts in 2004; the lunar tables end in 2100. */
export const CALENDAR_YEARS = { min: 2004, max: 2099 } as const;

export const CalendarYearParam = z.strictObject({
  year: z.coerce
    .number()
    .int()
    .min(CALENDAR_YEARS.min)
    .max(CALENDAR_YEARS.max)
    .openapi({ param: { name: 'year', in: 'path' }, example: 2027 }),
});

const CalendarDayEntry = z.strictObject({
  date: z.string().refine(isDate, 'expected a calendar date YYYY-MM-DD').openapi({ example: '2027-01-01' }),
  name: z.string().trim().min(1).max(100).openapi({ example: '元旦' }),
});

export const CalendarYearBody = z
  .strictObject({
    source: z.strictObject({
      reference: z
        .string()
        .trim()
        .min(1)
        .max(200)
        .openapi({ description: '文号 of the notice', example: '国办发明电〔2026〕7号' }),
      publishedAt: z.iso.date().openapi({ example: '2026-11-04' }),
    }),
    holidays: z
      .array(CalendarDayEntry)
      .min(1)
      .max(200)
      .openapi({ description: '放假: every day off, weekends included' }),
    workdays: z.array(CalendarDayEntry).max(50).openapi({ description: '调休上班: the weekend days worked' }),
  })
  .openapi('CalendarYearInput');
export type CalendarYearBody = z.infer<typeof CalendarYearBody>;

/**
 * The checks that need the year: dates inside it, none twice, a make-up day on a weekend and
 * never on a holiday, every statutory day of the law among the holidays. Returns zod-style issues
 * with the innermost path, so the API answers 400 naming the field.
 */
export function officeYearIssues(
  year: number,
  body: CalendarYearBody,
): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const holidays = new Map<string, number>();
  body.holidays.forEach((d, i) => {
    if (!d.date.startsWith(`${year}-`))
      issues.push({ path: ['holidays', i, 'date'], message: `${d.date} is not in ${year}` });
    if (holidays.has(d.date))
      issues.push({
        path: ['holidays', i, 'date'],
        message: `${d.date} is listed twice (also holidays[${holidays.get(d.date)}])`,
      });
    else holidays.set(d.date, i);
  });
  const workdays = new Map<string, number>();
  body.workdays.forEach((d, i) => {
    const path = ['workdays', i, 'date'];
    if (!d.date.startsWith(`${year}-`)) issues.push({ path, message: `${d.date} is not in ${year}` });
    if (holidays.has(d.date)) {
      issues.push({
        path,
        message: `${d.date} is a holiday (holidays[${holidays.get(d.date)}]): a make-up working day is never on a holiday（调休上班日不能与放假日重复）`,
      });
    } else if (workdays.has(d.date)) {
      issues.push({ path, message: `${d.date} is listed twice (also workdays[${workdays.get(d.date)}])` });
    } else if (weekdayOf(d.date) !== 0 && weekdayOf(d.date) !== 6) {
      issues.push({
        path,
        message: `${d.date} is a weekday: a make-up working day (调休上班) is a Saturday or Sunday`,
      });
    }
    workdays.set(d.date, i);
  });
  const missing = statutoryHolidays(year).filter((d) => !holidays.has(d.date));
  if (missing.length) {
    issues.push({
      path: ['holidays'],
      message: `missing statutory holidays of ${year}（《全国年节及纪念日放假办法》规定的法定节假日未列入）: ${missing
        .map((d) => `${d.date} ${d.name.split(',')[1]}`)
        .join(', ')}`,
    });
  }
  return issues;
}
