// The pieces every benchmark stands up on this machine, loopback only: a real Temporal dev server
// (the official CLI, a fresh SQLite file in a temp folder), the real worker with the real activities,
// and the real Express API with tokens generated for the run.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker, type WorkflowBundle } from '@temporalio/worker';
import { officialCalendar } from '../../domain/calendar/official';
import { createNotificationChannels } from '../../activities/notifications';
import { createApp, recordWritesOf } from '../../api/app';
import type { TokenEntry } from '../../config';
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import { createLogger, installRuntime } from '../../worker/logger';
import { createWorker, workflowsPath } from '../../worker/worker';
import { openDatabase, type Db } from '../../activities/record/db';
import { itemWorkflowId } from '../../workflows/ids';
import { pool } from './stats';

/** SDK and webpack output above warnings would drown the tables. */
export function quietRuntime(): void {
  installRuntime(createLogger('warn', 'bench'));
}

export interface BenchServer extends BareServer {
  connection: NativeConnection;
  /** the record the worker writes and the API reads (PGlite in this process, on the same tmpfs, or --database-url) */
  record: Db;
}

/**
 * Where the dev server's SQLite file goes: DUBAN_BENCH_DB_DIR (`--db-dir`), else /dev/shm (tmpfs)
 * where it exists, else the OS temp folder. On this VM's disk every SQLite commit waits for an
 * fsync (a bare workflow start: 44 ms median on disk, 16 ms on tmpfs), which would measure the disk
 * rather than duban; `--db-dir /tmp` measures it with the disk.
 */
export function dbParent(): string {
  return process.env.DUBAN_BENCH_DB_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
}

export interface BareServer {
  dev: DevServer;
  /** the run's own folder: the dev server's SQLite file, and the record's where one is kept here */
  dir: string;
  dbFile: string;
  client: Client;
  close(): Promise<void>;
}

/** A dev server on free ports with its own SQLite file, and one client connection. */
export async function startBareServer(): Promise<BareServer> {
  const dir = mkdtempSync(join(dbParent(), 'duban-bench-'));
  const dbFile = join(dir, 'temporal.db');
  const dev = await startDevServer({ port: 0, headless: true, dbFile, logLevel: 'error' });
  const clientConnection = await Connection.connect({ address: dev.address });
  const client = new Client({ connection: clientConnection, namespace: dev.namespace });
  return {
    dev,
    dir,
    dbFile,
    client,
    async close() {
      await clientConnection.close().catch(() => undefined);
      await dev.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A bare server, a worker connection and the record (PGlite in this process, in the run's folder, or PostgreSQL). */
export async function startServer(): Promise<BenchServer> {
  const bare = await startBareServer();
  const connection = await NativeConnection.connect({ address: bare.dev.address });
  // DUBAN_BENCH_DATABASE_URL (`--database-url`): the record on PostgreSQL, as a cluster keeps it
  const url = process.env.DUBAN_BENCH_DATABASE_URL;
  const record = await openDatabase(url ? { url, migrate: true } : { dataDir: join(bare.dir, 'record') });
  return {
    ...bare,
    connection,
    record,
    async close() {
      await record.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
      await bare.close();
    },
  };
}

const quietWebpack = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => console.error(m),
  log: () => undefined,
};

/** The production bundle (workflows/), or the bench bundle that adds the baseline workflow. */
export async function bundle(which: 'production' | 'bench'): Promise<WorkflowBundle> {
  const path = which === 'production' ? workflowsPath() : require.resolve('../workflows');
  return bundleWorkflowCode({ workflowsPath: path, logger: quietWebpack });
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

/** The real worker (createWorker, real activities), in this process. */
export async function startWorker(opts: {
  server: BenchServer;
  taskQueue: string;
  workflowBundle: WorkflowBundle;
  webhook?: { url: string; secret: string };
  maxCachedWorkflows?: number;
  workflowTaskSlots?: number;
}): Promise<RunningWorker> {
  const worker = await createWorker({
    connection: opts.server.connection,
    namespace: opts.server.dev.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: opts.workflowBundle,
    maxCachedWorkflows: opts.maxCachedWorkflows,
    workflowTaskSlots: opts.workflowTaskSlots,
    deps: {
      calendar: officialCalendar(),
      channels: createNotificationChannels(opts.webhook ? { webhook: opts.webhook } : {}),
      record: opts.server.record,
    },
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

export interface RunningApi {
  url: string;
  /** bearer tokens generated for this run */
  tokens: { staff: string; manager: string };
  close(): Promise<void>;
}

/** The real API (createApp) on 127.0.0.1 and a free port. */
export async function startApi(server: BenchServer, taskQueue: string): Promise<RunningApi> {
  const tokens = {
    staff: randomBytes(24).toString('base64url'),
    manager: randomBytes(24).toString('base64url'),
  };
  const entries: TokenEntry[] = [
    { token: tokens.staff, actor: 'bench-staff', role: 'staff' },
    { token: tokens.manager, actor: 'bench-manager', role: 'manager' },
  ];
  const app = createApp({
    client: server.client,
    record: server.record,
    calendar: officialCalendar(),
    tokens: entries,
    taskQueue,
    timeZone: 'Asia/Shanghai',
  });
  const http = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    tokens,
    async close() {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await recordWritesOf(app).settled(); // the record closes after the API
    },
  };
}

/** `whsec_` + base64 of 24 random bytes */
export const newWebhookSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

export const runId = (): string => `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

/**
 * Waits until the first workflow task of every item is done (its history holds more than the
 * start and that task's three events), or the timeout passes; returns how many were. By id, from
 * each run's description: no search attribute tells it, since a start through the API already
 * indexes every value the first task computes.
 */
export async function waitSettled(
  client: Client,
  ids: readonly string[],
  timeoutMs: number,
): Promise<number> {
  const until = Date.now() + timeoutMs;
  let pending = [...ids];
  for (;;) {
    const still: string[] = [];
    await pool(pending.length, 16, async (i) => {
      const id = pending[i]!;
      const d = await client.workflow.getHandle(itemWorkflowId(id)).describe();
      if (d.historyLength < 4 && d.status.name === 'RUNNING') still.push(id);
    });
    pending = still;
    if (pending.length === 0 || Date.now() > until) return ids.length - pending.length;
    await new Promise((r) => setTimeout(r, 250));
  }
}
