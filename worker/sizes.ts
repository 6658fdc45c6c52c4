// The worker's sizes: its workflow cache, sized from the memory budget measured in
// docs/performance.md §3, and its workflow-task slots. A module of its own, with no imports, so the
// configuration can default to them without pulling @temporalio/worker into the API.

/** about 0.65 MiB a cached run (docs/performance.md §3): 1,000 fits a worker given 2 GiB */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1000;

/**
 * Workflow tasks the worker runs at once: the SDK's default. A step holds its slot through its
 * local activities (notices, the level case's start, the record write), so a deadline storm queues
 * for these slots; on two cores more slots made a 1,000-item storm slower (docs/performance.md §2).
 */
export const DEFAULT_WORKFLOW_TASK_SLOTS = 40;

/** the default slots for a cache of `cached` runs: the SDK's default, or fewer where the cache is smaller */
export function defaultTaskSlots(cached: number): number {
  return Math.max(2, Math.min(DEFAULT_WORKFLOW_TASK_SLOTS, cached));
}

/** the SDK's default for local activities: raised with the task slots so each slot can run one */
export const MIN_LOCAL_ACTIVITY_SLOTS = 100;
