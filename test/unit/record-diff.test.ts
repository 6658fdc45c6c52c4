// The record batch a workflow derives from two views of its own state.
import { mergeChanges, recordChanges, type DiffOptions } from '../../workflows/shared/record-diff';

const options: DiffOptions = {
  collections: {
    reports: (r: { id: string }) => r.id,
    reminders: (r: { level: number; stage?: string }) => `${r.stage ?? ''}:L${r.level}`,
  },
  skip: ['live'],
};

const base = {
  id: 'i1',
  status: 'open',
  deadlineAt: '2026-10-23T15:59:59.999Z',
  reports: [] as { id: string; summary: string; review?: string }[],
  reminders: [] as { level: number; stage?: string }[],
  history: [{ at: 't0', by: 'staff', action: 'created', seq: 1 }],
  live: 'never written',
};

test('the first batch creates the whole view, collection entries with ids, and its history', () => {
  const c = recordChanges(undefined, { ...base, reminders: [{ level: 1 }] }, 1, options)!;
  expect(c.revision).toBe(1);
  expect(c.created).toMatchObject({ id: 'i1', status: 'open', reminders: [{ id: ':L1', level: 1 }] });
  expect(c.created).not.toHaveProperty('history');
  expect(c.created).not.toHaveProperty('live');
  expect(c.events).toEqual([{ key: 'h1', at: 't0', by: 'staff', action: 'created' }]);
});

test('later batches carry only what changed', () => {
  const next = {
    ...base,
    status: 'under_review',
    reports: [{ id: 'r1', summary: '已完成' }],
    history: [...base.history, { at: 't1', by: 'unit', action: 'final_report', detail: '已完成', seq: 2 }],
    live: 'changed but skipped',
  };
  const c = recordChanges(base, next, 2, options)!;
  expect(c).toEqual({
    revision: 2,
    set: { status: 'under_review' },
    upsert: { reports: [{ id: 'r1', summary: '已完成' }] },
    events: [{ key: 'h2', at: 't1', by: 'unit', action: 'final_report', detail: '已完成' }],
  });
  // A changed entry is sent again whole; an unchanged one is not.
  const reviewed = { ...next, reports: [{ id: 'r1', summary: '已完成', review: 'accept' }] };
  expect(recordChanges(next, reviewed, 3, options)?.upsert).toEqual({
    reports: [{ id: 'r1', summary: '已完成', review: 'accept' }],
  });
});

test('a field that disappears is written as null; no change is no batch', () => {
  const paused = { ...base, pausedAt: 't2' };
  expect(recordChanges(paused, base, 4, options)?.set).toEqual({ pausedAt: null });
  expect(recordChanges(base, { ...base, live: 'x' }, 5, options)).toBeUndefined();
});

test('history is matched by seq, so a compacted history after continue-as-new diffs right', () => {
  const long = {
    ...base,
    history: Array.from({ length: 5 }, (_, i) => ({ at: `t${i}`, by: 's', action: 'a', seq: i + 1 })),
  };
  const compacted = { ...long, history: long.history.slice(-2) };
  const next = { ...compacted, history: [...compacted.history, { at: 't5', by: 's', action: 'b', seq: 6 }] };
  expect(recordChanges(compacted, next, 7, options)?.events.map((e) => e.key)).toEqual(['h6']);
});

test('merged batches write a run of steps in one call', () => {
  const first = recordChanges(undefined, base, 1, options)!;
  const s2 = {
    ...base,
    status: 'warning',
    history: [...base.history, { at: 't1', by: 'system', action: 'warned', seq: 2 }],
  };
  const second = recordChanges(base, s2, 2, options)!;
  const s3 = { ...s2, reports: [{ id: 'r1', summary: 's' }], pausedAt: undefined };
  const third = recordChanges(s2, s3, 3, options)!;
  // Still unwritten creation: later changes fold into what is created.
  const all = mergeChanges(mergeChanges(first, second), third);
  expect(all.revision).toBe(3);
  expect(all.created).toMatchObject({ status: 'warning', reports: [{ id: 'r1', summary: 's' }] });
  expect(all.events.map((e) => e.key)).toEqual(['h1', 'h2']);
  // Already created: sets and upserts merge, later wins.
  const a = mergeChanges(second, {
    revision: 4,
    set: { status: 'overdue' },
    upsert: { reports: [{ id: 'r1', x: 1 }] },
    events: [],
  });
  expect(a).toEqual({
    revision: 4,
    set: { status: 'overdue' },
    upsert: { reports: [{ id: 'r1', x: 1 }] },
    events: second.events,
  });
});

describe('delivery rows carried in the batch (deliveries-in-record-batch)', () => {
  const urge = {
    key: 'i1:L1:urge',
    kind: 'urge' as const,
    subject: '第一次催办：老旧小区改造',
    at: '2026-10-24T01:00:00.000Z',
    recipients: ['liaison'],
    deliveries: [
      { channel: 'email' as const, status: 'not_configured' as const },
      { channel: 'webhook' as const, status: 'delivered' as const, recipients: 1 },
    ],
  };
  const withNotices = { ...base, notices: [] as (typeof urge)[] };
  const delivered = { ...withNotices, notices: [urge] };
  const carrying: DiffOptions = { ...options, skip: ['live', 'notices'], deliveries: { itemId: 'i1' } };

  test('a delivery that changed nothing else is a batch of its own, one row per channel', () => {
    const c = recordChanges(withNotices, delivered, 2, carrying)!;
    expect(c).toEqual({
      revision: 2,
      events: [],
      deliveries: [
        {
          noticeKey: urge.key,
          channel: 'email',
          itemId: 'i1',
          kind: 'urge',
          subject: urge.subject,
          status: 'skipped',
          attempts: 1,
          at: urge.at,
        },
        {
          noticeKey: urge.key,
          channel: 'webhook',
          itemId: 'i1',
          kind: 'urge',
          subject: urge.subject,
          status: 'delivered',
          attempts: 1,
          at: urge.at,
        },
      ],
    });
    // the notices themselves stay out of the view
    expect(c.set).toBeUndefined();
    // what the record already has is not carried again
    expect(
      recordChanges(delivered, { ...delivered, status: 'overdue' }, 3, carrying)?.deliveries,
    ).toBeUndefined();
  });

  test('without the option (runs before the patch) a delivery writes no batch', () => {
    expect(
      recordChanges(withNotices, delivered, 2, { ...options, skip: ['live', 'notices'] }),
    ).toBeUndefined();
  });

  test('a failure is a failed row with its reason; merged batches keep the latest row per notice and channel', () => {
    const failed = {
      ...urge,
      deliveries: [{ channel: 'webhook' as const, status: 'failed' as const, detail: 'HTTP 500' }],
    };
    const first = recordChanges(withNotices, { ...withNotices, notices: [failed] }, 2, carrying)!;
    expect(first.deliveries).toEqual([expect.objectContaining({ status: 'failed', detail: 'HTTP 500' })]);
    const later = recordChanges({ ...withNotices, notices: [failed] }, delivered, 3, carrying)!;
    const merged = mergeChanges(first, later);
    expect(merged.revision).toBe(3);
    expect(merged.deliveries?.map((d) => `${d.channel} ${d.status}`)).toEqual([
      'webhook delivered',
      'email skipped',
    ]);
    // still unwritten creation: the rows travel with it
    const created = mergeChanges(recordChanges(undefined, withNotices, 1, carrying)!, later);
    expect(created.created).toBeDefined();
    expect(created.deliveries).toHaveLength(2);
  });
});
