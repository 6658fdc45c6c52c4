// The record's database stops for ~30 s while items escalate. The process must go on without it:
// every item reaches its first urge while PostgreSQL is down (nothing waits on SQL to decide), and
// its warning and first urge reach the webhook receiver while it is down, once each: delivery writes
// no SQL (deliveries-in-record-batch), its results travel in the item's next record batch. Once the
// server is back, the writes retried with backoff catch up: every item's record equals its workflow
// line for line (nothing lost, nothing doubled), with each notice's result per channel, every urge
// reached the receiver once, and `verify-records` prints no difference.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { openDatabase, type Db } from '../../activities/record/db';
import { getItem, listDeliveries } from '../../activities/record/store';
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from '../helpers/receivers';
import { pollUntil, sleep, spawnWorker, type WorkerProcess } from '../helpers/reliability';
import { inBatches, queryStates, recordMismatches, startDrillItem, urgeKey } from '../helpers/storm';

const ITEMS = 20;
const DOWN_MS = 30_000;
const verifyScript = join(__dirname, '..', '..', 'dist', 'scripts', 'verify-records.js');

/** `npm run verify-records` as an operator runs it (from dist/: build first) */
function verifyRecordsCli(
  env: Record<string, string>,
  taskQueue: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(verifyScript)) throw new Error(`${verifyScript} is missing: run \`npm run build\` first`);
  return new Promise((done) => {
    execFile(
      process.execPath,
      [verifyScript, '--settle', '2', '--task-queue', taskQueue],
      { env: { ...process.env, ...env }, timeout: 120_000 },
      (err, stdout, stderr) =>
        done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

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
    // and its first urge is delivered: the workflow holds the result, the receiver has it once
    const firstUrges = ids.map((id) => urgeKey(id, 1));
    const urgeDelivered = (s: (typeof statesWhileDown)[number]) =>
      s.notices.some(
        (n) =>
          n.key === urgeKey(s.id, 1) &&
          n.deliveries.some((d) => d.channel === 'webhook' && d.status === 'delivered'),
      );
    const deliveredUrgesWhileDown = await pollUntil(
      async () => (statesWhileDown = await queryStates(client, ids)).every(urgeDelivered),
      Math.max(1000, DOWN_MS - 2000 - (Date.now() - stoppedAt)),
      500,
    );
    const receivedWhileDown = receiver.received.map((r) => r.id);
    const deliveredWhileDown = receivedWhileDown.length;
    const stillDown = Date.now() - stoppedAt < DOWN_MS;
    await sleep(Math.max(0, DOWN_MS - (Date.now() - stoppedAt)));
    pg.resume!();
    const resumedAt = Date.now();
    const downMs = resumedAt - stoppedAt;
    expect(urgedWhileDown).toBe(true);
    expect(statesWhileDown.map((s) => s.reminders[0]?.level)).toEqual(ids.map(() => 1));
    expect(stillDown).toBe(true);
    expect(deliveredUrgesWhileDown).toBe(true);
    expect(firstUrges.filter((k) => !receivedWhileDown.includes(k))).toEqual([]);
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
    const caughtUpMs = Date.now() - resumedAt;
    expect(check.mismatches).toEqual([]);
    // the record shows each first urge as the workflow had it while the database was down
    const recorded = await Promise.all(ids.map((id) => listDeliveries(record!, { itemId: id })));
    expect(
      recorded.map(
        (rows, i) => rows.find((d) => d.noticeKey === firstUrges[i] && d.channel === 'webhook')?.status,
      ),
    ).toEqual(ids.map(() => 'delivered'));
    const cli = await verifyRecordsCli(
      { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default', DUBAN_DATABASE_URL: pg.url },
      taskQueue,
    );
    process.stdout.write(
      `record outage summary: ${JSON.stringify({ items: ITEMS, downMs, deliveredWhileDown, recordCaughtUpAfterResumeMs: caughtUpMs, rows: check.rows, verifyRecords: cli.stdout.trim() })}\n`,
    );
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: '' });
    expect(cli.stdout).toMatch(/^verify-records: \d+ items and \d+ cases checked, 0 differences\n$/);
    const expected = ids.flatMap((id) => [1, 2, 3].map((l) => urgeKey(id, l)));
    const delivered = await pollUntil(
      () => expected.every((k) => receiver!.received.some((r) => r.id === k)),
      60_000,
      500,
    );
    expect(delivered).toBe(true);
    // exactly once at the receiver (it deduplicates on webhook-id, as a receiver should)
    const urges = receiver.received.filter((r) => r.id.endsWith(':urge')).map((r) => r.id);
    expect(urges.sort()).toEqual(expected.sort());
    process.stdout.write(
      `record outage: ${receiver.deliveries} webhook requests accepted, ${receiver.duplicates} duplicates dropped\n`,
    );
    expect(check.rows.items).toBe(ITEMS);
    expect(check.rows.cases).toBe(ITEMS * 3);
  },
);
