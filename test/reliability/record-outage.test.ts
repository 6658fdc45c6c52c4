// The record's database stops for ~30 s while items escalate. The process must go on without it:
// every item reaches its first urge while PostgreSQL is down (nothing waits on SQL to decide).
// Once the server is back, the writes retried with backoff catch up: every item's record equals its
// workflow line for line (nothing lost, nothing doubled), every urge reaches the webhook receiver
// once, and verify-records finds no difference. (Deliveries wait for the record: deliverNotices
// records each result in the same activity, so a notice lane is held by its first unrecorded batch.)
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { openDatabase, type Db } from '../../activities/record/db';
import { getItem } from '../../activities/record/store';
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from '../helpers/receivers';
import { pollUntil, sleep, spawnWorker, type WorkerProcess } from '../helpers/reliability';
import { inBatches, queryStates, recordMismatches, startDrillItem, urgeKey } from '../helpers/storm';

const ITEMS = 20;
const DOWN_MS = 30_000;

jest.setTimeout(240_000);

let server: DevServer | undefined;
let connection: Connection | undefined;
let receiver: WebhookReceiver | undefined;
let pg: TestPostgres | undefined;
let record: Db | undefined;
let worker: WorkerProcess | undefined;

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await record?.close();
  await connection?.close();
  await server?.stop();
  await receiver?.close();
  await pg?.stop();
});

// an existing database server (DUBAN_TEST_DATABASE_URL) is not ours to stop
const testOwnServer = process.env.DUBAN_TEST_DATABASE_URL ? test.skip : test;

testOwnServer(
  `the database down ${DOWN_MS / 1000} s during escalations: nothing lost, nothing doubled`,
  async () => {
    const secret = newWebhookSecret();
    [receiver, pg, server] = await Promise.all([
      startWebhookReceiver({ secret }),
      startPostgres(),
      startDevServer({ port: 0, headless: true, logLevel: 'error' }),
    ]);
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const taskQueue = `outage-${randomUUID()}`;
    worker = spawnWorker({
      address: server.address,
      taskQueue,
      webhook: { url: receiver.url, secret },
      env: { DUBAN_DATABASE_URL: pg.url },
    });
    await worker.ready;
    record = await openDatabase({ url: pg.url });

    const ids = Array.from({ length: ITEMS }, (_, i) => `outage-${i}-${randomUUID().slice(0, 6)}`);
    await inBatches(ids, 10, (id) => startDrillItem(client, taskQueue, id));
    // every item's first batch is in; their deadlines (10 s) fall in the outage that follows
    const created = await pollUntil(
      async () => (await Promise.all(ids.map((id) => getItem(record!, id)))).every(Boolean),
      30_000,
    );
    expect(created).toBe(true);
    await record.close();
    record = undefined;

    const stoppedAt = Date.now();
    pg.halt!();
    // the process goes on: every item decides its first urge while the record cannot be written
    let statesWhileDown = await queryStates(client, ids);
    const urgedWhileDown = await pollUntil(
      async () => (statesWhileDown = await queryStates(client, ids)).every((s) => s.urgeCount >= 1),
      DOWN_MS - 2000,
      500,
    );
    const deliveredWhileDown = receiver.received.length;
    await sleep(Math.max(0, DOWN_MS - (Date.now() - stoppedAt)));
    pg.resume!();
    const resumedAt = Date.now();
    const downMs = resumedAt - stoppedAt;
    expect(urgedWhileDown).toBe(true);
    expect(statesWhileDown.map((s) => s.reminders[0]?.level)).toEqual(ids.map(() => 1));
    expect(worker.child.exitCode).toBeNull();

    // the writes catch up (the retries back off to at most a minute between attempts)
    record = await openDatabase({ url: pg.url });
    const allUrged = await pollUntil(
      async () => (await queryStates(client, ids)).every((s) => s.urgeCount === 3),
      90_000,
      1000,
    );
    expect(allUrged).toBe(true);
    let check = await recordMismatches(client, record, taskQueue, ids);
    await pollUntil(
      async () => (check = await recordMismatches(client, record!, taskQueue, ids)).mismatches.length === 0,
      120_000,
      2000,
    );
    process.stdout.write(
      `record outage summary: ${JSON.stringify({ items: ITEMS, downMs, deliveredWhileDown, recordCaughtUpAfterResumeMs: Date.now() - resumedAt, rows: check.rows })}\n`,
    );
    expect(check.mismatches).toEqual([]);
    const expected = ids.flatMap((id) => [1, 2, 3].map((l) => urgeKey(id, l)));
    const delivered = await pollUntil(
      () => expected.every((k) => receiver!.received.some((r) => r.id === k)),
      60_000,
      500,
    );
    expect(delivered).toBe(true);
    const urges = receiver.received.filter((r) => r.id.endsWith(':urge')).map((r) => r.id);
    expect(urges.sort()).toEqual(expected.sort());
    expect(check.rows.items).toBe(ITEMS);
    expect(check.rows.cases).toBe(ITEMS * 3);
  },
);
