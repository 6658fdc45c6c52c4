// Times as the office reads them: in the organisation's zone (Asia/Shanghai unless an item says
// otherwise), whatever the browser's own zone is.
export const ORG_TIME_ZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('zh-CN', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

function parts(iso: string, timeZone: string, withTime: boolean): Record<string, string> {
  return Object.fromEntries(
    formatter(timeZone, withTime)
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
}

/** "2026-10-23 23:59" */
export function dateTime(iso: string | undefined, timeZone = ORG_TIME_ZONE): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '—';
  const p = parts(iso, timeZone, true);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "2026-10-23" */
export function date(iso: string | undefined, timeZone = ORG_TIME_ZONE): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '—';
  const p = parts(iso, timeZone, false);
  return `${p.year}-${p.month}-${p.day}`;
}

/** "2026-10" of an instant, in the zone */
export function month(iso: string, timeZone = ORG_TIME_ZONE): string {
  const p = parts(iso, timeZone, false);
  return `${p.year}-${p.month}`;
}

/** the value of a <input type="datetime-local"> read as a wall-clock time in the zone, as ISO */
export function localInputToIso(value: string, timeZone = ORG_TIME_ZONE): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  // guess as UTC, then correct by the zone's offset at that instant (twice, across a DST edge)
  let t = Date.UTC(y, mo - 1, d, h, mi);
  for (let i = 0; i < 2; i++) {
    const p = parts(new Date(t).toISOString(), timeZone, true);
    const shown = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour! % 24, +p.minute!);
    t += Date.UTC(y, mo - 1, d, h, mi) - shown;
  }
  return new Date(t).toISOString();
}

/** how far away an instant is, in words: "3天后", "已过2天" */
export function relative(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const days = Math.round((Date.parse(iso) - now) / 86_400_000);
  if (days === 0) return '今天';
  return days > 0 ? `${days}天后` : `已过${-days}天`;
}

/** today's date "2026-12-02" in the zone */
export function today(timeZone = ORG_TIME_ZONE, now = new Date()): string {
  return date(now.toISOString(), timeZone);
}

/** the file name of an attachment (RFC 6266: filename* in UTF-8 first, then filename) */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // a malformed escape: fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain?.[1]?.trim() || fallback;
}
