// The item's Updates: each one a validator (the refusal rules) and a transition of the pure core,
// registered by the shell before its first await. A handler never awaits once the item is planned,
// so every action answers at once.
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { CalendarInputError } from '../../domain/calendar/working-calendar';
import * as m from '../messages';
import type { ItemStatus, SupervisionInput } from '../types';
import type { contextOf, ItemState } from './state';
import * as t from './transitions';
import * as v from './validate';

type Ctx = ReturnType<typeof contextOf>;

/** what the shell lends its handlers: the current state, the clock, and how a step is applied */
export interface UpdateHost {
  state(): ItemState;
  ctx(): Ctx;
  apply<R>(step: t.Step<R>): R;
  /** false until the item has its calendar plan (an item started without one fetches it first) */
  planned(): boolean;
}

export function registerUpdates(host: UpdateHost, input: SupervisionInput): void {
  function onUpdate<A extends object, R>(
    def: UpdateDefinition<{ status: ItemStatus } & R, [A]>,
    check: (s: ItemState, args: A, c: Ctx) => v.Refusal | undefined,
    run: (s: ItemState, args: A, c: Ctx) => t.Step<R>,
  ): void {
    const refuse = (args: A) => {
      const r = check(host.state(), args, host.ctx());
      if (r) throw ApplicationFailure.create({ type: r.type, message: r.message, nonRetryable: true });
    };
    const handle = (args: A) => {
      let outcome: R;
      try {
        outcome = host.apply(run(host.state(), args, host.ctx()));
      } catch (err) {
        if (!(err instanceof CalendarInputError)) throw err;
        throw ApplicationFailure.create({
          type: m.REFUSAL.invalidInput,
          message: err.message,
          nonRetryable: true,
        });
      }
      return { status: host.state().status, ...outcome };
    };
    setHandler(
      def,
      // accepted before the plan existed: checked once the item is planned, then run (a planned
      // item's update stays synchronous, as the recorded histories have it)
      (args) =>
        host.planned()
          ? handle(args)
          : condition(() => host.planned()).then(() => {
              refuse(args);
              return handle(args);
            }),
      {
        validator: (args) => {
          if (host.planned()) refuse(args);
        },
      },
    );
  }
  onUpdate(m.submitReport, v.checkReport, t.submitReport);
  onUpdate(m.reviewReport, v.checkReview, t.reviewReport);
  onUpdate(m.completeItem, v.checkComplete, t.completeItem);
  onUpdate(m.requestExtension, v.checkExtensionRequest, t.requestExtension);
  onUpdate(m.decideExtension, v.checkExtensionDecision, t.decideExtension);
  onUpdate(m.pauseItem, v.checkPause, t.pauseItem);
  onUpdate(m.resumeItem, v.checkResume, t.resumeItem);
  onUpdate(m.cancelItem, v.checkCancel, t.cancelItem);
  onUpdate(m.recordUrge, v.checkUrge, t.recordUrge);
  onUpdate(m.recordInstruction, v.checkInstruction, t.recordInstruction);
  onUpdate(m.acknowledgeItem, v.checkAcknowledge, t.acknowledgeItem);
  onUpdate(m.declineItem, v.checkDecline, t.declineItem);
  // the clock restarts with the item's own due (a staged item's stages carry theirs)
  onUpdate(m.reassignItem, v.checkReassign, (s, r, c) => t.reassignItem(s, r, c, input.due));
}
