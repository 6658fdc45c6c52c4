// Reading an item or a case: the record answers, for any age; an open one's live state (the next
// timer, what a handler just changed) comes from its workflow while the workflow is there. A closed
// item or case never depends on Temporal, whose retention deletes it.
import { WorkflowNotFoundError } from '@temporalio/common';
import { getCase, getItem } from '../activities/record/store';
import { caseWorkflowId, itemWorkflowId } from '../workflows/ids';
import { getCaseState, getItemState } from '../workflows/messages';
import type { CaseState, SupervisionState } from '../workflows/types';
import type { ApiContext } from './context';
import { HttpProblem, notFound } from './errors';
import { queryOr404 } from './temporal';

const CLOSED_ITEM = new Set(['completed', 'cancelled']);

/** the live state when the workflow answers; undefined when it is gone (or never started) */
async function live<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof HttpProblem && err.status === 404) return undefined;
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export async function readItem(ctx: ApiContext, id: string): Promise<SupervisionState> {
  const recorded = await getItem(ctx.record, id);
  if (recorded && CLOSED_ITEM.has(recorded.status)) return recorded as unknown as SupervisionState;
  const state = await live(() => queryOr404(ctx.client, itemWorkflowId(id), getItemState, `item "${id}"`));
  if (state) return state;
  if (recorded) return recorded as unknown as SupervisionState;
  throw notFound(`no item "${id}"`);
}

export async function readCase(ctx: ApiContext, id: string): Promise<CaseState> {
  const recorded = await getCase(ctx.record, id);
  if (recorded?.stage === 'closed') return recorded as unknown as CaseState;
  const state = await live(() => queryOr404(ctx.client, caseWorkflowId(id), getCaseState, `case "${id}"`));
  if (state) return state;
  if (recorded) return recorded as unknown as CaseState;
  throw notFound(`no case "${id}"`);
}
