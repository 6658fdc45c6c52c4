// Holidays by law (法定节假日) for years the official arrangement (放假安排) does not cover yet.
//
// 《全国年节及纪念日放假办法》 fixes the statutory days; the State Council's yearly arrangement then adds
// bridge days and 调休 make-up working days, which nobody can know in advance. A deadline must never
// be earlier than the official one can be (a unit urged or held accountable a day early is a wrong
// done to it), so the estimate counts:
// - the statutory days of the revision in force (2024: 元旦 1, 春节 4 from 除夕, 清明 1, 劳动节 2,
//   端午 1, 中秋 1, 国庆 3; 2013: 春节 3 from 初一, 劳动节 1), lunar dates and 清明 computed;
// - 补假: a statutory day on a weekend is made up on the next working day (the law's own rule);
// - the customary bridge days every arrangement of 2016–2026 gave off: 春节 除夕 to 初八, 劳动节 5-01
//   to 5-05, 国庆 10-01 to 10-07 (to 10-08 with 中秋 inside it), and for a one-day festival the
//   Monday before a Tuesday or the Friday after a Thursday;
// - no make-up working day (they are unknown, and counting none only makes deadlines later).
// test/unit/calendar-law.test.ts checks this against every year the package has data for: the
// estimate's days off include every official weekday off, so no estimated deadline is earlier.
import { getSolarDateFromLunar, getSolarTermDate } from 'chinese-days';
import { addDays, weekdayOf } from './zoned-time';

export type LawRevision = '2013' | '2024';
/** statutory: fixed by the law; compensatory: 补假 for a statutory day on a weekend; customary: a
 * bridge day every recent arrangement gave off */
export type LawDayKind = 'statutory' | 'compensatory' | 'customary';

export interface LawDay {
  date: string;
  /** in the package's form, English and Chinese: "Spring Festival,春节" */
  name: string;
  kind: LawDayKind;
}

export const FESTIVALS = {
  newYear: "New Year's Day,元旦",
  springFestival: 'Spring Festival,春节',
  tombSweeping: 'Tomb-sweeping Day,清明',
  labourDay: 'Labour Day,劳动节',
  dragonBoat: 'Dragon Boat Festival,端午',
  midAutumn: 'Mid-autumn Festival,中秋',
  nationalDay: 'National Day,国庆节',
} as const;

/** The 2024 revision (国务院令第795号) applies from 2025; the 2013 one from 2014 to 2024. */
export const revisionFor = (year: number): LawRevision => (year >= 2025 ? '2024' : '2013');

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (year: number, month: number, day: number) => `${year}-${pad(month)}-${pad(day)}`;
const lunar = (year: number, month: number, day: number) =>
  getSolarDateFromLunar(`${year}-${pad(month)}-${pad(day)}`).date;
const isWeekend = (date: string) => {
  const d = weekdayOf(date);
  return d === 0 || d === 6;
};

function range(from: string, through: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= through; d = addDays(d, 1)) days.push(d);
  return days;
}

/** The days the law itself makes holidays in a Gregorian year, in date order. */
export function statutoryHolidays(year: number, revision: LawRevision = revisionFor(year)): LawDay[] {
  const day = (date: string, name: string): LawDay => ({ date, name, kind: 'statutory' });
  const newYear = lunar(year, 1, 1); // 正月初一
  const spring =
    revision === '2024'
      ? range(addDays(newYear, -1), addDays(newYear, 2))
      : range(newYear, addDays(newYear, 2));
  const labour = revision === '2024' ? [ymd(year, 5, 1), ymd(year, 5, 2)] : [ymd(year, 5, 1)];
  const days = [
    day(ymd(year, 1, 1), FESTIVALS.newYear),
    ...spring.map((d) => day(d, FESTIVALS.springFestival)),
    day(getSolarTermDate(year, 4, 'pure_brightness'), FESTIVALS.tombSweeping),
    ...labour.map((d) => day(d, FESTIVALS.labourDay)),
    day(lunar(year, 5, 5), FESTIVALS.dragonBoat),
    day(lunar(year, 8, 15), FESTIVALS.midAutumn),
    ...range(ymd(year, 10, 1), ymd(year, 10, 3)).map((d) => day(d, FESTIVALS.nationalDay)),
  ];
  return days.sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * The estimated days off of a year: statutory days, 补假 and customary bridge days (weekdays only
 * for the last two, since a weekend is off anyway). A day may fall in the neighbouring year (the
 * Monday before a Tuesday 元旦); callers keep the dates they need.
 */
export function estimatedHolidays(year: number, revision: LawRevision = revisionFor(year)): LawDay[] {
  const statutory = statutoryHolidays(year, revision);
  const off = new Map<string, LawDay>(statutory.map((d) => [d.date, d]));
  const add = (date: string, name: string, kind: LawDayKind) => {
    if (!off.has(date) && !isWeekend(date)) off.set(date, { date, name, kind });
  };

  // 补假: each statutory day on a weekend gives the next weekday that is not already off.
  for (const d of statutory) {
    if (!isWeekend(d.date)) continue;
    let next = addDays(d.date, 1);
    while (isWeekend(next) || off.has(next)) next = addDays(next, 1);
    add(next, d.name, 'compensatory');
  }

  const newYear = lunar(year, 1, 1);
  for (const d of range(addDays(newYear, -1), addDays(newYear, 7)))
    add(d, FESTIVALS.springFestival, 'customary');
  for (const d of range(ymd(year, 5, 1), ymd(year, 5, 5))) add(d, FESTIVALS.labourDay, 'customary');

  const midAutumn = lunar(year, 8, 15);
  const merged = midAutumn >= ymd(year, 9, 28) && midAutumn <= ymd(year, 10, 8);
  const nationalFrom = merged && midAutumn < ymd(year, 10, 1) ? midAutumn : ymd(year, 10, 1);
  for (const d of range(nationalFrom, ymd(year, 10, merged ? 8 : 7)))
    add(d, FESTIVALS.nationalDay, 'customary');

  // A one-day festival on a Tuesday or Thursday is bridged to the weekend (劳动节 too while it had one day).
  const single: string[] = [
    FESTIVALS.newYear,
    FESTIVALS.tombSweeping,
    FESTIVALS.dragonBoat,
    FESTIVALS.midAutumn,
  ];
  if (revision === '2013') single.push(FESTIVALS.labourDay);
  for (const d of statutory) {
    if (!single.includes(d.name)) continue;
    if (d.name === FESTIVALS.midAutumn && merged) continue;
    const weekday = weekdayOf(d.date);
    if (weekday === 2) add(addDays(d.date, -1), d.name, 'customary');
    if (weekday === 4) add(addDays(d.date, 1), d.name, 'customary');
  }
  return [...off.values()].sort((a, b) => a.date.localeCompare(b.date));
}
