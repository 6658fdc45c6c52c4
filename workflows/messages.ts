// Every signal, query and update is defined here once; the API imports these definitions, so the
// names and payload types can never drift apart. Actions that need an answer are Updates with
// validators: a refusal reaches the caller as an ApplicationFailure carrying the reason.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AcknowledgementRecord,
  Actor,
  AppealOutcome,
  CaseMeasure,
  CaseState,
  DecisionOutcome,
  ExtensionRecord,
  ItemStatus,
  InstructionRecord,
  InvestigationOutcome,
  CalendarData,
  DeclineRecord,
  ReminderRecord,
  ReportRecord,
  ReviewOutcome,
  SupervisionState,
} from './types';
import type {
  AcknowledgeInput,
  AppealInput,
  CaseReviewInput,
  CompleteInput,
  DecisionInput,
  DeclineInput,
  ExtensionDecisionInput,
  ExtensionRequestInput,
  InstructionInput,
  InvestigationInput,
  ReasonInput,
  ReassignInput,
  ReportInput,
  ReviewInput,
  UrgeInput,
} from '../domain/schemas';

export type WithActor<T> = T & { actor: Actor };

// ---------- supervision item (督办事项) ----------
export const getItemState = defineQuery<SupervisionState>('getItemState');
/** What an item's Update answers: the new status and the action's own record, never the whole state. */
export type ItemOutcome<T = object> = { status: ItemStatus } & T;
export const submitReport = defineUpdate<ItemOutcome<{ report: ReportRecord }>, [WithActor<ReportInput>]>(
  'submitReport',
);
export const reviewReport = defineUpdate<ItemOutcome<{ report: ReportRecord }>, [WithActor<ReviewInput>]>(
  'reviewReport',
);
export const completeItem = defineUpdate<
  ItemOutcome<{ completedStage?: string; currentStage?: string }>,
  [WithActor<CompleteInput>]
>('completeItem');
export const requestExtension = defineUpdate<
  ItemOutcome<{ extension: ExtensionRecord }>,
  [WithActor<ExtensionRequestInput>]
>('requestExtension');
export const decideExtension = defineUpdate<
  ItemOutcome<{ extension: ExtensionRecord; deadlineAt?: string }>,
  [WithActor<ExtensionDecisionInput>]
>('decideExtension');
export const pauseItem = defineUpdate<ItemOutcome<{ pausedAt: string }>, [WithActor<ReasonInput>]>(
  'pauseItem',
);
export const resumeItem = defineUpdate<ItemOutcome<{ deadlineAt?: string }>, [WithActor<ReasonInput>]>(
  'resumeItem',
);
export const cancelItem = defineUpdate<ItemOutcome<{ cancelledAt: string }>, [WithActor<ReasonInput>]>(
  'cancelItem',
);
/** 电话催办 / 督办函 / 上门督办 (S2 §五1): counts as the next urge; `reminder` is absent past the ladder */
export const recordUrge = defineUpdate<
  ItemOutcome<{ reminder?: ReminderRecord; urgeCount: number }>,
  [WithActor<UrgeInput>]
>('recordUrge');
/** 领导批示 (S4 §四(五)2): kept on the item and delivered to the unit */
export const recordInstruction = defineUpdate<
  ItemOutcome<{ instruction: InstructionRecord }>,
  [WithActor<InstructionInput>]
>('recordInstruction');
/** 签收 by the lead unit (or staff on its behalf); `late` when after its due instant (领办逾期) */
export const acknowledgeItem = defineUpdate<
  ItemOutcome<{ acknowledgement: AcknowledgementRecord }>,
  [WithActor<AcknowledgeInput>]
>('acknowledgeItem');
/** 退回交办: the lead unit gives the item back with its reason; the item waits for the office */
export const declineItem = defineUpdate<ItemOutcome<{ decline: DeclineRecord }>, [WithActor<DeclineInput>]>(
  'declineItem',
);
/** after a 退回交办: a new lead unit (its name and people filled by the API); the clock restarts */
export const reassignItem = defineUpdate<
  ItemOutcome<{ decline: DeclineRecord; deadlineAt?: string }>,
  [WithActor<ReassignInput>]
>('reassignItem');
/** a case tells the item it was opened for it (links both ways) */
export const caseLinked = defineSignal<[{ caseId: string }]>('caseLinked');

// ---------- accountability case (问责) ----------
export const getCaseState = defineQuery<CaseState>('getCaseState');
export const submitInvestigation = defineUpdate<InvestigationOutcome, [WithActor<InvestigationInput>]>(
  'submitInvestigation',
);
export const decideCase = defineUpdate<DecisionOutcome, [WithActor<DecisionInput>]>('decideCase');
export const fileAppeal = defineUpdate<AppealOutcome, [WithActor<AppealInput>]>('fileAppeal');
export const reviewAppeal = defineUpdate<ReviewOutcome, [WithActor<CaseReviewInput>]>('reviewAppeal');
/** a rectification item reports back when it ends */
export const rectificationFinished =
  defineSignal<[{ itemId: string; measureId: string; status: 'completed' | 'cancelled' }]>(
    'rectificationFinished',
  );

// ---------- working-day calendar ----------
/** the office loaded a year's 放假安排: an item computed on the law-based estimate re-plans on it */
export const calendarChanged =
  defineSignal<[{ calendar: CalendarData; year: number; version: number; reference: string }]>(
    'calendarChanged',
  );

export type { CaseMeasure };

// ---------- business refusal types (mapped to HTTP 409 by the API) ----------
export { REFUSAL } from './refusals';
