// A small period of items for the overview: two units, every kind of outcome, one case with a
// measure executed and one revoked, and items just outside the period on both sides.
import { applyCaseBatch, applyItemBatch } from '../../activities/record/store';
import type { Db } from '../../activities/record/db';
import { POLICY_PRESETS } from '../../domain/policies';
import type { ItemRecordBatch } from '../../domain/record';
import { caseBatch, itemBatch, measure } from './fixtures';

export const PERIOD = { from: '2026-02-28T16:00:00.000Z', to: '2026-03-31T16:00:00.000Z' }; // March, Shanghai
export const NOW = '2026-04-10T02:00:00.000Z';

const unitB = { id: 'unit-b', name: '乙局' };
const returnedReport = {
  id: 'r1',
  kind: 'final',
  summary: '已完成',
  at: '2026-03-19T02:00:00.000Z',
  by: 'liaison',
  review: { decision: 'return', comment: '材料不全', at: '2026-03-19T08:00:00.000Z', by: 'director' },
};

function item(
  id: string,
  created: Record<string, unknown>,
  summary: Partial<ItemRecordBatch['summary']>,
): ItemRecordBatch {
  const b = itemBatch(id, 1, {}, created);
  return { ...b, summary: { ...b.summary, ...summary } };
}

export async function seedPeriod(db: Db): Promise<void> {
  const batches = [
    item(
      'i1',
      { assignedAt: '2026-03-02T01:00:00.000Z', title: '推进城东片区征迁' },
      {
        status: 'completed',
        deadlineAt: '2026-03-20T15:59:59.999Z',
        completedAt: '2026-03-18T03:00:00.000Z',
      },
    ),
    item(
      'i2',
      {
        assignedAt: '2026-03-03T01:00:00.000Z',
        title: '整治老旧小区供水',
        reports: [returnedReport],
        assistingUnits: [unitB],
      },
      {
        status: 'completed',
        deadlineAt: '2026-03-20T15:59:59.999Z',
        completedAt: '2026-03-25T03:00:00.000Z',
        urgeCount: 1,
      },
    ),
    item(
      'i3',
      {
        assignedAt: '2026-03-05T01:00:00.000Z',
        title: '督办重点项目开工',
        leadUnit: unitB,
        source: { kind: 'document', reference: '丽政办〔2026〕3号' },
        // what the letter reads: the deadline's receipt, the urges reached, the policy's ladder
        responsible: { principal: { id: 'p2', name: '李四' } },
        deadline: {
          at: '2026-03-30T15:59:59.999Z',
          localDate: '2026-03-30',
          receipt: {
            rule: '15个工作日（不含交办当日）',
            summary: '自2026-03-06起计15个工作日，至2026-03-30止',
          },
        },
        reminders: [
          {
            level: 1,
            name: '第一次催办',
            at: '2026-03-31T01:00:00.000Z',
            reason: 'deadline',
            notice: { by: '市政府督查室' },
            measures: [{ code: 'admonition_talk' }, { code: 'disqualify_awards' }],
          },
          {
            level: 2,
            name: '第二次催办',
            at: '2026-04-03T01:00:00.000Z',
            reason: 'interval',
            notice: { by: '市政府办公室' },
            measures: [{ code: 'written_self_criticism' }, { code: 'public_criticism' }],
          },
        ],
        policyDetail: POLICY_PRESETS['three-urges'],
      },
      {
        status: 'overdue',
        light: 'red',
        deadlineAt: '2026-03-30T15:59:59.999Z',
        urgeCount: 2,
        caseIds: ['c1'],
      },
    ),
    item(
      'i4',
      { assignedAt: '2026-03-28T01:00:00.000Z', leadUnit: unitB, source: { kind: 'document' } },
      {
        deadlineAt: '2026-05-01T15:59:59.999Z',
      },
    ),
    item(
      'i5',
      { assignedAt: '2026-03-10T01:00:00.000Z' },
      {
        status: 'cancelled',
        cancelledAt: '2026-03-11T01:00:00.000Z',
      },
    ),
    // the day before the period and the first day after it, in Shanghai
    item('i6', { assignedAt: '2026-02-28T15:59:59.000Z' }, { deadlineAt: '2026-03-10T15:59:59.999Z' }),
    item('i7', { assignedAt: '2026-03-31T16:00:00.000Z' }, { deadlineAt: '2026-04-01T15:59:59.999Z' }),
  ];
  for (const b of batches) await applyItemBatch(db, b);
  const c = caseBatch('c1', 1, {
    ledger: [
      measure('m1', { decidedAt: '2026-03-31T02:00:00.000Z', date: '2026-03-31' }),
      measure('m2', { code: 'admonition_talk', status: 'revoked', revokedAt: '2026-04-02T02:00:00.000Z' }),
    ],
  });
  await applyCaseBatch(db, {
    ...c,
    summary: { ...c.summary, itemId: 'i3', subjectIds: ['p1'], openedAt: '2026-03-31T01:00:00.000Z' },
  });
}
