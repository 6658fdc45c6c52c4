// The store's rules for batches written inside the workflow task that decided them (the task fence,
// docs/record.md): a task that wrote and then never completed is undone by its retry's first
// write, a late write from an attempt given up is skipped, and rows written without a fence keep the
// plain revision rule. On PGlite and on a private PostgreSQL server, by both write paths.
import { openDatabase, type Db } from '../../activities/record/db';
import {
  applyCaseBatch,
  applyItemBatch,
  getCase,
  getItem,
  listDeliveries,
  RecordFenceError,
  type ApplyOptions,
} from '../../activities/record/store';
import type { CaseRecordBatch, ItemRecordBatch } from '../../domain/record';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { caseBatch, itemBatch, measure } from './fixtures';

let server: TestPostgres | undefined;
afterAll(async () => server?.stop());

const backends: { name: string; open(): Promise<Db> }[] = [
  { name: 'PGlite', open: () => openDatabase({ migrate: true }) },
  {
    name: 'PostgreSQL',
    async open() {
      server ??= await startPostgres();
      return openDatabase({ url: await server.createDatabase(), migrate: true });
    },
  },
];

/** workflow times of successive tasks: a retry of a task starts later than the attempt it replaces */
const T = (n: number) => new Date(Date.UTC(2026, 11, 1, 2, 0, n)).toISOString();

/** a fenced item batch: `revision` decided at task `task` on top of `follows` */
function fenced(
  id: string,
  revision: number,
  task: number,
  follows: number,
  over: Partial<ItemRecordBatch> = {},
): ItemRecordBatch {
  return { ...itemBatch(id, revision, over), fence: { decidedAt: T(task), follows } };
}

const actions = async (db: Db, id: string) => (await getItem(db, id))?.history.map((h) => h.action);

