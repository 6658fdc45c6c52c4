// The calendar's travelling form. Every item and every case carries its calendar slice in its
// workflow input, so the slice is written into each history: two years of holidays and 调休 days,
// one object per date, came to 3.7 KB. Packed, consecutive days that read alike are one run and each
// day name is written once, about a third of that. Unpacking gives back the same CalendarData.
import type { CalendarData, CalendarDay, DayBasis } from './working-calendar';
import { CalendarInputError, addDays } from './zoned-time';

/** [first date, number of days, h = holiday | w = 调休 working day, basis, index into names or -1] */
export type CalendarRun = [string, number, 'h' | 'w', DayBasis, number];

export interface PackedCalendar {
  /** the packing's format, so a later one can be told apart */
  packed: 1;
  version: string;
  coveredFrom: string;
  coveredThrough: string;
  estimatedThrough: string;
  through?: string;
  names: string[];
  runs: CalendarRun[];
}

export const isPacked = (c: CalendarData | PackedCalendar): c is PackedCalendar =>
  (c as PackedCalendar).packed !== undefined;

const BASES: readonly DayBasis[] = [
  'package',
  'office',
  'override',
  'statutory',
  'compensatory',
  'customary',
];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const packs = new WeakMap<CalendarData, PackedCalendar>();

export function packCalendar(data: CalendarData): PackedCalendar {
  const known = packs.get(data);
  if (known) return known;
  const names: string[] = [];
  const nameIndex = (name: string | undefined) => {
    if (name === undefined) return -1;
    const i = names.indexOf(name);
    return i >= 0 ? i : names.push(name) - 1;
  };
  const days = [
    ...Object.entries(data.holidays).map(([date, d]) => ({ date, kind: 'h' as const, ...d })),
    ...Object.entries(data.workdays).map(([date, d]) => ({ date, kind: 'w' as const, ...d })),
  ].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const runs: CalendarRun[] = [];
  let last: { run: CalendarRun; date: string } | undefined;
  for (const d of days) {
    const name = nameIndex(d.name);
    const run = last?.run;
    if (
      run &&
      last!.date === addDays(d.date, -1) &&
      run[2] === d.kind &&
      run[3] === d.basis &&
      run[4] === name
    )
      run[1] += 1;
    else runs.push([d.date, 1, d.kind, d.basis, name]);
    last = { run: runs[runs.length - 1]!, date: d.date };
  }
  const packed: PackedCalendar = {
    packed: 1,
    version: data.version,
    coveredFrom: data.coveredFrom,
    coveredThrough: data.coveredThrough,
    estimatedThrough: data.estimatedThrough,
    ...(data.through !== undefined ? { through: data.through } : {}),
    names,
    runs,
  };
  packs.set(data, packed);
  return packed;
}

const unpacks = new WeakMap<PackedCalendar, CalendarData>();

/** The CalendarData a packed calendar stands for; a malformed one is a CalendarInputError naming the run. */
export function unpackCalendar(p: PackedCalendar): CalendarData {
  const known = unpacks.get(p);
  if (known) return known;
  if (p.packed !== 1) throw new CalendarInputError(`calendar: unknown packing ${String(p.packed)}`);
  if (!Array.isArray(p.runs) || !Array.isArray(p.names))
    throw new CalendarInputError('calendar: a packed calendar needs names and runs');
  const holidays: Record<string, CalendarDay> = {};
  const workdays: Record<string, CalendarDay> = {};
  p.runs.forEach((run, i) => {
    const [first, count, kind, basis, name] = Array.isArray(run) ? run : [];
    const ok =
      typeof first === 'string' &&
      DATE.test(first) &&
      Number.isInteger(count) &&
      count! >= 1 &&
      count! <= 366 &&
      (kind === 'h' || kind === 'w') &&
      BASES.includes(basis!) &&
      Number.isInteger(name) &&
      name! >= -1 &&
      name! < p.names.length;
    if (!ok) throw new CalendarInputError(`calendar.runs.${i}: not [date, days, "h"|"w", basis, name index]`);
    const into = kind === 'h' ? holidays : workdays;
    const day: CalendarDay = name! >= 0 ? { name: p.names[name!]!, basis: basis! } : { basis: basis! };
    for (let k = 0, d = first!; k < count!; k++, d = addDays(d, 1)) into[d] = day;
  });
  const data: CalendarData = {
    version: p.version,
    coveredFrom: p.coveredFrom,
    coveredThrough: p.coveredThrough,
    estimatedThrough: p.estimatedThrough,
    ...(p.through !== undefined ? { through: p.through } : {}),
    holidays,
    workdays,
  };
  unpacks.set(p, data);
  return data;
}

/** Either form, as the calendar computes on it. */
export const calendarDataOf = (c: CalendarData | PackedCalendar): CalendarData =>
  isPacked(c) ? unpackCalendar(c) : c;
