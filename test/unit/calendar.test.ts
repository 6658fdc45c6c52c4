import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createCalendarActivities } from '../../activities/calendar/activities';
import {
  createWorkingCalendar,
  loadCalendarOverrides,
  parseCalendarOverrides,
} from '../../activities/calendar/overrides';
import { officialCalendar } from '../../domain/calendar/official';
import { CalendarInputError } from '../../domain/calendar/working-calendar';
import type { Deadline } from '../../workflows/types';

const SH = 'Asia/Shanghai';
const calendar = officialCalendar();
const byWorkingDays = (from: string, n: number, timeZone = SH, cal = calendar) =>
  cal.computeDeadline({ from, due: { workingDays: n }, timeZone });

/** 15 working days from Monday 2026-09-28 (10:00 in Shanghai): ends Friday 2026-10-23. */
const nationalDay = () => byWorkingDays('2026-09-28T02:00:00Z', 15);

describe('computeDeadline: working days', () => {
  test('15 working days from 2026-09-28 end at the close of 2026-10-23 in Shanghai', () => {
    const d = nationalDay();
    expect(d.at).toBe('2026-10-23T15:59:59.999Z');
    expect(d.localDate).toBe('2026-10-23');
    expect(d.clock).toBe('workingDays');
    expect(d.workingDays).toBe(15);
    expect(d.calendar).toEqual({ version: 'chinese-days@1.5.7+law2024', coveredThrough: '2026-12-31' });

    const r = d.receipt;
    expect(r.assignedAt).toBe('2026-09-28T02:00:00.000Z');
    expect(r.rule).toBe('15个工作日（不含交办当日）');
    expect(r.timeZone).toBe(SH);
    expect(r.countedDays).toHaveLength(15);
    expect(r.countedDays.slice(0, 5)).toEqual([
      '2026-09-29',
      '2026-09-30',
      '2026-10-08',
      '2026-10-09',
      '2026-10-10',
    ]);
    expect(r.countedDays.at(-1)).toBe('2026-10-23');
    // The package's 2026 schedule: National Day 10-01..10-07 off, Saturday 10-10 worked.
    const holidays = r.skipped.filter((s) => s.reason === 'holiday');
    expect(holidays.map((s) => s.date)).toEqual([
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
      '2026-10-04',
      '2026-10-05',
      '2026-10-06',
      '2026-10-07',
    ]);
    expect(holidays[0]?.name).toBe('National Day,国庆节');
    expect(r.skipped.filter((s) => s.reason === 'weekend').map((s) => s.date)).toEqual([
      '2026-10-11',
      '2026-10-17',
      '2026-10-18',
    ]);
    expect(r.makeUpDays).toEqual(['2026-10-10']);
    expect(r.adjustments).toEqual([]);
    expect(r.summary).toBe(
      '自2026-09-28（不计当日）起算15个工作日，跳过周末3天、法定节假日7天（国庆节），调休上班1天（10-10），截止2026-10-23 23:59',
    );
  });

  test('the assignment day is not counted, whatever its time of day', () => {
    expect(byWorkingDays('2026-09-28T15:59:00Z', 1).at).toBe('2026-09-29T15:59:59.999Z');
    // 00:30 on Tuesday in Shanghai is still Monday evening in UTC: the local date decides.
    expect(byWorkingDays('2026-09-28T16:30:00Z', 1).at).toBe('2026-09-30T15:59:59.999Z');
  });

  test('Spring Festival 2026: 02-15..02-23 off, Saturdays 02-14 and 02-28 worked', () => {
    const d = byWorkingDays('2026-02-12T02:00:00Z', 5);
    expect(d.receipt.countedDays).toEqual([
      '2026-02-13',
      '2026-02-14',
      '2026-02-24',
      '2026-02-25',
      '2026-02-26',
    ]);
    expect(d.receipt.makeUpDays).toEqual(['2026-02-14']);
    const holidays = d.receipt.skipped.filter((s) => s.reason === 'holiday');
    expect(holidays).toHaveLength(9);
    expect(new Set(holidays.map((s) => s.name))).toEqual(new Set(['Spring Festival,春节']));
    expect(d.receipt.summary).toContain('法定节假日9天（春节）');
    expect(d.at).toBe('2026-02-26T15:59:59.999Z');
  });

  test('a deadline can land on a make-up working day (Sunday 2026-09-20, Saturday 2026-02-28)', () => {
    const sunday = byWorkingDays('2026-09-18T02:00:00Z', 1);
    expect(sunday.localDate).toBe('2026-09-20');
    expect(sunday.at).toBe('2026-09-20T15:59:59.999Z');
    expect(sunday.receipt.skipped).toEqual([{ date: '2026-09-19', reason: 'weekend' }]);
    expect(sunday.receipt.makeUpDays).toEqual(['2026-09-20']);

    const saturday = byWorkingDays('2026-02-24T02:00:00Z', 4);
    expect(saturday.localDate).toBe('2026-02-28');
    expect(saturday.receipt.summary).toContain('调休上班1天（02-28）');
  });

  test('past the data (2026 → 2027) the law still makes 元旦 a holiday, with a warning', () => {
    const d = byWorkingDays('2026-12-28T02:00:00Z', 5);
    // 2027-01-01 is a Friday past the package's data: a statutory holiday all the same.
    expect(d.receipt.countedDays).toEqual([
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-04',
      '2027-01-05',
    ]);
    expect(d.receipt.skipped).toContainEqual({
      date: '2027-01-01',
      reason: 'statutory',
      name: "New Year's Day,元旦",
    });
    expect(d.at).toBe('2027-01-05T15:59:59.999Z');
    expect(d.calendar.coveredThrough).toBe('2026-12-31');
    expect(d.calendar.estimatedYears).toEqual([2027]);
    expect(d.calendar.warning).toContain('2027年放假安排尚未公布');
    expect(d.calendar.warning).toContain('全国年节及纪念日放假办法');
    expect(d.calendar.warning).toContain('调休上班日未计');
    expect(d.receipt.summary).toContain('依法定节假日推算1天（元旦）');
    expect(d.receipt.summary).toContain('2027年放假安排未公布');
    // Inside the data there is no warning.
    expect(byWorkingDays('2026-12-21T02:00:00Z', 5).calendar.warning).toBeUndefined();
  });

  test('the close time is configurable', () => {
    const early = officialCalendar({ closeTime: '18:00' });
    const d = byWorkingDays('2026-09-28T02:00:00Z', 15, SH, early);
    expect(d.at).toBe('2026-10-23T10:00:00.000Z');
    expect(d.receipt.summary).toMatch(/截止2026-10-23 18:00$/);
    expect(() => officialCalendar({ closeTime: '25:00' })).toThrow(/closeTime/);
  });
});

