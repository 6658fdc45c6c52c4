// How a run asks for its patches (docs/versioning.md). Every patch costs a new run two events (its
// marker and the TemporalChangeVersion upsert the SDK adds), so runs started since NOTICES_IN_TASK
// ask one patch, once, and take every path patched before it without asking again.
import { patched } from '@temporalio/workflow';

/**
 * Notices of a step that no Update decided are delivered inside the workflow task that decided them
 * (one local activity, one attempt); what that attempt leaves undone goes on with the regular
 * deliverNotices activity and its backoff. The record waits for that attempt, so the step's record
 * batch carries its delivery rows and one activity writes both. Implies every earlier patch.
 */
export const NOTICES_IN_TASK = 'notices-in-task';

export type Patched = (id: string) => boolean;

/**
 * The patches a NOTICES_IN_TASK run has without asking (ids as their modules export them; a unit
 * test keeps the two in step). A patch added later is not in this list: it is asked where it acts.
 */
export const IMPLIED_BY_NOTICES_IN_TASK: readonly string[] = [
  'escalation-case-no-link-back',
  'record-after-deciding-task',
  'deliveries-in-record-batch',
  'assignment-notice',
  'reporting-skips-clock-stop',
];

/**
 * Called first thing in a run, so the answer is settled in its first activation: a run recorded
 * before NOTICES_IN_TASK replays with false and asks each earlier patch where it acts, as it did.
 */
export function runPatches(): Patched {
  const latest = patched(NOTICES_IN_TASK);
  return (id) =>
    id === NOTICES_IN_TASK ? latest : (latest && IMPLIED_BY_NOTICES_IN_TASK.includes(id)) || patched(id);
}
