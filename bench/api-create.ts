// Benchmark 1: creating an item through the API (POST /v1/items) against starting the same workflow
// with the raw Temporal client, side by side in one run at several concurrencies. The modes take
// turns in rounds (the order rotating each round), so a noisy moment of the machine lands on all.
//
// Two modes:
//   api        POST /v1/items: auth, zod, policy and calendar planning, workflow.start and the
//              201 built from the same pure state at start (the first record batch is written
//              just after the answer)
//   raw        client.workflow.start('supervisionItem', …) with the same input (the calendar slice
//              included); returns when the server has recorded the start
//
// Three topologies, each with its own dev server:
//   one-process  API, worker and the record's PGlite in the benchmark's own process: `npm start`'s
//                embedded default, where every request shares one event loop with the worker
//   processes    the API (dist/api/main.js) and the worker (dist/worker/main.js) as processes of their
//                own, as deployed, the worker serving the embedded record to the API; the benchmark's
//                process holds only the clients
//   api-alone    as one-process, but the worker runs only between the timed windows, draining what
//                each started: what the API adds to a start when the workflows run elsewhere (a
//                worker on machines of its own), and no window meets another's first tasks
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { SA } from '../api/context';
import { createBody, itemInput, itemWorkflowId, TITLE } from './lib/items';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { TokenEntry } from '../config';
import { startApiProcess, startWorkerProcess } from './lib/processes';
import { parseServerTiming } from '../api/server-timing';
import { bundle, runId, startApi, startBareServer, startServer, startWorker, waitSettled } from './lib/stack';
import { pool, round, summarize, table, type Summary } from './lib/stats';

