// Benchmark 5: scale-out, side by side in one run. The same topology, two worker processes and two
// API processes (dist/worker/main.js, dist/api/main.js) on a task queue of their own, runs against
// (1) a Temporal dev server (the CLI, SQLite) started here and (2) the running `npm run cluster`
// (the Temporal server on PostgreSQL). For each: creates per second through the two APIs
// (round-robin) at each concurrency, then a deadline storm of N items whose first urges are due on
// one instant, delivered through the real webhook channel to a local receiver. Each target keeps
// duban's record as it is deployed there: the embedded PGlite in a data folder of the run's own
// (shared by the four processes, as under `npm start`) on the dev server, the cluster's PostgreSQL
// database `duban` on the cluster.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { openRecord, type Db } from '../activities/record/db';
import type { TokenEntry } from '../config';
import { alive, readState } from '../scripts/cluster';
import { startDevServer, type DevServer } from '../scripts/dev-server';
import { createBody } from './lib/items';
import { startApiProcess, startWorkerProcess, type Child } from './lib/processes';
import { startBenchReceiver, type BenchReceiver } from './lib/receiver';
import { newWebhookSecret, runId, waitSettled } from './lib/stack';
import { pool, round, summarize, table, type Summary } from './lib/stats';
import { itemsPhase, STORM_DEFAULTS, type PhaseResult } from './storm';

export interface ScaleOptions {
  targets: ('dev' | 'cluster')[];
  concurrencies: number[];
  /** creates per concurrency (at least 4 × the concurrency) */
  requests: number;
  stormItems: number;
  /** how long the storm waits for every first urge after the deadline */
  waitSeconds: number;
  /** folder for the dev server's SQLite file; the OS temp folder (disk here) by default */
  dbDir?: string;
}

export const SCALE_DEFAULTS: ScaleOptions = {
  targets: ['dev', 'cluster'],
  concurrencies: [16, 64],
  requests: 400,
  stormItems: 1000,
  waitSeconds: 900,
};

interface CreateResult {
  concurrency: number;
  requests: number;
  ok: number;
  errors: number;
  firstError?: string;
  perSecond: number;
  latencyMs: Summary;
}

export interface ScaleTargetResult {
  target: 'dev' | 'cluster';
  temporal: string;
  persistence: string;
  record: string;
  creates: CreateResult[];
  storm: PhaseResult;
}

export interface ScaleResult {
  options: ScaleOptions;
  targets: ScaleTargetResult[];
}

