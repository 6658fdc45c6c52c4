// Office hours (办公时间) on the pure code: the next opening across a weekend and a holiday, the
// setting's grammar, and the item's core holding a notice until then while the record of when its
// level was reached stays where it was.
import { officialCalendar } from '../../domain/calendar/official';
import { sliceCalendarData } from '../../domain/calendar/working-calendar';
import { DEFAULT_OFFICE_HOURS, nextOpening, parseOfficeHours } from '../../domain/calendar/office-hours';
import { isDrill } from '../../api/routes/items';
import { loadConfig } from '../../config';
import { nextWakeUp } from '../../workflows/supervision/next-wake-up';
import { calendarWindow, stateAtStart, type Ctx, type ItemState } from '../../workflows/supervision/state';
import * as t from '../../workflows/supervision/transitions';
import type { Actor, SupervisionInput } from '../../workflows/types';
import { drillPolicy, itemInput, preset } from '../helpers/fixtures';

const full = officialCalendar();
const TZ = 'Asia/Shanghai';
const open = (iso: string) =>
  new Date(nextOpening(Date.parse(iso), full, TZ, DEFAULT_OFFICE_HOURS)).toISOString();

describe('the next opening', () => {
  test('inside the hours of a working day: at once; before them: at nine; after them: the next working day', () => {
    // Wednesday 2026-09-09 in Shanghai
    expect(open('2026-09-09T02:30:00.000Z')).toBe('2026-09-09T02:30:00.000Z'); // 10:30
    expect(open('2026-09-08T23:00:00.000Z')).toBe('2026-09-09T01:00:00.000Z'); // 07:00 → 09:00
    expect(open('2026-09-09T10:00:00.000Z')).toBe('2026-09-10T01:00:00.000Z'); // 18:00 → Thu 09:00
  });

  test('a Friday 23:59 deadline: Monday 09:00; the day before 国庆: after the holiday and its weekend', () => {
    expect(open('2026-09-11T15:59:59.999Z')).toBe('2026-09-14T01:00:00.000Z');
    // Wed 09-30 23:59 → National Day 10-01..10-07 → Thu 10-08 09:00
    expect(open('2026-09-30T15:59:59.999Z')).toBe('2026-10-08T01:00:00.000Z');
    // a 调休 Saturday (10-10) is a working day: its hours count
    expect(open('2026-10-10T03:00:00.000Z')).toBe('2026-10-10T03:00:00.000Z');
  });

  test('DUBAN_OFFICE_HOURS: HH:mm-HH:mm, opening before closing; the config names the variable', () => {
    expect(parseOfficeHours('08:30-17:30')).toEqual({ open: '08:30', close: '17:30' });
    expect(() => parseOfficeHours('9-18')).toThrow('not HH:mm-HH:mm');
    expect(() => parseOfficeHours('18:00-09:00')).toThrow('close before they open');
    expect(loadConfig({ DUBAN_API_TOKENS: '[]' }).officeHours).toEqual(DEFAULT_OFFICE_HOURS);
    expect(() => loadConfig({ DUBAN_OFFICE_HOURS: '25:00-26:00' })).toThrow('DUBAN_OFFICE_HOURS');
  });

  test('a drill (any duration in its due or policy) ignores office hours', () => {
    expect(isDrill(preset(), [{ workingDays: 15 }])).toBe(false);
    expect(isDrill(preset(), [{ at: '2026-10-01T00:00:00.000Z' }])).toBe(false);
    expect(isDrill(preset(), [{ duration: 'PT1M' }])).toBe(true);
    expect(isDrill(drillPolicy, [{ workingDays: 15 }])).toBe(true);
  });
});

