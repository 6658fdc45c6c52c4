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

/** "2026-10-23 23:59" in the given IANA time zone. */
export function formatLocal(iso: string, timeZone: string): string {
  const parts = formatterOf(timeZone).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** "2026-10-23": the local date of an instant in the given IANA time zone. */
export function formatLocalDate(iso: string, timeZone: string): string {
  return formatLocal(iso, timeZone).slice(0, 10);
}

const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
/** 1 → "第一次" */
export const nth = (n: number): string => `第${ORDINALS[n - 1] ?? String(n)}次`;
