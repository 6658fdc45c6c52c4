// The cluster's PostgreSQL, which holds Temporal's persistence, its visibility and duban's record,
// is stopped (pg_ctl stop -m fast: every session cut) while items are open and their deadlines come
// due, then started again on the same data. Nothing else is restarted: the Temporal server, the
// cluster's workers and APIs and the test's own worker must find their way back by themselves.
//
// Passes when the Temporal server is the same process before and after, every item is on the same
// run and receives each of its urges exactly once, each item accepts a report afterwards (half are
// then completed), items created through the cluster's APIs before the outage are listed from the
// record and take a report on the other API after it, the cluster's APIs answer /readyz 200 and
// its workers are alive, the record equals every workflow line for line, and `npm run
// verify-records` (its compiled script, pointed at the cluster through its environment) reports no
// difference.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { openDatabase, type Db } from '../../activities/record/db';
import { getItem } from '../../activities/record/store';
import type { TokenEntry } from '../../config';
import { alive } from '../../scripts/cluster';
import { completeItem, getItemState, submitReport } from '../../workflows/messages';
import { itemWorkflowId } from '../../workflows/ids';
import { itemBody } from '../helpers/api';
import {
  clusterApisReady,
  clusterState,
  clusterWorkersAlive,
  restartClusterPostgres,
} from '../helpers/cluster';
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from '../helpers/receivers';
import { pollUntil, spawnWorker, type WorkerProcess } from '../helpers/reliability';
import {
  inBatches,
  queryStates,
  recordMismatches,
  startDrillItem,
  stormPolicy,
  urgeKey,
} from '../helpers/storm';

const ITEMS = Number(process.env.DUBAN_CLUSTER_PG_RESTART_ITEMS ?? 20);
/** created through the cluster's own APIs, on its own workers (task queue `duban`) */
const API_ITEMS = 4;
const LEVELS = stormPolicy.reminders.length;
const root = resolve(__dirname, '..', '..');

jest.setTimeout(600_000);

let connection: Connection | undefined;
let receiver: WebhookReceiver | undefined;
let worker: WorkerProcess | undefined;
let record: Db | undefined;

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await record?.close();
  await connection?.close();
  await receiver?.close();
});

/** `node dist/scripts/verify-records.js`, configured through its environment only, as an operator runs it */
function verifyRecordsCli(
  env: Record<string, string>,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('DUBAN_') || k.startsWith('TEMPORAL_')) delete base[k];
  const child = spawn(process.execPath, [join(root, 'dist', 'scripts', 'verify-records.js'), ...args], {
    cwd: root,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  return new Promise((r) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      r({ code, stdout, stderr });
    }),
  );
}

