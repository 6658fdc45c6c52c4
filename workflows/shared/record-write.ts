// How a workflow writes its record batch (PostgreSQL, applied exactly once by revision).
import type { LocalActivityOptions } from '@temporalio/workflow';

/**
 * The write is fast and idempotent, so it runs as a local activity: one marker event carrying only
 * the result, no activity task round-trip. Retried without end (no maximumAttempts), backing off
 * from 1 s to a minute; past `localRetryThreshold` the wait between attempts is a durable timer, so
 * a long outage neither spins the worker nor holds one workflow task (updates are still taken
 * meanwhile: the SDK heartbeats the task). A batch the record refuses (InvalidInput) is a bug: not
 * retried, it fails the lane.
 */
export const RECORD_WRITE: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  localRetryThreshold: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['InvalidInput'],
  },
};
