// Two workers and two APIs, four processes started at the same moment on one empty PostgreSQL
// database: each applies the migrations under the advisory lock, so they are applied once and all
// four start. Items created through both APIs, reported on through one and completed through the
// other, while both workers take their tasks: the record holds each item once, its history line
// for line as its workflow has it, both APIs read the same answer, and verify-records finds nothing.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { loadMigrations, openDatabase, type Db } from '../../activities/record/db';
import { startDevServer, freePort, type DevServer } from '../../scripts/dev-server';
import { itemWorkflowId } from '../../workflows/ids';
import { TOKEN_ENTRIES, TOKENS, itemBody } from '../helpers/api';
import { spawnApi, type ApiProcess } from '../helpers/cluster';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { pollUntil, spawnWorker, type WorkerProcess } from '../helpers/reliability';
import { inBatches, recordMismatches } from '../helpers/storm';

const ITEMS = 20;
jest.setTimeout(180_000);

let server: DevServer | undefined;
let connection: Connection | undefined;
let pg: TestPostgres | undefined;
let record: Db | undefined;
const workers: WorkerProcess[] = [];
const apis: ApiProcess[] = [];

afterAll(async () => {
  for (const a of apis) await a.kill('SIGKILL');
  for (const w of workers) await w.kill('SIGKILL');
  await record?.close();
  await connection?.close();
  await server?.stop();
  await pg?.stop();
});

async function call(api: ApiProcess, method: string, path: string, as: keyof typeof TOKENS, body?: unknown) {
  const res = await fetch(api.url + path, {
    method,
    headers: { authorization: `Bearer ${TOKENS[as]}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} on ${api.url}: ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

test('two workers and two APIs on one database: migrations once, every row once', async () => {
  [pg, server] = await Promise.all([
    startPostgres(),
    startDevServer({ port: 0, headless: true, logLevel: 'error' }),
  ]);
  // an empty database: the four processes race to migrate it
  const url = await pg.createDatabase();
  const taskQueue = `shared-${randomUUID()}`;
  const ports = [await freePort(), await freePort()];
  const env = { DUBAN_DATABASE_URL: url };
  workers.push(...[1, 2].map(() => spawnWorker({ address: server!.address, taskQueue, env })));
  apis.push(
    ...(await Promise.all(
      ports.map((port) =>
        spawnApi({
          address: server!.address,
          namespace: 'default',
          taskQueue,
          port,
          tokens: TOKEN_ENTRIES,
          env,
        }),
      ),
    )),
  );
  await Promise.all(workers.map((w) => w.ready));

  record = await openDatabase({ url, migrate: false });
  const { rows } = await record.query<{ version: number }>(
    'SELECT version FROM schema_migrations ORDER BY version',
  );
  expect(rows.map((r) => Number(r.version))).toEqual(loadMigrations().map((m) => m.version));

  const [a, b] = apis as [ApiProcess, ApiProcess];
  const ids = Array.from({ length: ITEMS }, (_, i) => `shared-${i}-${randomUUID().slice(0, 6)}`);
  await inBatches(ids, 8, (id) =>
    call(ids.indexOf(id) % 2 ? b : a, 'POST', '/v1/items', 'staff', itemBody({ id })),
  );
  await inBatches(ids, 8, async (id) => {
    const [first, second] = ids.indexOf(id) % 2 ? [a, b] : [b, a];
    await call(first, 'POST', `/v1/items/${id}/reports`, 'staff', {
      kind: 'progress',
      summary: '已完成摸底',
    });
    if (ids.indexOf(id) % 4 < 2)
      await call(second, 'POST', `/v1/items/${id}/complete`, 'manager', { comment: '已办结' });
  });
  connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const completed = ids.filter((_, i) => i % 4 < 2);
  await Promise.all(completed.map((id) => client.workflow.getHandle(itemWorkflowId(id)).result()));

  let check = await recordMismatches(client, record, taskQueue, ids);
  await pollUntil(
    async () => (check = await recordMismatches(client, record!, taskQueue, ids)).mismatches.length === 0,
    60_000,
    1000,
  );
  process.stdout.write(`shared database summary: ${JSON.stringify({ items: ITEMS, rows: check.rows })}\n`);
  expect(check.mismatches).toEqual([]);
  expect(check.rows.items).toBe(ITEMS);

  // both APIs answer the same, from the one record
  for (const id of [ids[0]!, ids[1]!]) {
    const [fromA, fromB] = await Promise.all([a, b].map((api) => call(api, 'GET', `/v1/items/${id}`, 'ops')));
    expect(fromA).toEqual(fromB);
    expect(fromA?.status).toBe('completed');
  }
  const list = await call(b, 'GET', `/v1/items?q=${encodeURIComponent('老旧小区')}&pageSize=200`, 'ops');
  const listed = (list.items as { id: string }[]).map((i) => i.id).filter((id) => ids.includes(id));
  expect(listed.sort()).toEqual([...ids].sort());
  // every process still runs
  for (const p of [...workers, ...apis]) expect(p.child.exitCode).toBeNull();
});
