// Sample data shared by the tests: a lead unit with a liaison, its three responsible persons.
import { POLICY_PRESETS } from '../../domain/policies';
import type { Policy, SupervisionInput } from '../../workflows/types';
import { officialCalendar } from '../../domain/calendar/official';
import { sliceCalendarData } from '../../domain/calendar/working-calendar';
import { packCalendar } from '../../domain/calendar/packed';
import { calendarWindow } from '../../workflows/supervision/state';

export const leadUnit = {
  id: 'u-housing',
  name: '市住建局',
  liaison: { id: 'p-liaison', name: '王联络', email: 'liaison@housing.example' },
};

export const responsible = {
  principal: { id: 'p-chief', name: '李局长', email: 'chief@housing.example' },
  inCharge: { id: 'p-deputy', name: '赵副局长', email: 'deputy@housing.example' },
  direct: { id: 'p-clerk', name: '陈科长' },
};

export function preset(name = 'three-urges'): Policy {
  const p = POLICY_PRESETS[name];
  if (!p) throw new Error(`no preset ${name}`);
  return structuredClone(p);
}

/** A drill policy with second-long intervals, as an office would run an exercise. */
export const drillPolicy: Policy = {
  name: 'drill',
  warnBefore: { duration: 'PT10S' },
  reminders: [
    {
      name: '第一次催办',
      after: { duration: 'PT0S' },
      notice: { by: '督查室' },
      measures: [{ code: 'admonition_talk' }],
    },
    {
      name: '第二次催办',
      after: { duration: 'PT30S' },
      notice: { by: '办公室' },
      measures: [{ code: 'public_criticism' }],
    },
  ],
};

let seq = 0;
export function itemInput(overrides: Partial<SupervisionInput> = {}): SupervisionInput {
  seq += 1;
  const input: SupervisionInput = {
    itemId: `t${Date.now().toString(36)}${seq}`,
    title: '推进老旧小区改造（测试）',
    source: { kind: 'leader_instruction', reference: '领导批示〔2026〕1号' },
    leadUnit,
    responsible,
    assignedAt: new Date().toISOString(),
    due: { workingDays: 15 },
    policy: preset(),
    timeZone: 'Asia/Shanghai',
    createdBy: { id: 'staff-1', role: 'staff' },
    ...overrides,
  };
  // As the API starts items: with the calendar slice they count on (pass `calendar: undefined` to
  // start one without, which then fetches its slice first).
  if (!('calendar' in overrides)) {
    const { from, through } = calendarWindow(input.assignedAt, input.timeZone);
    input.calendar = packCalendar(sliceCalendarData(officialCalendar().data, from, through));
  }
  return input;
}
