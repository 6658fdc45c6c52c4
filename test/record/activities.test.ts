// The record activities: input validated at the boundary (non-retryable InvalidInput), everything
// else left to Temporal's retries.
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import { createRecordActivities } from '../../activities/record/activities';
import { officialCalendar } from '../../domain/calendar/official';
import { openDatabase, type Db } from '../../activities/record/db';
import { getItem, listDeliveries, UnknownRecordError } from '../../activities/record/store';
import { caseBatch, itemBatch, measure } from './fixtures';

let db: Db;
beforeAll(async () => {
  db = await openDatabase();
});
afterAll(() => db?.close());

async function invalid(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  const failure = err as ApplicationFailure;
  expect(failure.type).toBe('InvalidInput');
  expect(failure.nonRetryable).toBe(true);
  return failure;
}

it('writes valid batches and answers whether they were new', async () => {
  const a = createRecordActivities(db);
  expect(await a.recordItem(itemBatch('act-1', 1))).toEqual({ applied: true, revision: 1 });
  expect(await a.recordItem(itemBatch('act-1', 1))).toEqual({ applied: false, revision: 1 });
  expect((await a.recordCase(caseBatch('act-case', 1, { ledger: [measure('m1')] }))).applied).toBe(true);
  const delivery = {
    noticeKey: 'act-1:warning',
    channel: 'email' as const,
    itemId: 'act-1',
    kind: 'warning',
    subject: '预警提醒',
    status: 'delivered' as const,
    at: '2026-03-02T01:00:00.000Z',
  };
  expect(await a.recordDeliveries([delivery])).toBe(1);
  expect(await listDeliveries(db, { itemId: 'act-1' })).toMatchObject([{ attempts: 1, status: 'delivered' }]);
  expect((await getItem(db, 'act-1'))?.title).toBe('事项 act-1');
});

it('refuses bad input as non-retryable InvalidInput, naming the field', async () => {
  const a = createRecordActivities(db);
  const f = await invalid(a.recordItem({ ...itemBatch('act-2', 1), revision: 0 }));
  expect(f.message).toMatch(/revision/);
  await invalid(a.recordItem({ ...itemBatch('act-2', 1), set: { history: [] } }));
  await invalid(a.recordItem({ ...itemBatch('act-2', 1), set: { leadUnit: { id: '' } } } as never));
  await invalid(a.recordItem(itemBatch('act-2', 1, {}, { title: 'nul \u0000 inside' })));
  await invalid(a.recordItem(itemBatch('act-2', 1, {}, { title: 'lone \ud800 surrogate' })));
  await invalid(a.recordCase(caseBatch('act-3', 1, { ledger: [measure('m1', { code: 'nope' as never })] })));
  await invalid(a.recordDeliveries([{ noticeKey: 'k' } as never]));
  // a batch carries the rows of its own item or case only
  const stray = {
    noticeKey: 'k',
    channel: 'email',
    kind: 'urge',
    subject: 's',
    status: 'delivered',
    attempts: 1,
    at: '2026-03-02T01:00:00.000Z',
  } as const;
  const f2 = await invalid(
    a.recordItem(itemBatch('act-2', 1, { deliveries: [{ ...stray, itemId: 'another' }] })),
  );
  expect(f2.message).toMatch(/deliveries/);
  await invalid(a.recordCase(caseBatch('act-3', 1, { deliveries: [{ ...stray, caseId: 'another' }] })));
  // the task fence (patch record-in-task): an instant and a revision, nothing else
  const f3 = await invalid(
    a.recordItem({ ...itemBatch('act-2', 1), fence: { decidedAt: 'yesterday', follows: 0 } }),
  );
  expect(f3.message).toMatch(/fence\.decidedAt/);
  const f4 = await invalid(
    a.recordCase({ ...caseBatch('act-3', 1), fence: { decidedAt: '2026-03-02T01:00:00.000Z', follows: -1 } }),
  );
  expect(f4.message).toMatch(/fence\.follows/);
  await invalid(
    a.recordItem({
      ...itemBatch('act-2', 1),
      fence: { decidedAt: '2026-03-02T01:00:00.000Z', follows: 0, task: 7 },
    } as never),
  );
  expect(await getItem(db, 'act-2')).toBeUndefined();
});

it('leaves a batch that arrives before its item to the retries', async () => {
  const a = createRecordActivities(db);
  const err = await a.recordItem(itemBatch('act-4', 2)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UnknownRecordError);
  expect(err).not.toBeInstanceOf(ApplicationFailure);
});

describe('deliverNotices and the record', () => {
  const notice = {
    key: 'act-5:L1:urge',
    kind: 'urge' as const,
    subject: '第一次催办',
    itemId: 'act-5',
    recipients: [{ id: 'liaison', name: '联络员', role: 'liaison' }],
    at: '2026-03-02T01:00:00.000Z',
  };
  const activitiesOn = (record: Db) =>
    createActivities({ calendar: officialCalendar(), channels: {}, record });

  it('writes no SQL for a run that carries its deliveries in the record batch', async () => {
    const down = await openDatabase();
    await down.close(); // a database that cannot answer
    const records = await activitiesOn(down).deliverNotices({ notices: [notice], inRecordBatch: true });
    expect(records.map((r) => r.deliveries.map((d) => d.status))).toEqual([
      ['not_configured', 'not_configured'],
    ]);
  });

  it('before the patch it records the results itself, and a failed write keeps them in its details', async () => {
    await activitiesOn(db).deliverNotices({ notices: [notice] });
    expect(await listDeliveries(db, { itemId: 'act-5' })).toHaveLength(2);
    const down = await openDatabase();
    await down.close();
    const err = await activitiesOn(down)
      .deliverNotices({ notices: [notice] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect({ type: failure.type, nonRetryable: failure.nonRetryable }).toEqual({
      type: 'RecordWriteFailed',
      nonRetryable: false,
    });
    expect(failure.details?.[0]).toEqual({
      done: [
        { key: notice.key, result: { channel: 'email', status: 'not_configured' } },
        { key: notice.key, result: { channel: 'webhook', status: 'not_configured' } },
      ],
    });
  });
});
