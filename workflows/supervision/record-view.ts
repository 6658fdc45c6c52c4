// How the item's state maps onto the record (PostgreSQL) and the search attributes: which
// collections merge by which id, what is never written, and the summary row. Pure.
import type { ItemRecordBatch, ItemSummary } from '../../domain/record';
import { recordChanges, type DiffOptions } from '../shared/record-diff';
import type { ReminderRecord, StageState, SupervisionState } from '../types';

export const ITEM_DIFF: DiffOptions = {
  collections: {
    reports: (r: { id: string }) => r.id,
    extensions: (e: { id: string }) => e.id,
    // a level is reached once per stage
    reminders: (r: ReminderRecord) => `${r.stage ?? ''}:L${r.level}`,
    stages: (s: StageState) => s.name,
    declines: (d: { id: string }) => d.id,
  },
  // the record's own counters, not fields of the item; the notices' delivery results per channel
  // are rows of their own (notice_deliveries), not part of the view (see itemDiff)
  // (heldNotices: what office hours hold back is live state; the deliveries are recorded when made)
  skip: ['revision', 'seq', 'notices', 'heldNotices'],
};

/**
 * How the shell diffs an item: with `deliveries` (patch deliveries-in-record-batch) the results of
 * the notices delivered since the last batch travel in it, so a delivery writes a batch of its own;
 * before the patch the delivery activity wrote them and a delivery that counted no failure wrote none.
 */
export function itemDiff(s: SupervisionState, deliveries: boolean): DiffOptions {
  return deliveries ? { ...ITEM_DIFF, deliveries: { itemId: s.id } } : ITEM_DIFF;
}

/**
 * The batch an item's start writes (revision 1): the workflow's first write, and the API's too as
 * it answers the create, so the new item is in every list at once. Applied once, whoever is first.
 */
export function firstBatch(s: SupervisionState & { revision: number }): ItemRecordBatch {
  const changes = recordChanges(undefined, s as never, s.revision, ITEM_DIFF)!;
  return { ...changes, itemId: s.id, summary: summaryOf(s) } as ItemRecordBatch;
}

export function summaryOf(s: SupervisionState): ItemSummary {
  return {
    status: s.status,
    light: s.light,
    urgeCount: s.urgeCount,
    deliveryFailures: s.deliveryFailures,
    caseIds: s.caseIds,
    ...(s.deadlineAt ? { deadlineAt: s.deadlineAt } : {}),
    ...(s.currentStage ? { currentStage: s.currentStage } : {}),
    ...(s.completedAt ? { completedAt: s.completedAt } : {}),
    ...(s.cancelledAt ? { cancelledAt: s.cancelledAt } : {}),
  };
}

/** The search attributes' values, by attribute name, as strings (a Datetime as its ISO instant). */
export function indexedValues(s: SupervisionState): Record<string, string> {
  return {
    SupervisionStatus: s.status,
    LeadUnit: s.leadUnit.id,
    UrgeCount: String(s.urgeCount),
    DeliveryFailures: String(s.deliveryFailures),
    ...(s.deadlineAt ? { DeadlineAt: new Date(s.deadlineAt).toISOString() } : {}),
  };
}
