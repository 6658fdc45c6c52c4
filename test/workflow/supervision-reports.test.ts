// 汇报频次 on the time-skipping server: a missed progress report is reminded when its period ends
// and counts as an urge when still missing after the grace (S4 §四(五)1 逾期不报); a report filed
// in a period settles it. A drill cadence (an hour) keeps the skip short.
import { completeItem, submitReport } from '../../workflows/messages';
import type { Actor } from '../../workflows/types';
import { recordHistory } from '../helpers/histories';
import { itemHarness, useTimeSkipping } from '../helpers/item-harness';

const unit: Actor = { id: 'liaison-housing', role: 'unit', unit: 'u-housing' };
const manager: Actor = { id: 'manager-1', role: 'manager' };
const HOUR = 3_600_000;

const ts = useTimeSkipping();

test('a missed report: reminded at the period’s end, an urge an hour later; a report filed settles the next', async () => {
  const h = itemHarness(ts.env, ts.bundle);
  await h.run(async () => {
    const { handle, assignedAt, firstDueAt: p1 } = await h.startHourlyReporting();
    expect(Date.parse(p1) - Date.parse(assignedAt)).toBe(HOUR);

    await h.advanceTo(p1);
    let s = await h.waitFor(handle, (x) => Boolean(x.reporting?.remindedAt), 'the reminder');
    expect(s.urgeCount).toBe(0);
    await h.waitFor(handle, () => h.notices.some((n) => n.reason === 'missed_report'), 'the reminder notice');
    expect(h.notices.find((n) => n.reason === 'missed_report')?.subject).toMatch(/^进展情况报送提醒/);

    await h.advanceTo(s.reporting!.graceUntil!);
    s = await h.waitFor(handle, (x) => x.urgeCount === 1, 'the urge for the missed report');
    expect(s.reminders[0]).toMatchObject({ level: 1, reason: 'missed_report' });
    // the next period runs a whole hour from the urge
    expect(s.reporting).toMatchObject({ period: 2, from: s.reminders[0]!.at, missed: 1 });
    await h.waitFor(handle, () => h.notices.some((n) => n.kind === 'urge'), 'the urge notice');
    expect(h.notices.find((n) => n.kind === 'urge')).toMatchObject({ reason: 'missed_report', level: 1 });

    // period 2 is reported in time: it closes without a reminder
    await handle.executeUpdate(submitReport, {
      args: [{ kind: 'progress', summary: '已完成排查', actor: unit }],
    });
    const p2 = s.reporting!.dueAt;
    await h.advanceTo(p2);
    s = await h.waitFor(handle, (x) => x.reporting?.period === 3, 'the third period');
    expect(s.reporting?.remindedAt).toBeUndefined();
    expect(s.urgeCount).toBe(1);
    expect(h.notices.filter((n) => n.reason === 'missed_report' && n.kind === 'item_event')).toHaveLength(1);

    await handle.executeUpdate(completeItem, { args: [{ actor: manager }] });
    const final = await h.closed(handle);
    await recordHistory(handle, 'supervision-missed-report');
    for (const id of final.caseIds)
      await ts.env.client.workflow.getHandle(`case-${id}`).terminate('test done');
  });
});
