// 日历更新 through the real path on the time-skipping server: a manager PUTs next year's 放假安排 over
// HTTP, the API keeps it in the record and starts the rollout workflow, whose activity signals
// `calendarChanged` to every open item reaching into that year. Three items: one moved later by the
// loaded year, one whose plan never reaches the year (left alone), one whose first level was reached
// on the law-based estimate (kept, not repeated, both computations in its history).
//
// The year is the first one past the package's data (2027 with chinese-days 1.5.7) while the server's
// clock allows it; later, the years before it are loaded first so the office's coverage has no gap.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { CalendarService } from '../../activities/calendar/service';
import { createApp } from '../../api/app';
import { estimatedHolidays } from '../../domain/calendar/law';
import { buildCalendarData, packageYears, type OfficeYear } from '../../domain/calendar/official';
import { sliceCalendarData, WorkingCalendar } from '../../domain/calendar/working-calendar';
import { addDays, weekdayOf } from '../../domain/calendar/zoned-time';
import { itemWorkflowId } from '../../workflows/ids';
import { getItemState } from '../../workflows/messages';
import { calendarWindow } from '../../workflows/supervision/state';
import { formatLocal } from '../../workflows/format';
import type { Notice, SupervisionInput, SupervisionState } from '../../workflows/types';
import { TOKEN_ENTRIES, TOKENS } from '../helpers/api';
import { batchDeliverer } from '../helpers/deliveries';
import { drillPolicy, itemInput } from '../helpers/fixtures';
import { memoryRecord } from '../helpers/record';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { getItem } from '../../activities/record/store';

const TZ = 'Asia/Shanghai';
const REFERENCE = '国办发明电〔测试〕1号';

let env: TestWorkflowEnvironment;

beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});
afterAll(async () => {
  await (await memoryRecord()).close();
});

/** Local date (Asia/Shanghai) of an instant. */
const localDate = (iso: string) => formatLocal(iso, TZ).slice(0, 10);
const isWeekend = (d: string) => weekdayOf(d) === 0 || weekdayOf(d) === 6;

/** A year's arrangement as the office would type it: the law's days (with bridges), plus `extra`. */
function arrangement(year: number, extra: string[] = []) {
  const holidays = estimatedHolidays(year)
    .filter((d) => d.date.startsWith(`${year}-`))
    .map((d) => ({ date: d.date, name: d.name.split(',')[1]! }));
  for (const date of extra) holidays.push({ date, name: '元旦（调休）' });
  holidays.sort((a, b) => a.date.localeCompare(b.date));
  return { source: { reference: REFERENCE, publishedAt: `${year - 1}-11-04` }, holidays, workdays: [] };
}

