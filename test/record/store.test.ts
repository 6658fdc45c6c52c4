// The record's store against real databases: the embedded PGlite and a private PostgreSQL server.
// Every test runs on both, since the point of one store is that the same SQL means the same there.
import { loadMigrations, migrate, openDatabase, type Db } from '../../activities/record/db';
import {
  annualRows,
  applyCaseBatch,
  applyItemBatch,
  getCalendarYear,
  getCase,
  getItem,
  getUnit,
  getUnits,
  InvalidQueryError,
  itemUnitIds,
  ledgerRows,
  listCalendarYears,
  listCases,
  listDeliveries,
  listItems,
  listUnits,
  listUnitsPage,
  openCaseIds,
  openItemIds,
  openItemsTouchingYear,
  putCalendarYear,
  putUnit,
  recordDeliveries,
  saveUnit,
  toLedgerEvent,
  UnitCycleError,
  recordFootprint,
  recordLag,
  UnknownParentError,
  UnknownRecordError,
  type ItemSummaryRow,
} from '../../activities/record/store';
import type { ItemRecordBatch } from '../../domain/record';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { caseBatch, itemBatch, measure } from './fixtures';

let server: TestPostgres | undefined;
afterAll(async () => server?.stop());

interface Backend {
  name: string;
  /** a fresh, migrated database and a way to open a second connection to it */
  open(migrateAtOpen?: boolean): Promise<{ db: Db; second(): Promise<Db | undefined> }>;
}

const backends: Backend[] = [
  {
    name: 'PGlite',
    async open(migrateAtOpen = true) {
      // PGlite is one process's database: a "second connection" is the same instance.
      return { db: await openDatabase({ migrate: migrateAtOpen }), second: async () => undefined };
    },
  },
  {
    name: 'PostgreSQL',
    async open(migrateAtOpen = true) {
      server ??= await startPostgres();
      const url = await server.createDatabase();
      return {
        db: await openDatabase({ url, migrate: migrateAtOpen }),
        second: () => openDatabase({ url, migrate: false }),
      };
    },
  },
];

const INJECTION = [
  "' OR '1'='1",
  "'; DROP TABLE items; --",
  '") OR ("1"="1',
  '%',
  '_',
  '\\',
  '%\\%',
  '$1',
  '*/ SELECT 1 /*',
  "x' UNION SELECT id FROM items --",
  '{a,b}',
  '😀',
  "O'Brien",
];

