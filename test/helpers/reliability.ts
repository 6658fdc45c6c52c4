// The compiled worker (dist/worker/main.js) as a separate process the reliability tests can SIGKILL
// and start again, plus what those tests share: a seeded random generator and bounded waiting.
// Run `npm run build` first when running a test file by hand.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
export const workerMainJs = join(root, 'dist', 'worker', 'main.js');

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** when the process was spawned (ms since epoch) */
  spawnedAt: number;
  /** resolves with the time the worker logged "worker polling"; rejects if it exits first */
  ready: Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** the last lines it printed, for failure messages */
  tail(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface WorkerProcessOptions {
  address: string;
  taskQueue: string;
  namespace?: string;
  webhook?: { url: string; secret: string };
  env?: Record<string, string>;
  /** how long to wait for "worker polling" */
  readyTimeoutMs?: number;
  /** every line the worker writes (stdout and stderr) */
  onLine?: (line: string) => void;
}

const TAIL = 30;
const alive = new Set<ChildProcess>();
// a failed test must not leave a worker polling behind it
process.on('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

export function spawnWorker(opts: WorkerProcessOptions): WorkerProcess {
  if (!existsSync(workerMainJs)) {
    throw new Error(`${workerMainJs} is missing: run \`npm run build\` first`);
  }
  const base = { ...process.env };
  for (const name of Object.keys(base)) {
    if (name.startsWith('DUBAN_') || name.startsWith('TEMPORAL_')) delete base[name];
  }
  const child = spawn(process.execPath, [workerMainJs], {
    cwd: root,
    env: {
      ...base,
      TEMPORAL_ADDRESS: opts.address,
      TEMPORAL_NAMESPACE: opts.namespace ?? 'default',
      DUBAN_TASK_QUEUE: opts.taskQueue,
      DUBAN_LOG_LEVEL: 'info',
      DUBAN_SHUTDOWN_GRACE: '1s',
      ...(opts.webhook
        ? { DUBAN_WEBHOOK_URL: opts.webhook.url, DUBAN_WEBHOOK_SECRET: opts.webhook.secret }
        : {}),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not spawn the worker');
  alive.add(child);
  const pid = child.pid;
  const spawnedAt = Date.now();
  const lines: string[] = [];
  let onLine: ((line: string) => void) | undefined;
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > TAIL) lines.shift();
        opts.onLine?.(line);
        onLine?.(line);
      }
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => {
      alive.delete(child);
      r({ code, signal });
    }),
  );
  const tail = () => lines.join('\n');
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  const ready = new Promise<number>((resolveReady, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker ${pid} not polling after ${readyTimeoutMs} ms\n${tail()}`)),
      readyTimeoutMs,
    );
    onLine = (line) => {
      if (line.includes('"msg":"worker polling"')) {
        clearTimeout(timer);
        onLine = undefined;
        resolveReady(Date.now());
      }
    };
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`worker ${pid} exited (code ${code}, signal ${signal}) before polling\n${tail()}`));
    });
  });
  ready.catch(() => undefined); // observed by whoever awaits it
  return {
    child,
    pid,
    spawnedAt,
    ready,
    exited,
    tail,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** mulberry32: a small seeded generator, so a failing storm can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true or the time is up; returns whether it succeeded. */
export async function pollUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 250,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await sleep(intervalMs);
  }
}