describe('computeDeadline: other time zones', () => {
  test('Asia/Kolkata (+05:30) closes the same local day at its own midnight', () => {
    expect(byWorkingDays('2026-09-28T04:00:00Z', 15, 'Asia/Kolkata').at).toBe('2026-10-23T18:29:59.999Z');
  });

  test('UTC sees an earlier local date for the same instant', () => {
    // 04:00 Monday in Shanghai is Sunday 20:00 UTC (Mid-autumn holiday), so one more day counts.
    const d = byWorkingDays('2026-09-27T20:00:00Z', 15, 'UTC');
    expect(d.receipt.countedDays[0]).toBe('2026-09-28');
    expect(d.at).toBe('2026-10-22T23:59:59.999Z');
  });

  test('America/New_York across the daylight-saving change uses the new offset', () => {
    // DST starts Sunday 2026-03-08; the deadline Tuesday 03-10 closes at -04:00.
    const d = byWorkingDays('2026-03-06T15:00:00Z', 2, 'America/New_York');
    expect(d.receipt.countedDays).toEqual(['2026-03-09', '2026-03-10']);
    expect(d.at).toBe('2026-03-11T03:59:59.999Z');
    const winter = byWorkingDays('2026-03-04T15:00:00Z', 1, 'America/New_York');
    expect(winter.at).toBe('2026-03-06T04:59:59.999Z');
  });
});

