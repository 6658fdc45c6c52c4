// Starts and stops the official Temporal dev server (`temporal server start-dev`) as a child of this
// process: used by the embedded default (scripts/start.ts) and by benchmarks.
//
// The child runs in its own process group, so a terminal's Ctrl-C reaches only us and we decide the
// order of shutdown (the worker drains against a live server, then the server stops). Node cannot
// set PR_SET_PDEATHSIG itself; on Linux the child is started through util-linux's `setpriv
// --pdeathsig`, so the kernel stops the server even if this process is killed with SIGKILL. Where
// setpriv is missing, the exit hook below covers every exit path except SIGKILL of the parent.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect as tcpConnect, createServer } from 'node:net';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporalCliPath } from '../config/temporal-binaries';
import { SEARCH_ATTRIBUTES } from '../workflows/ids';

export interface DevServerOptions {
  /** SQLite file that keeps workflows across restarts; omitted means in-memory */
  dbFile?: string;
  ip?: string;
  /** gRPC port (0 picks a free one) */
  port?: number;
  /** Web UI port (0 picks a free one) */
  uiPort?: number;
  namespace?: string;
  /** the server's own log level: debug, info, warn, error */
  logLevel?: string;
  headless?: boolean;
  readyTimeoutMs?: number;
  /** grace between SIGTERM and SIGKILL on stop */
  stopGraceMs?: number;
  cliPath?: string;
  /** how long closed workflows stay in Temporal; the record keeps them for good (default 3 days) */
  retentionDays?: number;
  extraArgs?: string[];
  /** each line the server prints (stdout and stderr); kept in a tail for errors regardless */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface DevServer {
  /** host:port for clients and workers */
  address: string;
  uiUrl?: string;
  namespace: string;
  pid: number;
  /** SIGTERM to the process group, SIGKILL after the grace period; resolves once it is gone */
  stop(): Promise<void>;
  /** settles when the server exits for any reason */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class DevServerError extends Error {
  override name = 'DevServerError';
}

const SETPRIV = '/usr/bin/setpriv';
const TAIL_LINES = 40;

/** A port the OS says is free right now (there is a small race until someone binds it). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether something accepts TCP connections on host:port. */
export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const sock = tcpConnect({ host, port });
    const done = (open: boolean) => {
      sock.destroy();
      resolveOpen(open);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Asks address for its system info once; true if a Temporal frontend answers. */
export async function temporalAnswers(address: string, timeoutMs = 2000): Promise<boolean> {
  let conn: Connection | undefined;
  try {
    conn = await Connection.connect({ address, connectTimeout: timeoutMs });
    const c = conn;
    await c.withDeadline(Date.now() + timeoutMs, () => c.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

export function searchAttributeArgs(): string[] {
  return Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => [
    '--search-attribute',
    `${name}=${type}`,
  ]);
}

/**
 * Activities a workflow task schedules on its own queue go straight back to the worker that completed
 * it (eager dispatch), as `npm run cluster` and docker-compose set in config/temporal-cluster-dynamicconfig.yaml.
 */
export const DYNAMIC_CONFIG_ARGS = ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'];

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const port = opts.port === 0 ? await freePort(ip) : (opts.port ?? 7233);
  const uiPort = opts.headless
    ? undefined
    : opts.uiPort === 0
      ? await freePort(ip)
      : (opts.uiPort ?? port + 1000);
  const namespace = opts.namespace ?? 'default';
  const address = `${ip}:${port}`;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;

  if (await portOpen(ip, port)) {
    if (await temporalAnswers(address)) {
      throw new DevServerError(
        `a Temporal server is already running at ${address}. Stop it, choose another port with ` +
          `DUBAN_DEV_SERVER_PORT, or use it as it is with TEMPORAL_ADDRESS=${address}.`,
      );
    }
    throw new DevServerError(`port ${port} on ${ip} is in use by another program; set DUBAN_DEV_SERVER_PORT`);
  }
  if (uiPort !== undefined && (await portOpen(ip, uiPort))) {
    throw new DevServerError(`Web UI port ${uiPort} on ${ip} is in use; set DUBAN_DEV_UI_PORT`);
  }

  const cli = opts.cliPath ?? temporalCliPath();
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--namespace',
    namespace,
    '--log-level',
    opts.logLevel ?? 'warn',
    ...DYNAMIC_CONFIG_ARGS,
    ...searchAttributeArgs(),
  ];
  if (opts.dbFile) {
    mkdirSync(dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort), '--ui-disable-news-fetch');
  args.push(...(opts.extraArgs ?? []));

  const usePdeathsig = process.platform === 'linux' && existsSync(SETPRIV);
  const child = spawn(
    usePdeathsig ? SETPRIV : cli,
    usePdeathsig ? ['--pdeathsig', 'KILL', '--', cli, ...args] : args,
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1' },
    },
  );
  const pid = child.pid;
  if (pid === undefined) {
    const err = await new Promise<Error>((r) => child.once('error', r));
    throw new DevServerError(`could not start ${cli}: ${err.message}`);
  }

  const tail: string[] = [];
  const collect = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        opts.onOutput?.(line, stream);
      }
    });
  };
  collect('stdout');
  collect('stderr');

  let alive = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => {
      alive = false;
      resolveExit({ code, signal });
    });
  });
  // Last resort for exits we do not control (uncaught error, process.exit): kill the whole group.
  const onExit = () => killGroup(child, 'SIGKILL');
  process.on('exit', onExit);
  void exited.then(() => process.off('exit', onExit));

  const stop = async (): Promise<void> => {
    if (!alive) return;
    killGroup(child, 'SIGTERM');
    const grace = opts.stopGraceMs ?? 5_000;
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), grace);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
    // the group may still hold a grandchild: make sure nothing is left
    killGroup(child, 'SIGKILL');
  };

  const describe = () =>
    `${cli} ${args.join(' ')}\n--- last output of the dev server ---\n${tail.join('\n')}`;
  try {
    await waitReady(address, namespace, readyTimeoutMs, () => alive);
    if (!alive) throw new DevServerError('exited during start-up');
    await setRetention(address, namespace, opts.retentionDays ?? DEFAULT_RETENTION_DAYS);
    if (uiPort !== undefined)
      await waitHttp(`http://${ip}:${uiPort}/`, Math.max(5_000, readyTimeoutMs / 2), () => alive);
  } catch (err) {
    await stop();
    const why = err instanceof Error ? err.message : String(err);
    throw new DevServerError(`the Temporal dev server did not become ready: ${why}\n${describe()}`);
  }

  return {
    address,
    uiUrl: uiPort === undefined ? undefined : `http://${ip === '127.0.0.1' ? 'localhost' : ip}:${uiPort}`,
    namespace,
    pid,
    stop,
    exited,
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** The dev server creates its namespace with 24 hours' retention; duban says what it wants. */
export const DEFAULT_RETENTION_DAYS = 3;

async function setRetention(address: string, namespace: string, days: number): Promise<void> {
  const conn = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    await conn.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs(`${days} days`) },
    });
  } finally {
    await conn.close();
  }
}

async function waitReady(
  address: string,
  namespace: string,
  timeoutMs: number,
  alive: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!alive()) throw new DevServerError('the dev server exited during start-up');
    let conn: Connection | undefined;
    try {
      conn = await Connection.connect({ address, connectTimeout: 1000 });
      const c = conn;
      await c.withDeadline(Date.now() + 2000, () => c.workflowService.getSystemInfo({}));
      await c.withDeadline(Date.now() + 2000, () => c.workflowService.describeNamespace({ namespace }));
      return;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    } finally {
      await conn?.close().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new DevServerError(`no answer from ${address} within ${timeoutMs} ms (last error: ${last})`);
}

async function waitHttp(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new DevServerError('the dev server exited during start-up');
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new DevServerError(`the Web UI at ${url} did not answer within ${timeoutMs} ms`);
}
