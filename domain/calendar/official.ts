// The calendar in force: chinese-days' official data, the years the office loaded (放假安排 by the
// State Council, kept in the record), the overrides file, and past all of them the law-based
// estimate (law.ts). Builds CalendarData once; WorkingCalendar computes on it.
import { createHash } from 'node:crypto';
import chineseDaysData from 'chinese-days/dist/chinese-days.json';
import chineseDaysPackage from 'chinese-days/package.json';
import { estimatedHolidays, revisionFor } from './law';
import {
  WorkingCalendar,
  type CalendarData,
  type CalendarDay,
  type WorkingCalendarOptions,
} from './working-calendar';
import { addDays } from './zoned-time';

/** How many years past the official data the law-based estimate reaches. */
export const ESTIMATE_YEARS = 5;

export interface CalendarDayInput {
  date: string;
  name?: string;
}

/** Local additions: the overrides file (DUBAN_CALENDAR_OVERRIDES). */
export interface CalendarOverridesInput {
  coveredThrough?: string;
  holidays?: CalendarDayInput[];
  workdays?: CalendarDayInput[];
}

/** A year's official arrangement loaded by the office (PUT /v1/calendar/{year}). */
export interface OfficeYear {
  year: number;
  version: number;
  source?: { reference: string; publishedAt?: string };
  holidays: CalendarDayInput[];
  workdays: CalendarDayInput[];
}

export interface OfficialCalendarOptions extends WorkingCalendarOptions {
  overrides?: CalendarOverridesInput;
  officeYears?: OfficeYear[];
}

// The package's entries read "National Day,国庆节,3"; we keep "National Day,国庆节".
const packageName = (entry: string) => entry.split(',').slice(0, 2).join(',');

/** The years the package itself has data for. */
export function packageYears(): number[] {
  return [...new Set(Object.keys(chineseDaysData.holidays).map((d) => Number(d.slice(0, 4))))].sort();
}

export function buildCalendarData(options: Omit<OfficialCalendarOptions, 'closeTime'> = {}): CalendarData {
  const holidays: Record<string, CalendarDay> = {};
  const workdays: Record<string, CalendarDay> = {};
  const setHoliday = (date: string, day: CalendarDay) => {
    delete workdays[date];
    holidays[date] = day;
  };
  const setWorkday = (date: string, day: CalendarDay) => {
    delete holidays[date];
    workdays[date] = day;
  };

  for (const [date, name] of Object.entries(chineseDaysData.holidays as Record<string, string>))
    setHoliday(date, { name: packageName(name), basis: 'package' });
  for (const [date, name] of Object.entries(chineseDaysData.workdays as Record<string, string>))
    setWorkday(date, { name: packageName(name), basis: 'package' });
  const years = packageYears();
  const coveredFrom = `${years[0]}-01-01`;
  let coveredThrough = `${years[years.length - 1]}-12-31`;

  // An office-loaded year replaces whatever the package says of that year: it is the newer notice.
  const office = [...(options.officeYears ?? [])].sort((a, b) => a.year - b.year);
  for (const y of office) {
    for (const date of Object.keys(holidays)) if (date.startsWith(`${y.year}-`)) delete holidays[date];
    for (const date of Object.keys(workdays)) if (date.startsWith(`${y.year}-`)) delete workdays[date];
    for (const d of y.holidays) setHoliday(d.date, { name: d.name, basis: 'office' });
    for (const d of y.workdays) setWorkday(d.date, { name: d.name, basis: 'office' });
  }
  // Office years extend the coverage only when they follow on without a gap.
  for (const y of office)
    if (`${y.year}-01-01` === addDays(coveredThrough, 1)) coveredThrough = `${y.year}-12-31`;

  const o = options.overrides;
  for (const d of o?.holidays ?? []) setHoliday(d.date, { name: d.name, basis: 'override' });
  for (const d of o?.workdays ?? []) setWorkday(d.date, { name: d.name, basis: 'override' });
  if (o?.coveredThrough && o.coveredThrough > coveredThrough) coveredThrough = o.coveredThrough;

  // Past the official data: the law's days off (and customary bridges), never a make-up day.
  const firstEstimated = Number(coveredThrough.slice(0, 4)) + (coveredThrough.endsWith('-12-31') ? 1 : 0);
  const lastEstimated = Number(coveredThrough.slice(0, 4)) + ESTIMATE_YEARS;
  // A year the office loaded after a gap is still its notice alone: no estimated day inside it.
  const loaded = new Set(office.map((y) => y.year));
  for (let year = firstEstimated; year <= lastEstimated; year++) {
    for (const d of estimatedHolidays(year)) {
      if (loaded.has(Number(d.date.slice(0, 4)))) continue;
      if (d.date > coveredThrough && !holidays[d.date] && !workdays[d.date])
        holidays[d.date] = { name: d.name, basis: d.kind };
    }
  }

  let version = `chinese-days@${chineseDaysPackage.version}+law${revisionFor(lastEstimated)}`;
  if (office.length) version += `+office:${office.map((y) => `${y.year}v${y.version}`).join(',')}`;
  if (o && (o.coveredThrough || o.holidays?.length || o.workdays?.length)) {
    const hash = createHash('sha256').update(JSON.stringify(o)).digest('hex').slice(0, 8);
    version += `+overrides:${hash}`;
  }
  return {
    version,
    coveredFrom,
    coveredThrough,
    estimatedThrough: `${lastEstimated}-12-31`,
    holidays,
    workdays,
  };
}

/** The calendar the worker and the API use. */
export function officialCalendar(options: OfficialCalendarOptions = {}): WorkingCalendar {
  return new WorkingCalendar(buildCalendarData(options), { closeTime: options.closeTime });
}
