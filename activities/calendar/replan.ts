// After the office loads a year's 放假安排: every open item whose plan reaches into that year gets
// the calendar in force (its own slice) by signal, and re-plans on it. Heartbeats the position, so
// a retried attempt goes on where the last one stopped; a signal sent twice changes nothing (the
// item compares calendar versions).
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { sliceCalendarData } from '../../domain/calendar/working-calendar';
import { itemWorkflowId } from '../../workflows/ids';
import { calendarChanged } from '../../workflows/messages';
import { calendarWindow } from '../../workflows/supervision/state';
import type { Db } from '../record/db';
import { openItemsTouchingYear } from '../record/store';
import { CalendarService } from './service';

export interface ReplanRequest {
  year: number;
  version: number;
  reference: string;
}

export function createReplanActivities(deps: { record: Db; client?: Client; calendars?: CalendarService }) {
  return {
    async replanItemsForYear(req: ReplanRequest): Promise<{ items: number; signalled: number }> {
      if (!deps.client) throw new Error('replanItemsForYear needs a Temporal client');
      const client = deps.client;
      // the worker's service keeps the overrides file too; a bare one only the package and the record
      const calendar = await (deps.calendars ?? new CalendarService({ record: deps.record })).refresh();
      const items = await openItemsTouchingYear(deps.record, req.year);
      const info = Context.current().info;
      let i = Number(info.heartbeatDetails ?? 0) || 0;
      let signalled = 0;
      for (; i < items.length; i++) {
        const item = items[i]!;
        const { from, through } = calendarWindow(item.assignedAt, item.timeZone);
        try {
          await client.workflow.getHandle(itemWorkflowId(item.id)).signal(calendarChanged, {
            calendar: sliceCalendarData(calendar.data, from, through),
            year: req.year,
            version: req.version,
            reference: req.reference,
          });
          signalled += 1;
        } catch (err) {
          // closed since the record was read: nothing to re-plan
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
        Context.current().heartbeat(i + 1);
      }
      return { items: items.length, signalled };
    },
  };
}
