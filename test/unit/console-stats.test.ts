// The console's client-side statistics and its Beijing-time input parsing: pure functions of the
// console, tested here in Node (the console's own modules, no browser).
import { computeStats } from '../../console/src/stats';
import { dateTime, localInputToIso } from '../../console/src/format';
import type { ItemState } from '../../console/src/api/readers';

function item(over: Partial<Record<string, unknown>> & { id: string; unit: string }): ItemState {
  const { unit, ...rest } = over;
  return {
    title: over.id,
    status: 'open',
    light: 'green',
    urgeCount: 0,
    reminders: [],
    reports: [],
    extensions: [],
    caseIds: [],
    policy: 'three-urges',
    history: [],
    leadUnit: { id: unit, name: unit === 'u1' ? '市住建局' : '市交通运输局' },
    assignedAt: '2026-10-08T01:00:00.000Z',
    deadlineAt: '2026-10-30T15:59:59.999Z',
    ...rest,
  } as ItemState;
}

describe('computeStats (until GET /v1/stats exists)', () => {
  const now = new Date('2026-11-05T02:00:00Z');
  const items = [
    // done on time, in November local time (2026-10-31 17:00Z is 11-01 01:00 in Beijing)
    item({
      id: 'a',
      unit: 'u1',
      status: 'completed',
      completedAt: '2026-10-31T17:00:00Z',
      deadlineAt: '2026-11-02T15:59:59.999Z',
    }),
    // done late
    item({
      id: 'b',
      unit: 'u1',
      status: 'completed',
      urgeCount: 2,
      history: [{ at: '2026-11-03T02:00:00Z', by: 'm', action: 'completed' }],
    }),
    // open and past its deadline: overdue though the workflow has not said so yet
    item({ id: 'c', unit: 'u1', status: 'open', urgeCount: 1 }),
    item({ id: 'd', unit: 'u2', status: 'cancelled' }),
    item({ id: 'e', unit: 'u2', status: 'warning', deadlineAt: '2026-11-20T15:59:59.999Z' }),
  ];

  test('per unit: assigned, completed, on time, rate, overdue open, urges', () => {
    const s = computeStats(items, now);
    expect(s.byUnit).toEqual([
      {
        unit: 'u1',
        unitName: '市住建局',
        assigned: 3,
        completed: 2,
        completedOnTime: 1,
        onTimeRate: 0.5,
        overdueOpen: 1,
        urges: 3,
      },
      {
        unit: 'u2',
        unitName: '市交通运输局',
        assigned: 2,
        completed: 0,
        completedOnTime: 0,
        onTimeRate: undefined,
        overdueOpen: 0,
        urges: 0,
      },
    ]);
    expect(s.total).toEqual({ assigned: 5, completed: 2, onTimeRate: 0.5, urges: 3 });
  });

  test('per month, in the organisation’s zone', () => {
    expect(computeStats(items, now).byMonth).toEqual([
      { month: '2026-10', assigned: 5, completed: 0, completedOnTime: 0 },
      { month: '2026-11', assigned: 0, completed: 2, completedOnTime: 1 },
    ]);
  });
});

describe('times in Beijing, whatever the browser’s zone', () => {
  test('a datetime-local value is Beijing wall-clock time', () => {
    expect(localInputToIso('2026-09-28T09:00')).toBe('2026-09-28T01:00:00.000Z');
    expect(localInputToIso('2026-01-01T00:30')).toBe('2025-12-31T16:30:00.000Z');
    expect(localInputToIso('not a time')).toBeUndefined();
  });

  test('instants are shown as Beijing time', () => {
    expect(dateTime('2026-10-23T15:59:59.999Z')).toBe('2026-10-23 23:59');
    expect(dateTime(undefined)).toBe('—');
  });
});
