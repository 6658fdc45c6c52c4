// The units' side of an item on the time-skipping server: the 交办通知 that tells the lead unit and
// every assisting unit (协办单位) what they have, when and by when (held for office hours like an
// urge), again to the new lead unit after a 退回交办; and 汇报频次 across a pause (S4 §三(一)): a
// paused item owes no progress report, on resume the interrupted period has the time it had left.
import { officialCalendar } from '../../domain/calendar/official';
import { DEFAULT_OFFICE_HOURS } from '../../domain/calendar/office-hours';
import { addDays, localDateOf, zonedInstant } from '../../domain/calendar/zoned-time';
import { formatLocal } from '../../workflows/format';
import {
  completeItem,
  declineItem,
  pauseItem,
  reassignItem,
  resumeItem,
  submitReport,
} from '../../workflows/messages';
import type { Actor, AssistingUnit } from '../../workflows/types';
import { itemInput, preset } from '../helpers/fixtures';
import { recordHistory } from '../helpers/histories';
import { itemHarness, useTimeSkipping } from '../helpers/item-harness';

const TZ = 'Asia/Shanghai';
const unit: Actor = { id: 'liaison-housing', role: 'unit', unit: 'u-housing' };
const staff: Actor = { id: 'staff-1', role: 'staff' };
const manager: Actor = { id: 'manager-1', role: 'manager' };
const HOUR = 3_600_000;

const assisting = (): AssistingUnit[] => [
  {
    id: 'u-water',
    name: '市水务局',
    duty: '排查片区供水管网',
    due: { workingDays: 3 },
    liaison: { id: 'p-water', name: '周联络', email: 'liaison@water.example' },
  },
  { id: 'u-finance', name: '市财政局', duty: '落实改造资金', liaison: { id: 'p-finance', name: '吴联络' } },
];

const ts = useTimeSkipping();

test('交办通知: one notice to the lead unit’s people and each assisting unit’s liaison with its duty and own due; a reassignment tells the new lead unit', async () => {
  const h = itemHarness(ts.env, ts.bundle);
  await h.run(async () => {
    const assignedAt = new Date(await ts.env.currentTimeMs()).toISOString();
    const policy = { ...preset(), acknowledgeWithin: { workingDays: 1 } };
    const handle = await h.start(
      itemInput({
        assignedAt,
        due: { workingDays: 10 },
        policy,
        acknowledgeWithin: policy.acknowledgeWithin,
        assistingUnits: assisting(),
        reportEvery: { workingDays: 5 },
      }),
    );
    const s0 = await h.waitFor(handle, (x) => Boolean(x.acknowledgement), 'the item');
    await h.waitFor(handle, (x) => x.notices.length === 1, 'the assignment notice recorded');
    expect(h.notices).toHaveLength(1);
    const n = h.notices[0]!;
    expect(n).toMatchObject({
      key: `${s0.id}:assigned`,
      kind: 'assignment',
      subject: `督办事项交办：${s0.title}`,
      leadUnit: { id: 'u-housing', name: '市住建局' },
      deadlineAt: s0.deadlineAt,
    });
    expect(n.recipients.map((r) => [r.id, r.role])).toEqual([
      ['p-liaison', 'liaison'],
      ['p-chief', 'principal'],
      ['p-deputy', 'in_charge'],
      ['p-clerk', 'direct'],
      ['p-water', 'assisting_liaison'],
      ['p-finance', 'assisting_liaison'],
    ]);
    const waterDue = formatLocal(s0.assistingUnits[0]!.dueAt!, TZ);
    expect(n.body).toContain('牵头单位：市住建局');
    expect(n.body).toContain(`市水务局（协办事项：排查片区供水管网，请于${waterDue}前完成并报送协办情况）`);
    expect(n.body).toContain('市财政局（协办事项：落实改造资金）');
    expect(n.body).toContain(`第1期进展情况请于${formatLocal(s0.reporting!.dueAt, TZ)}前报送`);
    expect(n.next).toContain(`请于${formatLocal(s0.acknowledgement!.dueAt, TZ)}前签收`);
    expect(n.next).toContain(`请于${formatLocal(s0.deadlineAt!, TZ)}前办结`);

    // 退回交办, then 重新交办: the new lead unit gets the assignment notice (not a bare item event)
    await handle.executeUpdate(declineItem, { args: [{ reason: '该事项属市政部门职责', actor: unit }] });
    await h.waitFor(handle, (x) => x.notices.length === 2, 'the office told of the decline');
    await handle.executeUpdate(reassignItem, {
      args: [
        {
          leadUnit: { id: 'u-city', name: '市城管局', liaison: { id: 'p-city', name: '郑联络' } },
          responsible: { principal: { id: 'p-city-chief', name: '钱局长' } },
          actor: staff,
        },
      ],
    });
    const s1 = await h.waitFor(handle, (x) => x.notices.length === 3, 'the reassignment notice recorded');
    const again = h.notices[2]!;
    expect(again).toMatchObject({
      key: `${s0.id}:d1:assigned`,
      kind: 'assignment',
      leadUnit: { id: 'u-city', name: '市城管局' },
      deadlineAt: s1.deadlineAt,
    });
    expect(again.recipients.map((r) => r.id)).toEqual(['p-city', 'p-city-chief', 'p-water', 'p-finance']);
    expect(again.body).toMatch(/^市住建局退回交办，重新交办给市城管局/);
    expect(again.next).toContain(`请于${formatLocal(s1.acknowledgement!.dueAt, TZ)}前签收`);
    expect(h.notices.map((x) => x.kind)).toEqual(['assignment', 'item_event', 'assignment']);
    expect(new Set(h.notices.map((x) => x.key)).size).toBe(3);

    await handle.executeUpdate(completeItem, { args: [{ actor: manager }] });
    await h.closed(handle);
    await recordHistory(handle, 'supervision-assignment-notice');
  });
});

