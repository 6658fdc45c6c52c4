import { createCalendarActivities } from '../../activities/calendar/activities';
import { officialCalendar } from '../../domain/calendar/official';
import { POLICY_PRESETS } from '../../domain/policies';
import type { Policy } from '../../workflows/types';

const SH = 'Asia/Shanghai';
const calendar = officialCalendar();
const threeUrges = POLICY_PRESETS['three-urges'] as Policy;
/** close of Friday 2026-10-23, the 15th working day after 2026-09-28 */
const deadlineAt = '2026-10-23T15:59:59.999Z';

describe('planSchedule with the three-urges preset', () => {
  test('warning 3 working days before; urges at the deadline, then +3 and +3 working days', () => {
    const s = calendar.planSchedule({ deadlineAt, policy: threeUrges, timeZone: SH, reached: [] });
    expect(s).toEqual({
      deadlineAt,
      // Closing 10-20 leaves 10-21, 10-22 and 10-23: three working days.
      warningAt: '2026-10-20T15:59:59.999Z',
      levels: [
        { level: 1, name: '第一次催办', dueAt: deadlineAt },
        { level: 2, name: '第二次催办', dueAt: '2026-10-28T15:59:59.999Z' },
        // 10-29, 10-30, then Monday 11-02.
        { level: 3, name: '第三次催办', dueAt: '2026-11-02T15:59:59.999Z' },
      ],
    });
  });

  test('a warning window reaching back over National Day skips the holiday', () => {
    const s = calendar.planSchedule({
      deadlineAt: '2026-10-09T15:59:59.999Z',
      policy: threeUrges,
      timeZone: SH,
      reached: [],
    });
    expect(s.warningAt).toBe('2026-09-29T15:59:59.999Z');
    // Saturday 10-10 is a make-up working day: it is the first of the three.
    expect(s.levels[1]?.dueAt).toBe('2026-10-13T15:59:59.999Z');
  });

  test('an urge reached before the deadline (report returned for redo) leaves the deadline as the anchor', () => {
    const returnedAt = '2026-10-15T03:00:00.000Z';
    const s = calendar.planSchedule({
      deadlineAt,
      policy: threeUrges,
      timeZone: SH,
      reached: [{ level: 1, at: returnedAt }],
    });
    expect(s.levels.map((l) => l.dueAt)).toEqual([
      returnedAt,
      '2026-10-28T15:59:59.999Z',
      '2026-11-02T15:59:59.999Z',
    ]);
  });

  test('an urge reached after the deadline anchors the next level', () => {
    const s = calendar.planSchedule({
      deadlineAt,
      policy: threeUrges,
      timeZone: SH,
      reached: [{ level: 1, at: '2026-10-26T02:00:00.000Z' }],
    });
    // From Monday 10-26: 10-27, 10-28, 10-29.
    expect(s.levels[1]?.dueAt).toBe('2026-10-29T15:59:59.999Z');
    expect(s.levels[2]?.dueAt).toBe('2026-11-03T15:59:59.999Z');
  });

  test('two levels reached keep their instants', () => {
    const s = calendar.planSchedule({
      deadlineAt,
      policy: threeUrges,
      timeZone: SH,
      reached: [
        { level: 1, at: '2026-10-23T15:59:59.999Z' },
        { level: 2, at: '2026-10-27T01:00:00.000Z' },
      ],
    });
    expect(s.levels.map((l) => l.dueAt)).toEqual([
      deadlineAt,
      '2026-10-27T01:00:00.000Z',
      // Three working days after Tuesday 10-27: 10-28, 10-29, 10-30.
      '2026-10-30T15:59:59.999Z',
    ]);
  });
});

describe('planSchedule with durations (drills)', () => {
  const drill: Policy = {
    name: 'drill',
    warnBefore: { duration: 'PT5S' },
    reminders: [
      { after: { duration: 'PT0S' }, notice: { by: '督查室' }, measures: [] },
      { after: { duration: 'PT10S' }, notice: { by: '督查室' }, measures: [] },
      { name: '问责', after: { duration: 'PT10S' }, notice: { by: '办公室' }, measures: [], openCase: true },
    ],
  };
  const at = '2026-01-01T00:00:30.000Z';

  test('plain time arithmetic; unnamed levels are numbered', () => {
    expect(calendar.planSchedule({ deadlineAt: at, policy: drill, timeZone: SH, reached: [] })).toEqual({
      deadlineAt: at,
      warningAt: '2026-01-01T00:00:25.000Z',
      levels: [
        { level: 1, name: '第1级', dueAt: at },
        { level: 2, name: '第2级', dueAt: '2026-01-01T00:00:40.000Z' },
        { level: 3, name: '问责', dueAt: '2026-01-01T00:00:50.000Z' },
      ],
    });
  });

  test('an early reached level still anchors the next one on the deadline', () => {
    const s = calendar.planSchedule({
      deadlineAt: at,
      policy: drill,
      timeZone: SH,
      reached: [{ level: 1, at: '2026-01-01T00:00:10.000Z' }],
    });
    expect(s.levels.map((l) => l.dueAt)).toEqual([
      '2026-01-01T00:00:10.000Z',
      '2026-01-01T00:00:40.000Z',
      '2026-01-01T00:00:50.000Z',
    ]);
  });

  test('no warnBefore, no warningAt', () => {
    const { warnBefore: _omit, ...quiet } = drill;
    const s = calendar.planSchedule({ deadlineAt: at, policy: quiet, timeZone: SH, reached: [] });
    expect(s).not.toHaveProperty('warningAt');
  });
});

describe('planSchedule activity', () => {
  test('validates and answers like the calendar', async () => {
    const { planSchedule } = createCalendarActivities(calendar);
    const req = { deadlineAt, policy: threeUrges, timeZone: SH, reached: [] };
    await expect(planSchedule(req)).resolves.toEqual(calendar.planSchedule(req));
    await expect(planSchedule({ ...req, reached: [{ level: 0, at: deadlineAt }] })).rejects.toMatchObject({
      type: 'InvalidInput',
      nonRetryable: true,
    });
  });
});
