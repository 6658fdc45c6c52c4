// The case a ladder level opens, started from inside the urge's own workflow task (patch
// case-started-in-task): a local activity on the worker's client instead of a child workflow, so the
// item's history holds one small marker where a child start held the case's whole input and a
// workflow task of its own. Idempotent by the case id: a retry finds the case already started and
// says so; the id is never reused once the case closed.
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { z } from 'zod';
import { currentContext } from '../context';
import { parseInput } from '../input';
import { ID_PATTERN } from '../../workflows/ids';
import { levelCaseStart } from '../../workflows/case/level-case-start';
import type { CaseInput } from '../../workflows/types';

const id = z.string().regex(ID_PATTERN, 'not an id the API can address');

/**
 * What the activity checks itself: what it names the run by and indexes it with. The rest of the
 * case's input is the case workflow's to judge (workflows/case/validate.ts), as for any start.
 */
export const LevelCaseStartRequest = z.object({
  /** the item's own task queue, where a child would have run */
  taskQueue: z.string().min(1),
  input: z
    .object({
      caseId: id,
      itemId: id,
      subjects: z.array(z.object({ kind: z.enum(['unit', 'person']), id: z.string().min(1) })).min(1),
      procedure: z.enum(['summary', 'formal']).optional(),
      escalation: z.object({ level: z.number().int().positive(), itemTitle: z.string().min(1) }),
    })
    .passthrough(),
});

/** the checked shape, its `input` typed whole (the case workflow judges the rest of it) */
export type LevelCaseStartRequest = Omit<z.infer<typeof LevelCaseStartRequest>, 'input'> & {
  input: CaseInput;
};

export function createCaseActivities(deps: { client?: Client }) {
  return {
    /** `started: false`: the case already ran (a retried task, a continued item): linking it is all */
    async startLevelCase(req: LevelCaseStartRequest): Promise<{ started: boolean }> {
      parseInput('startLevelCase', LevelCaseStartRequest, req);
      // the worker's own client when none is handed in (tests, scripts that build a bare worker)
      const client = deps.client ?? currentContext()?.client;
      if (!client) throw new Error('startLevelCase needs a Temporal client');
      const { workflowId, ...shown } = levelCaseStart(req.input);
      try {
        await client.workflow.start('accountabilityCase', {
          workflowId,
          taskQueue: req.taskQueue,
          args: [req.input],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          ...shown,
        });
        return { started: true };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { started: false };
        throw err;
      }
    },
  };
}
