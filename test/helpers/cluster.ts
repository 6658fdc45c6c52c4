// What the cluster tests need of `npm run cluster`: its recorded state (data/cluster/pids.json),
// API processes of their own (dist/api/main.js) to kill, and a restart of its Temporal server or
// of its PostgreSQL.
// `npm test` and `npm run test:cluster` bring the cluster up before jest starts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { alive, readState, type ClusterState } from '../../scripts/cluster';
import { pollUntil } from './reliability';

const root = resolve(__dirname, '..', '..');
const clusterJs = join(root, 'dist', 'scripts', 'cluster.js');
const apiMainJs = join(root, 'dist', 'api', 'main.js');

/** The running cluster, or a clear error saying how to start it. */
export function clusterState(): ClusterState {
  const state = readState();
  const temporal = state?.processes.find((p) => p.name === 'temporal');
  if (!state || !temporal || !alive(temporal)) {
    throw new Error('no running cluster: start it with `npm run cluster` (npm run test:cluster does)');
  }
  return state;
}

/** Whether every API of the cluster answers /readyz with 200 within a minute (after a restart). */
export function clusterApisReady(cluster: ClusterState): Promise<boolean> {
  const ready = (url: string) =>
    fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
  return pollUntil(async () => (await Promise.all(cluster.apis.map(ready))).every(Boolean), 60_000, 500);
}

/** Whether every worker process of the cluster is still alive. */
export function clusterWorkersAlive(state: ClusterState = clusterState()): boolean {
  return state.processes.filter((p) => p.name.startsWith('worker-')).every(alive);
}

/** Stops the cluster's Temporal server, waits `downSeconds`, starts it again (scripts/cluster.ts). */
export function restartClusterTemporal(downSeconds: number): Promise<{ ms: number; output: string }> {
  return restartClusterPart('temporal', downSeconds);
}

/** Stops the cluster's PostgreSQL (pg_ctl stop -m fast), waits `downSeconds`, starts it again. */
export function restartClusterPostgres(downSeconds: number): Promise<{ ms: number; output: string }> {
  return restartClusterPart('postgres', downSeconds);
}

async function restartClusterPart(
  name: 'temporal' | 'postgres',
  downSeconds: number,
): Promise<{ ms: number; output: string }> {
  const t0 = Date.now();
  // asynchronously: the test's own receivers must keep answering meanwhile
  const child = spawn(process.execPath, [clusterJs, `--restart-${name}`, '--down', String(downSeconds)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`restart of ${name} failed (${code}):\n${output}`);
  return { ms: Date.now() - t0, output };
}

export interface ApiProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  tail(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** `node dist/api/main.js` on 127.0.0.1:port; resolves once /readyz answers 200. */
export async function spawnApi(opts: {
  address: string;
  namespace: string;
  taskQueue: string;
  port: number;
  tokens: unknown;
  readyTimeoutMs?: number;
  /** more environment (DUBAN_DATABASE_URL, say) */
  env?: Record<string, string>;
}): Promise<ApiProcess> {
  if (!existsSync(apiMainJs)) throw new Error(`${apiMainJs} is missing: run \`npm run build\` first`);
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('DUBAN_') || k.startsWith('TEMPORAL_')) delete base[k];
  const child = spawn(process.execPath, [apiMainJs], {
    cwd: root,
    env: {
      ...base,
      TEMPORAL_ADDRESS: opts.address,
      TEMPORAL_NAMESPACE: opts.namespace,
      DUBAN_TASK_QUEUE: opts.taskQueue,
      DUBAN_API_HOST: '127.0.0.1',
      DUBAN_API_PORT: String(opts.port),
      DUBAN_API_TOKENS: JSON.stringify(opts.tokens),
      DUBAN_LOG_LEVEL: 'warn',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not spawn the API');
  running.add(child);
  const lines: string[] = [];
  for (const s of [child.stdout, child.stderr]) {
    s?.setEncoding('utf8');
    s?.on('data', (chunk: string) => {
      lines.push(...chunk.split('\n').filter(Boolean));
      if (lines.length > 30) lines.splice(0, lines.length - 30);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      r({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${opts.port}`;
  const until = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited before ready:\n${lines.join('\n')}`);
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    if (res?.status === 200) break;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`API not ready at ${url}:\n${lines.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    pid: child.pid,
    url,
    exited,
    tail: () => lines.join('\n'),
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}
