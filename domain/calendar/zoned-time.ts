// Calendar-date and time-zone arithmetic on plain strings and epoch milliseconds. Zone offsets come
// from Intl.DateTimeFormat, so any IANA zone (with or without daylight saving) is handled; nothing
// here assumes +08:00 or the process's own zone.

/** Thrown for input a caller must fix (bad zone, instant, duration); activities make it non-retryable. */
export class CalendarInputError extends Error {
  override name = 'CalendarInputError';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new CalendarInputError(
        `unknown time zone "${timeZone}" (expected an IANA name such as Asia/Shanghai)`,
      );
    }
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock as Intl formats it: exact, and the slow path (formatToParts allocates per call). */
function formattedWallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? NaN,
    month: parts.month ?? NaN,
    day: parts.day ?? NaN,
    hour: parts.hour ?? NaN,
    minute: parts.minute ?? NaN,
    second: parts.second ?? NaN,
  };
}

function exactOffset(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const w = formattedWallClock(whole, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

// Offsets are kept per zone and quarter hour (UTC). A quarter hour whose first and last second have
// the same offset has it throughout (zones change offset at most once in far longer than that); one
// with a change inside is never kept, and each instant in it asks Intl.
const QUARTER_HOUR_MS = 15 * 60_000;
const offsets = new Map<string, number>();

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
function offsetAt(ms: number, timeZone: string): number {
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  const key = `${timeZone} ${quarter}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const start = quarter * QUARTER_HOUR_MS;
  const first = exactOffset(start, timeZone);
  if (exactOffset(start + QUARTER_HOUR_MS - 1000, timeZone) !== first) return exactOffset(ms, timeZone);
  // bounded: a long-running process computing over many years keeps the newest quarter hours
  if (offsets.size >= 20_000) offsets.clear();
  offsets.set(key, first);
  return first;
}

function wallClock(ms: number, timeZone: string): WallClock {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetAt(ms, timeZone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDateOf(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** "YYYY-MM-DD HH:mm" (or with seconds) in the zone, for receipts and notices. */
export function formatLocal(ms: number, timeZone: string, withSeconds = false): string {
  const w = wallClock(ms, timeZone);
  const time = `${pad(w.hour)}:${pad(w.minute)}${withSeconds ? `:${pad(w.second)}` : ''}`;
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${time}`;
}

export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** The instant at which a local date and wall-clock time occur in the zone. */
export function zonedInstant(date: string, time: TimeOfDay, timeZone: string): number {
  const [y, m, d] = splitDate(date);
  const wall = Date.UTC(y, m - 1, d, time.hour, time.minute, time.second, time.millisecond);
  const first = wall - offsetAt(wall, timeZone);
  const second = offsetAt(first, timeZone);
  // Near a daylight-saving change the first guess uses the wrong side's offset; one correction fixes it.
  return wall - second === first ? first : wall - second;
}

export function parseTimeOfDay(text: string): TimeOfDay {
  const m = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,3}))?)?$/.exec(text);
  if (!m) throw new CalendarInputError(`closeTime "${text}" is not HH:mm, HH:mm:ss or HH:mm:ss.SSS`);
  return {
    hour: Number(m[1]),
    minute: Number(m[2]),
    second: Number(m[3] ?? 0),
    millisecond: Number((m[4] ?? '0').padEnd(3, '0')),
  };
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function splitDate(date: string): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new CalendarInputError(`"${date}" is not a YYYY-MM-DD date`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function isDate(text: string): boolean {
  const m = DATE_RE.exec(text);
  if (!m) return false;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === text;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = splitDate(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: string): number {
  const [y, m, d] = splitDate(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Parses an ISO 8601 instant that names its offset (Z or ±hh:mm); a bare local time is refused. */
export function parseInstant(text: string, field = 'instant'): number {
  const ms = INSTANT_RE.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw new CalendarInputError(`${field} "${text}" is not an ISO 8601 instant with an offset`);
  }
  return ms;
}

export const toIso = (ms: number): string => new Date(ms).toISOString();

const DURATION_RE = /^P(?!$)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** ISO 8601 duration (days, hours, minutes, seconds) in milliseconds; a day is 24 hours. */
export function parseDuration(text: string): number {
  const m = DURATION_RE.exec(text);
  if (!m)
    throw new CalendarInputError(`duration "${text}" is not an ISO 8601 duration such as PT5S, PT2H or P1D`);
  const [, d, h, min, s] = m;
  return Math.round(
    (Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3_600 + Number(min ?? 0) * 60 + Number(s ?? 0)) * 1000,
  );
}

/** "2天3小时5分钟" style text for an elapsed span. */
export function formatSpan(ms: number): string {
  const total = Math.round(ms / 1000);
  const units: [number, string][] = [
    [Math.floor(total / 86_400), '天'],
    [Math.floor((total % 86_400) / 3_600), '小时'],
    [Math.floor((total % 3_600) / 60), '分钟'],
    [total % 60, '秒'],
  ];
  const text = units
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join('');
  return text || (ms > 0 ? `${ms}毫秒` : '0秒');
}
