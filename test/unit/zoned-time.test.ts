import { formatLocal, localDateOf, zonedInstant } from '../../domain/calendar/zoned-time';

// What Intl itself says, with formatters of this test's own: the kept offsets must agree with it.
const reference = new Map<string, Intl.DateTimeFormat>();
function intlLocal(ms: number, timeZone: string): string {
  let f = reference.get(timeZone);
  if (!f) {
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
    reference.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

// zones with daylight saving at 1 h and 30 min, quarter-hour offsets, and none
const ZONES = [
  'Asia/Shanghai',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
];

describe('wall clock from kept offsets', () => {
  test.each(ZONES)('%s: every instant across a year reads as Intl reads it', (zone) => {
    const from = Date.UTC(2026, 0, 1);
    const to = Date.UTC(2027, 0, 1);
    // a step that is no divisor of a quarter hour, so every second of a quarter comes up in turn
    for (let ms = from; ms < to; ms += 37 * 60_000 + 13_001) {
      expect(formatLocal(ms, zone, true)).toBe(intlLocal(ms, zone));
    }
  });

  test('the seconds around a change read as Intl reads them', () => {
    // New York springs forward at 2026-03-08 07:00Z and falls back at 2026-11-01 06:00Z
    for (const change of [Date.UTC(2026, 2, 8, 7), Date.UTC(2026, 10, 1, 6)]) {
      for (let ms = change - 3_000; ms <= change + 3_000; ms += 500) {
        expect(formatLocal(ms, 'America/New_York', true)).toBe(intlLocal(ms, 'America/New_York'));
      }
    }
  });

  test('a change inside a quarter hour is read second by second', () => {
    // Monrovia went from −00:44:30 to UTC at 1972-01-07 00:44:30Z, in the middle of a quarter hour
    const change = Date.UTC(1972, 0, 7, 0, 44, 30);
    for (let ms = change - 15 * 60_000; ms <= change + 15 * 60_000; ms += 1_000) {
      expect(formatLocal(ms, 'Africa/Monrovia', true)).toBe(intlLocal(ms, 'Africa/Monrovia'));
    }
  });

  test('a local time maps back to its instant on both sides of a change', () => {
    const t = { hour: 12, minute: 0, second: 0, millisecond: 0 };
    expect(new Date(zonedInstant('2026-03-07', t, 'America/New_York')).toISOString()).toBe(
      '2026-03-07T17:00:00.000Z',
    );
    expect(new Date(zonedInstant('2026-03-09', t, 'America/New_York')).toISOString()).toBe(
      '2026-03-09T16:00:00.000Z',
    );
    expect(localDateOf(Date.UTC(2026, 11, 31, 16), 'Asia/Shanghai')).toBe('2027-01-01');
  });
});