describe('the item holds its notices for office hours', () => {
  const manager: Actor = { id: 'manager-1', role: 'manager' };
  // assigned Monday 09-07 10:00; 4 working days end Friday 09-11 23:59:59.999
  function start(overrides: Partial<SupervisionInput> = {}) {
    const base = itemInput({ assignedAt: '2026-09-07T02:00:00.000Z', due: { workingDays: 4 }, ...overrides });
    const { from, through } = calendarWindow(base.assignedAt, base.timeZone);
    const input = { ...base, calendar: sliceCalendarData(full.data, from, through) };
    const ctx = (now: number): Ctx => ({
      now,
      calendar: full,
      policy: input.policy,
      timeZone: TZ,
      ...(input.officeHours ? { officeHours: input.officeHours } : {}),
    });
    return {
      state: stateAtStart(input, Date.parse(input.assignedAt), ctx(Date.parse(input.assignedAt))),
      ctx,
    };
  }
  const fire = (s: ItemState, ctx: (n: number) => Ctx) => {
    const wake = nextWakeUp(s)!;
    const step = t.timerFired(s, wake, ctx(wake.at));
    return { wake, ...step, notices: step.effects.flatMap((e) => (e.kind === 'notice' ? [e.notice] : [])) };
  };

  test('the schedule shows dueAt and deliverAt for the warning and every level', () => {
    const { state } = start({ officeHours: DEFAULT_OFFICE_HOURS });
    const sched = state.schedule!;
    expect(sched.deadlineAt).toBe('2026-09-11T15:59:59.999Z');
    // 3 working days before: Tuesday 09-08 23:59 → Wednesday 09:00
    expect(sched.warning).toEqual({
      dueAt: '2026-09-08T15:59:59.999Z',
      deliverAt: '2026-09-09T01:00:00.000Z',
    });
    expect(sched.levels[0]).toMatchObject({ dueAt: sched.deadlineAt, deliverAt: '2026-09-14T01:00:00.000Z' });
    // without office hours (a drill, or an item from before them) each goes out at its instant
    const plain = start().state.schedule!;
    expect(plain.levels.map((l) => l.deliverAt)).toEqual(plain.levels.map((l) => l.dueAt));
  });

  test('the urge at Friday 23:59 is reached then, and delivered at Monday 09:00', () => {
    const { state, ctx } = start({ officeHours: DEFAULT_OFFICE_HOURS });
    let r = fire(state, ctx); // the warning, Tuesday night: held
    expect(r.wake.kind).toBe('warning');
    expect(r.notices).toEqual([]);
    expect(r.state.heldNotices).toEqual([
      expect.objectContaining({ kind: 'warning', deliverAt: '2026-09-09T01:00:00.000Z' }),
    ]);
    r = fire(r.state, ctx); // Wednesday 09:00: it goes out
    expect(r.wake).toMatchObject({ kind: 'delivery', at: Date.parse('2026-09-09T01:00:00.000Z') });
    expect(r.notices.map((n) => n.kind)).toEqual(['warning']);
    expect(r.state.heldNotices).toEqual([]);
    r = fire(r.state, ctx); // the deadline: level 1 reached, its notices held
    expect(r.state.reminders[0]).toMatchObject({ level: 1, at: '2026-09-11T15:59:59.999Z' });
    expect(r.state.status).toBe('overdue');
    expect(r.notices).toEqual([]);
    expect(r.state.heldNotices!.map((n) => `${n.kind}@${n.deliverAt}`)).toEqual([
      'urge@2026-09-14T01:00:00.000Z',
      'bulletin@2026-09-14T01:00:00.000Z',
    ]);
    // the case of the level opens at once: accountability is not a notice
    expect(r.effects.map((e) => e.kind)).toEqual(['openCase']);
    r = fire(r.state, ctx);
    expect(r.wake.kind).toBe('delivery');
    expect(r.notices.map((n) => n.kind)).toEqual(['urge', 'bulletin']);
    expect(r.notices[0]!.at).toBe('2026-09-11T15:59:59.999Z'); // decided then, sent now
    expect(r.state.reminders[0]!.at).toBe('2026-09-11T15:59:59.999Z');
  });

  test('an item that ends while holding notices sends them at once', () => {
    const { state, ctx } = start({ officeHours: DEFAULT_OFFICE_HOURS });
    const held = fire(state, ctx).state;
    const done = t.completeItem(held, { actor: manager }, ctx(Date.parse('2026-09-08T17:00:00.000Z')));
    expect(done.effects.flatMap((e) => (e.kind === 'notice' ? [e.notice.kind] : []))).toEqual([
      'item_event',
      'warning',
    ]);
    expect(done.state.heldNotices).toEqual([]);
  });
});
