// A PostgreSQL server that shuts down while a transaction holds its connection between two
// statements: the transaction fails, the process lives on, and the record works again once the
// server is back. (pg's pool listens for errors only on idle connections; before the fix the cut
// connection's 'error' event had no listener and ended the worker.)
import { openDatabase, type Db } from '../../activities/record/db';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

const ownServer = process.env.DUBAN_TEST_DATABASE_URL ? test.skip : test;
let server: TestPostgres | undefined;
let db: Db | undefined;

afterAll(async () => {
  await db?.close().catch(() => undefined);
  await server?.stop();
});

ownServer('a server shut down inside a transaction fails that transaction, not the process', async () => {
  server = await startPostgres();
  db = await openDatabase({ url: server.url });
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => void uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    let halted!: () => void;
    const serverGone = new Promise<void>((resolve) => (halted = resolve));
    const tx = db.transaction(async (q) => {
      await q.query('SELECT 1');
      // the connection is checked out and idle in the transaction while the server goes down
      server!.halt!();
      halted();
      await new Promise((r) => setTimeout(r, 500));
      await q.query('SELECT 2');
    });
    await serverGone;
    await expect(tx).rejects.toThrow();
    expect(uncaught).toEqual([]);

    server.resume!();
    const { rows } = await db.query<{ n: number }>('SELECT 1 AS n');
    expect(rows).toEqual([{ n: 1 }]);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});