describe.each(backends)('record store on $name', (backend) => {
  let db: Db;
  let other: Db;
  const extra: Db[] = [];
  beforeAll(async () => {
    const opened = await backend.open();
    db = opened.db;
    const second = await opened.second();
    if (second) extra.push(second);
    other = second ?? db;
  });
  afterAll(async () => {
    for (const d of extra) await d.close();
    await db?.close();
  });

  describe('measurements', () => {
    it("counts an item's rows and bytes, and the lag from each line's decision to its commit", async () => {
      await applyItemBatch(db, itemBatch('foot-1', 1));
      await applyItemBatch(db, itemBatch('foot-1', 2));
      await applyItemBatch(db, itemBatch('foot-2', 1));
      const one = await recordFootprint(db, ['foot-1']);
      expect(one.tables.items).toEqual({ rows: 1, bytes: expect.any(Number) });
      expect(one.tables.item_events?.rows).toBe(2);
      expect(one.rows).toBe(3);
      expect(one.tables.items!.bytes).toBeGreaterThan(100);
      expect(one.bytes).toBe(Object.values(one.tables).reduce((a, t) => a + t.bytes, 0));
      expect((await recordFootprint(db, ['foot-1', 'foot-2'])).rows).toBe(5);
      expect((await recordFootprint(db, ["' OR '1'='1"])).rows).toBe(0);
      // the fixtures' lines were decided in March 2026 and written now
      const lag = await recordLag(db, ['foot-1'], '2026-01-01T00:00:00Z');
      expect(lag.n).toBe(2);
      expect(lag.p50).toBeGreaterThan(Date.now() - Date.parse('2026-03-03T00:00:00Z'));
      expect((await recordLag(db, ['foot-1'], new Date().toISOString())).n).toBe(0);
      await expect(recordLag(db, ['foot-1'], 'soon')).rejects.toThrow(InvalidQueryError);
    });
  });

  describe('migrations', () => {
    it('are recorded once and re-running them does nothing', async () => {
      expect(await migrate(db)).toEqual([]);
      const { rows } = await db.query('SELECT version, name FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => Number(r.version))).toEqual(loadMigrations().map((m) => m.version));
    });

    it('two processes migrating at once apply each migration exactly once', async () => {
      const fresh = await backend.open(false);
      const second = (await fresh.second()) ?? fresh.db;
      try {
        const results = await Promise.all([migrate(fresh.db), migrate(second)]);
        expect(results.flat().sort()).toEqual(loadMigrations().map((m) => m.version));
        expect(results.some((r) => r.length === 0)).toBe(true);
        const { rows } = await fresh.db.query('SELECT count(*)::int AS n FROM schema_migrations');
        expect(Number(rows[0]!.n)).toBe(loadMigrations().length);
      } finally {
        if (second !== fresh.db) await second.close();
        await fresh.db.close();
      }
    });

    it('refuse to start when an applied migration was edited', async () => {
      const edited = loadMigrations().map((m) => ({ ...m, checksum: 'changed' }));
      await expect(migrate(db, edited)).rejects.toThrow(/changed after it was applied/);
    });
  });

  describe('item batches', () => {
    it('apply exactly once: the same batch twice changes nothing the second time', async () => {
      const b = itemBatch('dup-1', 1);
      expect(await applyItemBatch(db, b)).toEqual({ applied: true, revision: 1 });
      expect(await applyItemBatch(db, b)).toEqual({ applied: false, revision: 1 });
      const item = await getItem(db, 'dup-1');
      expect(item?.history).toEqual([{ at: '2026-03-02T01:00:01.000Z', by: 'staff', action: 'step 1' }]);
      expect(item?.revision).toBe(1);
    });

    it('ignore an older revision that arrives after a newer one', async () => {
      await applyItemBatch(db, itemBatch('old-1', 1));
      await applyItemBatch(db, itemBatch('old-1', 3, { set: { pausedAt: '2026-03-03T00:00:00.000Z' } }));
      const late = itemBatch('old-1', 2, { set: { pausedAt: 'stale' } });
      expect(await applyItemBatch(db, late)).toEqual({ applied: false, revision: 3 });
      const item = await getItem(db, 'old-1');
      expect(item?.pausedAt).toBe('2026-03-03T00:00:00.000Z');
      expect(item?.history.map((h) => h.action)).toEqual(['step 1', 'step 3']);
    });

    it('refuse a batch for an unknown item that does not create it (retryable)', async () => {
      await expect(applyItemBatch(db, itemBatch('ghost', 2))).rejects.toBeInstanceOf(UnknownRecordError);
      expect(await getItem(db, 'ghost')).toBeUndefined();
    });

    it('never double a row when the same batches arrive concurrently on two connections', async () => {
      const create = itemBatch('conc-1', 1);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => applyItemBatch(i % 2 ? other : db, create)),
      );
      expect(results.filter((r) => r.applied)).toHaveLength(1);
      // Later steps racing each other and their own retries: the highest revision wins, events stay unique.
      const steps = [2, 3, 4, 2, 3, 4].map((rev) =>
        itemBatch('conc-1', rev, { summary: { ...create.summary, urgeCount: rev } }),
      );
      await Promise.all(steps.map((b, i) => applyItemBatch(i % 2 ? other : db, b)));
      const item = await getItem(db, 'conc-1');
      expect(item?.revision).toBe(4);
      expect(item?.urgeCount).toBe(4);
      const actions = item!.history.map((h) => h.action);
      expect(new Set(actions).size).toBe(actions.length);
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM items WHERE id = 'conc-1'`);
      expect(Number(rows[0]!.n)).toBe(1);
    });

    it('apply nothing of a batch when another writer moved the row between its read and its write', async () => {
      if (other === db) return; // PGlite: one backend, no second writer to interleave
      await applyItemBatch(db, itemBatch('moved-1', 1));
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const lockTaken = new Promise<void>((r) => (locked = r));
      // the other writer holds the row's lock, then commits revision 2 as a concurrent batch would
      const mover = other.transaction(async (tx) => {
        await tx.query(`SELECT revision FROM items WHERE id = 'moved-1' FOR UPDATE`);
        locked();
        await held;
        await tx.query(`UPDATE items SET revision = 2 WHERE id = 'moved-1'`);
      });
      await lockTaken;
      // reads revision 1, then its write waits on the lock and finds revision 2
      const late = applyItemBatch(
        db,
        itemBatch('moved-1', 2, {
          events: [{ key: 'late', at: '2026-03-02T01:00:09.000Z', by: 'x', action: 'late' }],
        }),
      );
      await new Promise((r) => setTimeout(r, 200));
      release();
      await mover;
      expect(await late).toEqual({ applied: false, revision: 2 });
      expect((await getItem(db, 'moved-1'))?.history.map((h) => h.action)).toEqual(['step 1']);
      // and a batch above it still applies
      expect(await applyItemBatch(db, itemBatch('moved-1', 3))).toEqual({ applied: true, revision: 3 });
    });

    it('apply an update with more events than one statement carries, every one in order', async () => {
      await applyItemBatch(db, itemBatch('many-upd', 1));
      const events = Array.from({ length: 620 }, (_, i) => ({
        key: `u${i}`,
        at: '2026-03-02T02:00:00.000Z',
        by: 'staff',
        action: `line ${i}`,
      }));
      expect(await applyItemBatch(db, itemBatch('many-upd', 2, { events }))).toEqual({
        applied: true,
        revision: 2,
      });
      const actions = (await getItem(db, 'many-upd'))!.history.map((h) => h.action);
      expect(actions).toEqual(['step 1', ...events.map((e) => e.action)]);
    });

    it('merge view collections by id, keep their order, and replace set fields', async () => {
      await applyItemBatch(
        db,
        itemBatch('merge-1', 1, {
          upsert: { reports: [{ id: 'r1', summary: 'first' }], stages: [{ id: 's1', status: 'active' }] },
        }),
      );
      await applyItemBatch(
        db,
        itemBatch('merge-1', 2, {
          set: { deadline: { at: '2026-04-01T15:59:59.999Z' }, description: null },
          upsert: {
            reports: [
              { id: 'r2', summary: 'second' },
              { id: 'r1', summary: 'first, reviewed' },
            ],
          },
          summary: {
            status: 'overdue',
            light: 'red',
            urgeCount: 1,
            deliveryFailures: 2,
            deadlineAt: '2026-04-01T15:59:59.999Z',
            currentStage: '调研',
            caseIds: ['case-x'],
          },
        }),
      );
      const item = await getItem(db, 'merge-1');
      expect(item?.reports).toEqual([
        { id: 'r1', summary: 'first, reviewed' },
        { id: 'r2', summary: 'second' },
      ]);
      expect(item?.stages).toEqual([{ id: 's1', status: 'active' }]);
      expect(item?.deadline).toEqual({ at: '2026-04-01T15:59:59.999Z' });
      expect(item).not.toHaveProperty('description');
      expect(item).toMatchObject({
        id: 'merge-1',
        title: '事项 merge-1',
        status: 'overdue',
        light: 'red',
        urgeCount: 1,
        deliveryFailures: 2,
        deadlineAt: '2026-04-01T15:59:59.999Z',
        currentStage: '调研',
        caseIds: ['case-x'],
      });
      expect(item?.history.map((h) => h.action)).toEqual(['step 1', 'step 2']);
      // a summary without deadlineAt clears it: every batch carries the whole summary
      await applyItemBatch(db, itemBatch('merge-1', 3));
      expect(await getItem(db, 'merge-1')).not.toHaveProperty('deadlineAt');
    });

    it('keep the events of a step in order, each key once', async () => {
      const events = ['a', 'b', 'c', 'b'].map((k, i) => ({
        key: k,
        at: `2026-03-02T02:00:0${i}.000Z`,
        by: 'staff',
        action: `act-${k}-${i}`,
        detail: i === 0 ? '细节' : undefined,
        data: { i },
      }));
      await applyItemBatch(db, itemBatch('events-1', 1, { events }));
      const item = await getItem(db, 'events-1');
      expect(item?.history).toEqual([
        { at: '2026-03-02T02:00:00.000Z', by: 'staff', action: 'act-a-0', detail: '细节' },
        { at: '2026-03-02T02:00:01.000Z', by: 'staff', action: 'act-b-1' },
        { at: '2026-03-02T02:00:02.000Z', by: 'staff', action: 'act-c-2' },
      ]);
    });
    it('create a row with more events than one statement carries, every one in order', async () => {
      const events = Array.from({ length: 1_234 }, (_, i) => ({
        key: `k${i}`,
        at: new Date(Date.UTC(2026, 2, 2, 2) + i * 1000).toISOString(),
        by: 'staff',
        action: `act-${i}`,
      }));
      expect(await applyItemBatch(db, itemBatch('events-many', 1, { events }))).toEqual({
        applied: true,
        revision: 1,
      });
      const item = await getItem(db, 'events-many');
      expect(item?.history.map((e) => e.action)).toEqual(events.map((e) => e.action));
      // the same create again, alone or with a delivery row beside it, changes nothing
      expect(await applyItemBatch(db, itemBatch('events-many', 1))).toEqual({ applied: false, revision: 1 });
    });
  });

  describe('item lists', () => {
    const unit = 'unit-list';
    const ids: string[] = [];
    beforeAll(async () => {
      for (let i = 0; i < 23; i++) {
        const id = `list-${String(i).padStart(2, '0')}`;
        ids.push(id);
        // every third pair shares an instant, so the id must break ties
        const minute = String(Math.floor(i / 2)).padStart(2, '0');
        await applyItemBatch(
          db,
          itemBatch(
            id,
            1,
            {
              summary: {
                status: i % 3 === 0 ? 'overdue' : 'open',
                light: i % 3 === 0 ? 'red' : 'green',
                urgeCount: 0,
                deliveryFailures: 0,
                caseIds: [],
              },
            },
            {
              title: i === 5 ? `100%_完成's "引号" \\ 报告` : `清单事项 ${i}`,
              leadUnit: { id: i % 2 ? unit : 'unit-other', name: '单位' },
              assistingUnits: i === 4 ? [{ id: unit, name: '单位' }] : [],
              assignedAt: `2026-05-01T08:${minute}:00.000Z`,
            },
          ),
        );
      }
    });

    async function all(filter: Omit<Parameters<typeof listItems>[1], 'limit' | 'cursor'>, limit = 5) {
      const out: ItemSummaryRow[] = [];
      let cursor: string | undefined;
      do {
        const page = await listItems(db, { ...filter, limit, cursor });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        out.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    }

    const window = { from: '2026-05-01T00:00:00Z', to: '2026-05-02T00:00:00Z' };

    it('pages through every item once, newest first, ties broken by id', async () => {
      const rows = await all(window);
      expect(rows.map((r) => r.id)).toEqual([...ids].sort((a, b) => (a < b ? 1 : -1)));
      expect(rows[0]).toMatchObject({
        id: 'list-22',
        title: '清单事项 22',
        leadUnit: { id: 'unit-other', name: '单位' },
        status: 'open',
        assignedAt: '2026-05-01T08:11:00.000Z',
        sourceKind: 'leader_instruction',
      });
    });

    it('filters by status, lead unit, unit (lead or assisting) and assignment time', async () => {
      expect((await all({ ...window, status: 'overdue' })).map((r) => r.id).sort()).toEqual(
        ids.filter((_, i) => i % 3 === 0),
      );
      expect((await all({ ...window, status: ['overdue', 'open'] })).length).toBe(23);
      expect((await all({ leadUnit: unit })).map((r) => r.id).sort()).toEqual(ids.filter((_, i) => i % 2));
      expect((await all({ unit })).map((r) => r.id).sort()).toEqual(ids.filter((_, i) => i % 2 || i === 4));
      const range = await all({ from: '2026-05-01T08:10:00.000Z', to: '2026-05-01T08:11:00.000Z' });
      expect(range.map((r) => r.id)).toEqual(['list-21', 'list-20']);
    });

    it('matches q literally: %, _, quotes and backslashes are text, not patterns', async () => {
      for (const q of ['%', '_', "'", '"引号"', '\\', '100%_完成', "完成'S"]) {
        expect((await all({ ...window, q })).map((r) => r.id)).toEqual(['list-05']);
      }
      expect(await all({ ...window, q: '%完成%' })).toEqual([]);
      expect((await all({ ...window, q: '清单事项 1' })).length).toBe(11); // 1, 10…19
    });

    it('finds nothing odd for an SQL-injection corpus on every filter', async () => {
      for (const s of INJECTION) {
        const q = await all({ q: s });
        for (const r of q) expect(`${r.title}`.toLowerCase()).toContain(s.toLowerCase());
        expect(await all({ status: s })).toEqual([]);
        expect(await all({ leadUnit: s })).toEqual([]);
        expect(await all({ unit: s })).toEqual([]);
        await expect(listItems(db, { from: s, limit: 5 })).rejects.toBeInstanceOf(InvalidQueryError);
        await expect(listItems(db, { to: s, limit: 5 })).rejects.toBeInstanceOf(InvalidQueryError);
        await expect(listItems(db, { cursor: s, limit: 5 })).rejects.toBeInstanceOf(InvalidQueryError);
        expect((await listCases(db, { stage: s, limit: 5 })).cases).toEqual([]);
        expect((await listCases(db, { subject: s, limit: 5 })).cases).toEqual([]);
        expect((await listCases(db, { itemId: s, limit: 5 })).cases).toEqual([]);
        expect(await ledgerRows(db, { subjectId: s, year: 2026 })).toEqual([]);
        expect(await annualRows(db, { year: 2026, unit: s })).toEqual([]);
      }
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM items WHERE id LIKE 'list-%'`);
      expect(Number(rows[0]!.n)).toBe(ids.length);
    });

    it('refuses a forged cursor, a cursor of another list, a NUL and a bad limit', async () => {
      const page = await listItems(db, { ...window, limit: 2 });
      const forged = Buffer.from(JSON.stringify(['items', 'not a date', 'x'])).toString('base64url');
      const cases = Buffer.from(JSON.stringify(['cases', '2026-01-01T00:00:00.000Z', 'x'])).toString(
        'base64url',
      );
      for (const cursor of [forged, cases, `${page.nextCursor}=`, 'e30'])
        await expect(listItems(db, { limit: 2, cursor })).rejects.toBeInstanceOf(InvalidQueryError);
      await expect(listItems(db, { limit: 2, q: 'a\u0000b' })).rejects.toBeInstanceOf(InvalidQueryError);
      for (const limit of [0, -1, 1.5, 501])
        await expect(listItems(db, { limit })).rejects.toBeInstanceOf(InvalidQueryError);
    });

    it('lists the open items for the consistency check', async () => {
      await applyItemBatch(
        db,
        itemBatch('list-done', 1, {
          summary: {
            status: 'completed',
            light: 'green',
            urgeCount: 0,
            deliveryFailures: 0,
            completedAt: '2026-05-03T00:00:00.000Z',
            caseIds: [],
          },
        }),
      );
      const open = await openItemIds(db);
      expect(open).toContain('list-00');
      expect(open).not.toContain('list-done');
    });
    it('keeps pages stable while items are added', async () => {
      const before = await all(window);
      const first = await listItems(db, { ...window, limit: 8 });
      // newer rows land before the cursor, an older one after it: no existing row shifts
      for (let i = 0; i < 3; i++)
        await applyItemBatch(
          db,
          itemBatch(`list-new-${i}`, 1, {}, { assignedAt: '2026-05-01T09:00:00.000Z' }),
        );
      await applyItemBatch(db, itemBatch('list-older', 1, {}, { assignedAt: '2026-05-01T07:00:00.000Z' }));
      const rest: string[] = [];
      let cursor = first.nextCursor;
      while (cursor) {
        const page = await listItems(db, { ...window, limit: 8, cursor });
        rest.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
      }
      expect([...first.items.map((r) => r.id), ...rest]).toEqual([...before.map((r) => r.id), 'list-older']);
    });
  });

  describe('cases and the ledger', () => {
    it('apply case batches exactly once, with their ledger rows', async () => {
      const first = caseBatch('case-1', 1, { ledger: [measure('m1'), measure('m2', { subjectId: 'p2' })] });
      expect((await applyCaseBatch(db, first)).applied).toBe(true);
      expect((await applyCaseBatch(other, first)).applied).toBe(false);
      await Promise.all([applyCaseBatch(db, first), applyCaseBatch(other, first)]);
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM measures WHERE case_id = 'case-1'`);
      expect(Number(rows[0]!.n)).toBe(2);

      const c = await getCase(db, 'case-1');
      expect(c).toMatchObject({
        id: 'case-1',
        stage: 'decision',
        itemId: 'item-1',
        level: 1,
        subjectIds: ['p1'],
        subjects: [{ kind: 'person', id: 'p1', name: '张三' }],
        revision: 1,
      });
      expect(c?.history).toEqual([{ at: '2026-04-01T01:00:00.000Z', by: 'system', action: 'case step 1' }]);
      expect(await getCase(db, 'nope')).toBeUndefined();
      await expect(applyCaseBatch(db, caseBatch('case-ghost', 2))).rejects.toBeInstanceOf(UnknownRecordError);
    });

    it('upserts ledger rows by id: a revocation replaces the executed row', async () => {
      await applyCaseBatch(
        db,
        caseBatch('case-2', 1, { ledger: [measure('m1', { code: 'fine', amount: 200.5 })] }),
      );
      let rows = await ledgerRows(db, { subjectId: 'p1', year: 2026 });
      expect(rows.find((r) => r.id === 'case-2:m1')).toMatchObject({
        caseId: 'case-2',
        measureId: 'm1',
        code: 'fine',
        amount: 200.5,
        status: 'executed',
        date: '2026-04-01',
        year: 2026,
        viaStaff: false,
        itemId: 'item-1',
      });
      await applyCaseBatch(
        db,
        caseBatch('case-2', 2, {
          summary: {
            ...caseBatch('case-2', 2).summary,
            stage: 'closed',
            closedAt: '2026-04-20T00:00:00.000Z',
          },
          ledger: [
            measure('m1', {
              code: 'fine',
              amount: 200.5,
              status: 'revoked',
              revokedAt: '2026-04-10T00:00:00.000Z',
            }),
          ],
        }),
      );
      rows = await ledgerRows(db, { subjectId: 'p1', year: 2026 });
      const revoked = rows.filter((r) => r.caseId === 'case-2');
      expect(revoked).toHaveLength(1);
      expect(revoked[0]).toMatchObject({ status: 'revoked', revokedAt: '2026-04-10T00:00:00.000Z' });
      expect(toLedgerEvent(revoked[0]!)).toMatchObject({ measureId: 'm1', revoked: true, amount: 200.5 });
      expect(await openCaseIds(db)).not.toContain('case-2');
      expect(await openCaseIds(db)).toContain('case-1');
    });

    it("reads a unit's ledger with its staff's rows, and the annual sheet", async () => {
      await applyCaseBatch(
        db,
        caseBatch('case-3', 1, {
          summary: { ...caseBatch('case-3', 1).summary, subjectIds: ['unit-a'], itemId: 'item-3' },
          ledger: [
            measure('m1', {
              subjectKind: 'unit',
              subjectId: 'unit-a',
              subjectName: '甲局',
              unitId: undefined,
            }),
            measure('m2', { date: '2025-12-31', decidedAt: '2025-12-31T02:00:00.000Z' }),
          ],
        }),
      );
      const unitRows = await ledgerRows(db, { subjectId: 'unit-a', year: 2026 });
      expect(unitRows.filter((r) => !r.viaStaff).map((r) => r.id)).toEqual(['case-3:m1']);
      expect(unitRows.filter((r) => r.viaStaff).every((r) => r.subjectKind === 'person')).toBe(true);
      expect(unitRows.filter((r) => r.viaStaff).length).toBeGreaterThan(0);
      expect(await ledgerRows(db, { subjectId: 'unit-a', year: 2026, kind: 'person' })).toEqual([]);
      expect((await ledgerRows(db, { subjectId: 'p1', year: 2025 })).map((r) => r.id)).toEqual(['case-3:m2']);

      const sheet = await annualRows(db, { year: 2026, kind: 'unit' });
      expect(sheet.map((r) => r.id)).toEqual(['case-3:m1']);
      const ofUnit = await annualRows(db, { year: 2026, unit: 'unit-a' });
      expect(ofUnit.map((r) => r.subjectId)).toContain('unit-a');
      expect(ofUnit.map((r) => r.subjectId)).toContain('p1');
    });

    it('lists cases by stage, subject and item in keyset pages', async () => {
      for (let i = 0; i < 5; i++) {
        const b = caseBatch(`lc-${i}`, 1);
        await applyCaseBatch(db, {
          ...b,
          summary: {
            ...b.summary,
            stage: i % 2 ? 'closed' : 'appeal_window',
            itemId: 'item-lc',
            subjectIds: [`s-${i}`, 'lc-all'],
            openedAt: `2026-06-0${i + 1}T00:00:00.000Z`,
          },
        });
      }
      const page1 = await listCases(db, { itemId: 'item-lc', limit: 3 });
      const page2 = await listCases(db, { itemId: 'item-lc', limit: 3, cursor: page1.nextCursor });
      expect([...page1.cases, ...page2.cases].map((c) => c.id)).toEqual([
        'lc-4',
        'lc-3',
        'lc-2',
        'lc-1',
        'lc-0',
      ]);
      expect(page2.nextCursor).toBeUndefined();
      expect((await listCases(db, { subject: 's-3', limit: 10 })).cases.map((c) => c.id)).toEqual(['lc-3']);
      const closed = await listCases(db, { stage: 'closed', itemId: 'item-lc', limit: 10 });
      expect(closed.cases.map((c) => c.id)).toEqual(['lc-3', 'lc-1']);
      expect(closed.cases[0]).toMatchObject({ subjects: [{ id: 'p1' }], procedure: 'summary', level: 1 });
      await expect(
        listCases(db, { limit: 3, cursor: (await listItems(db, { limit: 1 })).nextCursor }),
      ).rejects.toBeInstanceOf(InvalidQueryError);
    });
  });

  describe('notice deliveries', () => {
    const row = {
      noticeKey: 'item-1:urge:1',
      channel: 'email' as const,
      itemId: 'item-d',
      kind: 'urge',
      subject: '催办通知',
      status: 'failed' as const,
      attempts: 1,
      detail: 'SMTP 421',
      at: '2026-04-01T01:00:00.000Z',
    };

    it('upserts each notice per channel; nothing replaces delivered', async () => {
      await recordDeliveries(db, [
        row,
        { ...row, channel: 'webhook', status: 'skipped', detail: 'not configured' },
      ]);
      await recordDeliveries(other, [row]);
      expect(await listDeliveries(db, { itemId: 'item-d' })).toHaveLength(2);

      await recordDeliveries(db, [
        { ...row, status: 'delivered', attempts: 3, detail: undefined, at: '2026-04-01T01:05:00.000Z' },
      ]);
      // a stale retry of the first attempt must not undo the delivery
      await recordDeliveries(db, [row]);
      await recordDeliveries(db, [{ ...row, status: 'failed', at: '2026-04-02T00:00:00.000Z' }]);
      const email = (await listDeliveries(db, { noticeKey: row.noticeKey })).find(
        (d) => d.channel === 'email',
      );
      expect(email).toEqual({
        noticeKey: row.noticeKey,
        channel: 'email',
        itemId: 'item-d',
        kind: 'urge',
        subject: '催办通知',
        status: 'delivered',
        attempts: 3,
        at: '2026-04-01T01:05:00.000Z',
      });
    });

    it('applies the rows a record batch carries with it, once, and none with a batch already applied', async () => {
      const mine = { ...row, noticeKey: 'item-b:L1:urge', itemId: 'item-b' };
      await applyItemBatch(db, itemBatch('item-b', 1));
      const batch = itemBatch('item-b', 2, {
        deliveries: [mine, { ...mine, channel: 'webhook', status: 'delivered' }],
      });
      expect(await applyItemBatch(db, batch)).toEqual({ applied: true, revision: 2 });
      // a retry, a replay or a second worker: the revision stops it, rows included
      await applyItemBatch(other, {
        ...batch,
        deliveries: [{ ...mine, status: 'delivered', detail: undefined }],
      });
      const rows = await listDeliveries(db, { itemId: 'item-b' });
      expect(rows.map((d) => `${d.channel} ${d.status}`)).toEqual(['email failed', 'webhook delivered']);
      // a later batch's result replaces the failure; nothing replaces delivered
      await applyItemBatch(
        db,
        itemBatch('item-b', 3, {
          deliveries: [
            { ...mine, status: 'delivered', detail: undefined, at: '2026-04-01T01:02:00.000Z' },
            { ...mine, channel: 'webhook', status: 'failed', at: '2026-04-01T01:03:00.000Z' },
          ],
        }),
      );
      expect(
        (await listDeliveries(db, { itemId: 'item-b' })).map((d) => `${d.channel} ${d.status}`).sort(),
      ).toEqual(['email delivered', 'webhook delivered']);
      // a case batch's rows name the case and its item
      await applyCaseBatch(db, caseBatch('case-b', 1));
      await applyCaseBatch(
        db,
        caseBatch('case-b', 2, {
          deliveries: [{ ...row, noticeKey: 'case-case-b-opened', kind: 'case_opened', caseId: 'case-b' }],
        }),
      );
      expect(await listDeliveries(db, { caseId: 'case-b' })).toMatchObject([
        { noticeKey: 'case-case-b-opened', caseId: 'case-b', itemId: 'item-d' },
      ]);
    });

    it('applies a batch that repeats a notice and channel as the rows one after another would', async () => {
      // one multi-row upsert cannot touch a row twice: such a batch takes the row-by-row transaction
      const mine = { ...row, noticeKey: 'item-r:L1:urge', itemId: 'item-r' };
      await applyItemBatch(db, itemBatch('item-r', 1));
      const delivered = { ...mine, status: 'delivered' as const, detail: undefined, attempts: 2 };
      const later = { ...mine, status: 'failed' as const, attempts: 1, at: '2026-04-01T02:00:00.000Z' };
      expect(
        await applyItemBatch(db, itemBatch('item-r', 2, { deliveries: [mine, delivered, later] })),
      ).toEqual({
        applied: true,
        revision: 2,
      });
      expect(await listDeliveries(db, { itemId: 'item-r' })).toMatchObject([
        { channel: 'email', status: 'delivered', attempts: 2 },
      ]);
      expect((await getItem(db, 'item-r'))?.history.map((h) => h.action)).toEqual(['step 1', 'step 2']);
    });

    it('never doubles a row under concurrent writers', async () => {
      const r = { ...row, noticeKey: 'conc-notice' };
      await Promise.all(Array.from({ length: 6 }, (_, i) => recordDeliveries(i % 2 ? other : db, [r])));
      expect(await listDeliveries(db, { noticeKey: 'conc-notice' })).toHaveLength(1);
    });
  });

  describe('units', () => {
    it('puts, replaces (raising the revision), gets and lists units', async () => {
      const u = {
        id: 'u-1',
        name: '市住建局',
        liaison: { id: 'l1', name: '联络员', email: 'l1@example.org' },
        principal: { id: 'p9', name: '局长' },
      };
      expect(await putUnit(db, u)).toMatchObject({ ...u, revision: 1 });
      const replaced = await putUnit(db, { ...u, name: '市住房和城乡建设局', parentId: 'gov' });
      expect(replaced).toMatchObject({ name: '市住房和城乡建设局', parentId: 'gov', revision: 2 });
      expect(replaced).not.toHaveProperty('inCharge');
      await putUnit(db, { id: 'u-0', name: '甲' });
      expect(await getUnit(db, 'u-1')).toEqual(replaced);
      expect(await getUnit(db, 'u-x')).toBeUndefined();
      expect((await listUnits(db)).map((x) => x.id)).toEqual(['u-0', 'u-1']);
    });

    it('saves a unit under an existing parent, and refuses an unknown parent or a cycle writing nothing', async () => {
      expect(await saveUnit(db, { id: 'd-root', name: '市政府' })).toMatchObject({ created: true });
      await saveUnit(db, { id: 'd-a', name: '甲', parentId: 'd-root' });
      await saveUnit(db, { id: 'd-b', name: '乙', parentId: 'd-a' });
      const again = await saveUnit(db, { id: 'd-b', name: '乙局', parentId: 'd-a' });
      expect(again).toMatchObject({ created: false, unit: { name: '乙局', revision: 2 } });

      await expect(saveUnit(db, { id: 'd-c', name: '丙', parentId: 'd-none' })).rejects.toThrow(
        UnknownParentError,
      );
      expect(await getUnit(db, 'd-c')).toBeUndefined();
      const cycle = await saveUnit(db, { id: 'd-root', name: '市政府', parentId: 'd-b' }).catch((e) => e);
      expect(cycle).toBeInstanceOf(UnitCycleError);
      expect((cycle as UnitCycleError).path).toEqual(['d-root', 'd-b', 'd-a', 'd-root']);
      await expect(saveUnit(db, { id: 'd-a', name: '甲', parentId: 'd-a' })).rejects.toThrow(/d-a → d-a/);
      expect(await getUnit(db, 'd-root')).not.toHaveProperty('parentId');
      expect((await getUnit(db, 'd-a'))?.parentId).toBe('d-root');
    });

    it('two concurrent re-parentings cannot make a cycle between them', async () => {
      await saveUnit(db, { id: 'r-x', name: 'X' });
      await saveUnit(db, { id: 'r-y', name: 'Y' });
      const results = await Promise.allSettled([
        saveUnit(db, { id: 'r-x', name: 'X', parentId: 'r-y' }),
        saveUnit(other, { id: 'r-y', name: 'Y', parentId: 'r-x' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    });

    it('gets several units in one read, and pages the directory in id order', async () => {
      for (const id of ['pg-1', 'pg-2', 'pg-3']) await saveUnit(db, { id, name: id, parentId: 'd-root' });
      const got = await getUnits(db, ['pg-1', 'pg-3', 'pg-none', 'pg-1']);
      expect([...got.keys()].sort()).toEqual(['pg-1', 'pg-3']);
      expect(await getUnits(db, [])).toEqual(new Map());
      const first = await listUnitsPage(db, { limit: 2, parent: 'd-root' });
      expect(first.units.map((u) => u.id)).toEqual(['d-a', 'pg-1']);
      const second = await listUnitsPage(db, { limit: 2, parent: 'd-root', after: first.last });
      expect(second.units.map((u) => u.id)).toEqual(['pg-2', 'pg-3']);
      expect(second.last).toBeUndefined();
      for (const s of INJECTION) expect((await listUnitsPage(db, { limit: 5, parent: s })).units).toEqual([]);
    });

    it("reads an item's units, and lists the cases that concern a unit", async () => {
      await applyItemBatch(
        db,
        itemBatch(
          'scope-1',
          1,
          {},
          { leadUnit: { id: 'su-lead', name: '甲' }, assistingUnits: [{ id: 'su-help', name: '乙' }] },
        ),
      );
      expect(await itemUnitIds(db, 'scope-1')).toEqual(['su-lead', 'su-help']);
      expect(await itemUnitIds(db, 'scope-none')).toBeUndefined();
      const opened = (id: string, subjects: unknown[], itemId?: string) =>
        applyCaseBatch(db, {
          ...caseBatch(id, 1),
          created: { id, subjects, source: { kind: 'inspection' } },
          summary: { ...caseBatch(id, 1).summary, itemId, subjectIds: [] },
        });
      await opened('scope-c1', [{ kind: 'unit', id: 'su-other', name: '丙' }], 'scope-1');
      await opened('scope-c2', [{ kind: 'person', id: 'sp', name: '丁', unitId: 'su-mine' }]);
      await opened('scope-c3', [{ kind: 'unit', id: 'su-mine', name: '戊' }]);
      await opened('scope-c4', [{ kind: 'person', id: 'su-mine', name: '同名的人' }]);
      const ids = async (unit: string) =>
        (await listCases(db, { unit, limit: 50 })).cases.map((c) => c.id).sort();
      expect(await ids('su-help')).toEqual(['scope-c1']);
      expect(await ids('su-mine')).toEqual(['scope-c2', 'scope-c3']);
      expect(await ids('su-nobody')).toEqual([]);
    });

    it('lists the overdue items of a unit: overdue, or past the deadline while open or warning', async () => {
      const item = (id: string, status: 'open' | 'overdue' | 'completed', deadlineAt: string) =>
        applyItemBatch(db, {
          ...itemBatch(id, 1, {}, { leadUnit: { id: 'od-unit', name: '甲' } }),
          summary: { status, light: 'green', urgeCount: 0, deliveryFailures: 0, caseIds: [], deadlineAt },
        });
      await item('od-1', 'overdue', '2026-03-10T00:00:00.000Z');
      await item('od-2', 'open', '2026-03-10T00:00:00.000Z');
      await item('od-3', 'open', '2026-05-10T00:00:00.000Z');
      await item('od-4', 'completed', '2026-03-10T00:00:00.000Z');
      const ids = async (is: boolean) =>
        (await listItems(db, { unit: 'od-unit', overdue: is, now: '2026-04-01T00:00:00Z', limit: 50 })).items
          .map((i) => i.id)
          .sort();
      expect(await ids(true)).toEqual(['od-1', 'od-2']);
      expect(await ids(false)).toEqual(['od-2', 'od-3', 'od-4']);
    });
  });

  describe('calendar years', () => {
    const year = {
      year: 2027,
      basis: 'office' as const,
      source: { reference: '国办发明电〔2026〕7号', publishedAt: '2026-11-01' },
      holidays: [{ date: '2027-01-01', name: '元旦' }],
      workdays: [{ date: '2027-02-07', name: '春节调休' }],
      loadedBy: 'manager',
    };

    it('keeps every load as a version and answers the latest', async () => {
      expect(await putCalendarYear(db, year)).toBe(1);
      expect(await putCalendarYear(db, { ...year, holidays: [] })).toBe(2);
      const versions = await Promise.all([putCalendarYear(db, year), putCalendarYear(other, year)]);
      expect(versions.sort()).toEqual([3, 4]);
      const latest = await getCalendarYear(db, 2027);
      expect(latest).toMatchObject({ ...year, version: 4 });
      expect(await getCalendarYear(db, 2031)).toBeUndefined();
      await putCalendarYear(db, { ...year, year: 2028 });
      expect((await listCalendarYears(db)).map((y) => [y.year, y.version])).toEqual([
        [2027, 4],
        [2028, 1],
      ]);
    });

    it('finds the open items a loaded year can move: plan reaching into it, assigned before it ended', async () => {
      const item = async (id: string, assignedAt: string, deadlineAt: string, status = 'open') => {
        const b = itemBatch(id, 1, {}, { assignedAt, status });
        await applyItemBatch(db, { ...b, summary: { ...b.summary, status: status as 'open', deadlineAt } });
      };
      await item('ty-before', '2026-11-02T01:00:00.000Z', '2026-11-20T15:59:59.999Z');
      await item('ty-into', '2026-12-20T01:00:00.000Z', '2027-01-06T15:59:59.999Z');
      await item('ty-done', '2026-12-20T01:00:00.000Z', '2027-01-06T15:59:59.999Z', 'completed');
      await item('ty-last-day', '2027-12-31T02:00:00.000Z', '2028-01-06T15:59:59.999Z');
      await item('ty-after', '2028-01-10T01:00:00.000Z', '2028-01-20T15:59:59.999Z');
      const ids = async (y: number) =>
        (await openItemsTouchingYear(db, y)).map((i) => i.id).filter((id) => id.startsWith('ty-'));
      expect(await ids(2027)).toEqual(['ty-into', 'ty-last-day']);
      expect(await ids(2028)).toEqual(['ty-after', 'ty-last-day']);
      expect((await openItemsTouchingYear(db, 2027)).find((i) => i.id === 'ty-into')).toEqual({
        id: 'ty-into',
        assignedAt: '2026-12-20T01:00:00.000Z',
        timeZone: 'Asia/Shanghai',
      });
    });
  });

  it('stores the set fields and collections of a full step', async () => {
    const b: ItemRecordBatch = itemBatch('smoke', 1, {
      set: { calendar: { version: 'v1', coveredThrough: '2026-12-31' } },
      upsert: { notices: [{ id: 'n1', kind: 'warning' }] },
    });
    await applyItemBatch(db, b);
    expect(await getItem(db, 'smoke')).toMatchObject({
      calendar: { version: 'v1' },
      notices: [{ id: 'n1' }],
    });
  });
});
