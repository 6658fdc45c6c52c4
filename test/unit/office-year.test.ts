// PUT /v1/calendar/{year}: the checks on a loaded arrangement (放假安排).
import { CalendarYearBody, CalendarYearParam, officeYearIssues } from '../../domain/calendar/office-year';
import { estimatedHolidays, statutoryHolidays } from '../../domain/calendar/law';

const source = { reference: '国办发明电〔2026〕7号', publishedAt: '2026-11-04' };
/** A plausible 2027 arrangement: the law's days and bridges off, two make-up Saturdays. */
const year2027 = (): CalendarYearBody => ({
  source,
  holidays: estimatedHolidays(2027)
    .filter((d) => d.date.startsWith('2027-'))
    .map((d) => ({ date: d.date, name: d.name.split(',')[1]! })),
  workdays: [
    { date: '2027-02-20', name: '春节调休' },
    { date: '2027-09-26', name: '国庆调休' },
  ],
});

test('a complete arrangement passes', () => {
  expect(CalendarYearBody.safeParse(year2027()).success).toBe(true);
  expect(officeYearIssues(2027, year2027())).toEqual([]);
});

test('a missing statutory day is named', () => {
  const body = year2027();
  body.holidays = body.holidays.filter((d) => d.date !== '2027-09-15'); // 中秋
  expect(officeYearIssues(2027, body)).toEqual([
    { path: ['holidays'], message: expect.stringContaining('2027-09-15 中秋') },
  ]);
  expect(statutoryHolidays(2027).some((d) => d.date === '2027-09-15')).toBe(true);
});

test('a make-up day on a holiday, on a weekday, twice, or outside the year is refused at its index', () => {
  const body = year2027();
  body.workdays = [
    { date: '2027-10-02', name: '错' }, // a holiday
    { date: '2027-03-03', name: '错' }, // a Wednesday
    { date: '2027-02-20', name: '春节调休' },
    { date: '2027-02-20', name: '重复' },
  ];
  body.holidays.push({ date: '2028-01-01', name: '元旦' });
  const issues = officeYearIssues(2027, body);
  expect(issues.map((i) => i.path.join('.'))).toEqual([
    `holidays.${body.holidays.length - 1}.date`,
    'workdays.0.date',
    'workdays.1.date',
    'workdays.3.date',
  ]);
  expect(issues[1]!.message).toContain('调休上班日不能与放假日重复');
});

test('the year is bounded and the body strict', () => {
  expect(CalendarYearParam.safeParse({ year: '1999' }).success).toBe(false);
  expect(CalendarYearParam.safeParse({ year: '2100' }).success).toBe(false);
  expect(CalendarYearParam.safeParse({ year: '2027' }).data).toEqual({ year: 2027 });
  const r = CalendarYearBody.safeParse({ ...year2027(), extra: 1 });
  expect(r.success).toBe(false);
  const bad = CalendarYearBody.safeParse({
    ...year2027(),
    source: { reference: '', publishedAt: '2026-13-01' },
  });
  expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['source.reference', 'source.publishedAt']);
});
