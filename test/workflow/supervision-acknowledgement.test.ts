// 签收 and 退回交办 on the time-skipping server: the reminder once at the due instant (领办逾期), a late
// 签收, a decline that holds every timer until the office reassigns, and the clock restarting then.
import {
  acknowledgeItem,
  completeItem,
  declineItem,
  reassignItem,
  submitReport,
} from '../../workflows/messages';
import type { Actor } from '../../workflows/types';
import { itemInput, preset } from '../helpers/fixtures';
import { recordHistory } from '../helpers/histories';
import { itemHarness, useTimeSkipping, refusal } from '../helpers/item-harness';

const unit: Actor = { id: 'liaison-housing', role: 'unit', unit: 'u-housing' };
const water: Actor = { id: 'liaison-water', role: 'unit', unit: 'u-water' };
const staff: Actor = { id: 'staff-1', role: 'staff' };
const manager: Actor = { id: 'manager-1', role: 'manager' };

const ts = useTimeSkipping();

const askingPolicy = () => ({ ...preset(), acknowledgeWithin: { workingDays: 1 } });

test('签收 late: one reminder at the due instant (领办逾期), the deadline unmoved; a second 签收 is refused', async () => {
  const h = itemHarness(ts.env, ts.bundle);
  await h.run(async () => {
    const assignedAt = new Date(await ts.env.currentTimeMs()).toISOString();
    const policy = askingPolicy();
    const handle = await h.start(
      itemInput({ assignedAt, due: { workingDays: 5 }, policy, acknowledgeWithin: policy.acknowledgeWithin }),
    );
    const s0 = await h.waitFor(handle, (x) => Boolean(x.acknowledgement), 'the 签收 due');
    expect(s0.status).toBe('awaiting_acknowledgement');
    const dueAt = s0.acknowledgement!.dueAt;
    expect(Date.parse(dueAt)).toBeLessThan(Date.parse(s0.schedule!.warningAt!));

    await h.advanceTo(dueAt, -60_000);
    expect((await h.query(handle)).acknowledgement?.remindedAt).toBeUndefined();
    await h.advanceTo(dueAt);
    const s1 = await h.waitFor(handle, (x) => Boolean(x.acknowledgement?.remindedAt), 'the 签收 reminder');
    expect(s1.history.map((l) => l.action)).toContain('acknowledgement_overdue');
    expect(s1.deadlineAt).toBe(s0.deadlineAt);
    expect(s1.status).toBe('awaiting_acknowledgement');
    await h.waitFor(
      handle,
      () => h.notices.some((n) => n.subject.startsWith('签收提醒')),
      'the reminder notice',
    );

    const ack = await handle.executeUpdate(acknowledgeItem, { args: [{ actor: unit }] });
    expect(ack.status).toBe('open');
    expect(ack.acknowledgement).toMatchObject({ late: true, by: unit.id });
    const again = await refusal(handle.executeUpdate(acknowledgeItem, { args: [{ actor: staff }] }));
    expect(again.type).toBe('InvalidState');
    expect(again.message).toContain('不能重复签收');
    // reminded once only: nothing more about 签收 however long it runs up to the warning
    await h.advanceTo((await h.query(handle)).schedule!.warningAt!);
    await h.waitFor(handle, (x) => x.status === 'warning', 'the warning');
    expect(h.notices.filter((n) => n.subject.startsWith('签收提醒'))).toHaveLength(1);

    await handle.executeUpdate(completeItem, { args: [{ actor: manager }] });
    const final = await h.closed(handle);
    expect(final.acknowledgement?.late).toBe(true);
    // the record holds the 签收 as it happened
    const set = h.batches.flatMap((b) => (b.set?.acknowledgement ? [b.set.acknowledgement] : []));
    expect(set.at(-1)).toMatchObject({ late: true });
    await recordHistory(handle, 'supervision-acknowledged-late');
  });
});

