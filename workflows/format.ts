// Pure helpers that render instants for people (summaries, notices) in the organisation's zone.

// Building a DateTimeFormat costs far more than using one: one per zone, kept.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
}

/** An instant's wall-clock fields, zero-padded, in the given IANA time zone. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const parts = formatterOf(timeZone).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
  };
}

/** "2026-10-23 23:59" in the given IANA time zone. */
export function formatLocal(iso: string, timeZone: string): string {
  const p = localParts(new Date(iso), timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "2026-10-23": the local date of an instant in the given IANA time zone. */
export function formatLocalDate(iso: string, timeZone: string): string {
  return formatLocal(iso, timeZone).slice(0, 10);
}

const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
/** 1 → "第一次" */
export const nth = (n: number): string => `第${ORDINALS[n - 1] ?? String(n)}次`;