describe.each(backends)('the task fence on $name', (backend) => {
  let db: Db;
  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(async () => db?.close());

  describe.each<ApplyOptions>([{ path: 'statements' }, { path: 'transaction' }])('by $path', (options) => {
    const apply = (b: ItemRecordBatch) => applyItemBatch(db, b, options);
    const name = (s: string) => `${s}-${options.path}`;

    it("takes the API's unfenced create as revision 1, then each task's writes in turn", async () => {
      const id = name('fence-a');
      expect((await apply(itemBatch(id, 1))).applied).toBe(true); // the API
      expect((await apply(fenced(id, 1, 1, 0))).applied).toBe(false); // the workflow's first batch
      expect(await apply(fenced(id, 2, 1, 1))).toEqual({ applied: true, revision: 2 });
      expect((await apply(fenced(id, 3, 1, 2))).applied).toBe(true); // the same task again
      expect((await apply(fenced(id, 3, 1, 2))).applied).toBe(false); // its local activity run again
      expect((await apply(fenced(id, 4, 2, 3))).applied).toBe(true); // the next task
      expect(await actions(db, id)).toEqual(['step 1', 'step 2', 'step 3', 'step 4']);
    });

    it('undoes the two revisions of a task that never completed when its retry writes, and skips its late write', async () => {
      const id = name('fence-b');
      await apply(fenced(id, 1, 1, 0, {}));
      await apply(fenced(id, 2, 2, 1, { set: { stage: 'first', note: 'kept' } }));
      // task 3 writes revisions 3 and 4, then its worker dies before the task completes
      await apply(fenced(id, 3, 3, 2, { set: { stage: 'lost', lostField: 'x' } }));
      await apply(
        fenced(id, 4, 3, 3, {
          upsert: { reports: [{ id: 'r-lost', text: 'never happened' }] },
          summary: { ...itemBatch(id, 4).summary, status: 'completed' },
        }),
      );
      expect((await getItem(db, id))?.status).toBe('completed');
      // the retry (task 4) decides revision 3 differently
      const retried = fenced(id, 3, 4, 2, {
        set: { stage: 'second' },
        events: [{ key: 'e3-retry', at: T(4), by: 'staff', action: 'step 3 again' }],
      });
      expect(await apply(retried)).toEqual({ applied: true, revision: 3, undone: 4 });
      let item = await getItem(db, id);
      expect(item).toMatchObject({ revision: 3, stage: 'second', note: 'kept', status: 'open', reports: [] });
      expect(item).not.toHaveProperty('lostField');
      expect(await actions(db, id)).toEqual(['step 1', 'step 2', 'step 3 again']);

      // the given-up attempt's write arrives late: skipped, whatever its revision
      expect((await apply(fenced(id, 4, 3, 3, { set: { stage: 'late' } }))).applied).toBe(false);
      expect((await apply(fenced(id, 5, 3, 4, { set: { stage: 'late' } }))).applied).toBe(false);
      expect((await getItem(db, id))?.stage).toBe('second');

      // the retry goes on, and a retry of it is a duplicate
      expect((await apply(fenced(id, 4, 4, 3, { set: { stage: 'third' } }))).applied).toBe(true);
      expect((await apply(fenced(id, 4, 4, 3, { set: { stage: 'third' } }))).applied).toBe(false);
      item = await getItem(db, id);
      expect(item).toMatchObject({ revision: 4, stage: 'third' });
      expect(await actions(db, id)).toEqual(['step 1', 'step 2', 'step 3 again', 'step 4']);
    });

    it('a retry that writes nothing still lets the next task undo the lost writes', async () => {
      const id = name('fence-c');
      await apply(fenced(id, 1, 1, 0));
      await apply(fenced(id, 2, 2, 1, { set: { lost: true } })); // task 2 never completes
      // its retry (task 3) records nothing; task 5 then decides revision 2 on top of 1
      expect((await apply(fenced(id, 2, 5, 1, { set: { found: true } }))).applied).toBe(true);
      const item = await getItem(db, id);
      expect(item).toMatchObject({ revision: 2, found: true });
      expect(item).not.toHaveProperty('lost');
    });

    it('undoes a create whose task never completed', async () => {
      const id = name('fence-d');
      await apply(fenced(id, 1, 1, 0, {}));
      await apply(fenced(id, 2, 1, 1, { set: { lost: true } }));
      const again = fenced(id, 1, 2, 0, {
        created: { ...itemBatch(id, 1).created!, title: '重新决定' },
        events: [{ key: 'e1-retry', at: T(2), by: 'system', action: 'created again' }],
      });
      expect((await apply(again)).applied).toBe(true);
      const item = await getItem(db, id);
      expect(item).toMatchObject({ revision: 1, title: '重新决定' });
      expect(item).not.toHaveProperty('lost');
      expect(await actions(db, id)).toEqual(['created again']);
    });

    it('refuses a fenced batch that follows a revision the row can neither be at nor go back to', async () => {
      const id = name('fence-e');
      await apply(fenced(id, 1, 1, 0));
      await apply(fenced(id, 2, 2, 1));
      await expect(apply(fenced(id, 5, 3, 4))).rejects.toBeInstanceOf(RecordFenceError);
      await expect(apply(fenced(id, 3, 3, 0))).rejects.toBeInstanceOf(RecordFenceError);
      expect((await getItem(db, id))?.revision).toBe(2);
    });

    it('keeps the plain revision rule for batches without a fence', async () => {
      const id = name('fence-f');
      await apply(fenced(id, 1, 1, 0));
      expect((await apply(itemBatch(id, 1))).applied).toBe(false);
      expect((await apply(itemBatch(id, 2))).applied).toBe(true);
      expect((await apply(itemBatch(id, 2))).applied).toBe(false);
      expect((await getItem(db, id))?.revision).toBe(2);
    });

    it("gives a case's ledger rows back their values from before the lost task, and keeps its deliveries", async () => {
      const id = name('case-fence');
      const at = (task: number, follows: number) => ({ fence: { decidedAt: T(task), follows } });
      const sent: NonNullable<CaseRecordBatch['deliveries']>[number] = {
        noticeKey: `${id}:decision`,
        channel: 'email',
        caseId: id,
        kind: 'decision',
        subject: '处理决定',
        status: 'delivered',
        attempts: 1,
        at: T(2),
      };
      const write = (b: ReturnType<typeof caseBatch>) => applyCaseBatch(db, b, options);
      await write({ ...caseBatch(id, 1, { ledger: [measure('m1')] }), ...at(1, 0) });
      // task 2 revokes m1, adds m2 and delivers a notice, then never completes
      await write({
        ...caseBatch(id, 2, {
          ledger: [
            measure('m1', { status: 'revoked', revokedAt: T(2) }),
            measure('m2', { subjectId: 'p2', subjectName: '李四' }),
          ],
          deliveries: [sent],
        }),
        ...at(2, 1),
      });
      // its retry decides another measure instead
      await write({
        ...caseBatch(id, 2, { ledger: [measure('m3', { code: 'fine', amount: 100 })] }),
        ...at(3, 1),
      });
      const { rows } = await db.query<{ measure_id: string; status: string; revoked_at: unknown }>(
        'SELECT measure_id, status, revoked_at FROM measures WHERE case_id = $1 ORDER BY measure_id',
        [id],
      );
      expect(rows.map((r) => [r.measure_id, r.status, r.revoked_at ?? null])).toEqual([
        ['m1', 'executed', null],
        ['m3', 'executed', null],
      ]);
      expect((await getCase(db, id))?.history.map((h) => h.action)).toEqual(['case step 1', 'case step 2']);
      // the notice was sent: its row is a fact and stays
      expect((await listDeliveries(db, { caseId: id })).map((d) => d.noticeKey)).toEqual([sent.noticeKey]);

      // a later task changes m1 again, and its own failure is undone back to that
      await write({
        ...caseBatch(id, 3, { ledger: [measure('m1', { code: 'fine', amount: 50 })] }),
        ...at(4, 2),
      });
      await write({
        ...caseBatch(id, 4, { ledger: [measure('m1', { status: 'revoked', revokedAt: T(5) })] }),
        ...at(5, 3),
      });
      await write({ ...caseBatch(id, 4), ...at(6, 3) });
      const m1 = await db.query<{ code: string; status: string; amount: unknown }>(
        'SELECT code, status, amount FROM measures WHERE id = $1',
        [`${id}:m1`],
      );
      expect(m1.rows.map((r) => [r.code, r.status, Number(r.amount)])).toEqual([['fine', 'executed', 50]]);
    });
  });
});
