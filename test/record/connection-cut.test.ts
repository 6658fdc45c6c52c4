// A connection cut while a transaction holds it (a server restart, the embedded record's owner
// SIGKILLed: what test/cluster/worker-failover found) fails that transaction and nothing else: the
// pooled client's 'error' event is handled, the client is dropped, and the next statement gets a
// fresh connection. Unhandled, that event ended the surviving worker's process.
import pg from 'pg';
import { openDatabase, type Db } from '../../activities/record/db';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

let server: TestPostgres | undefined;
let db: Db | undefined;

afterAll(async () => {
  await db?.close();
  await server?.stop();
});

test('a transaction whose connection is terminated rejects; the process and the pool carry on', async () => {
  server = await startPostgres();
  db = await openDatabase({ url: server.url });
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    const outcome = await db
      .transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        // the server's FATAL and the socket's end arrive while this client is idle in the transaction
        await new Promise((r) => setTimeout(r, 500));
        await tx.query('SELECT 1');
        return 'committed';
      })
      .catch((err: unknown) => `rejected: ${(err as Error).message}`);
    expect(outcome).toMatch(/^rejected: /);
    const after = await db.query<{ one: number }>('SELECT 1 AS one');
    expect(after.rows).toEqual([{ one: 1 }]);
    expect(await db.transaction(async (tx) => (await tx.query('SELECT 2 AS two')).rows)).toEqual([
      { two: 2 },
    ]);
  } finally {
    await admin.end();
  }
});
