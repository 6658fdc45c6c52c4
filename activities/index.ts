// The activity factory: every activity the workflows call, built from injected dependencies so
// tests hand in fakes and the worker hands in the real calendar, mail transport and client.
// Workflows import only the *type* Activities from here.
import type { Client } from '@temporalio/client';
import { createCalendarActivities } from './calendar/activities';
import type { ItemRecordBatch } from '../domain/record';
import type { WorkingCalendar } from '../domain/calendar/working-calendar';
import type { CaseRecordBatch } from '../domain/record';
import { createLedgerActivities } from './ledger';
import { createNotificationActivities, type NotificationChannels } from './notifications';

export interface ActivityDeps {
  calendar: WorkingCalendar;
  channels: NotificationChannels;
  /** for activities that signal other workflows (ledger writes) */
  client: Client;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createCalendarActivities(deps.calendar),
    ...createNotificationActivities(deps.channels),
    ...createLedgerActivities(deps.client),
    /** Placeholder, replaced by the record module when it lands: accepts every batch, writes nothing. */
    async recordItem(_batch: ItemRecordBatch): Promise<void> {},
    /** Placeholder: replaced by the record module when it lands (it writes the batch to PostgreSQL). */
    async recordCase(_batch: CaseRecordBatch): Promise<void> {},
  };
}

export type Activities = ReturnType<typeof createActivities>;