describe('computeDeadline: instants and drills', () => {
  test('{at} is that instant on the elapsed clock', () => {
    const d = calendar.computeDeadline({
      from: '2026-09-28T02:00:00Z',
      due: { at: '2026-10-10T18:00:00+08:00' },
      timeZone: SH,
    });
    expect(d).toMatchObject({ at: '2026-10-10T10:00:00.000Z', localDate: '2026-10-10', clock: 'elapsed' });
    expect(d.workingDays).toBeUndefined();
    expect(d.receipt.rule).toBe('指定时间');
    expect(d.receipt.summary).toBe('指定截止时间2026-10-10 18:00（Asia/Shanghai）');
  });

  test('{duration} adds wall time to the assignment instant', () => {
    const d = calendar.computeDeadline({
      from: '2026-09-28T02:00:00Z',
      due: { duration: 'PT5S' },
      timeZone: SH,
    });
    expect(d).toMatchObject({ at: '2026-09-28T02:00:05.000Z', clock: 'elapsed' });
    const long = calendar.computeDeadline({
      from: '2026-09-28T02:00:00Z',
      due: { duration: 'P1DT2H30M' },
      timeZone: SH,
    });
    expect(long.at).toBe('2026-09-29T04:30:00.000Z');
    expect(long.receipt.summary).toContain('1天2小时30分钟');
  });

  test('refuses an unknown zone and a malformed instant', () => {
    expect(() => byWorkingDays('2026-09-28T02:00:00Z', 1, 'Mars/Olympus')).toThrow(CalendarInputError);
    expect(() => byWorkingDays('2026-09-28 10:00', 1)).toThrow(CalendarInputError);
  });
});

describe('overrides', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-calendar-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  test('a file adds a holiday and a make-up day and extends the coverage', () => {
    const path = write('2027.json', {
      coveredThrough: '2027-12-31',
      holidays: [
        { date: '2026-12-31', name: '本地放假' },
        { date: '2027-01-01', name: "New Year's Day,元旦" },
      ],
      workdays: [{ date: '2027-01-02', name: '元旦调休' }],
    });
    const cal = officialCalendar({ overrides: loadCalendarOverrides(path) });
    expect(cal.version).toMatch(/^chinese-days@1\.5\.7\+law2024\+overrides:[0-9a-f]{8}$/);
    expect(cal.coveredThrough).toBe('2027-12-31');

    const d = byWorkingDays('2026-12-28T02:00:00Z', 5, SH, cal);
    expect(d.receipt.countedDays).toEqual([
      '2026-12-29',
      '2026-12-30',
      '2027-01-02',
      '2027-01-04',
      '2027-01-05',
    ]);
    expect(d.receipt.skipped).toEqual([
      { date: '2026-12-31', reason: 'override_holiday', name: '本地放假' },
      { date: '2027-01-01', reason: 'override_holiday', name: "New Year's Day,元旦" },
      { date: '2027-01-03', reason: 'weekend' },
    ]);
    expect(d.receipt.makeUpDays).toEqual(['2027-01-02']);
    expect(d.calendar).toEqual({ version: cal.version, coveredThrough: '2027-12-31' });
    expect(d.receipt.summary).toContain('本地放假2天（本地放假、元旦）');
    // Past the extended coverage the law-based estimate and its warning come back.
    const next = byWorkingDays('2027-12-28T02:00:00Z', 5, SH, cal);
    expect(next.calendar.warning).toContain('2028年放假安排尚未公布');
    expect(next.receipt.skipped).toContainEqual({
      date: '2028-01-01',
      reason: 'statutory',
      name: "New Year's Day,元旦",
    });
  });

  test('overrides win over the package', () => {
    const cal = officialCalendar({
      overrides: parseCalendarOverrides({
        workdays: [{ date: '2026-10-07' }],
        holidays: [{ date: '2026-10-10' }],
      }),
    });
    const d = byWorkingDays('2026-09-28T02:00:00Z', 15, SH, cal);
    expect(d.receipt.countedDays).toContain('2026-10-07');
    expect(d.receipt.countedDays).not.toContain('2026-10-10');
    expect(d.localDate).toBe('2026-10-23');
    expect(d.receipt.makeUpDays).toEqual([]);
    expect(cal.version).not.toBe(calendar.version);
  });

  test('different overrides give different versions', () => {
    const a = officialCalendar({ overrides: { holidays: [{ date: '2027-01-01' }] } });
    const b = officialCalendar({ overrides: { holidays: [{ date: '2027-01-02' }] } });
    expect(a.version).not.toBe(b.version);
    expect(officialCalendar({ overrides: {} }).version).toBe('chinese-days@1.5.7+law2024');
  });

  test('a bad file fails naming the file and the field', () => {
    const bad = write('bad.json', { holidays: [{ date: '2027-01-01' }, { date: '2027-13-01' }] });
    expect(() => loadCalendarOverrides(bad)).toThrow(bad);
    expect(() => loadCalendarOverrides(bad)).toThrow(/holidays\.1\.date: expected a calendar date/);

    const unknown = write('unknown.json', { holidayz: [] });
    expect(() => loadCalendarOverrides(unknown)).toThrow(/unknown\.json[\s\S]*holidayz/);

    const twice = write('twice.json', {
      holidays: [{ date: '2027-01-01' }],
      workdays: [{ date: '2027-01-01' }],
    });
    expect(() => loadCalendarOverrides(twice)).toThrow(/workdays\.0\.date: 2027-01-01 is listed twice/);

    const notJson = write('broken.json', '{ "holidays": [');
    expect(() => loadCalendarOverrides(notJson)).toThrow(/broken\.json is not valid JSON/);
    expect(() => loadCalendarOverrides(join(dir, 'missing.json'))).toThrow(
      /cannot read calendar overrides file .*missing\.json/,
    );
  });

  test('the example file in config/ is valid', () => {
    const example = loadCalendarOverrides(join(__dirname, '../../config/calendar-overrides.example.json'));
    const cal = officialCalendar({ overrides: example });
    expect(cal.coveredThrough > '2026-12-31').toBe(true);
  });
});

