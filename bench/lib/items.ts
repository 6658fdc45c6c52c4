// The item every benchmark creates: a plausible create body for the API and the workflow input the
// API would build from it, so the API and the raw client start the same workflow.
import { buildCalendarData } from '../../domain/calendar/official';
import { sliceCalendarData, type CalendarData } from '../../domain/calendar/working-calendar';
import { packCalendar } from '../../domain/calendar/packed';
import { POLICY_PRESETS } from '../../domain/policies';
import { calendarWindow } from '../../workflows/supervision/state';
import { itemWorkflowId } from '../../workflows/ids';
import type { Due, Policy, SupervisionInput } from '../../workflows/types';

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

export const TITLE = '推进老旧小区改造项目（压测）';

/** POST /v1/items body; the API resolves the default policy and the default 15 working days. */
export function createBody(id: string): Record<string, unknown> {
  return {
    id,
    title: TITLE,
    source: { kind: 'leader_instruction', reference: '市领导批示〔2026〕12号' },
    leadUnit,
    responsible,
  };
}

export function preset(name = 'three-urges'): Policy {
  const p = POLICY_PRESETS[name];
  if (!p) throw new Error(`no preset ${name}`);
  return structuredClone(p);
}

/** The workflow input for the same item as createBody (what the API passes to workflow.start). */
let calendar: CalendarData | undefined;

export function itemInput(id: string, opts: { due?: Due; policy?: Policy } = {}): SupervisionInput {
  const assignedAt = new Date().toISOString();
  const window = calendarWindow(assignedAt, 'Asia/Shanghai');
  calendar ??= buildCalendarData();
  return {
    itemId: id,
    title: TITLE,
    source: { kind: 'leader_instruction', reference: '市领导批示〔2026〕12号' },
    leadUnit,
    responsible,
    assignedAt,
    due: opts.due ?? { workingDays: 15 },
    policy: opts.policy ?? preset(),
    timeZone: 'Asia/Shanghai',
    // the slice the API passes, so no item fetches its calendar before its first timer
    calendar: packCalendar(sliceCalendarData(calendar, window.from, window.through)),
    createdBy: { id: 'bench-staff', role: 'staff' },
  };
}

export { itemWorkflowId };