async function runTarget(
  target: 'dev' | 'cluster',
  opts: ScaleOptions,
  receiver: BenchReceiver,
  secret: string,
): Promise<ScaleTargetResult> {
  let dev: DevServer | undefined;
  let dbDir: string | undefined;
  let address: string;
  let namespace = 'default';
  let persistence: string;
  let recordEnv: Record<string, string>;
  let recordLabel: string;
  if (target === 'dev') {
    dbDir = mkdtempSync(join(opts.dbDir ?? tmpdir(), 'duban-scale-'));
    dev = await startDevServer({
      port: 0,
      headless: true,
      dbFile: join(dbDir, 'temporal.db'),
      logLevel: 'error',
    });
    address = dev.address;
    persistence = `SQLite file in ${dbDir}`;
    recordEnv = { DUBAN_DATA_DIR: dbDir };
    recordLabel = `embedded PGlite in ${join(dbDir, 'record')}`;
  } else {
    const state = readState();
    if (!state || !state.processes.some((p) => p.name === 'temporal' && alive(p))) {
      throw new Error('no running cluster: start it with `npm run cluster` first');
    }
    address = state.temporalAddress;
    namespace = state.namespace;
    persistence = 'PostgreSQL 15 (npm run cluster)';
    recordEnv = { DUBAN_DATABASE_URL: state.databaseUrl };
    recordLabel = 'PostgreSQL 15, database duban (npm run cluster)';
  }
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  const taskQueue = `bench-scale-${target}-${runId()}`;
  const token = randomBytes(24).toString('base64url');
  const tokens: TokenEntry[] = [{ token, actor: 'bench-staff', role: 'staff' }];
  const common = {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    DUBAN_TASK_QUEUE: taskQueue,
    ...recordEnv,
  };
  const children: Child[] = [];
  let record: Db | undefined;
  try {
    for (let i = 0; i < 2; i++) {
      children.push(
        await startWorkerProcess(`worker ${i + 1}`, {
          ...common,
          DUBAN_WEBHOOK_URL: receiver.url,
          DUBAN_WEBHOOK_SECRET: secret,
        }),
      );
    }
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const api = await startApiProcess(`api ${i + 1}`, common, tokens);
      children.push(api);
      urls.push(api.url);
    }
    console.log(`  ${target}: 2 workers and 2 APIs on ${address} (${persistence}; record: ${recordLabel})`);
    // opened once the workers hold it, so on the dev server a worker (not this process) serves the
    // embedded record, as under `npm start`; read only, for the storm's record lag
    record = await openRecord({
      database: recordEnv.DUBAN_DATABASE_URL
        ? { url: recordEnv.DUBAN_DATABASE_URL, dir: '' }
        : { dir: join(dbDir!, 'record') },
    });

    const run = runId();
    let seq = 0;
    const created: string[] = [];
    const create = async (): Promise<{ ms: number; error?: string }> => {
      const n = seq++;
      created.push(`${run}-${n}`);
      const t0 = performance.now();
      try {
        const res = await fetch(`${urls[n % 2]}/v1/items`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(createBody(`${run}-${n}`)),
        });
        const body = (await res.json()) as { detail?: string };
        return res.status === 201
          ? { ms: performance.now() - t0 }
          : { ms: 0, error: `HTTP ${res.status}: ${body.detail ?? ''}` };
      } catch (err) {
        return { ms: 0, error: (err as Error).message };
      }
    };
    // warm-up: JIT, connection pools, the workers' caches; not recorded
    await pool(40, 8, async () => void (await create()));
    await waitSettled(client, created.splice(0), 120_000);
    const creates: CreateResult[] = [];
    for (const c of opts.concurrencies) {
      const n = Math.max(opts.requests, 4 * c);
      const lat: number[] = [];
      let errors = 0;
      let firstError: string | undefined;
      const t0 = performance.now();
      await pool(n, c, async () => {
        const r = await create();
        if (r.error) {
          errors += 1;
          firstError ??= r.error;
        } else lat.push(r.ms);
      });
      const wall = performance.now() - t0;
      creates.push({
        concurrency: c,
        requests: n,
        ok: lat.length,
        errors,
        ...(firstError ? { firstError } : {}),
        perSecond: lat.length / (wall / 1000),
        latencyMs: summarize(lat),
      });
      console.log(`  ${target}: concurrency ${c}: ${(lat.length / (wall / 1000)).toFixed(1)} creates/s`);
      await waitSettled(client, created.splice(0), 300_000);
    }
    const storm = await itemsPhase(
      { client, record },
      receiver,
      taskQueue,
      run,
      { ...STORM_DEFAULTS, items: opts.stormItems, deliveryTimeoutSeconds: opts.waitSeconds },
      Math.ceil(30 + opts.stormItems / 4),
    );
    return { target, temporal: address, persistence, record: recordLabel, creates, storm };
  } finally {
    await record?.close().catch(() => undefined);
    for (const c of children.reverse()) await c.stop();
    await connection.close().catch(() => undefined);
    await dev?.stop();
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  }
}

export async function runScale(opts: ScaleOptions): Promise<ScaleResult> {
  const secret = newWebhookSecret();
  const receiver = await startBenchReceiver(secret);
  try {
    const targets: ScaleTargetResult[] = [];
    for (const t of opts.targets) targets.push(await runTarget(t, opts, receiver, secret));
    return { options: opts, targets };
  } finally {
    await receiver.close();
  }
}

export function printScale(r: ScaleResult): void {
  const rows: (string | number)[][] = [];
  for (const t of r.targets) {
    for (const c of t.creates) {
      rows.push([
        t.target,
        `creates c=${c.concurrency}`,
        c.ok,
        c.errors,
        round(c.perSecond, 1),
        round(c.latencyMs.p50, 0),
        round(c.latencyMs.p99, 0),
        '',
      ]);
    }
    const s = t.storm;
    rows.push([
      t.target,
      `storm ${s.n}: 1st urge`,
      s.delivered,
      s.n - s.delivered,
      '',
      round(s.lagMs.p50, 0),
      round(s.lagMs.p99, 0),
      `${round(s.allDeliveredAfterMs / 1000, 1)} s${s.readyBeforeDeadline ? '' : ' (setup late)'}`,
    ]);
  }
  console.log(table(['target', 'what', 'ok', 'err', 'per s', 'p50 ms', 'p99 ms', 'all by'], rows));
  for (const t of r.targets) {
    const rec = t.storm.recordLagMs;
    if (rec)
      console.log(
        `  ${t.target} record (${t.record}): storm lines decided → committed, ${rec.n} lines: p50 ${rec.p50} ms, p99 ${rec.p99} ms, max ${rec.max} ms`,
      );
  }
}
