// Batches as a workflow would send them, for the record tests.
import type { CaseRecordBatch, ItemRecordBatch, LedgerRow } from '../../domain/record';

export function itemCreated(id: string, over: Record<string, unknown> = {}) {
  return {
    id,
    title: `事项 ${id}`,
    description: '按时完成',
    source: { kind: 'leader_instruction', reference: '批示〔2026〕1号' },
    leadUnit: { id: 'unit-a', name: '甲局' },
    assistingUnits: [] as { id: string; name: string }[],
    responsible: { principal: { id: 'p1', name: '张三' } },
    assignedAt: '2026-03-02T01:00:00.000Z',
    policy: 'three-urges',
    status: 'open',
    reports: [],
    history: [],
    ...over,
  };
}

export function itemBatch(
  id: string,
  revision: number,
  over: Partial<ItemRecordBatch> = {},
  created?: Record<string, unknown>,
): ItemRecordBatch {
  return {
    itemId: id,
    revision,
    created: revision === 1 ? (itemCreated(id, created) as ItemRecordBatch['created']) : undefined,
    summary: { status: 'open', light: 'green', urgeCount: 0, deliveryFailures: 0, caseIds: [] },
    events: [
      {
        key: `e${revision}`,
        at: `2026-03-02T01:00:0${revision % 10}.000Z`,
        by: 'staff',
        action: `step ${revision}`,
      },
    ],
    ...over,
  };
}

export function measure(id: string, over: Partial<LedgerRow> = {}): LedgerRow {
  return {
    measureId: id,
    subjectKind: 'person',
    subjectId: 'p1',
    subjectName: '张三',
    unitId: 'unit-a',
    code: 'public_criticism',
    status: 'executed',
    decidedBy: 'manager',
    decidedAt: '2026-04-01T02:00:00.000Z',
    executedAt: '2026-04-01T02:00:00.000Z',
    date: '2026-04-01',
    ...over,
  };
}

export function caseBatch(
  id: string,
  revision: number,
  over: Partial<CaseRecordBatch> = {},
): CaseRecordBatch {
  return {
    caseId: id,
    revision,
    created:
      revision === 1
        ? { id, subjects: [{ kind: 'person', id: 'p1', name: '张三' }], source: { kind: 'escalation' } }
        : undefined,
    summary: {
      stage: 'decision',
      procedure: 'summary',
      itemId: 'item-1',
      level: 1,
      subjectIds: ['p1'],
      openedAt: '2026-04-01T01:00:00.000Z',
    },
    events: [
      { key: `c${revision}`, at: '2026-04-01T01:00:00.000Z', by: 'system', action: `case step ${revision}` },
    ],
    ...over,
  };
}
