// The workflow bundle's entry point: every workflow the worker runs.
export { supervisionItem } from './supervision/workflow';
export { accountabilityCase } from './case/workflow';
export { calendarRollout } from './calendar-rollout';