export const TOPOLOGIES = ['one-process', 'processes', 'api-alone'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

export interface ApiCreateOptions {
  topologies: Topology[];
  concurrencies: number[];
  /** requests per mode and concurrency (at least 2 × the concurrency) */
  requests: number;
  rounds: number;
}

export const API_CREATE_DEFAULTS: ApiCreateOptions = {
  topologies: [...TOPOLOGIES],
  concurrencies: [1, 4, 16, 64],
  requests: 100,
  rounds: 4,
};

const MODES = ['api', 'raw'] as const;
type Mode = (typeof MODES)[number];

interface ModeResult {
  mode: Mode;
  ok: number;
  errors: number;
  firstError?: string;
  latencyMs: Summary;
  /** successful requests per second of the mode's own wall time */
  throughput: number;
  wallMs: number;
}

export interface ApiCreateResult {
  options: ApiCreateOptions;
  byTopology: TopologyResult[];
}

interface TopologyResult {
  topology: Topology;
  byConcurrency: {
    concurrency: number;
    requests: number;
    modes: ModeResult[];
    ratio: { p50: number; p99: number; throughput: number };
    /** p50 of each phase the API's Server-Timing header reports for its creates, in ms */
    apiPhasesMs: Record<string, number>;
  }[];
}

/** What one topology stands up: the raw client, the API's address and a staff token. */
interface Stack {
  client: Client;
  taskQueue: string;
  apiUrl: string;
  staffToken: string;
  /** until every first workflow task of these items is done */
  settle(ids: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

async function oneProcess(workerBetweenWindows: boolean): Promise<Stack> {
  const server = await startServer();
  const taskQueue = `bench-api-${runId()}`;
  const workflowBundle = await bundle('production');
  const newWorker = () => startWorker({ server, taskQueue, workflowBundle });
  let worker = workerBetweenWindows ? undefined : await newWorker();
  const api = await startApi(server, taskQueue);
  return {
    client: server.client,
    taskQueue,
    apiUrl: api.url,
    staffToken: api.tokens.staff,
    async settle(ids) {
      if (!workerBetweenWindows) return void (await waitSettled(server.client, ids, 60_000));
      worker = await newWorker();
      await waitSettled(server.client, ids, 60_000);
      await worker.stop();
      worker = undefined;
    },
    async close() {
      await api.close();
      await worker?.stop();
      await server.close();
    },
  };
}

async function processes(): Promise<Stack> {
  const server = await startBareServer();
  const taskQueue = `bench-api-${runId()}`;
  const staffToken = randomBytes(24).toString('base64url');
  const tokens: TokenEntry[] = [{ token: staffToken, actor: 'bench-staff', role: 'staff' }];
  const env = {
    TEMPORAL_ADDRESS: server.dev.address,
    TEMPORAL_NAMESPACE: server.dev.namespace,
    DUBAN_TASK_QUEUE: taskQueue,
    DUBAN_DATA_DIR: server.dir,
    ...(process.env.DUBAN_BENCH_DATABASE_URL
      ? { DUBAN_DATABASE_URL: process.env.DUBAN_BENCH_DATABASE_URL }
      : {}),
  };
  // the worker first: it opens the embedded record and serves it to the API
  const worker = await startWorkerProcess('worker', env);
  try {
    const api = await startApiProcess('api', env, tokens);
    return {
      client: server.client,
      taskQueue,
      apiUrl: api.url,
      staffToken,
      settle: (ids) => waitSettled(server.client, ids, 60_000).then(() => undefined),
      async close() {
        await api.stop();
        await worker.stop();
        await server.close();
      },
    };
  } catch (err) {
    await worker.stop();
    await server.close();
    throw err;
  }
}

export async function runApiCreate(opts: ApiCreateOptions): Promise<ApiCreateResult> {
  const byTopology: TopologyResult[] = [];
  for (const topology of opts.topologies) {
    const stack = await (topology === 'processes' ? processes() : oneProcess(topology === 'api-alone'));
    try {
      byTopology.push({ topology, byConcurrency: await measure(stack, opts, topology) });
    } finally {
      await stack.close();
    }
  }
  return { options: opts, byTopology };
}

async function measure(
  stack: Stack,
  opts: ApiCreateOptions,
  topology: Topology,
): Promise<TopologyResult['byConcurrency']> {
  const run = runId();
  let phases: Record<string, number[]> | undefined; // collected in the timed windows only
  const once = requester(stack, (timing) => {
    if (!phases) return;
    for (const [name, ms] of Object.entries(timing)) (phases[name] ??= []).push(ms);
  });
  // warm-up: JIT, connection pools, the worker's first bundles; not recorded
  const warm = MODES.flatMap((mode) => Array.from({ length: 20 }, (_, i) => `${run}-warm-${mode}-${i}`));
  await pool(warm.length, 4, (i) => once(MODES[Math.floor(i / 20)]!, warm[i]!).then(() => undefined));
  await stack.settle(warm);

  const byConcurrency: TopologyResult['byConcurrency'] = [];
  for (const c of opts.concurrencies) {
    const n = Math.max(opts.requests, 2 * c);
    const rounds = Math.max(1, Math.min(opts.rounds, Math.floor(n / c)));
    const lat: Record<Mode, number[]> = { api: [], raw: [] };
    const wall: Record<Mode, number> = { api: 0, raw: 0 };
    const errors: Record<Mode, { count: number; first?: string }> = {
      api: { count: 0 },
      raw: { count: 0 },
    };
    let seq = 0;
    phases = {};
    for (let r = 0; r < rounds; r++) {
      const size = Math.floor(n / rounds) + (r < n % rounds ? 1 : 0);
      const order = MODES.map((_, i) => MODES[(i + r) % MODES.length]!);
      for (const mode of order) {
        const t0 = performance.now();
        const ids: string[] = [];
        await pool(size, c, async () => {
          const id = `${run}-${mode}-c${c}-${seq++}`;
          ids.push(id);
          const start = performance.now();
          const err = await once(mode, id);
          if (err) {
            errors[mode].count += 1;
            errors[mode].first ??= err;
          } else {
            lat[mode].push(performance.now() - start);
          }
        });
        wall[mode] += performance.now() - t0;
        // each mode starts with an idle worker: raw starts leave a backlog of first tasks behind
        await stack.settle(ids);
      }
    }
    const modes = MODES.map((mode): ModeResult => ({
      mode,
      ok: lat[mode].length,
      errors: errors[mode].count,
      ...(errors[mode].first ? { firstError: errors[mode].first } : {}),
      latencyMs: summarize(lat[mode]),
      throughput: lat[mode].length / (wall[mode] / 1000),
      wallMs: wall[mode],
    }));
    const [a, raw] = modes as [ModeResult, ModeResult];
    const apiPhasesMs = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, summarize(v).p50]));
    phases = undefined;
    byConcurrency.push({
      apiPhasesMs,
      concurrency: c,
      requests: n,
      modes,
      ratio: {
        p50: a.latencyMs.p50 / raw.latencyMs.p50,
        p99: a.latencyMs.p99 / raw.latencyMs.p99,
        throughput: a.throughput / raw.throughput,
      },
    });
    console.log(`  ${topology}, concurrency ${c}: ${n} requests per mode in ${rounds} rounds done`);
  }
  return byConcurrency;
}

