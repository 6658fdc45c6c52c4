// Two API processes and two workers on the cluster take a create load with client ids; one API is
// SIGKILLed in the middle. The client retries a failed request on the other API with the same id
// and body (the API answers 200 for a repeat), as it does after a 503: the survivor keeps answering,
// every item exists, and none was created twice.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../scripts/dev-server';
import { itemBody, TOKEN_ENTRIES, TOKENS } from '../helpers/api';
import { clusterState, spawnApi, type ApiProcess } from '../helpers/cluster';
import { pollUntil, spawnWorker, type WorkerProcess } from '../helpers/reliability';
import { inBatches } from '../helpers/storm';

const CREATES = Number(process.env.DUBAN_CLUSTER_CREATES ?? 300);
const CONCURRENCY = 16;

jest.setTimeout(600_000);

let connection: Connection | undefined;
const workers: WorkerProcess[] = [];
const apis: ApiProcess[] = [];

afterAll(async () => {
  for (const a of apis) await a.kill('SIGKILL');
  for (const w of workers) await w.kill('SIGKILL');
  await connection?.close();
});

interface Outcome {
  id: string;
  attempts: { api: number; status: number | string }[];
}

test(`${CREATES} creates through two APIs, one SIGKILLed: the other answers, nothing twice`, async () => {
  const cluster = clusterState();
  const taskQueue = `cluster-api-${randomUUID()}`;
  const common = { address: cluster.temporalAddress, namespace: cluster.namespace, taskQueue };
  for (let i = 0; i < 2; i++) workers.push(spawnWorker(common));
  await Promise.all(workers.map((w) => w.ready));
  for (let i = 0; i < 2; i++)
    apis.push(await spawnApi({ ...common, port: await freePort(), tokens: TOKEN_ENTRIES }));
  connection = await Connection.connect({ address: cluster.temporalAddress });
  const client = new Client({ connection, namespace: cluster.namespace });

  const post = async (api: number, id: string): Promise<number | string> => {
    try {
      const res = await fetch(`${apis[api]!.url}/v1/items`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKENS.staff}`, 'content-type': 'application/json' },
        body: JSON.stringify(itemBody({ id })),
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer();
      return res.status;
    } catch (err) {
      return (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    }
  };

  const run = randomUUID().slice(0, 6);
  const ids = Array.from({ length: CREATES }, (_, i) => `af-${run}-${i}`);
  let issued = 0;
  let killedAt: number | undefined;
  const afterKill: (number | string)[] = [];
  const t0 = Date.now();
  const outcomes = await inBatches(ids, CONCURRENCY, async (id): Promise<Outcome> => {
    const n = issued++;
    if (n === Math.floor(CREATES / 3) && killedAt === undefined) {
      killedAt = Date.now();
      void apis[0]!.kill('SIGKILL');
    }
    const attempts: Outcome['attempts'] = [];
    let api = n % 2;
    for (let attempt = 0; attempt < 4; attempt++) {
      const status = await post(api, id);
      attempts.push({ api, status });
      if (killedAt !== undefined && api === 1) afterKill.push(status);
      if (status === 201 || status === 200) break;
      api = 1; // what a load balancer does once a backend fails: the other one
    }
    return { id, attempts };
  });
  const wallMs = Date.now() - t0;

  const final = outcomes.map((o) => o.attempts.at(-1)!.status);
  const retried = outcomes.filter((o) => o.attempts.length > 1);
  // counted in visibility, which lags the starts a little
  const query = `TaskQueue = '${taskQueue}' AND WorkflowType = 'supervisionItem'`;
  await pollUntil(async () => (await client.workflow.count(query)).count >= CREATES, 60_000, 500);
  const runs: string[] = [];
  for await (const wf of client.workflow.list({ query })) runs.push(wf.workflowId);
  const summary = {
    creates: CREATES,
    concurrency: CONCURRENCY,
    wallMs,
    killedAfter: Math.floor(CREATES / 3),
    retried: retried.length,
    retriedAnswers: retried.map((o) => o.attempts.map((a) => `${a.api}:${a.status}`).join(' → ')).slice(0, 5),
    created201: final.filter((s) => s === 201).length,
    repeat200: final.filter((s) => s === 200).length,
    runs: runs.length,
    survivorAnswersAfterKill: afterKill.length,
    survivor503: afterKill.filter((s) => s === 503).length,
  };
  process.stdout.write(`cluster API failover: ${JSON.stringify(summary)}\n`);

  expect(final.every((s) => s === 201 || s === 200)).toBe(true);
  // the survivor answered everything it was sent after the kill: an HTTP answer every time, never a
  // broken connection; a 503 (Temporal slow to answer under this load: "try again") is allowed
  expect(afterKill.length).toBeGreaterThan(0);
  expect(afterKill.filter((s) => typeof s !== 'number')).toEqual([]);
  expect(afterKill.filter((s) => s !== 201 && s !== 200 && s !== 503)).toEqual([]);
  expect(apis[1]!.child.exitCode).toBeNull();
  // one workflow per client id, never two
  expect(runs.length).toBe(CREATES);
  expect(new Set(runs).size).toBe(CREATES);
  expect([...new Set(runs)].sort()).toEqual(ids.map((id) => `supervision-${id}`).sort());
});