test('退回交办: nothing fires while the office decides; reassigned, the clock restarts and the new unit owes 签收', async () => {
  const h = itemHarness(ts.env, ts.bundle);
  await h.run(async () => {
    const assignedAt = new Date(await ts.env.currentTimeMs()).toISOString();
    const policy = askingPolicy();
    const handle = await h.start(
      itemInput({ assignedAt, due: { workingDays: 5 }, policy, acknowledgeWithin: policy.acknowledgeWithin }),
    );
    const s0 = await h.waitFor(handle, (x) => Boolean(x.acknowledgement), 'the 签收 due');
    const declined = await handle.executeUpdate(declineItem, {
      args: [{ reason: '该事项属水务部门职责', actor: unit }],
    });
    expect(declined).toMatchObject({
      status: 'declined',
      decline: { id: 'd1', reason: '该事项属水务部门职责' },
    });
    const refused = await refusal(
      handle.executeUpdate(submitReport, { args: [{ kind: 'progress', summary: 'x', actor: unit }] }),
    );
    expect(refused.message).toBe('事项已退回交办，待督查室重新交办或撤销');
    await h.waitFor(handle, () => h.notices.some((n) => n.subject.startsWith('退回交办')), 'the office told');

    // a week past the old deadline: no 签收 reminder, no warning, no urge
    await h.advanceTo(new Date(Date.parse(s0.deadlineAt!) + 7 * 86_400_000).toISOString());
    let s = await h.query(handle);
    expect(s).toMatchObject({ status: 'declined', urgeCount: 0 });
    expect(s.warnedAt).toBeUndefined();
    expect(s.acknowledgement?.remindedAt).toBeUndefined();

    const same = await refusal(
      handle.executeUpdate(reassignItem, {
        args: [{ leadUnit: { id: 'u-housing', name: '市住建局' }, actor: staff }],
      }),
    );
    expect(same.message).toBe('不能重新交办给退回交办的原承办单位（市住建局）');
    const reassignedAt = await ts.env.currentTimeMs();
    const r = await handle.executeUpdate(reassignItem, {
      args: [
        {
          leadUnit: { id: 'u-water', name: '市水务局', liaison: { id: 'p-water', name: '周联络' } },
          responsible: { principal: { id: 'p-water-chief', name: '孙局长' } },
          actor: staff,
        },
      ],
    });
    expect(r.status).toBe('awaiting_acknowledgement');
    expect(Date.parse(r.deadlineAt!)).toBeGreaterThan(reassignedAt + 86_400_000);
    s = await h.query(handle);
    expect(s.leadUnit.id).toBe('u-water');
    // the deadline counts from the reassignment, and its receipt says so
    expect(Date.parse(s.deadline!.receipt.assignedAt)).toBeGreaterThanOrEqual(reassignedAt);
    expect(s.deadline?.receipt.adjustments.map((a) => a.kind)).toEqual(['reassignment']);
    expect(Date.parse(s.acknowledgement!.since)).toBeGreaterThanOrEqual(reassignedAt);
    expect(s.acknowledgement?.unit.id).toBe('u-water');

    await handle.executeUpdate(acknowledgeItem, { args: [{ actor: water }] });
    // the new deadline comes and its first urge with it, to the new unit's people
    await h.advanceTo(s.deadlineAt!);
    s = await h.waitFor(handle, (x) => x.urgeCount === 1, 'the first urge after reassignment');
    const urge = h.notices.find((n) => n.kind === 'urge')!;
    expect(urge.leadUnit).toEqual({ id: 'u-water', name: '市水务局' });
    expect(urge.recipients.map((x) => x.id)).toEqual(['p-water', 'p-water-chief']);
    s = await h.waitFor(handle, (x) => x.caseIds.length === 1, 'the first level case');

    await handle.executeUpdate(completeItem, { args: [{ actor: manager }] });
    const final = await h.closed(handle);
    expect(final.declines?.[0]?.reassigned?.leadUnit.id).toBe('u-water');
    // the record's lead unit follows the reassignment
    expect(h.batches.some((b) => (b.set?.leadUnit as { id?: string } | undefined)?.id === 'u-water')).toBe(
      true,
    );
    await recordHistory(handle, 'supervision-declined-reassigned');
    for (const id of final.caseIds)
      await ts.env.client.workflow.getHandle(`case-${id}`).terminate('test done');
  });
});
