// The activity factory: every activity the workflows call, built from injected dependencies so
// tests hand in fakes and the worker hands in the real calendar, mail transport and record.
// Workflows import only the *type* Activities from here.
import type { WorkingCalendar } from '../domain/calendar/working-calendar';
import type { NoticeDelivery } from '../domain/record';
import { deliveryRows } from '../workflows/shared/record-diff';
import type { BatchProgress, DeliveryBatch, Notice, NoticeRecord } from '../workflows/types';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createCalendarActivities } from './calendar/activities';
import { createCaseActivities } from './cases/start-case';
import type { CalendarService } from './calendar/service';
import { createReplanActivities } from './calendar/replan';
import { createNotificationActivities, type NotificationChannels } from './notifications';
import { createRecordActivities } from './record/activities';
import type { Db } from './record/db';
import { recordDeliveries } from './record/store';

export interface ActivityDeps {
  calendar: WorkingCalendar;
  /**
   * The calendar in force, following the years the office loads (PUT /v1/calendar/{year}) and the
   * overrides file: what the calendar activities and the re-planning count on when given.
   */
  calendars?: CalendarService;
  channels: NotificationChannels;
  /** the record (PostgreSQL or the embedded PGlite): every step of every item and case */
  record: Db;
  /** for the activities that start or signal workflows (a level's case, re-planning after a calendar load) */
  client?: Client;
}

export function createActivities(deps: ActivityDeps) {
  const notifications = createNotificationActivities(deps.channels);
  return {
    ...createCalendarActivities(deps.calendar, deps.calendars),
    ...notifications,
    ...createRecordActivities(deps.record),
    ...createReplanActivities(deps),
    ...createCaseActivities(deps),
    /**
     * Delivers a step's notices. With `inRecordBatch` (every run since deliveries-in-record-batch)
     * that is all: no SQL, so a database that is down delays no notice, and the workflow carries
     * the results to the record in its next batch. Without it (the runs before the patch) each
     * result is also written here; the delivery is idempotent per notice key and its heartbeat
     * skips the pairs done, so a retry after a failed write sends nothing twice.
     */
    async deliverNotices(batch: DeliveryBatch): Promise<NoticeRecord[]> {
      const records = await notifications.deliverNotices(batch);
      if (batch.inRecordBatch === true) return records;
      try {
        await recordDeliveries(deps.record, deliveryRowsOf(batch.notices, records));
      } catch (err) {
        // Retried like any outage; should the retries run out, the details keep what was
        // delivered, so the workflow does not count a delivered notice as failed (afterFailure).
        const progress: BatchProgress = {
          done: records.flatMap((r) => r.deliveries.map((result) => ({ key: r.key, result }))),
        };
        throw ApplicationFailure.create({
          type: 'RecordWriteFailed',
          message: `delivered, but the results were not recorded: ${(err as Error).message}`,
          nonRetryable: false,
          details: [progress],
        });
      }
      return records;
    },
  };
}

/** The record's rows for a batch's results: one per notice and channel. */
export function deliveryRowsOf(
  notices: readonly Notice[],
  records: readonly NoticeRecord[],
): NoticeDelivery[] {
  return records.flatMap((r) => {
    const notice = notices.find((n) => n.key === r.key);
    return deliveryRows(r, {
      ...(notice?.itemId ? { itemId: notice.itemId } : {}),
      ...(notice?.caseId ? { caseId: notice.caseId } : {}),
    });
  });
}

export type Activities = ReturnType<typeof createActivities>;
