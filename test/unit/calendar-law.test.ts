// The law-based estimate past the package's data (《全国年节及纪念日放假办法》): the statutory days
// of 2027–2030 against the published lunar and solar-term dates, and the estimate of 2016–2026
// against the official arrangements the package has, so it can never make a deadline early.
import chineseDaysData from 'chinese-days/dist/chinese-days.json';
import { estimatedHolidays, revisionFor, statutoryHolidays } from '../../domain/calendar/law';
import { buildCalendarData, officialCalendar, packageYears } from '../../domain/calendar/official';
import { WorkingCalendar, type CalendarDay } from '../../domain/calendar/working-calendar';
import { addDays, weekdayOf } from '../../domain/calendar/zoned-time';

const SH = 'Asia/Shanghai';
const official = officialCalendar();
const packageHolidays = chineseDaysData.holidays as Record<string, string>;
const isWeekend = (date: string) => weekdayOf(date) === 0 || weekdayOf(date) === 6;
const short = (name: string) => name.split(',')[1];

describe('statutory holidays by law, 2027–2030 (2024 revision)', () => {
  // Dates of 除夕..初三, 清明, 端午 and 中秋 as printed in the published almanacs.
  const published: Record<number, { spring: string[]; qingming: string; duanwu: string; zhongqiu: string }> =
    {
      2027: {
        spring: ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'],
        qingming: '2027-04-05',
        duanwu: '2027-06-09',
        zhongqiu: '2027-09-15',
      },
      2028: {
        spring: ['2028-01-25', '2028-01-26', '2028-01-27', '2028-01-28'],
        qingming: '2028-04-04',
        duanwu: '2028-05-28',
        zhongqiu: '2028-10-03',
      },
      2029: {
        spring: ['2029-02-12', '2029-02-13', '2029-02-14', '2029-02-15'],
        qingming: '2029-04-04',
        duanwu: '2029-06-16',
        zhongqiu: '2029-09-22',
      },
      2030: {
        spring: ['2030-02-02', '2030-02-03', '2030-02-04', '2030-02-05'],
        qingming: '2030-04-05',
        duanwu: '2030-06-05',
        zhongqiu: '2030-09-12',
      },
    };

  test.each(Object.keys(published).map(Number))('%i has the 13 days of the law', (year) => {
    const p = published[year]!;
    const days = statutoryHolidays(year);
    const of = (festival: string) => days.filter((d) => short(d.name) === festival).map((d) => d.date);
    expect(revisionFor(year)).toBe('2024');
    expect(days).toHaveLength(13);
    expect(of('元旦')).toEqual([`${year}-01-01`]);
    expect(of('春节')).toEqual(p.spring); // 4 days from 除夕
    expect(of('清明')).toEqual([p.qingming]);
    expect(of('劳动节')).toEqual([`${year}-05-01`, `${year}-05-02`]);
    expect(of('端午')).toEqual([p.duanwu]);
    expect(of('中秋')).toEqual([p.zhongqiu]);
    expect(of('国庆节')).toEqual([`${year}-10-01`, `${year}-10-02`, `${year}-10-03`]);
    expect(days.every((d) => d.kind === 'statutory')).toBe(true);
  });

  test('the 2013 revision had 春节 from 初一 and one day of 劳动节', () => {
    const days = statutoryHolidays(2024, '2013');
    expect(days).toHaveLength(11);
    expect(days.filter((d) => short(d.name) === '春节').map((d) => d.date)).toEqual([
      '2024-02-10',
      '2024-02-11',
      '2024-02-12',
    ]);
  });

  test('a statutory day on a weekend is made up on the next working day (补假)', () => {
    // 2027: 春节 除夕 Fri 02-05, 初一/初二 on the weekend, 初三 Mon 02-08 → 补假 from Tue 02-09.
    const days = estimatedHolidays(2027);
    expect(days.filter((d) => d.kind === 'compensatory').map((d) => d.date)).toEqual(
      expect.arrayContaining(['2027-02-09', '2027-02-10']),
    );
    // 2028-01-01 is a Saturday: Monday 01-03 is made up.
    expect(estimatedHolidays(2028)).toContainEqual({
      date: '2028-01-03',
      name: "New Year's Day,元旦",
      kind: 'compensatory',
    });
    // 2028 中秋 falls on 10-03, inside 国庆: the block runs to 10-08.
    const october = estimatedHolidays(2028).filter((d) => d.date.startsWith('2028-10'));
    expect(october.map((d) => d.date)).toEqual(
      expect.arrayContaining(['2028-10-02', '2028-10-04', '2028-10-05', '2028-10-06']),
    );
  });
});