test(`${ITEMS} items escalating and ${API_ITEMS} created through the APIs survive a PostgreSQL restart`, async () => {
  const cluster = clusterState();
  const temporalBefore = cluster.processes.find((p) => p.name === 'temporal')!;
  const tokens = JSON.parse(readFileSync(cluster.tokensFile, 'utf8')) as TokenEntry[];
  const tokenOf = (role: string) => tokens.find((t) => t.role === role)!.token;
  const call = async (api: number, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${cluster.apis[api % cluster.apis.length]}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokenOf('staff')}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
  };

  const secret = newWebhookSecret();
  receiver = await startWebhookReceiver({ secret });
  connection = await Connection.connect({ address: cluster.temporalAddress });
  const client = new Client({ connection, namespace: cluster.namespace });
  const taskQueue = `cluster-pg-restart-${randomUUID()}`;
  worker = spawnWorker({
    address: cluster.temporalAddress,
    namespace: cluster.namespace,
    taskQueue,
    webhook: { url: receiver.url, secret },
    // the cluster's record, the same database the cluster's own workers and APIs use
    env: { DUBAN_DATABASE_URL: cluster.databaseUrl },
  });
  await worker.ready;
  record = await openDatabase({ url: cluster.databaseUrl, migrate: false });

  const run = randomUUID().slice(0, 6);
  const apiIds = Array.from({ length: API_ITEMS }, (_, i) => `pgr-api-${run}-${i}`);
  for (const [i, id] of apiIds.entries()) {
    const res = await call(i, 'POST', '/v1/items', itemBody({ id, title: `数据库重启演练 ${run} ${i}` }));
    expect(res.status).toBe(201);
  }
  const deadline = new Date(Date.now() + (15 + ITEMS / 10) * 1000);
  const ids = Array.from({ length: ITEMS }, (_, i) => `pgr-${run}-${i}`);
  await inBatches(ids, 10, (id) =>
    startDrillItem(client, taskQueue, id, { due: { at: deadline.toISOString() } }),
  );
  // every item planned and recorded before the outage
  const recorded = await pollUntil(
    async () =>
      (await queryStates(client, ids)).every((s) => s.deadlineAt) &&
      (await Promise.all([...ids, ...apiIds].map((id) => getItem(record!, id)))).every(Boolean),
    60_000,
    500,
  );
  expect(recorded).toBe(true);
  const runIds = await Promise.all(
    ids.map(async (id) => (await client.workflow.getHandle(itemWorkflowId(id)).describe()).runId),
  );
  expect(Date.now()).toBeLessThan(deadline.getTime());
  expect(receiver.received.filter((r) => r.id.endsWith(':urge'))).toHaveLength(0);
  await record.close();
  record = undefined;

  // down until the first urges are past due: they come due while nothing can be persisted
  const downSeconds = Math.ceil((deadline.getTime() - Date.now()) / 1000) + 3;
  const restart = await restartClusterPostgres(downSeconds);
  const upAt = Date.now();

  const expected = ids.flatMap((id) => Array.from({ length: LEVELS }, (_, l) => urgeKey(id, l + 1)));
  const uniqueUrges = () => receiver!.received.filter((r) => r.id.endsWith(':urge'));
  const arrived = (keys: string[]) => keys.every((k) => uniqueUrges().some((r) => r.id === k));
  const firstUrged = await pollUntil(() => arrived(ids.map((id) => urgeKey(id, 1))), 180_000, 250);
  const firstUrgesMs = Date.now() - upAt;
  const allUrged = firstUrged && (await pollUntil(() => arrived(expected), 120_000, 250));
  const allUrgesMs = Date.now() - upAt;

  // the cluster's own processes and the Temporal server came back by themselves
  const apisReady = await clusterApisReady(cluster);
  const after = clusterState();
  const temporalAfter = after.processes.find((p) => p.name === 'temporal')!;
  const workersAlive = clusterWorkersAlive(after);
  const summary: Record<string, unknown> = {
    items: ITEMS,
    apiItems: API_ITEMS,
    downSeconds,
    restartMs: restart.ms,
    allUrgesAfterRestartMs: allUrgesMs,
    firstUrgesAfterRestartMs: firstUrgesMs,
    temporalSamePid: temporalAfter.pid === temporalBefore.pid && alive(temporalAfter),
    workerSurvived: worker.child.exitCode === null && worker.child.signalCode === null,
    apisReady,
    clusterWorkersAlive: workersAlive,
  };
  expect(allUrged).toBe(true);
  expect(summary.temporalSamePid).toBe(true);
  expect(summary.workerSurvived).toBe(true);
  expect(apisReady).toBe(true);
  expect(workersAlive).toBe(true);
  const urges = uniqueUrges();
  expect(urges.map((r) => r.id).sort()).toEqual([...expected].sort());
  expect(receiver.requests.every((r) => r.verified)).toBe(true);

  // the items made through the APIs: listed from the record by the other API, and they take a report
  const listed = await pollUntil(
    async () => {
      const res = await call(1, 'GET', `/v1/items?q=${encodeURIComponent(run)}&pageSize=100`);
      const got = ((res.body?.items as { id: string }[] | undefined) ?? []).map((x) => x.id);
      return res.status === 200 && apiIds.every((id) => got.includes(id));
    },
    60_000,
    1000,
  );
  expect(listed).toBe(true);
  for (const [i, id] of apiIds.entries()) {
    const res = await call(i + 1, 'POST', `/v1/items/${id}/reports`, {
      kind: 'progress',
      summary: '数据库重启后报送进展',
    });
    expect(res.status).toBe(200);
  }

  // every drill item carries on in the same run: a report each, half of them completed
  for (const [i, id] of ids.entries()) {
    const handle = client.workflow.getHandle(itemWorkflowId(id));
    expect((await handle.describe()).runId).toBe(runIds[i]);
    const state = await handle.query(getItemState);
    expect(state.reminders.map((r) => r.level)).toEqual([1, 2, 3]);
    await handle.executeUpdate(submitReport, {
      args: [
        { kind: 'progress', summary: '数据库重启后报送进展', actor: { id: 'liaison-wang', role: 'staff' } },
      ],
    });
    if (i % 2 === 0) {
      const done = await handle.executeUpdate(completeItem, {
        args: [{ comment: '数据库重启后办结', actor: { id: 'director-li', role: 'manager' } }],
      });
      expect(done.status).toBe('completed');
    }
  }

  // the record caught up with every workflow, line for line
  record = await openDatabase({ url: cluster.databaseUrl, migrate: false });
  let check = await recordMismatches(client, record, taskQueue, ids);
  await pollUntil(
    async () => (check = await recordMismatches(client, record!, taskQueue, ids)).mismatches.length === 0,
    120_000,
    2000,
  );
  expect(check.mismatches).toEqual([]);
  const apiRows = await Promise.all(apiIds.map((id) => getItem(record!, id)));
  expect(apiRows.map((r) => r?.history.some((h) => h.detail?.includes('数据库重启后报送进展')))).toEqual(
    apiIds.map(() => true),
  );

  // and the operator's check, as documented: the compiled script on the cluster's environment
  const verify = await verifyRecordsCli(
    {
      TEMPORAL_ADDRESS: cluster.temporalAddress,
      TEMPORAL_NAMESPACE: cluster.namespace,
      DUBAN_DATABASE_URL: cluster.databaseUrl,
    },
    ['--task-queue', taskQueue, '--json'],
  );
  const report = JSON.parse(verify.stdout.trim().split('\n').at(-1) ?? '{}') as {
    items?: number;
    differences?: unknown[];
  };
  summary.verifyRecords = { exit: verify.code, items: report.items, differences: report.differences?.length };
  summary.recordRows = check.rows;
  process.stdout.write(`cluster PostgreSQL restart: ${JSON.stringify(summary)}\n`);
  expect({ code: verify.code, stderr: verify.stderr, differences: report.differences }).toEqual({
    code: 0,
    stderr: '',
    differences: [],
  });
  expect(report.items).toBeGreaterThanOrEqual(ITEMS + API_ITEMS);

  // the rest are completed too: the cluster's record keeps no open item whose worker (this test's)
  // is about to go, so an unscoped verify-records on the cluster stays clean
  for (const [i, id] of ids.entries()) {
    if (i % 2 === 0) continue;
    await client.workflow.getHandle(itemWorkflowId(id)).executeUpdate(completeItem, {
      args: [{ comment: '演练结束办结', actor: { id: 'director-li', role: 'manager' } }],
    });
  }
  await pollUntil(
    async () =>
      (await Promise.all(ids.map((id) => getItem(record!, id)))).every((r) => r?.status === 'completed'),
    60_000,
    1000,
  );
});
