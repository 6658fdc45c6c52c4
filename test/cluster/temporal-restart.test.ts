// The cluster's Temporal server (PostgreSQL-backed) is stopped while items are open and their first
// urges come due, then started again. Every item carries on in the same run: the overdue timers
// fire, a query answers, updates are accepted and completion ends the run. The cluster's own
// workers and APIs are not touched: they must reconnect by themselves (/readyz 200 again).
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { completeItem, getItemState, submitReport } from '../../workflows/messages';
import { itemWorkflowId } from '../../workflows/ids';
import {
  clusterApisReady,
  clusterState,
  clusterWorkersAlive,
  restartClusterTemporal,
} from '../helpers/cluster';
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from '../helpers/receivers';
import { pollUntil, spawnWorker, type WorkerProcess } from '../helpers/reliability';
import { queryStates, startDrillItem, urgeKey } from '../helpers/storm';

const ITEMS = Number(process.env.DUBAN_CLUSTER_RESTART_ITEMS ?? 20);

jest.setTimeout(600_000);

let connection: Connection | undefined;
let receiver: WebhookReceiver | undefined;
let worker: WorkerProcess | undefined;

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await connection?.close();
  await receiver?.close();
});

test(`${ITEMS} open items survive a restart of the cluster's Temporal server`, async () => {
  const cluster = clusterState();
  const secret = newWebhookSecret();
  receiver = await startWebhookReceiver({ secret });
  connection = await Connection.connect({ address: cluster.temporalAddress });
  const client = new Client({ connection, namespace: cluster.namespace });
  const taskQueue = `cluster-restart-${randomUUID()}`;
  worker = spawnWorker({
    address: cluster.temporalAddress,
    namespace: cluster.namespace,
    taskQueue,
    webhook: { url: receiver.url, secret },
  });
  await worker.ready;

  const deadline = new Date(Date.now() + 15_000);
  const ids = Array.from({ length: ITEMS }, (_, i) => `rs-${i}-${randomUUID().slice(0, 6)}`);
  for (const id of ids) await startDrillItem(client, taskQueue, id, { due: { at: deadline.toISOString() } });
  expect(
    await pollUntil(async () => (await queryStates(client, ids)).every((s) => s.deadlineAt), 30_000),
  ).toBe(true);
  const runIds = await Promise.all(
    ids.map(async (id) => (await client.workflow.getHandle(itemWorkflowId(id)).describe()).runId),
  );
  expect(receiver.received.filter((r) => r.id.endsWith(':urge'))).toHaveLength(0);

  // down until the deadline has passed: the first urges come due while there is no server
  const downSeconds = Math.ceil((deadline.getTime() - Date.now()) / 1000) + 2;
  const restart = await restartClusterTemporal(downSeconds);
  const upAt = Date.now();

  const expected = ids.map((id) => urgeKey(id, 1));
  const allUrged = await pollUntil(
    () => expected.every((k) => receiver!.received.some((r) => r.id === k)),
    120_000,
    100,
  );
  const firstUrgesMs = Date.now() - upAt;
  const workerSurvived = worker.child.exitCode === null && worker.child.signalCode === null;

  // the cluster's own processes reconnect by themselves
  const apisReady = await clusterApisReady(cluster);
  const workersAlive = clusterWorkersAlive();
  process.stdout.write(
    `cluster Temporal restart: ${JSON.stringify({ items: ITEMS, downSeconds, restartMs: restart.ms, firstUrgesMs, workerSurvived, apisReady, clusterWorkersAlive: workersAlive })}\n`,
  );
  expect(allUrged).toBe(true);
  expect(workerSurvived).toBe(true);
  expect(apisReady).toBe(true);
  expect(workersAlive).toBe(true);

  for (const [i, id] of ids.entries()) {
    const handle = client.workflow.getHandle(itemWorkflowId(id));
    expect((await handle.describe()).runId).toBe(runIds[i]);
    const state = await handle.query(getItemState);
    expect(state.status).toBe('overdue');
    expect(state.reminders[0]).toMatchObject({ level: 1, reason: 'deadline' });
    await handle.executeUpdate(submitReport, {
      args: [
        { kind: 'progress', summary: '集群重启后报送进展', actor: { id: 'liaison-wang', role: 'staff' } },
      ],
    });
    const done = await handle.executeUpdate(completeItem, {
      args: [{ comment: '重启后办结', actor: { id: 'director-li', role: 'manager' } }],
    });
    expect(done.status).toBe('completed');
  }
  const results = await Promise.all(ids.map((id) => client.workflow.getHandle(itemWorkflowId(id)).result()));
  expect(results.map((s) => (s as { status: string }).status)).toEqual(ids.map(() => 'completed'));
  const urges = receiver.received.filter((r) => r.id.endsWith(':urge'));
  expect(new Set(urges.map((r) => r.id)).size).toBe(urges.length);
});
