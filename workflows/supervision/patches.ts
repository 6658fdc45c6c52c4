// The patch ids of the supervision item (docs/versioning.md). The core asks `ctx.patched(id)` only
// at the point where the patched rule acts, so a run's history has each marker where its commands
// changed; runs recorded before a patch replay with the answer false and keep the old path.

/** 交办通知: the lead unit's people and each assisting unit's liaison are told of the assignment. */
export const ASSIGNMENT_NOTICE = 'assignment-notice';

/** 汇报频次: the period a stopped clock interrupted keeps the time it had left (nothing falls due). */
export const REPORTING_CLOCK_STOP = 'reporting-skips-clock-stop';
