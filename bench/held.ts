// Benchmark 3: open items held. Starts many items with far deadlines (the default 15 working days)
// and, every `every` items, once the worker has caught up, samples the worker's resident memory and
// the dev server's SQLite file. The worker runs as its own process — the production entry point,
// dist/worker/main.js, configured by environment — so its RSS (from /proc) is its own. Its workflow
// cache is bounded by DUBAN_MAX_CACHED_WORKFLOWS: memory should level off once the cache is full,
// while the database grows with every item.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SA } from '../api/context';
import { TITLE, itemInput, itemWorkflowId } from './lib/items';
import { runId, startServer, waitSettled, type BenchServer } from './lib/stack';
import { pool, round, sleep, table, waitFor } from './lib/stats';

export interface HeldOptions {
  items: number;
  every: number;
  maxCached: number;
}

export const HELD_DEFAULTS: HeldOptions = { items: 10_000, every: 1000, maxCached: 1000 };

interface Sample {
  items: number;
  workerRssMiB: number;
  workerPeakRssMiB: number;
  serverRssMiB: number;
  dbMiB: number;
  /** seconds since the first start */
  at: number;
}

export interface HeldResult {
  options: HeldOptions;
  samples: Sample[];
  /** after the last sample, 10 s of idling */
  idle: Sample;
  perItem: {
    /** least-squares slope over every sample, bytes per item */
    workerRssBytes: number;
    /** the same, only over samples from the one where the cache was full on */
    workerRssBytesAfterCacheFull: number;
    serverRssBytes: number;
    dbBytes: number;
  };
  startRate: number;
}

const MiB = 2 ** 20;

function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { now: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

function dbBytes(dbFile: string): number {
  let total = 0;
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) {
    try {
      total += statSync(f).size;
    } catch {
      // absent: SQLite not in WAL mode, or not yet created
    }
  }
  return total;
}

function slope(points: [number, number][]): number {
  if (points.length < 2) return NaN;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return num / den;
}

async function startWorkerProcess(
  server: BenchServer,
  taskQueue: string,
  maxCached: number,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'worker', 'main.js')], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: server.dev.address,
      TEMPORAL_NAMESPACE: server.dev.namespace,
      DUBAN_TASK_QUEUE: taskQueue,
      DUBAN_MAX_CACHED_WORKFLOWS: String(maxCached),
      DUBAN_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const polling = await waitFor(
    async () => {
      const res = await server.client.workflowService.describeTaskQueue({
        namespace: server.dev.namespace,
        taskQueue: { name: taskQueue, kind: 1 },
        taskQueueType: 1,
      });
      return (res.pollers ?? []).length > 0;
    },
    60_000,
    500,
  );
  if (!polling) {
    child.kill('SIGKILL');
    throw new Error('the worker process did not start polling within 60 s');
  }
  return child;
}

export async function runHeld(opts: HeldOptions): Promise<HeldResult> {
  const server = await startServer();
  const taskQueue = `bench-held-${runId()}`;
  const run = runId();
  const worker = await startWorkerProcess(server, taskQueue, opts.maxCached);
  const exited = new Promise<void>((r) => worker.once('exit', () => r()));
  const t0 = Date.now();
  const sample = (items: number): Sample => {
    const w = rss(worker.pid!);
    return {
      items,
      workerRssMiB: w.now / MiB,
      workerPeakRssMiB: w.peak / MiB,
      serverRssMiB: rss(server.dev.pid).now / MiB,
      dbMiB: dbBytes(server.dbFile) / MiB,
      at: (Date.now() - t0) / 1000,
    };
  };
  try {
    const samples: Sample[] = [sample(0)];
    let started = 0;
    while (started < opts.items) {
      const batch = Math.min(opts.every, opts.items - started);
      const base = started;
      const ids = Array.from({ length: batch }, (_, i) => `${run}-held-${base + i}`);
      await pool(batch, 16, async (i) => {
        const id = ids[i]!;
        await server.client.workflow.start('supervisionItem', {
          workflowId: itemWorkflowId(id),
          taskQueue,
          args: [itemInput(id)],
          memo: { title: TITLE },
          typedSearchAttributes: [
            { key: SA.status, value: 'open' },
            { key: SA.leadUnit, value: 'u-housing' },
          ],
        });
      });
      started += batch;
      const settled = await waitSettled(server.client, ids, 120_000);
      if (settled < batch) console.log(`  only ${settled} of the last ${batch} items settled after 120 s`);
      await sleep(1000); // the last workflow tasks after the index update
      const s = sample(started);
      samples.push(s);
      console.log(
        `  ${started} items: worker RSS ${s.workerRssMiB.toFixed(0)} MiB, server RSS ${s.serverRssMiB.toFixed(0)} MiB, DB ${s.dbMiB.toFixed(1)} MiB (${s.at.toFixed(0)} s)`,
      );
    }
    const startRate = started / ((Date.now() - t0) / 1000);
    await sleep(10_000);
    const idle = sample(started);
    const pts = (f: (s: Sample) => number, from = 0) =>
      samples.filter((s) => s.items >= from).map((s): [number, number] => [s.items, f(s) * MiB]);
    return {
      options: opts,
      samples,
      idle,
      perItem: {
        workerRssBytes: slope(pts((s) => s.workerRssMiB)),
        workerRssBytesAfterCacheFull: slope(pts((s) => s.workerRssMiB, opts.maxCached)),
        serverRssBytes: slope(pts((s) => s.serverRssMiB)),
        dbBytes: slope(pts((s) => s.dbMiB)),
      },
      startRate,
    };
  } finally {
    worker.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (worker.exitCode === null) worker.kill('SIGKILL');
    await server.close();
  }
}

export function printHeld(r: HeldResult): void {
  const rows = [...r.samples, { ...r.idle, items: r.idle.items }].map((s, i) => [
    i === r.samples.length ? `${s.items} +10 s idle` : String(s.items),
    round(s.workerRssMiB, 0),
    round(s.workerPeakRssMiB, 0),
    round(s.serverRssMiB, 0),
    round(s.dbMiB, 1),
    round(s.at, 0),
  ]);
  console.log(table(['items', 'worker RSS MiB', 'worker peak', 'server RSS MiB', 'DB MiB', 't s'], rows));
  const kb = (b: number) => (Number.isFinite(b) ? `${(b / 1024).toFixed(2)} KiB` : '-');
  console.log(
    `  per item: worker RSS ${kb(r.perItem.workerRssBytes)} (after the cache filled: ${kb(r.perItem.workerRssBytesAfterCacheFull)}), ` +
      `server RSS ${kb(r.perItem.serverRssBytes)}, DB ${kb(r.perItem.dbBytes)}; ${r.startRate.toFixed(0)} items/s started and settled`,
  );
}