test('交办通知 after office hours waits for 09:00 of the next working day; the item itself starts at once', async () => {
  const calendar = officialCalendar();
  const h = itemHarness(ts.env, ts.bundle);
  await h.run(async () => {
    // 20:00 on a working day some days ahead
    let day = addDays(localDateOf(await ts.env.currentTimeMs(), TZ), 2);
    while (!calendar.isWorkingDay(day)) day = addDays(day, 1);
    let next = addDays(day, 1);
    while (!calendar.isWorkingDay(next)) next = addDays(next, 1);
    const evening = new Date(zonedInstant(day, { hour: 20, minute: 0, second: 0, millisecond: 0 }, TZ));
    const opening = new Date(zonedInstant(next, { hour: 9, minute: 0, second: 0, millisecond: 0 }, TZ));
    await h.advanceTo(evening.toISOString(), 0);

    const handle = await h.start(
      itemInput({
        assignedAt: new Date(await ts.env.currentTimeMs()).toISOString(),
        officeHours: DEFAULT_OFFICE_HOURS,
        assistingUnits: assisting(),
      }),
    );
    const s0 = await h.waitFor(handle, (x) => x.heldNotices?.length === 1, 'the held assignment notice');
    expect(s0.heldNotices![0]).toMatchObject({ kind: 'assignment', deliverAt: opening.toISOString() });
    expect(s0.history.map((l) => l.action)).toEqual(['created']);

    await h.advanceTo(opening.toISOString(), -60_000);
    expect(h.notices).toEqual([]);
    await h.advanceTo(opening.toISOString());
    await h.waitFor(handle, (x) => x.notices.length === 1, 'the assignment notice delivered');
    expect(h.notices.map((n) => [n.kind, n.deliverAt])).toEqual([['assignment', opening.toISOString()]]);
    expect(Date.parse(h.notices[0]!.at)).toBeLessThan(opening.getTime());

    await handle.executeUpdate(completeItem, { args: [{ actor: manager }] });
    await h.closed(handle);
  });
});

test('汇报频次 across a pause: nothing is owed while paused, and on resume the period has exactly the time it had left', async () => {
  const h = itemHarness(ts.env, ts.bundle);
  await h.run(async () => {
    const { handle, assignedAt, firstDueAt: p1 } = await h.startHourlyReporting();

    await h.advanceTo(new Date(Date.parse(assignedAt) + HOUR / 4).toISOString(), 0);
    const paused = await handle.executeUpdate(pauseItem, { args: [{ reason: '台风停工', actor: manager }] });
    // three periods' worth of time pass while paused: no reminder, no urge
    await h.advanceTo(new Date(Date.parse(p1) + 3 * HOUR).toISOString());
    let s = await h.query(handle);
    expect(s).toMatchObject({ status: 'paused', urgeCount: 0 });
    expect(s.reporting).toMatchObject({ period: 1, dueAt: p1 });
    expect(s.reporting?.remindedAt).toBeUndefined();

    await handle.executeUpdate(resumeItem, { args: [{ reason: '恢复施工', actor: manager }] });
    s = await h.query(handle);
    const resumedAt = Date.parse(s.history.find((l) => l.action === 'resumed')!.at);
    const left = Date.parse(p1) - Date.parse(paused.pausedAt);
    // the period keeps the (about 45) minutes it had left, counted from the resume
    expect(left).toBeGreaterThan(HOUR / 2);
    expect(left).toBeLessThanOrEqual((3 * HOUR) / 4);
    expect(s.reporting).toMatchObject({ period: 1, from: assignedAt });
    expect(Date.parse(s.reporting!.dueAt)).toBe(resumedAt + left);
    expect(s.reporting?.remindedAt).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1_000)); // the worker ran what the resume released: nothing
    expect((await h.query(handle)).reporting?.remindedAt).toBeUndefined();
    expect(h.notices.filter((n) => n.reason === 'missed_report')).toEqual([]);

    await h.advanceTo(s.reporting!.dueAt, -60_000);
    expect((await h.query(handle)).reporting?.remindedAt).toBeUndefined();
    await h.advanceTo(s.reporting!.dueAt);
    s = await h.waitFor(handle, (x) => Boolean(x.reporting?.remindedAt), 'the reminder at the moved end');
    expect(Date.parse(s.reporting!.remindedAt!)).toBeGreaterThanOrEqual(Date.parse(s.reporting!.dueAt));
    await h.waitFor(handle, () => h.notices.some((n) => n.reason === 'missed_report'), 'the reminder notice');
    expect(h.notices.filter((n) => n.reason === 'missed_report')).toHaveLength(1);

    // reported late within the grace: the next period runs from the moved end
    await handle.executeUpdate(submitReport, {
      args: [{ kind: 'progress', summary: '复工后已完成排查', actor: unit }],
    });
    s = await h.query(handle);
    expect(s.reporting).toMatchObject({ period: 2, missed: 0 });
    expect(s.urgeCount).toBe(0);

    await handle.executeUpdate(completeItem, { args: [{ actor: manager }] });
    await h.closed(handle);
    await recordHistory(handle, 'supervision-reporting-paused');
  });
});
