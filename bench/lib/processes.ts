// duban's own processes as they are deployed (dist/worker/main.js, dist/api/main.js), started by a
// benchmark on loopback with the environment it gives, and stopped at its end.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../config/temporal-binaries';
import type { TokenEntry } from '../../config';
import { freePort } from '../../scripts/dev-server';
import { sleep } from './stats';

export interface Child {
  child: ChildProcess;
  out: () => string;
  stop(): Promise<void>;
}

/** Starts `node dist/<script>` and resolves once `ready(output so far)` holds (90 s at most). */
export function startChild(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  ready: (out: string) => boolean,
): Promise<Child> {
  // the bench's own DUBAN_ and TEMPORAL_ settings are not the child's: it gets exactly `env`
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('DUBAN_') || k.startsWith('TEMPORAL_')) delete base[k];
  const child = spawn(process.execPath, [join(projectRoot, 'dist', script)], {
    cwd: projectRoot,
    env: { ...base, TEMPORAL_VERSION_CHECK_DISABLED: '1', DUBAN_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  child.stderr?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const handle: Child = {
    child,
    out: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
  return (async () => {
    const until = Date.now() + 90_000;
    while (!ready(out)) {
      if (child.exitCode !== null) throw new Error(`${name} exited:\n${out}`);
      if (Date.now() > until) {
        child.kill('SIGKILL');
        throw new Error(`${name} not ready:\n${out}`);
      }
      await sleep(200);
    }
    return handle;
  })();
}

/** A worker process; `env` names the server, task queue, record and channels. Ready once it polls. */
export function startWorkerProcess(name: string, env: NodeJS.ProcessEnv): Promise<Child> {
  return startChild(name, 'worker/main.js', { ...env, DUBAN_LOG_LEVEL: 'info' }, (out) =>
    out.includes('"msg":"worker polling"'),
  );
}

/** An API process on 127.0.0.1 and a free port with these tokens. Ready once /readyz answers 200. */
export async function startApiProcess(
  name: string,
  env: NodeJS.ProcessEnv,
  tokens: TokenEntry[],
): Promise<Child & { url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let ready = false;
  const api = await startChild(
    name,
    'api/main.js',
    {
      ...env,
      DUBAN_API_HOST: '127.0.0.1',
      DUBAN_API_PORT: String(port),
      DUBAN_API_TOKENS: JSON.stringify(tokens),
    },
    () => {
      void httpReady(url).then((ok) => (ready ||= ok));
      return ready;
    },
  );
  return { ...api, url };
}

async function httpReady(url: string): Promise<boolean> {
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  return res?.status === 200;
}