describe('addInterval', () => {
  const from = '2026-10-23T15:59:59.999Z'; // close of Friday 2026-10-23
  const add = (interval: { workingDays: number } | { duration: string }, direction: 1 | -1, at = from) =>
    calendar.addInterval({ from: at, interval, direction, timeZone: SH });

  test('0 working days returns the instant unchanged, both directions', () => {
    expect(add({ workingDays: 0 }, 1).at).toBe(from);
    expect(add({ workingDays: 0 }, -1).at).toBe(from);
    expect(add({ workingDays: 0 }, 1, '2026-10-23T10:00:00Z').at).toBe('2026-10-23T10:00:00.000Z');
  });

  test('n working days forward and backward land at the close of the day', () => {
    expect(add({ workingDays: 3 }, 1).at).toBe('2026-10-28T15:59:59.999Z');
    expect(add({ workingDays: 3 }, -1).at).toBe('2026-10-20T15:59:59.999Z');
    // Backward over National Day: 10-08, then 09-30, 09-29.
    expect(add({ workingDays: 3 }, -1, '2026-10-09T15:59:59.999Z').at).toBe('2026-09-29T15:59:59.999Z');
    // Backward onto a make-up Saturday.
    expect(add({ workingDays: 1 }, -1, '2026-10-12T15:59:59.999Z').at).toBe('2026-10-10T15:59:59.999Z');
    // From the middle of a day it is still the close of the n-th day.
    expect(add({ workingDays: 1 }, 1, '2026-10-23T01:00:00Z').at).toBe('2026-10-26T15:59:59.999Z');
  });

  test('durations are plain time arithmetic both ways', () => {
    expect(add({ duration: 'PT2H' }, 1).at).toBe('2026-10-23T17:59:59.999Z');
    expect(add({ duration: 'P1DT1H' }, -1).at).toBe('2026-10-22T14:59:59.999Z');
    expect(add({ duration: 'PT0.5S' }, 1).at).toBe('2026-10-23T16:00:00.499Z');
  });

  test('past the data it warns', () => {
    const r = add({ workingDays: 3 }, 1, '2026-12-30T15:59:59.999Z');
    expect(r.at).toBe('2027-01-05T15:59:59.999Z');
    expect(r.calendar.warning).toContain('2027年放假安排尚未公布');
    // Past the law-based estimate as well: weekends only, and it says so.
    const far = add({ workingDays: 3 }, 1, '2031-12-30T15:59:59.999Z');
    expect(far.calendar.warning).toContain('仅按周末计算');
    expect(add({ workingDays: 3 }, 1).calendar.warning).toBeUndefined();
  });
});