async function waitFor(h: WorkflowHandle, pred: (s: SupervisionState) => boolean, what: string) {
  const until = Date.now() + 20_000;
  let s = await h.query(getItemState);
  while (!pred(s)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
    s = await h.query(getItemState);
  }
  return s;
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const end = Date.now() + 20_000;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Moves the server's clock to just after `at` (never back). */
async function advanceTo(at: number, slackMs = 1_000) {
  const delta = at - (await env.currentTimeMs()) + slackMs;
  if (delta > 0) await env.sleep(delta);
}

test('a loaded year re-plans the items reaching into it: moved later with a notice, untouched, a reached level kept', async () => {
  const record = await memoryRecord();
  const taskQueue = `rollout-${Math.random().toString(36).slice(2)}`;
  const notices: Notice[] = [];
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') }),
    activities: {
      ...createActivities({
        calendar: new WorkingCalendar(buildCalendarData()),
        channels: {},
        calendars: new CalendarService({ record, refreshMs: 0 }),
        record,
        client: env.client,
      }),
      deliverNotices: batchDeliverer(notices, 'delivered'),
    },
  });
  const calendars = new CalendarService({ record, refreshMs: 0 });
  const app = createApp({
    client: env.client,
    tokens: TOKEN_ENTRIES,
    taskQueue,
    timeZone: TZ,
    record,
    calendars,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${TOKENS.manager}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  try {
    await worker.runUntil(async () => {
      // The year: the first past the package while its preceding December is still ahead.
      const now = await env.currentTimeMs();
      const nowYear = new Date(now).getUTCFullYear();
      const firstOpen = packageYears().at(-1)! + 1;
      let year = Math.max(firstOpen, nowYear + 1);
      if (now > Date.parse(`${year - 1}-12-08T00:00:00Z`)) year += 1;
      for (let y = firstOpen; y < year; y++) {
        // gapless coverage up to the year under test (nothing is open yet: nothing to re-plan)
        expect((await call('PUT', `/v1/calendar/${y}`, arrangement(y))).status).toBe(200);
      }
      await advanceTo(Date.parse(`${year - 1}-12-01T01:00:00Z`), 0);

      const lawOnly = (await calendars.refresh()).data;
      const estimate = new WorkingCalendar(lawOnly);
      // The invented difference from the estimate: the first January weekday the law leaves working.
      let extra = `${year}-01-02`;
      while (isWeekend(extra) || lawOnly.holidays[extra]) extra = addDays(extra, 1);
      const loaded = new WorkingCalendar(
        buildCalendarData({
          officeYears: [
            ...Array.from({ length: year - firstOpen }, (_, i): OfficeYear => ({
              year: firstOpen + i,
              version: 1,
              ...arrangement(firstOpen + i),
            })),
            { year, version: 1, ...arrangement(year, [extra]) },
          ],
        }),
      );

      const assignedAt = new Date(await env.currentTimeMs()).toISOString();
      const deadlineOn = (cal: WorkingCalendar, workingDays: number) =>
        cal.computeDeadline({ from: assignedAt, due: { workingDays }, timeZone: TZ }).at;
      // the fewest working days whose estimated deadline falls on `date` or later
      const daysTo = (date: string) => {
        let n = 1;
        while (localDate(deadlineOn(estimate, n)) < date) n += 1;
        return n;
      };
      const moved = daysTo(addDays(extra, 7)); // after the invented day: one working day later
      const reached = daysTo(extra); // on the invented day itself: a holiday once loaded
      expect(localDate(deadlineOn(estimate, reached))).toBe(extra);

      const start = async (overrides: Partial<SupervisionInput>) => {
        const input = itemInput({ assignedAt, calendar: undefined, ...overrides });
        const { from, through } = calendarWindow(assignedAt, TZ);
        input.calendar = sliceCalendarData(lawOnly, from, through);
        const h = await env.client.workflow.start('supervisionItem', {
          workflowId: itemWorkflowId(input.itemId),
          taskQueue,
          args: [input],
        });
        const s = await waitFor(h, (x) => Boolean(x.schedule), 'the schedule');
        await until(() => getItem(record, input.itemId), Boolean, `${input.itemId} in the record`);
        return { h, s, id: input.itemId };
      };
      const a = await start({ due: { workingDays: moved } });
      // one working day and a drill ladder: the whole plan stays in December
      const b = await start({ due: { workingDays: 1 }, policy: drillPolicy });
      const c = await start({ due: { workingDays: reached } });
      expect(a.s.deadline?.calendar.estimatedYears).toEqual([year]);
      expect(c.s.deadline?.calendar.estimatedYears).toEqual([year]);
      expect(b.s.deadline?.calendar.estimatedYears).toBeUndefined();
      expect(b.s.schedule!.levels.every((l) => l.dueAt < `${year - 1}-12-31`)).toBe(true);

      // C's deadline passes on the estimate: its first urge is reached before the year is loaded
      await advanceTo(Date.parse(c.s.deadlineAt!));
      const cBefore = await waitFor(c.h, (x) => x.urgeCount === 1, "C's first urge");
      const urgedAt = cBefore.reminders[0]!.at;
      const aBefore = await a.h.query(getItemState);
      const bBefore = await waitFor(b.h, (x) => x.urgeCount === 2, "B's whole ladder");
      expect(aBefore.urgeCount).toBe(0);
      const noticesBefore = notices.length;

      // the manager loads the year over HTTP
      const put = await call('PUT', `/v1/calendar/${year}`, arrangement(year, [extra]));
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({
        year,
        basis: 'office',
        loadedVersion: 1,
        source: { reference: REFERENCE },
      });
      const rolloutId = (put.body.rollout as { workflowId: string }).workflowId;
      expect(rolloutId).toBe(`calendar-rollout-${year}-v1`);
      const rollout = env.client.workflow.getHandle(rolloutId);
      // polled, not awaited: awaiting a result lets the server skip time to the items' next timers
      await until(
        () => rollout.describe(),
        (d) => d.status.name !== 'RUNNING',
        'the rollout',
      );
      expect((await rollout.describe()).status.name).toBe('COMPLETED');

      const source = `日历更新：${year}年放假安排（${REFERENCE}）`;
      // A: one working day later, with the receipt entry, the new version and a notice to the unit
      const aAfter = await waitFor(
        a.h,
        (x) => x.history.some((l) => l.action === 'calendar_updated'),
        'A re-planned',
      );
      expect(aAfter.deadlineAt).toBe(deadlineOn(loaded, moved));
      expect(aAfter.deadlineAt! > aBefore.deadlineAt!).toBe(true);
      expect(aAfter.deadline!.calendar.version).toBe(loaded.version);
      expect(aAfter.deadline!.calendar.version).not.toBe(aBefore.deadline!.calendar.version);
      expect(aAfter.deadline!.calendar.estimatedYears).toBeUndefined();
      expect(aAfter.deadline!.receipt.adjustments.at(-1)).toMatchObject({
        kind: 'calendar',
        from: aBefore.deadlineAt,
        to: aAfter.deadlineAt,
        detail: expect.stringContaining(source),
      });
      expect(aAfter.history.at(-1)).toMatchObject({
        action: 'calendar_updated',
        detail: `${source}：办理期限由${formatLocal(aBefore.deadlineAt!, TZ)}改为${formatLocal(aAfter.deadlineAt!, TZ)}`,
      });
      const aNotice = await until(
        async () => notices.slice(noticesBefore).find((n) => n.itemId === a.id),
        Boolean,
        "A's notice",
      );
      expect(aNotice).toMatchObject({
        kind: 'item_event',
        subject: expect.stringContaining('办理期限调整'),
        leadUnit: { id: a.s.leadUnit.id },
        deadlineAt: aAfter.deadlineAt,
      });
      expect(aNotice!.recipients.length).toBeGreaterThan(0);

      // C: moved past the day it was urged on; the urge stays, once, and both computations show
      const cAfter = await waitFor(
        c.h,
        (x) => x.history.some((l) => l.action === 'calendar_updated'),
        'C re-planned',
      );
      expect(cAfter.deadlineAt).toBe(deadlineOn(loaded, reached));
      expect(cAfter.deadlineAt! > cBefore.deadlineAt!).toBe(true);
      expect(cAfter.urgeCount).toBe(1);
      expect(cAfter.reminders).toEqual(cBefore.reminders);
      // the reached level keeps the instant it was reached at
      expect(cAfter.schedule!.levels[0]!.dueAt).toBe(urgedAt);
      const cLines = cAfter.history.map((l) => l.action);
      expect(cLines.indexOf('calendar_updated')).toBeGreaterThan(cLines.lastIndexOf('urged'));
      expect(cAfter.history.find((l) => l.action === 'calendar_updated')!.detail).toBe(
        `${source}：办理期限由${formatLocal(cBefore.deadlineAt!, TZ)}改为${formatLocal(cAfter.deadlineAt!, TZ)}`,
      );
      expect(cAfter.deadline!.receipt.adjustments.at(-1)).toMatchObject({
        kind: 'calendar',
        from: cBefore.deadlineAt,
        to: cAfter.deadlineAt,
      });

      // B: its plan never reached the year; the rollout did not signal it
      const bAfter = await b.h.query(getItemState);
      expect(bAfter.history.some((l) => l.action === 'calendar_updated')).toBe(false);
      expect(bAfter.deadlineAt).toBe(bBefore.deadlineAt);
      expect(bAfter.deadline!.calendar.version).toBe(bBefore.deadline!.calendar.version);
      expect(notices.slice(noticesBefore).some((n) => n.itemId === b.id)).toBe(false);

      // past C's new deadline its first level does not come again; the second comes at its new instant
      await advanceTo(Date.parse(cAfter.deadlineAt!));
      const cLater = await c.h.query(getItemState);
      expect(cLater.urgeCount).toBe(1);
      await advanceTo(Date.parse(cAfter.schedule!.levels[1]!.dueAt));
      const cSecond = await waitFor(c.h, (x) => x.urgeCount === 2, "C's second urge");
      expect(cSecond.reminders[0]!.at).toBe(urgedAt);
      expect(cSecond.reminders[1]!.at >= cAfter.schedule!.levels[1]!.dueAt).toBe(true);

      // an item started without a calendar now (a case's rectification) fetches the loaded one
      const lateInput = itemInput({
        assignedAt: new Date(await env.currentTimeMs()).toISOString(),
        calendar: undefined,
        due: { workingDays: 3 },
        policy: drillPolicy,
      });
      const late = await env.client.workflow.start('supervisionItem', {
        workflowId: itemWorkflowId(lateInput.itemId),
        taskQueue,
        args: [lateInput],
      });
      const lateState = await waitFor(late, (x) => Boolean(x.deadline), 'the late item planned');
      expect(lateState.deadline!.calendar.version).toBe(loaded.version);
    });
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
});
