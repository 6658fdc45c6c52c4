// The calendar's travelling form (domain/calendar/packed.ts): packing loses nothing, is several
// times smaller than the plain slice, and a malformed packed calendar is refused by run.
import { officialCalendar } from '../../domain/calendar/official';
import { packCalendar, unpackCalendar, type PackedCalendar } from '../../domain/calendar/packed';
import {
  CalendarInputError,
  sliceCalendarData,
  WorkingCalendar,
} from '../../domain/calendar/working-calendar';
import { addDays } from '../../domain/calendar/zoned-time';
import { calendarWindow } from '../../workflows/supervision/state';

const data = officialCalendar().data;
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
/** a fresh copy, as a workflow gets its input: never the object packCalendar kept */
const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

test('every slice an item carries unpacks to the very same data, through seven years of assignments', () => {
  for (let day = '2024-01-01'; day <= '2030-12-31'; day = addDays(day, 17)) {
    const { from, through } = calendarWindow(`${day}T02:00:00.000Z`, 'Asia/Shanghai');
    const slice = sliceCalendarData(data, from, through);
    expect(unpackCalendar(wire(packCalendar(slice)))).toEqual(slice);
  }
  expect(unpackCalendar(wire(packCalendar(data)))).toEqual(data);
});

test('an item’s slice packs to well under half its plain size', () => {
  const { from, through } = calendarWindow('2026-12-03T02:00:00.000Z', 'Asia/Shanghai');
  const slice = sliceCalendarData(data, from, through);
  const packed = packCalendar(slice);
  expect(bytes(packed) / bytes(slice)).toBeLessThan(0.45);
  // one run per stretch of like days: 春节 2027 (statutory, then compensatory, then customary) is three
  const spring = packed.runs.filter((r) => r[0] >= '2027-02-01' && r[0] <= '2027-02-28' && r[2] === 'h');
  expect(spring.map(([first, days, , basis]) => [first, days, basis])).toEqual(
    Object.entries(slice.holidays)
      .filter(([d, h]) => d.startsWith('2027-02') && h.name?.includes('春节'))
      .reduce<[string, number, string][]>((runs, [d, h]) => {
        const last = runs[runs.length - 1];
        if (last && last[2] === h.basis && addDays(last[0], last[1]) === d) last[1] += 1;
        else runs.push([d, 1, h.basis]);
        return runs;
      }, []),
  );
});

test('a calendar built on the packed form gives every deadline the plain one gives', () => {
  const { from, through } = calendarWindow('2026-12-03T02:00:00.000Z', 'Asia/Shanghai');
  const slice = sliceCalendarData(data, from, through);
  const plain = new WorkingCalendar(slice);
  const packed = new WorkingCalendar(wire(packCalendar(slice)));
  for (let day = '2026-12-01'; day <= '2027-12-31'; day = addDays(day, 1)) {
    const request = { from: `${day}T03:00:00.000Z`, due: { workingDays: 15 }, timeZone: 'Asia/Shanghai' };
    expect(packed.computeDeadline(request)).toEqual(plain.computeDeadline(request));
  }
  expect(packed.packed()).toEqual(packCalendar(slice));
});

test.each([
  ['a run with a bad date', { runs: [['2027-2-5', 1, 'h', 'statutory', 0]] }, 'calendar.runs.0'],
  ['a run of no days', { runs: [['2027-02-05', 0, 'h', 'statutory', 0]] }, 'calendar.runs.0'],
  ['an unknown kind', { runs: [['2027-02-05', 1, 'x', 'statutory', 0]] }, 'calendar.runs.0'],
  ['an unknown basis', { runs: [['2027-02-05', 1, 'h', 'rumour', 0]] }, 'calendar.runs.0'],
  ['a name index past the names', { runs: [['2027-02-05', 1, 'h', 'statutory', 7]] }, 'calendar.runs.0'],
  ['no runs', { runs: undefined }, 'needs names and runs'],
  ['another packing', { packed: 2 }, 'unknown packing 2'],
])('%s is a CalendarInputError that says where', (_what, change, says) => {
  const good: PackedCalendar = {
    packed: 1,
    version: 'test',
    coveredFrom: '2027-01-01',
    coveredThrough: '2027-12-31',
    estimatedThrough: '2027-12-31',
    names: ['Spring Festival,春节'],
    runs: [['2027-02-05', 4, 'h', 'statutory', 0]],
  };
  expect(Object.keys(unpackCalendar(good).holidays)).toHaveLength(4);
  const bad = { ...good, ...change } as unknown as PackedCalendar;
  expect(() => unpackCalendar(bad)).toThrow(CalendarInputError);
  expect(() => unpackCalendar(bad)).toThrow(says);
});
