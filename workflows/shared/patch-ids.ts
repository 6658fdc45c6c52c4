// The run-level patch ids and what each implies (docs/versioning.md). No Temporal import: the
// pure cores ask for these ids through ctx.patched.

/**
 * Notices of a step that no Update decided are delivered inside the workflow task that decided them
 * (one local activity, one attempt); what that attempt leaves undone goes on with the regular
 * deliverNotices activity and its backoff. The record waits for that attempt, so the step's record
 * batch carries its delivery rows and one activity writes both. Implies every earlier patch.
 */
export const NOTICES_IN_TASK = 'notices-in-task';

/**
 * An urge that opens a level case links it (caseIds, the reminder, the `case_opened` line) in the
 * urge's own step: the case id is fixed by the item and the level, so the record needs no second
 * batch once the child has started. Implies NOTICES_IN_TASK and what it implies.
 */
export const CASE_LINKED_WITH_URGE = 'case-linked-with-urge';

/**
 * The record batch is written inside the workflow task that decided it (a local activity, one
 * marker) instead of by a regular activity that task's completion schedules. Each write carries the
 * task fence (the writing task's workflow time and the revision written before), with which the
 * record undoes the writes of a task that never completed (docs/record.md). Implies
 * CASE_LINKED_WITH_URGE and what it implies.
 */
export const RECORD_IN_TASK = 'record-in-task';

/**
 * The case an urge's level opens is started from inside the urge's own workflow task (a local
 * activity on the worker's client, idempotent by the case id) instead of as a child workflow: the
 * item's history keeps a small marker where the child's start carried the case's whole input, and
 * no workflow task follows to take note of the start. Implies RECORD_IN_TASK and what it implies.
 */
export const CASE_STARTED_IN_TASK = 'case-started-in-task';

/**
 * The patches a NOTICES_IN_TASK run has without asking (ids as their modules export them; a unit
 * test keeps the two in step).
 */
export const IMPLIED_BY_NOTICES_IN_TASK: readonly string[] = [
  'escalation-case-no-link-back',
  'record-after-deciding-task',
  'deliveries-in-record-batch',
  'assignment-notice',
  'reporting-skips-clock-stop',
];

/**
 * Run-level patches, newest first, each with what it implies. A patch added later and not listed
 * here is asked where it acts, since runs started before it carry no marker for it.
 */
export const RUN_LEVEL: readonly { id: string; implies: readonly string[] }[] = [
  {
    id: CASE_STARTED_IN_TASK,
    implies: [RECORD_IN_TASK, CASE_LINKED_WITH_URGE, NOTICES_IN_TASK, ...IMPLIED_BY_NOTICES_IN_TASK],
  },
  {
    id: RECORD_IN_TASK,
    implies: [CASE_LINKED_WITH_URGE, NOTICES_IN_TASK, ...IMPLIED_BY_NOTICES_IN_TASK],
  },
  { id: CASE_LINKED_WITH_URGE, implies: [NOTICES_IN_TASK, ...IMPLIED_BY_NOTICES_IN_TASK] },
  { id: NOTICES_IN_TASK, implies: IMPLIED_BY_NOTICES_IN_TASK },
];
