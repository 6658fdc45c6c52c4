// What a workflow writes to the record (PostgreSQL) after each step: one batch per item or case,
// applied exactly once by its revision. Types only for now; the record module adds the zod schema
// it validates them with at the activity boundary.

/** One line of an item's or a case's history (办理过程), unique per (workflow, key). */
export interface RecordEvent {
  key: string;
  at: string;
  by: string;
  action: string;
  detail?: string;
  data?: unknown;
}

/** The changes of one step: fields replaced, collection entries merged by id, history appended. */
export interface RecordChanges {
  /** strictly increasing per item or case, carried over continue-as-new */
  revision: number;
  /** the whole initial view, on the first batch only */
  created?: Record<string, unknown>;
  set?: Record<string, unknown>;
  upsert?: Record<string, Array<{ id: string } & Record<string, unknown>>>;
  events: RecordEvent[];
}

export interface ItemSummary {
  status: string;
  light: string;
  urgeCount: number;
  deliveryFailures: number;
  deadlineAt?: string;
  currentStage?: string;
  completedAt?: string;
  cancelledAt?: string;
  caseIds: string[];
}

export interface ItemRecordBatch extends RecordChanges {
  itemId: string;
  summary: ItemSummary;
}

export interface CaseSummary {
  stage: string;
  procedure?: string;
  itemId?: string;
  level?: number;
  subjectIds: string[];
  openedAt: string;
  decidedAt?: string;
  closedAt?: string;
}

/** A ledger (台帐) row: one executed measure, upserted by id as it is revoked or amended. */
export interface LedgerRow {
  id: string;
  caseId: string;
  itemId?: string;
  subjectKind: 'person' | 'unit';
  subjectId: string;
  subjectName: string;
  unitId?: string;
  code: string;
  amount?: number;
  status: 'executed' | 'revoked' | 'amended';
  decidedBy: string;
  decidedAt: string;
  executedAt: string;
  revokedAt?: string;
  year: number;
  data?: unknown;
}

export interface CaseRecordBatch extends RecordChanges {
  caseId: string;
  summary: CaseSummary;
  ledger?: LedgerRow[];
}