describe('the estimate against the official arrangements of 2016–2026', () => {
  // 2015 had a one-time holiday (09-03, 抗战胜利70周年) that no rule can foresee; 2016 on is checked.
  const years = Array.from({ length: 11 }, (_, i) => 2016 + i);

  test.each(years)('%i: every statutory day is a day off in the official data', (year) => {
    for (const d of statutoryHolidays(year)) {
      expect({ date: d.date, off: Boolean(packageHolidays[d.date]) || isWeekend(d.date) }).toEqual({
        date: d.date,
        off: true,
      });
    }
  });

  test.each(years)('%i: every official weekday off is a day off in the estimate', (year) => {
    const estimate = new Set(
      [year - 1, year, year + 1].flatMap((y) => estimatedHolidays(y).map((d) => d.date)),
    );
    const missed: string[] = [];
    for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addDays(d, 1)) {
      if (!isWeekend(d) && packageHolidays[d] && !estimate.has(d)) missed.push(d);
    }
    expect(missed).toEqual([]);
  });

  test('no deadline computed on the estimate alone is earlier than the official one', () => {
    // A calendar that knows nothing official: the estimate for every year.
    const holidays: Record<string, CalendarDay> = {};
    for (let y = 2015; y <= 2027; y++)
      for (const d of estimatedHolidays(y)) holidays[d.date] ??= { name: d.name, basis: d.kind };
    const estimateOnly = new WorkingCalendar({
      version: 'law-only',
      coveredFrom: '2000-01-01',
      coveredThrough: '2000-12-31',
      estimatedThrough: '2030-12-31',
      holidays,
      workdays: {},
    });
    let compared = 0;
    let later = 0;
    for (let day = '2016-01-01'; day <= '2026-11-30'; day = addDays(day, 3)) {
      for (const n of [1, 3, 5, 10, 15, 20]) {
        const from = `${day}T02:00:00Z`;
        const a = official.computeDeadline({ from, due: { workingDays: n }, timeZone: SH }).at;
        const b = estimateOnly.computeDeadline({ from, due: { workingDays: n }, timeZone: SH }).at;
        expect(b >= a ? 'not earlier' : `${from} +${n}: estimate ${b} < official ${a}`).toBe('not earlier');
        compared += 1;
        if (b > a) later += 1;
      }
    }
    expect(compared).toBeGreaterThan(7000);
    // The price of never being early: a minority of deadlines land later than the official one.
    expect(later / compared).toBeLessThan(0.25);
  });
});

describe('deadlines past the data', () => {
  test('15 working days across 春节 2027 skip the statutory days, 补假 and the customary bridge', () => {
    const d = official.computeDeadline({
      from: '2027-01-27T02:00:00Z',
      due: { workingDays: 15 },
      timeZone: SH,
    });
    const reasons = Object.fromEntries(d.receipt.skipped.map((s) => [s.date, s.reason]));
    expect(reasons['2027-02-05']).toBe('statutory'); // 除夕
    expect(reasons['2027-02-08']).toBe('statutory'); // 初三
    expect(reasons['2027-02-09']).toBe('statutory'); // 补假 for 初一 on a Saturday
    expect(reasons['2027-02-12']).toBe('customary');
    expect(d.receipt.countedDays).not.toContain('2027-02-11');
    expect(d.receipt.makeUpDays).toEqual([]);
    expect(d.calendar.estimatedYears).toEqual([2027]);
    expect(d.calendar.warning).toMatch(/2027年放假安排尚未公布.*调休上班日未计/);
    expect(d.receipt.summary).toMatch(/依法定节假日推算\d+天（春节）/);
    expect(d.receipt.summary).toMatch(/按惯例预留放假\d+天（春节）/);
  });

  test('a deadline inside the official data carries no estimate', () => {
    const d = official.computeDeadline({
      from: '2026-09-28T02:00:00Z',
      due: { workingDays: 15 },
      timeZone: SH,
    });
    expect(d.calendar.estimatedYears).toBeUndefined();
    expect(d.calendar.warning).toBeUndefined();
  });
});

describe('a year the office loaded', () => {
  test('after a gap it is the notice alone: no estimated bridge day inside it, the years before still estimated', () => {
    const last = packageYears().at(-1)!;
    const year = last + 2; // the year between is not loaded
    // (2028's 中秋 is 10-03, inside 国庆: one date, listed once)
    const holidays = [
      ...new Map(statutoryHolidays(year).map((d) => [d.date, { date: d.date, name: d.name }])).values(),
    ];
    const data = buildCalendarData({
      officeYears: [
        { year, version: 1, source: { reference: '国办发明电〔测试〕3号' }, holidays, workdays: [] },
      ],
    });
    const inYear = Object.entries(data.holidays).filter(([d]) => d.startsWith(`${year}-`));
    expect(inYear.map(([d]) => d).sort()).toEqual(holidays.map((d) => d.date).sort());
    expect(inYear.every(([, day]) => day.basis === 'office')).toBe(true);
    // the customary 春节 bridge of the year between is still there
    const between = estimatedHolidays(last + 1).filter(
      (d) => d.kind === 'customary' && d.date.startsWith(`${last + 1}-`),
    );
    expect(between.length).toBeGreaterThan(0);
    for (const d of between) expect(data.holidays[d.date]?.basis).toBe('customary');
  });
});