describe('shiftDeadline', () => {
  const shift = (deadline: Deadline, stoppedAt: string, resumedAt: string) =>
    calendar.shiftDeadline({
      deadline,
      stoppedAt,
      resumedAt,
      kind: 'pause',
      detail: '不可抗力暂停（台风）',
      by: 'manager-1',
      timeZone: SH,
    });

  test('a stop and resume on the same day changes nothing but the receipt', () => {
    const d = nationalDay();
    const s = shift(d, '2026-10-12T01:00:00Z', '2026-10-12T08:00:00Z');
    expect(s.at).toBe(d.at);
    expect(s.workingDays).toBe(15);
    expect(s.receipt.adjustments).toHaveLength(1);
    expect(s.receipt.adjustments[0]).toMatchObject({ kind: 'pause', from: d.at, to: d.at, by: 'manager-1' });
    expect(s.receipt.adjustments[0]?.detail).toContain('截止时间不变');
  });

  test('a stop across National Day gives back only the working days lost', () => {
    const d = nationalDay();
    // Stopped Wednesday 09-30, resumed Friday 10-09: lost 10-08 and 10-09 (the holiday cost nothing).
    const s = shift(d, '2026-09-30T02:00:00Z', '2026-10-09T02:00:00Z');
    expect(s.at).toBe('2026-10-27T15:59:59.999Z');
    expect(s.localDate).toBe('2026-10-27');
    expect(s.clock).toBe('workingDays');
    expect(s.workingDays).toBe(17);
    const adj = s.receipt.adjustments[0];
    expect(adj).toMatchObject({ kind: 'pause', at: '2026-10-09T02:00:00.000Z', from: d.at, to: s.at });
    expect(adj?.detail).toBe(
      '不可抗力暂停（台风）：2026-09-30 10:00至2026-10-09 10:00停止计时，顺延2个工作日；截止由2026-10-23 23:59改为2026-10-27 23:59',
    );
    // The original computation is kept.
    expect(s.receipt.countedDays).toEqual(d.receipt.countedDays);
    expect(s.receipt.summary).toBe(d.receipt.summary);
  });

  test('a stop that began after the deadline moves it by the working days stopped', () => {
    const d = nationalDay();
    const s = shift(d, '2026-10-26T02:00:00Z', '2026-10-28T02:00:00Z');
    expect(s.at).toBe('2026-10-27T15:59:59.999Z');
  });

  test('elapsed deadlines get the wall time back; earlier adjustments are kept', () => {
    const d = calendar.computeDeadline({
      from: '2026-10-01T00:00:00Z',
      due: { at: '2026-10-23T08:00:00Z' },
      timeZone: SH,
    });
    const once = shift(d, '2026-10-20T00:00:00Z', '2026-10-21T02:30:00Z');
    expect(once.at).toBe('2026-10-24T10:30:00.000Z');
    expect(once.clock).toBe('elapsed');
    expect(once.receipt.adjustments[0]?.detail).toContain('顺延1天2小时30分钟');
    const twice = calendar.shiftDeadline({
      deadline: once,
      stoppedAt: '2026-10-22T00:00:00Z',
      resumedAt: '2026-10-22T00:00:05Z',
      kind: 'review_clock_stop',
      detail: '终期报告待审核',
      timeZone: SH,
    });
    expect(twice.at).toBe('2026-10-24T10:30:05.000Z');
    expect(twice.receipt.adjustments.map((a) => a.kind)).toEqual(['pause', 'review_clock_stop']);
    expect(twice.receipt.adjustments[0]).toEqual(once.receipt.adjustments[0]);
    expect(twice.receipt.adjustments[1]?.by).toBeUndefined();
  });

  test('refuses a resume before the stop', () => {
    expect(() => shift(nationalDay(), '2026-10-12T08:00:00Z', '2026-10-12T01:00:00Z')).toThrow(
      CalendarInputError,
    );
  });
});

