// The production worker (dist/worker/main.js, configured only by its environment) as a child
// process, so a test can SIGKILL it in the middle of an activity and start it again: what a crash
// of a real worker host looks like to Temporal. Needs `npm run build` first (`npm test` does it).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const WORKER_MAIN = resolve(__dirname, '../../dist/worker/main.js');

export interface WorkerProcess {
  pid: number;
  /** everything the worker printed so far (pino JSON lines and stderr) */
  output(): string;
  /** settles when the process has exited, however */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** sends the signal and waits for the exit */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
/** the embedded record of this test file's worker processes: a worker started again finds it */
let recordDir: string | undefined;
// A failed test must not leave a worker polling (or holding the jest process open).
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `node dist/worker/main.js` with `env` over the parent's environment and resolves once the
 * worker logs that it polls its task queue.
 */
export async function startWorkerProcess(
  env: Record<string, string>,
  opts: { readyTimeoutMs?: number } = {},
): Promise<WorkerProcess> {
  if (!existsSync(WORKER_MAIN)) {
    throw new Error(`${WORKER_MAIN} is missing: run \`npm run build\` before this test`);
  }
  recordDir ??= mkdtempSync(join(tmpdir(), 'duban-worker-record-'));
  const child = spawn(process.execPath, [WORKER_MAIN], {
    // never the project's own data/record, which another process may hold
    env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1', DUBAN_DATABASE_DIR: recordDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the worker process');
  running.add(child);

  let out = '';
  let ready!: () => void;
  const polling = new Promise<void>((r) => (ready = r));
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('"msg":"worker polling"')) ready();
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      r({ code, signal });
    }),
  );

  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    polling.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(
      `the worker process ${outcome === 'exited' ? 'exited' : 'did not poll in time'}:\n${out}`,
    );
  }

  return {
    pid,
    output: () => out,
    exited,
    kill: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}
