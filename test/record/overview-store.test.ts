// The overview's queries (statistics, the bulletin's lists, the export's pages) on PGlite and on a
// private PostgreSQL: the same figures from the same SQL on both.
import { openDatabase, type Db } from '../../activities/record/db';
import {
  applyItemBatch,
  exportItemPages,
  InvalidQueryError,
  itemStats,
  measuresDecided,
  overdueOpenItems,
} from '../../activities/record/store';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { itemBatch } from './fixtures';
import { NOW, PERIOD, seedPeriod } from './overview-fixtures';

let server: TestPostgres | undefined;
afterAll(async () => server?.stop());

const backends = [
  { name: 'PGlite', open: () => openDatabase() },
  {
    name: 'PostgreSQL',
    open: async () => {
      server ??= await startPostgres();
      return openDatabase({ url: await server.createDatabase() });
    },
  },
];

const TZ = 'Asia/Shanghai';

describe.each(backends)('overview queries on $name', (backend) => {
  let db: Db;
  beforeAll(async () => {
    db = await backend.open();
    await seedPeriod(db);
  });
  afterAll(async () => db?.close());

  it('counts each unit’s items of the period, and the totals are the sums', async () => {
    const stats = await itemStats(db, { ...PERIOD, groupBy: 'unit', timeZone: TZ, now: NOW });
    expect(stats.groups).toEqual([
      {
        key: 'unit-a',
        name: '甲局',
        assigned: 3,
        completed: 2,
        completedOnTime: 1,
        onTimeRate: 0.5,
        overdueOpen: 0,
        open: 0,
        cancelled: 1,
        urges: 1,
        returned: 1,
        cases: 0,
        measures: {},
      },
      {
        key: 'unit-b',
        name: '乙局',
        assigned: 2,
        completed: 0,
        completedOnTime: 0,
        onTimeRate: 0,
        overdueOpen: 1,
        open: 2,
        cancelled: 0,
        urges: 2,
        returned: 0,
        cases: 1,
        // the revoked admonition no longer counts
        measures: { public_criticism: 1 },
      },
    ]);
    expect(stats.totals).toEqual({
      assigned: 5,
      completed: 2,
      completedOnTime: 1,
      onTimeRate: 0.3333,
      overdueOpen: 1,
      open: 2,
      cancelled: 1,
      urges: 3,
      returned: 1,
      cases: 1,
      measures: { public_criticism: 1 },
    });
  });

  it('groups by source and by the office’s month, and filters by a lead or assisting unit', async () => {
    const bySource = await itemStats(db, { ...PERIOD, groupBy: 'source', timeZone: TZ, now: NOW });
    expect(bySource.groups.map((g) => [g.key, g.assigned])).toEqual([
      ['document', 2],
      ['leader_instruction', 3],
    ]);
    // i6 is assigned at 23:59:59 on 28 February in Shanghai, i7 at 00:00 on 1 April
    const byMonth = await itemStats(db, {
      from: '2026-01-31T16:00:00.000Z',
      to: '2026-04-30T16:00:00.000Z',
      groupBy: 'month',
      timeZone: TZ,
      now: NOW,
    });
    expect(byMonth.groups.map((g) => [g.key, g.assigned])).toEqual([
      ['2026-02', 1],
      ['2026-03', 5],
      ['2026-04', 1],
    ]);
    const unitB = await itemStats(db, { ...PERIOD, groupBy: 'unit', unit: 'unit-b', timeZone: TZ, now: NOW });
    // i2 is unit-a's, with unit-b assisting
    expect(unitB.totals.assigned).toBe(3);
    expect(unitB.groups.map((g) => g.key)).toEqual(['unit-a', 'unit-b']);
  });

  it('an empty period has zero figures and no rate', async () => {
    const stats = await itemStats(db, {
      from: '2020-01-01T00:00:00.000Z',
      to: '2020-02-01T00:00:00.000Z',
      groupBy: 'unit',
      timeZone: TZ,
      now: NOW,
    });
    expect(stats.groups).toEqual([]);
    expect(stats.totals).toMatchObject({ assigned: 0, onTimeRate: null, measures: {} });
  });

  it('lists the overdue open items and the measures decided in the period', async () => {
    const overdue = await overdueOpenItems(db, { ...PERIOD, now: NOW });
    expect(overdue).toEqual([
      {
        id: 'i3',
        title: '督办重点项目开工',
        leadUnit: { id: 'unit-b', name: '乙局' },
        deadlineAt: '2026-03-30T15:59:59.999Z',
        urgeCount: 2,
        status: 'overdue',
      },
    ]);
    const decided = await measuresDecided(db, PERIOD);
    expect(decided.map((m) => [m.measureId, m.code, m.itemTitle])).toEqual([
      ['m1', 'public_criticism', '督办重点项目开工'],
    ]);
  });

  it('pages the export in assignment order without losing or repeating a row', async () => {
    for (let i = 0; i < 23; i++)
      await applyItemBatch(
        db,
        itemBatch(`x${String(i).padStart(2, '0')}`, 1, {}, { assignedAt: '2026-06-01T01:00:00.000Z' }),
      );
    const pages: string[][] = [];
    for await (const page of exportItemPages(db, { from: '2026-06-01T00:00:00.000Z' }, 10))
      pages.push(page.map((r) => r.id));
    expect(pages.map((p) => p.length)).toEqual([10, 10, 3]);
    expect(pages.flat()).toEqual(Array.from({ length: 23 }, (_, i) => `x${String(i).padStart(2, '0')}`));
    const rows: unknown[] = [];
    for await (const page of exportItemPages(db, { ...PERIOD, unit: 'unit-b' })) rows.push(...page);
    expect(rows).toEqual([
      expect.objectContaining({ id: 'i2', assistingUnitNames: ['乙局'], onTime: false, urgeCount: 1 }),
      expect.objectContaining({ id: 'i3', sourceReference: '丽政办〔2026〕3号', status: 'overdue' }),
      expect.objectContaining({ id: 'i4', leadUnitName: '乙局' }),
    ]);
  });

  it('refuses a filter that is not an instant', async () => {
    await expect(
      itemStats(db, { from: 'yesterday', to: PERIOD.to, groupBy: 'unit', timeZone: TZ, now: NOW }),
    ).rejects.toThrow(InvalidQueryError);
  });
});
