// Re-planning after the office loads a year (日历更新), on the item's pure core: an item moved later
// by the loaded year, one whose plan does not change, one whose first level was already reached.
import { buildCalendarData, officialCalendar } from '../../domain/calendar/official';
import { WorkingCalendar, sliceCalendarData } from '../../domain/calendar/working-calendar';
import { calendarChanged } from '../../workflows/supervision/calendar-update';
import { nextWakeUp } from '../../workflows/supervision/next-wake-up';
import { calendarWindow, stateAtStart, type Ctx, type ItemState } from '../../workflows/supervision/state';
import * as t from '../../workflows/supervision/transitions';
import type { SupervisionInput } from '../../workflows/types';
import { itemInput } from '../helpers/fixtures';

const lawOnly = officialCalendar();
// A 2027 arrangement as the State Council might publish it: 元旦 01-01..01-03 plus Monday 01-04 off
// (an invented bridge, so the deadline visibly moves), a make-up Saturday on 01-09.
const loaded = new WorkingCalendar(
  buildCalendarData({
    officeYears: [
      {
        year: 2027,
        version: 1,
        source: { reference: '国办发明电〔2026〕99号' },
        holidays: [
          { date: '2027-01-01', name: '元旦' },
          { date: '2027-01-02', name: '元旦' },
          { date: '2027-01-03', name: '元旦' },
          { date: '2027-01-04', name: '元旦' },
        ],
        workdays: [{ date: '2027-01-09', name: '元旦调休' }],
      },
    ],
  }),
);
const change = (assignedAt: string) => {
  const { from, through } = calendarWindow(assignedAt, 'Asia/Shanghai');
  return {
    calendar: sliceCalendarData(loaded.data, from, through),
    year: 2027,
    version: 1,
    reference: '国办发明电〔2026〕99号',
  };
};

function item(assignedAt: string, workingDays: number) {
  const base = itemInput({ assignedAt, due: { workingDays } });
  const { from, through } = calendarWindow(base.assignedAt, base.timeZone);
  const input: SupervisionInput = { ...base, calendar: sliceCalendarData(lawOnly.data, from, through) };
  const ctx = (now: number, calendar = lawOnly): Ctx => ({
    now,
    calendar,
    policy: input.policy,
    timeZone: input.timeZone,
  });
  return { input, state: stateAtStart(input, Date.parse(assignedAt)), ctx };
}

function runUntil(state: ItemState, now: number, ctx: (n: number) => Ctx): ItemState {
  let s = state;
  for (let wake = nextWakeUp(s); wake && wake.at <= now; wake = nextWakeUp(s))
    s = t.timerFired(s, wake, ctx(wake.at)).state;
  return s;
}

test('an item computed on the law-based estimate moves to the loaded arrangement, with a receipt entry and a notice', () => {
  const { state, ctx } = item('2026-12-28T02:00:00Z', 5);
  expect(state.deadlineAt).toBe('2027-01-05T15:59:59.999Z'); // 元旦 by law only
  expect(state.deadline?.calendar.estimatedYears).toEqual([2027]);
  const now = Date.parse('2026-12-29T02:00:00Z');
  const next = calendarChanged(state, change(state.assignedAt), ctx(now, loaded));
  expect(next.outcome).toEqual({ moved: true });
  expect(next.state.deadlineAt).toBe('2027-01-06T15:59:59.999Z'); // 01-04 off as well
  expect(next.state.deadline?.calendar.estimatedYears).toBeUndefined();
  expect(next.state.deadline?.calendar.warning).toBeUndefined();
  const adjustments = next.state.deadline!.receipt.adjustments;
  expect(adjustments.at(-1)).toMatchObject({
    kind: 'calendar',
    from: '2027-01-05T15:59:59.999Z',
    to: '2027-01-06T15:59:59.999Z',
    detail: expect.stringContaining('日历更新：2027年放假安排（国办发明电〔2026〕99号）'),
  });
  expect(next.state.history.at(-1)).toMatchObject({
    action: 'calendar_updated',
    detail: expect.stringContaining('改为2027-01-06'),
  });
  expect(next.effects).toHaveLength(1);
  expect(next.effects[0]).toMatchObject({
    kind: 'notice',
    notice: { kind: 'item_event', subject: expect.stringContaining('办理期限调整') },
  });
  // the schedule follows: the first urge is due at the new deadline
  expect(next.state.schedule?.levels[0]?.dueAt).toBe('2027-01-06T15:59:59.999Z');
  // the same signal again (a retried rollout) changes nothing
  const again = calendarChanged(next.state, change(state.assignedAt), ctx(now + 1000, loaded));
  expect(again.outcome).toEqual({ moved: false });
  expect(again.state.history).toHaveLength(next.state.history.length);
});

test('an item whose plan the loaded year does not change keeps its deadline and says so', () => {
  // 5 working days from 2026-12-14: all inside the package's 2026 data
  const { state, ctx } = item('2026-12-14T02:00:00Z', 5);
  const next = calendarChanged(
    state,
    change(state.assignedAt),
    ctx(Date.parse('2026-12-15T02:00:00Z'), loaded),
  );
  expect(next.outcome).toEqual({ moved: false });
  expect(next.state.deadlineAt).toBe(state.deadlineAt);
  expect(next.effects).toEqual([]);
  expect(next.state.history.at(-1)?.detail).toContain('办理期限不变');
});

test('a level already reached stays reached and is not repeated; a later level in the loaded year moves', () => {
  const { state, ctx } = item('2026-12-21T02:00:00Z', 5); // deadline 2026-12-28, L1 at it, L2 3 working days on
  const afterL1 = runUntil(state, Date.parse('2026-12-29T02:00:00Z'), (n) => ctx(n));
  expect(afterL1.urgeCount).toBe(1);
  const reachedAt = afterL1.reminders[0]!.at;
  const oldL3 = afterL1.schedule!.levels[2]!.dueAt;
  expect(oldL3).toBe('2027-01-06T15:59:59.999Z'); // L3 crosses into 2027 on the estimate
  const next = calendarChanged(
    afterL1,
    change(afterL1.assignedAt),
    ctx(Date.parse('2026-12-29T03:00:00Z'), loaded),
  );
  expect(next.state.urgeCount).toBe(1);
  expect(next.state.reminders).toHaveLength(1);
  expect(next.state.schedule!.levels[0]!.dueAt).toBe(reachedAt);
  expect(next.state.schedule!.levels[1]!.dueAt).toBe(afterL1.schedule!.levels[1]!.dueAt); // 2026 only
  expect(next.state.schedule!.levels[2]!.dueAt).toBe('2027-01-07T15:59:59.999Z'); // 01-04 is off now
  // nothing fires at once: the next wake-up is the second level
  expect(nextWakeUp(next.state)?.at).toBe(Date.parse(next.state.schedule!.levels[1]!.dueAt));
});