/** One create in the given mode; resolves to an error message, or undefined on success. */
function requester(
  { client, taskQueue, apiUrl, staffToken }: Stack,
  timed: (phases: Record<string, number>) => void,
) {
  const start = (id: string) =>
    client.workflow.start('supervisionItem', {
      workflowId: itemWorkflowId(id),
      taskQueue,
      args: [itemInput(id)],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      staticSummary: TITLE,
      memo: { title: TITLE },
      typedSearchAttributes: [
        { key: SA.status, value: 'open' },
        { key: SA.leadUnit, value: 'u-housing' },
        { key: SA.urgeCount, value: 0 },
      ],
    });
  return async (mode: Mode, id: string): Promise<string | undefined> => {
    try {
      if (mode === 'api') {
        const res = await fetch(`${apiUrl}/v1/items`, {
          method: 'POST',
          headers: { authorization: `Bearer ${staffToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(createBody(id)),
        });
        const body = (await res.json()) as { deadlineAt?: string; detail?: string };
        if (res.status !== 201) return `HTTP ${res.status}: ${body.detail ?? ''}`;
        if (!body.deadlineAt) return 'answered without a deadline';
        timed(parseServerTiming(res.headers.get('server-timing')));
        return undefined;
      }
      await start(id);
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  };
}

export function printApiCreate(r: ApiCreateResult): void {
  const rows: (string | number)[][] = [];
  for (const t of r.byTopology) {
    for (const c of t.byConcurrency) {
      for (const m of c.modes) {
        rows.push([
          t.topology,
          c.concurrency,
          m.mode,
          m.ok,
          m.errors,
          round(m.latencyMs.p50, 1),
          round(m.latencyMs.p99, 1),
          round(m.throughput, 1),
        ]);
      }
      rows.push([
        t.topology,
        c.concurrency,
        'api ÷ raw',
        '',
        '',
        round(c.ratio.p50, 2),
        round(c.ratio.p99, 2),
        round(c.ratio.throughput, 2),
      ]);
    }
  }
  console.log(table(['topology', 'conc', 'mode', 'ok', 'err', 'p50 ms', 'p99 ms', 'per s'], rows));
  // Where an API create's time goes: the phases of its Server-Timing header (p50 of each), beside
  // what the client saw and the raw start of the same window.
  const names = ['accept', 'plan', 'start', 'total'];
  const phaseRows = r.byTopology.flatMap((t) =>
    t.byConcurrency.map((c) => [
      t.topology,
      c.concurrency,
      ...names.map((n) => (c.apiPhasesMs[n] === undefined ? '' : round(c.apiPhasesMs[n], 2))),
      round(c.modes[0]!.latencyMs.p50, 2),
      round(c.modes[1]!.latencyMs.p50, 2),
    ]),
  );
  console.log(
    '\nAPI create phases, p50 ms (Server-Timing: accept = parse, auth, validation; plan; start; the record row follows the answer)',
  );
  console.log(table(['topology', 'conc', ...names, 'client saw', 'raw start'], phaseRows));
}
