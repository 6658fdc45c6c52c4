// Record activities: a workflow writes each step to the record here, as one batch. Input is validated
// at this boundary; bad input fails as a non-retryable InvalidInput, since retrying it can never
// succeed. Everything else (the database unreachable, a batch for an item not yet created) is an
// ordinary error that Temporal retries with backoff, and the store's revision rule makes the
// retries harmless.
import type { z } from 'zod';
import { currentContext } from '../context';
import { parseInput } from '../input';
import { CaseRecordBatch, ItemRecordBatch, NoticeDeliveries } from '../../domain/record';
import type { Db } from './db';
import { applyCaseBatch, applyItemBatch, recordDeliveries, type ApplyResult } from './store';

/**
 * A batch that undid the writes of a workflow task that never completed (the task fence) is worth
 * an operator's glance: it means a worker died or was given up inside a task. Logged, not failed.
 */
function reportUndone(kind: 'item' | 'case', id: string, r: ApplyResult): ApplyResult {
  if (r.undone === undefined) return r;
  currentContext()?.log.warn('record: undid the writes of a workflow task that never completed', {
    [kind === 'item' ? 'itemId' : 'caseId']: id,
    undoneFrom: r.undone,
    revision: r.revision,
  });
  return r;
}

export function createRecordActivities(db: Db) {
  return {
    /** writes one step of an item; `applied: false` when the record already had it (a retry) */
    async recordItem(batch: ItemRecordBatch): Promise<ApplyResult> {
      const b = parseInput('recordItem', ItemRecordBatch, batch);
      return reportUndone('item', b.itemId, await applyItemBatch(db, b));
    },
    /** writes one step of a case, with the ledger rows it executed, revoked or amended */
    async recordCase(batch: CaseRecordBatch): Promise<ApplyResult> {
      const b = parseInput('recordCase', CaseRecordBatch, batch);
      return reportUndone('case', b.caseId, await applyCaseBatch(db, b));
    },
    /** records each notice's result per channel; returns the rows written */
    async recordDeliveries(rows: z.input<typeof NoticeDeliveries>): Promise<number> {
      return recordDeliveries(db, parseInput('recordDeliveries', NoticeDeliveries, rows));
    },
  };
}

export type RecordActivities = ReturnType<typeof createRecordActivities>;