describe('extendDeadline', () => {
  const extend = (deadline: Deadline, due: { workingDays: number } | { at: string }) =>
    calendar.extendDeadline({
      deadline,
      due,
      at: '2026-10-20T03:00:00Z',
      by: 'manager-1',
      reason: '需协调多部门',
      timeZone: SH,
    });

  test('extra working days after the current deadline', () => {
    const d = nationalDay();
    const e = extend(d, { workingDays: 5 });
    expect(e.at).toBe('2026-10-30T15:59:59.999Z');
    expect(e.clock).toBe('workingDays');
    expect(e.workingDays).toBe(20);
    expect(e.receipt.adjustments).toEqual([
      {
        kind: 'extension',
        at: '2026-10-20T03:00:00.000Z',
        from: d.at,
        to: e.at,
        by: 'manager-1',
        detail: '需协调多部门：延长5个工作日；截止由2026-10-23 23:59改为2026-10-30 23:59',
      },
    ]);
  });

  test('a later instant', () => {
    const e = extend(nationalDay(), { at: '2026-11-06T09:00:00+08:00' });
    expect(e).toMatchObject({ at: '2026-11-06T01:00:00.000Z', localDate: '2026-11-06', clock: 'elapsed' });
    expect(e.receipt.adjustments[0]?.detail).toContain('截止由2026-10-23 23:59改为2026-11-06 09:00');
  });

  test('refuses an instant that is not later than the current deadline', () => {
    const d = nationalDay();
    expect(() => extend(d, { at: '2026-10-22T00:00:00Z' })).toThrow(CalendarInputError);
    expect(() => extend(d, { at: d.at })).toThrow(/must be later/);
  });
});

describe('calendar activities', () => {
  const activities = createCalendarActivities(calendar);

  async function refusal(p: Promise<unknown>): Promise<ApplicationFailure> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('InvalidInput');
    return failure;
  }

  test('valid requests give the same answer as the calendar', async () => {
    const req = { from: '2026-09-28T02:00:00Z', due: { workingDays: 15 }, timeZone: SH };
    await expect(activities.computeDeadline(req)).resolves.toEqual(calendar.computeDeadline(req));
  });

  test('unknown time zone', async () => {
    const f = await refusal(
      activities.computeDeadline({
        from: '2026-09-28T02:00:00Z',
        due: { workingDays: 15 },
        timeZone: 'Mars/Olympus',
      }),
    );
    expect(f.message).toMatch(/computeDeadline: invalid request: timeZone/);
  });

  test('malformed instant and bad due', async () => {
    await refusal(
      activities.computeDeadline({ from: '2026-09-28 10:00', due: { workingDays: 15 }, timeZone: SH }),
    );
    await refusal(
      activities.computeDeadline({ from: '2026-09-28T02:00:00Z', due: { workingDays: 0 }, timeZone: SH }),
    );
    await refusal(
      activities.addInterval({ from: 'yesterday', interval: { workingDays: 1 }, direction: 1, timeZone: SH }),
    );
    await refusal(
      activities.addInterval({
        from: '2026-09-28T02:00:00Z',
        interval: { duration: '5 seconds' },
        direction: 1,
        timeZone: SH,
      }),
    );
  });

  test('a policy with no levels', async () => {
    const f = await refusal(
      activities.planSchedule({
        deadlineAt: '2026-10-23T15:59:59.999Z',
        policy: { name: 'empty', reminders: [] },
        timeZone: SH,
        reached: [],
      }),
    );
    expect(f.message).toContain('at least one level');
  });

  test("the calendar's own refusals are InvalidInput too", async () => {
    const d = nationalDay();
    const f = await refusal(
      activities.extendDeadline({
        deadline: d,
        due: { at: '2026-10-01T00:00:00Z' },
        at: '2026-10-20T03:00:00Z',
        reason: '太晚',
        timeZone: SH,
      }),
    );
    expect(f.message).toMatch(/^extendDeadline: .*must be later/);
    await refusal(
      activities.shiftDeadline({
        deadline: d,
        stoppedAt: '2026-10-12T08:00:00Z',
        resumedAt: '2026-10-12T01:00:00Z',
        kind: 'pause',
        detail: '',
        timeZone: SH,
      }),
    );
    await refusal(
      activities.shiftDeadline({
        deadline: { ...d, at: 'soon' },
        stoppedAt: '2026-10-12T01:00:00Z',
        resumedAt: '2026-10-12T08:00:00Z',
        kind: 'pause',
        detail: '',
        timeZone: SH,
      }),
    );
  });
});

test('createWorkingCalendar reads the overrides file when one is named', () => {
  expect(createWorkingCalendar().version).toBe('chinese-days@1.5.7+law2024');
  const cal = createWorkingCalendar({
    overridesFile: join(__dirname, '../../config/calendar-overrides.example.json'),
  });
  expect(cal.version).toMatch(/\+overrides:/);
  expect(cal.isWorkingDay('2027-01-09')).toBe(true);
  expect(cal.isWorkingDay('2027-01-01')).toBe(false);
});
