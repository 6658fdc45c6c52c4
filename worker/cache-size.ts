// The worker's workflow cache, sized from the memory budget measured in docs/performance.md §3.
// A module of its own, with no imports, so the configuration can default to it without pulling
// @temporalio/worker into the API.

/** about 0.65 MiB a cached run (docs/performance.md §3): 1,000 fits a worker given 2 GiB */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1000;
