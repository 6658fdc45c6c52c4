// Benchmark 1: creating an item through the API (POST /v1/items) against starting the same workflow
// with the raw Temporal client, side by side in one run at several concurrencies. The modes take
// turns in rounds (the order rotating each round), so a noisy moment of the machine lands on all.
//
// Two modes:
//   api        POST /v1/items: auth, zod, policy and calendar planning, workflow.start, the
//              start's first record batch, and the 201 built from the same pure state at start
//   raw        client.workflow.start('supervisionItem', …) with the same input (the calendar slice
//              included); returns when the server has recorded the start
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { SA } from '../api/context';
import { createBody, itemInput, itemWorkflowId, TITLE } from './lib/items';
import {
  bundle,
  runId,
  startApi,
  startServer,
  startWorker,
  waitSettled,
  type BenchServer,
  type RunningApi,
} from './lib/stack';
import { pool, round, summarize, table, type Summary } from './lib/stats';

export interface ApiCreateOptions {
  concurrencies: number[];
  /** requests per mode and concurrency (at least 2 × the concurrency) */
  requests: number;
  rounds: number;
}

export const API_CREATE_DEFAULTS: ApiCreateOptions = {
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
  byConcurrency: {
    concurrency: number;
    requests: number;
    modes: ModeResult[];
    ratio: { p50: number; p99: number; throughput: number };
  }[];
}

export async function runApiCreate(opts: ApiCreateOptions): Promise<ApiCreateResult> {
  const server = await startServer();
  const taskQueue = `bench-api-${runId()}`;
  const run = runId();
  const worker = await startWorker({ server, taskQueue, workflowBundle: await bundle('production') });
  const api = await startApi(server, taskQueue);
  try {
    const once = requester(server, api, taskQueue);
    // warm-up: JIT, connection pools, the worker's first bundles; not recorded
    const warm = MODES.flatMap((mode) => Array.from({ length: 20 }, (_, i) => `${run}-warm-${mode}-${i}`));
    await pool(warm.length, 4, (i) => once(MODES[Math.floor(i / 20)]!, warm[i]!).then(() => undefined));
    await waitSettled(server.client, warm, 60_000);

    const byConcurrency: ApiCreateResult['byConcurrency'] = [];
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
          await waitSettled(server.client, ids, 60_000);
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
      byConcurrency.push({
        concurrency: c,
        requests: n,
        modes,
        ratio: {
          p50: a.latencyMs.p50 / raw.latencyMs.p50,
          p99: a.latencyMs.p99 / raw.latencyMs.p99,
          throughput: a.throughput / raw.throughput,
        },
      });
      console.log(`  concurrency ${c}: ${n} requests per mode in ${rounds} rounds done`);
    }
    return { options: opts, byConcurrency };
  } finally {
    await api.close();
    await worker.stop();
    await server.close();
  }
}

/** One create in the given mode; resolves to an error message, or undefined on success. */
function requester(server: BenchServer, api: RunningApi, taskQueue: string) {
  const client = server.client;
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
        const res = await fetch(`${api.url}/v1/items`, {
          method: 'POST',
          headers: { authorization: `Bearer ${api.tokens.staff}`, 'content-type': 'application/json' },
          body: JSON.stringify(createBody(id)),
        });
        const body = (await res.json()) as { deadlineAt?: string; detail?: string };
        if (res.status !== 201) return `HTTP ${res.status}: ${body.detail ?? ''}`;
        if (!body.deadlineAt) return 'answered without a deadline';
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
  for (const c of r.byConcurrency) {
    for (const m of c.modes) {
      rows.push([
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
      c.concurrency,
      'api ÷ raw',
      '',
      '',
      round(c.ratio.p50, 2),
      round(c.ratio.p99, 2),
      round(c.ratio.throughput, 2),
    ]);
  }
  console.log(table(['conc', 'mode', 'ok', 'err', 'p50 ms', 'p99 ms', 'per s'], rows));
}
