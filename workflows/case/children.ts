// The case's children (S5 查→追→改): the rectification items it starts, follows and cancels, and
// the link to the item an escalation case came from. Temporal code, no rules: what to do is the
// core's effect, what happened goes back to the core through the shell's apply.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import { itemWorkflowId } from '../ids';
import * as msg from '../messages';
import type { CaseState, ItemEnd, SupervisionInput } from '../types';
import type * as base from './state';
import * as core from './transitions';
import type { Patched } from '../shared/patches';

type ItemWorkflow = (input: SupervisionInput) => Promise<ItemEnd>;
type Finished = Parameters<typeof core.rectificationFinished>[1];
type Ctx = Parameters<typeof core.rectificationInput>[2];

/** patch id: an escalation case does not signal its item back */
export const NO_LINK_BACK = 'escalation-case-no-link-back';

/** how a rectification item ended that gave no result */
function endOf(err: unknown): { status: 'cancelled' | 'failed'; how: string } {
  const c = err instanceof wf.ChildWorkflowFailure ? err.cause : err;
  if (c instanceof wf.CancelledFailure) return { status: 'cancelled', how: '已取消' };
  if (c instanceof wf.TerminatedFailure) return { status: 'failed', how: '被终止' };
  return { status: 'failed', how: c instanceof wf.TimeoutFailure ? '超时' : '运行失败' };
}

export interface ChildHost {
  state(): CaseState;
  ctx(): Ctx;
  apply<T>(step: base.Step<T>): T;
  escalation: boolean;
  patched: Patched;
}

/** The children lane's performer, and the rectification items this run still follows. */
export function caseChildren(host: ChildHost): {
  perform: (effect: base.ChildEffect) => Promise<void>;
  watched: Set<string>;
} {
  const watched = new Set<string>(); // rectification items this run started and still follows
  const finish = (end: Finished) => {
    watched.delete(end.measureId);
    host.apply(core.rectificationFinished(host.state(), end, host.ctx()));
  };

  async function startRectification(effect: base.StartEffect, args: SupervisionInput): Promise<void> {
    try {
      const child = await wf.startChild<ItemWorkflow>('supervisionItem', {
        workflowId: itemWorkflowId(effect.itemId),
        args: [args],
        parentClosePolicy: wf.ParentClosePolicy.ABANDON,
        staticSummary: `整改：${args.title}`,
      });
      // The result ends the wait even when the item never signals (terminated, failed, cancelled).
      watched.add(effect.measureId);
      child.result().then(
        (end) => finish({ ...effect, status: end.status === 'completed' ? 'completed' : 'cancelled' }),
        (err: unknown) => finish({ ...effect, ...endOf(err) }),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      wf.log.info('rectification item already running', { itemId: effect.itemId });
    }
    host.apply(core.rectificationStarted(host.state(), effect, host.ctx()));
  }

  async function perform(effect: base.ChildEffect): Promise<void> {
    const item = wf.getExternalWorkflowHandle(itemWorkflowId(effect.itemId));
    const warn = (what: string) => (err: unknown) =>
      wf.log.warn(what, { itemId: effect.itemId, error: String(err) });
    if (effect.kind === 'linkItem') {
      // An escalation case was started by its item, which linked it then: cases started since
      // this patch send no signal back (a signal and a workflow task on the item per urge).
      if (host.escalation && host.patched(NO_LINK_BACK)) return;
      await item
        .signal(msg.caseLinked, { caseId: host.state().id })
        .catch(warn('could not link the case to its item'));
    } else if (effect.kind === 'cancelRectification') {
      // never started, or already closed: its result or its signal tells the case how it ended
      await item
        .cancel()
        .then(
          () => finish({ ...effect, status: 'cancelled', how: '措施撤销，已请求取消' }),
          warn('could not cancel the rectification item'),
        );
    } else if (host.state().measures.find((m) => m.measureId === effect.measureId)?.status === 'executed') {
      await startRectification(effect, core.rectificationInput(host.state(), effect, host.ctx()));
    } // else revoked before its item started: nothing to start
  }

  return { perform, watched };
}
