// Office hours (办公时间) on the time-skipping server: an urge reached at a 23:59 deadline before a
// weekend, and before a holiday, is recorded at the deadline and delivered at 09:00 of the next
// working day. The dates are found from today on the official calendar, so the test runs any day.
import { officialCalendar } from '../../domain/calendar/official';
import { DEFAULT_OFFICE_HOURS } from '../../domain/calendar/office-hours';
import { addDays, localDateOf, zonedInstant } from '../../domain/calendar/zoned-time';
import { completeItem } from '../../workflows/messages';
import type { Actor } from '../../workflows/types';
import { itemInput } from '../helpers/fixtures';
import { recordHistory } from '../helpers/histories';
import { itemHarness, useTimeSkipping } from '../helpers/item-harness';

const TZ = 'Asia/Shanghai';
const manager: Actor = { id: 'manager-1', role: 'manager' };
const calendar = officialCalendar();
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
const nine = { hour: 9, minute: 0, second: 0, millisecond: 0 };

const ts = useTimeSkipping();

/** the first working day from `from` on after which `pred` says the next day is off */
function lastWorkingDayBefore(from: string, offDay: (next: string) => boolean): string {
  for (let d = from; ; d = addDays(d, 1)) {
    if (calendar.isWorkingDay(d) && !calendar.isWorkingDay(addDays(d, 1)) && offDay(addDays(d, 1))) return d;
  }
}
const nextWorkingDay = (d: string): string => {
  let n = addDays(d, 1);
  while (!calendar.isWorkingDay(n)) n = addDays(n, 1);
  return n;
};

const cases = [
  // a Friday followed by a plain weekend
  { name: 'a weekend', off: (next: string) => weekday(next) === 6 },
  // a working day followed by a holiday on a weekday (元旦, 春节, 国庆 …)
  { name: 'a holiday', off: (next: string) => weekday(next) !== 0 && weekday(next) !== 6 },
];

test.each(cases)(
  'the urge at the 23:59 deadline before $name goes out at 09:00 of the next working day',
  async ({ name, off }) => {
    const h = itemHarness(ts.env, ts.bundle);
    await h.run(async () => {
      const now = await ts.env.currentTimeMs();
      const today = localDateOf(now, TZ);
      const last = lastWorkingDayBefore(addDays(today, 5), off);
      const deadlineAt = new Date(calendar.closeOf(last, TZ)).toISOString();
      const opening = new Date(zonedInstant(nextWorkingDay(last), nine, TZ)).toISOString();
      // the day after `last` is off, and the opening is at least a day after the deadline
      expect(Date.parse(opening) - Date.parse(deadlineAt)).toBeGreaterThan(86_400_000);

      const handle = await h.start(
        itemInput({
          assignedAt: new Date(now).toISOString(),
          due: { at: deadlineAt },
          officeHours: DEFAULT_OFFICE_HOURS,
        }),
      );
      const s0 = await h.waitFor(handle, (x) => Boolean(x.schedule), 'the schedule');
      expect(s0.schedule!.levels[0]).toMatchObject({ dueAt: deadlineAt, deliverAt: opening });
      expect(Date.parse(s0.schedule!.warning!.deliverAt)).toBeGreaterThanOrEqual(
        Date.parse(s0.schedule!.warning!.dueAt),
      );

      await h.advanceTo(deadlineAt);
      const s1 = await h.waitFor(handle, (x) => x.urgeCount === 1, 'the first level');
      // the level is reached, and recorded, at the deadline; its urge and bulletin wait
      expect(Date.parse(s1.reminders[0]!.at)).toBeGreaterThanOrEqual(Date.parse(deadlineAt));
      expect(Date.parse(s1.reminders[0]!.at)).toBeLessThan(Date.parse(opening));
      expect(s1.status).toBe('overdue');
      expect(s1.heldNotices!.map((n) => [n.kind, n.deliverAt])).toEqual([
        ['urge', opening],
        ['bulletin', opening],
      ]);
      expect(h.notices.filter((n) => n.kind === 'urge')).toEqual([]);

      await h.advanceTo(opening, -60_000);
      expect(h.notices.filter((n) => n.kind === 'urge')).toEqual([]);
      await h.advanceTo(opening);
      const s2 = await h.waitFor(handle, (x) => x.heldNotices?.length === 0, 'the held notices sent');
      const urge = h.notices.find((n) => n.kind === 'urge')!;
      expect(urge).toMatchObject({ level: 1, deliverAt: opening });
      expect(urge.at).toBe(s1.reminders[0]!.at);
      expect(h.notices.some((n) => n.kind === 'bulletin')).toBe(true);
      // the record of when the level was reached did not move, nor did the deadline
      expect(s2.reminders[0]!.at).toBe(s1.reminders[0]!.at);
      expect(s2.deadlineAt).toBe(deadlineAt);

      await handle.executeUpdate(completeItem, { args: [{ actor: manager }] });
      const final = await h.closed(handle);
      if (name === 'a weekend') await recordHistory(handle, 'supervision-office-hours');
      for (const id of final.caseIds)
        await ts.env.client.workflow.getHandle(`case-${id}`).terminate('test done');
    });
  },
);
