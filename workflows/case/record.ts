// The case's record batch (what PostgreSQL keeps): the changes since the last batch, computed from
// two views of the state by the shared record diff, with the ledger (台帐) rows of every measure
// executed, revoked or amended since. Pure; the shell sends one per activation.
import type { CaseRecordBatch, LedgerRow } from '../../domain/record';
import { formatLocalDate } from '../format';
import { mergeChanges, recordChanges, type DiffOptions } from '../shared/record-diff';
import type { CaseMeasure, CaseState } from '../types';
import type { CaseSetup } from './state';

const DIFF: DiffOptions = {
  collections: {
    measures: (m: CaseMeasure) => m.measureId,
    appeals: (a: { subjectId: string }) => a.subjectId,
    remindersSent: (r: { step: string; at: string; dueAt?: string }) => `${r.step}|${r.dueAt ?? ''}|${r.at}`,
  },
  // the notices' delivery results per channel are rows of their own (notice_deliveries), not part
  // of the view: carried in the batch as `deliveries` since deliveries-in-record-batch
  skip: ['revision', 'notices'],
};

export function ledgerRow(state: CaseState, m: CaseMeasure, setup: CaseSetup): LedgerRow {
  const subject = state.subjects.find((s) => s.id === m.subjectId);
  const unitId = m.subjectKind === 'person' ? subject?.unitId : undefined;
  const data = {
    ...(m.cascadedFrom ? { cascadedFrom: m.cascadedFrom } : {}),
    ...(m.revokedBy ? { revokedBy: m.revokedBy } : {}),
  };
  return {
    measureId: m.measureId,
    subjectKind: m.subjectKind,
    subjectId: m.subjectId,
    subjectName: m.subjectName,
    ...(unitId ? { unitId } : {}),
    code: m.code,
    ...(m.amount !== undefined ? { amount: m.amount } : {}),
    status: m.status === 'executed' ? 'executed' : (m.revocation ?? 'revoked'),
    decidedBy: m.decidedBy ?? setup.openedBy.id,
    decidedAt: m.executedAt,
    executedAt: m.executedAt,
    ...(m.revokedAt ? { revokedAt: m.revokedAt } : {}),
    // the office's calendar day of the decision: its year is the ledger's year
    date: formatLocalDate(m.executedAt, setup.timeZone),
    ...(Object.keys(data).length ? { data } : {}),
  };
}

/** ledger rows for the measures new or out of force since `prev` (never twice for one change) */
export function ledgerRows(prev: CaseState | undefined, next: CaseState, setup: CaseSetup): LedgerRow[] {
  const before = new Map((prev?.measures ?? []).map((m) => [m.measureId, m]));
  return next.measures
    .filter((m) => {
      const was = before.get(m.measureId);
      return !was || was.status !== m.status || was.revocation !== m.revocation;
    })
    .map((m) => ledgerRow(next, m, setup));
}

/**
 * The batch from `prev` (what the record has; undefined before the first) to `next`, if anything
 * changed; with `deliveries` (patch deliveries-in-record-batch) the results of the notices
 * delivered since travel in it too.
 */
export function caseRecordBatch(
  prev: CaseState | undefined,
  next: CaseState,
  setup: CaseSetup,
  deliveries = false,
): CaseRecordBatch | undefined {
  const changes = recordChanges(
    prev as unknown as Record<string, unknown> | undefined,
    next as unknown as Record<string, unknown>,
    next.revision,
    deliveries
      ? { ...DIFF, deliveries: { caseId: next.id, ...(next.itemId ? { itemId: next.itemId } : {}) } }
      : DIFF,
  );
  if (!changes) return undefined;
  const ledger = ledgerRows(prev, next, setup);
  return {
    ...changes,
    caseId: next.id,
    summary: {
      stage: next.stage,
      ...(next.itemId ? { itemId: next.itemId } : {}),
      ...(next.escalation ? { level: next.escalation.level } : {}),
      subjectIds: next.subjects.map((s) => s.id),
      openedAt: next.openedAt,
      ...(next.decision ? { decidedAt: next.decision.at } : {}),
      ...(next.closedAt ? { closedAt: next.closedAt } : {}),
    },
    ...(ledger.length ? { ledger } : {}),
  };
}

/** Folds batches the record lane queued into one write; ledger rows stay in order (the last one per id wins). */
export function mergeCaseBatches(batches: readonly CaseRecordBatch[]): CaseRecordBatch {
  return batches.reduce((a, b) => {
    const ledger = [...(a.ledger ?? []), ...(b.ledger ?? [])];
    return {
      ...mergeChanges(a, b),
      caseId: b.caseId,
      summary: b.summary,
      ...(ledger.length ? { ledger } : {}),
    };
  });
}
