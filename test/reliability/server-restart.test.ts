// The Temporal dev server stops and starts again on the same SQLite file while items are open.
// Their warnings and first urges come due during the outage; after the restart every item must
// carry on in the same run: the overdue timers fire (the webhook receiver gets each item's first
// urge), a query answers, an update is accepted, and completion ends the run. The worker process is
// left running through the outage (it must reconnect by itself); it is restarted only if it died,
// and the test says which happened. The client keeps its one connection throughout.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort, startDevServer, type DevServer } from '../../scripts/dev-server';
import { completeItem, getItemState, submitReport } from '../../workflows/messages';
import { itemWorkflowId } from '../../workflows/ids';
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from '../helpers/receivers';
import { pollUntil, sleep, spawnWorker, type WorkerProcess } from '../helpers/reliability';
import { queryStates, startDrillItem, urgeKey } from '../helpers/storm';
import { existingTemporal } from '../helpers/temporal';

const LONG = process.env.DUBAN_LONG === '1';
const ITEMS = LONG ? 50 : 5;
const RESTARTS = LONG ? 3 : 1;

jest.setTimeout(LONG ? 900_000 : 150_000);

let dataDir: string;
let server: DevServer | undefined;
let connection: Connection | undefined;
let receiver: WebhookReceiver | undefined;
const workers: WorkerProcess[] = [];

afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  await connection?.close();
  await server?.stop();
  await receiver?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// against an existing server (npm run test:cluster) test/cluster/temporal-restart.test.ts restarts it
const testOwnServer = existingTemporal() ? test.skip : test;

testOwnServer(`open items survive ${RESTARTS} stop/start of the dev server on its database`, async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'duban-restart-'));
  const dbFile = join(dataDir, 'temporal.db');
  const port = await freePort();
  const secret = newWebhookSecret();
  receiver = await startWebhookReceiver({ secret });
  const serve = () => startDevServer({ dbFile, port, headless: true, logLevel: 'error' });
  server = await serve();
  connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const taskQueue = `restart-${randomUUID()}`;
  const startWorker = () => {
    const w = spawnWorker({ address: server!.address, taskQueue, webhook: { url: receiver!.url, secret } });
    workers.push(w);
    return w;
  };
  let worker = startWorker();
  await worker.ready;

  // Each round: items whose drill deadline (10 s) falls inside the outage that follows.
  const rounds: Record<string, unknown>[] = [];
  const allIds: string[] = [];
  for (let round = 0; round < RESTARTS; round++) {
    const ids = Array.from({ length: ITEMS }, (_, i) => `restart-${round}-${i}-${randomUUID().slice(0, 6)}`);
    allIds.push(...ids);
    for (const id of ids) await startDrillItem(client, taskQueue, id);
    const settled = await pollUntil(
      async () => (await queryStates(client, ids)).every((s) => s.deadlineAt !== undefined),
      30_000,
    );
    expect(settled).toBe(true);
    const before = await queryStates(client, ids);
    const runIds = await Promise.all(
      ids.map(async (id) => (await client.workflow.getHandle(itemWorkflowId(id)).describe()).runId),
    );
    const lastDeadline = Math.max(...before.map((s) => Date.parse(s.deadlineAt!)));
    expect(before.every((s) => s.urgeCount === 0 && s.reminders.length === 0)).toBe(true);

    const stoppedAt = Date.now();
    await server.stop();
    // stay down until every deadline has passed: the warnings and first urges come due while down
    await sleep(Math.max(0, lastDeadline - Date.now()) + 1000);
    const downMs = Date.now() - stoppedAt;
    const startAt = Date.now();
    server = await serve();
    const serverReadyMs = Date.now() - startAt;

    // The worker was not told anything: it either reconnected by itself or died.
    const workerSurvived = worker.child.exitCode === null && worker.child.signalCode === null;
    if (!workerSurvived) {
      worker = startWorker();
      await worker.ready;
    }

    // The overdue timers fire after the restart: each item's first urge reaches the receiver.
    const expected = ids.map((id) => urgeKey(id, 1));
    const allUrged = await pollUntil(
      () => expected.every((k) => receiver!.received.some((r) => r.id === k)),
      60_000,
      100,
    );
    const firstUrgesMs = Date.now() - startAt;
    expect(allUrged).toBe(true);

    // Same run, and the state answers with the urge recorded.
    for (const [i, id] of ids.entries()) {
      const handle = client.workflow.getHandle(itemWorkflowId(id));
      expect((await handle.describe()).runId).toBe(runIds[i]);
      const state = await handle.query(getItemState);
      expect(state.status).toBe('overdue');
      expect(state.reminders[0]).toMatchObject({ level: 1, reason: 'deadline' });
      // a warning that came due during the outage is skipped once the deadline itself has passed
      expect(state.history.some((h) => h.action === 'urged')).toBe(true);
    }

    // Updates are accepted: a progress report, then the manager's completion ends each run.
    for (const id of ids) {
      const handle = client.workflow.getHandle(itemWorkflowId(id));
      const report = await handle.executeUpdate(submitReport, {
        args: [
          { kind: 'progress', summary: '服务器重启后报送进展', actor: { id: 'liaison-wang', role: 'staff' } },
        ],
      });
      expect(report).toMatchObject({ report: { kind: 'progress', by: 'liaison-wang' } });
      const done = await handle.executeUpdate(completeItem, {
        args: [{ comment: '重启后办结', actor: { id: 'director-li', role: 'manager' } }],
      });
      expect(done.status).toBe('completed');
    }
    const results = await Promise.all(
      ids.map((id) => client.workflow.getHandle(itemWorkflowId(id)).result()),
    );
    expect(results.map((s) => (s as { status: string }).status)).toEqual(ids.map(() => 'completed'));

    rounds.push({
      round,
      items: ITEMS,
      downMs,
      serverReadyMs,
      workerSurvived,
      firstUrgesAfterStartMs: firstUrgesMs,
    });
  }
  process.stdout.write(`dev-server restart summary: ${JSON.stringify({ rounds })}\n`);

  // the receiver's deduplicated view holds each urge once
  const urges = receiver.received.filter(
    (r) => allIds.some((id) => r.id.startsWith(`${id}:`)) && r.id.endsWith(':urge'),
  );
  expect(new Set(urges.map((r) => r.id)).size).toBe(urges.length);
});
