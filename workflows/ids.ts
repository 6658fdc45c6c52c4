// Names shared by the worker, the API and the workflows themselves.
export const TASK_QUEUE_DEFAULT = 'duban';

export const itemWorkflowId = (itemId: string): string => `supervision-${itemId}`;
export const caseWorkflowId = (caseId: string): string => `case-${caseId}`;
/** one ledger per subject kind, id and year: a person and a unit may share an id */
export const ledgerWorkflowId = (subjectKind: 'person' | 'unit', subjectId: string, year: number): string =>
  `ledger-${subjectKind}-${subjectId}-${year}`;

/** the custom search attributes ops filter on in the Temporal UI (registered at server start) */
export const SEARCH_ATTRIBUTES = {
  SupervisionStatus: 'Keyword',
  LeadUnit: 'Keyword',
  DeadlineAt: 'Datetime',
  UrgeCount: 'Int',
  DeliveryFailures: 'Int',
  CaseStage: 'Keyword',
  CaseSubjects: 'KeywordList',
} as const;

/** the n-th rectification item (责令限期整改) a case starts: `<caseId>-rectify-<n>` */
export const rectificationItemId = (caseId: string, n: number): string => `${caseId}-rectify-${n}`;
