// The newcomer's path end to end: the compiled `npm start` (dist/scripts/start.js) on free ports
// and a temporary data folder. It must print the banner and working dev tokens, serve the Web UI
// and the API, stop on SIGINT with exit code 0 leaving no process or port behind, and on a second
// start find the item it had started, with its state, in the same SQLite file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, portOpen } from '../../scripts/dev-server';

const root = resolve(__dirname, '..', '..');
const startJs = join(root, 'dist', 'scripts', 'start.js');

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let dataDir: string;
let ports: { dev: number; ui: number; api: number };
const runs: Run[] = [];

function launch(env: Record<string, string>): Run {
  const base = { ...process.env };
  for (const name of [
    'TEMPORAL_ADDRESS',
    'TEMPORAL_NAMESPACE',
    'DUBAN_API_TOKENS',
    'DUBAN_API_TOKENS_FILE',
  ]) {
    delete base[name];
  }
  const child = spawn(process.execPath, [startJs], {
    cwd: root,
    env: {
      ...base,
      DUBAN_DATA_DIR: dataDir,
      DUBAN_DEV_SERVER_PORT: String(ports.dev),
      DUBAN_DEV_UI_PORT: String(ports.ui),
      DUBAN_API_PORT: String(ports.api),
      DUBAN_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const run = { child, out: () => out, err: () => err, exit };
  runs.push(run);
  return run;
}

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitBanner(
  run: Run,
): Promise<{ apiUrl: string; uiUrl: string; tokens: Record<string, string> }> {
  let exited = false;
  void run.exit.then(() => (exited = true));
  await waitFor(
    'the banner',
    () => {
      if (exited) throw new Error(`start.js exited early\n${run.out()}\n${run.err()}`);
      return run.out().includes('督办已启动') ? true : undefined;
    },
    150_000,
  );
  const out = run.out();
  const tokens: Record<string, string> = {};
  for (const m of out.matchAll(/^ {4}(staff|manager|ops|unit) +(\S+)/gm)) tokens[m[1]!] = m[2]!;
  return {
    apiUrl: /^ {2}API {14}(\S+)$/m.exec(out)![1]!.replace('localhost', '127.0.0.1'),
    uiUrl: /^ {2}Temporal Web UI {2}(\S+)$/m.exec(out)![1]!,
    tokens,
  };
}

/** Children of pid, from /proc (Linux). */
function childrenOf(pid: number): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) {
        found.push({
          pid: Number(entry),
          cmd: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' '),
        });
      }
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const item = {
  id: `start-test-${Date.now()}`,
  title: '落实安全生产检查整改',
  source: { kind: 'leader_instruction', reference: '领导批示 2026-12' },
  leadUnit: { id: 'unit-safety', name: '安监站' },
  responsible: { principal: { id: 'p-1', name: '张主任' } },
  due: { workingDays: 15 },
};

beforeAll(() => {
  const build = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
  dataDir = mkdtempSync(join(tmpdir(), 'duban-start-'));
}, 250_000);

beforeAll(async () => {
  ports = { dev: await freePort(), ui: await freePort(), api: await freePort() };
});

afterAll(async () => {
  for (const run of runs) {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exit;
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test('npm start serves UI and API with dev tokens, stops cleanly on SIGINT, and keeps workflows across restarts', async () => {
  const first = launch({});
  const { apiUrl, uiUrl, tokens } = await waitBanner(first);
  expect(first.out()).toContain(`API              http://localhost:${ports.api}\n`);
  expect(apiUrl).toBe(`http://127.0.0.1:${ports.api}`);
  expect(uiUrl).toBe(`http://localhost:${ports.ui}`);
  expect(Object.keys(tokens).sort()).toEqual(['manager', 'ops', 'staff', 'unit']);

  // tokens are the ones kept in the data folder, readable by the owner only
  const tokenFile = join(dataDir, 'dev-tokens.json');
  expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  const stored = JSON.parse(readFileSync(tokenFile, 'utf8')) as { token: string; role: string }[];
  expect(Object.fromEntries(stored.map((t) => [t.role, t.token]))).toEqual(tokens);

  const ui = await fetch(uiUrl.replace('localhost', '127.0.0.1'));
  expect(ui.status).toBe(200);
  expect((await fetch(`${apiUrl}/readyz`)).status).toBe(200);
  expect((await fetch(`${apiUrl}/v1/policies`)).status).toBe(401);
  const auth = (role: string) => ({
    authorization: `Bearer ${tokens[role]}`,
    'content-type': 'application/json',
  });
  expect((await fetch(`${apiUrl}/v1/policies`, { headers: auth('staff') })).status).toBe(200);

  const created = await fetch(`${apiUrl}/v1/items`, {
    method: 'POST',
    headers: auth('staff'),
    body: JSON.stringify(item),
  });
  expect(created.status).toBe(201);
  const before = (await created.json()) as { id: string; status: string; deadlineAt: string; title: string };
  expect(before).toMatchObject({ id: item.id, status: 'open', title: item.title });
  const report = await fetch(`${apiUrl}/v1/items/${item.id}/reports`, {
    method: 'POST',
    headers: auth('staff'),
    body: JSON.stringify({ kind: 'progress', summary: '已完成现场排查' }),
  });
  expect(report.status).toBeLessThan(300);
  const withReport = await waitFor(
    'the progress report in the state',
    async () => {
      const s = (await (await fetch(`${apiUrl}/v1/items/${item.id}`, { headers: auth('ops') })).json()) as {
        reports: { summary: string }[];
      };
      return s.reports.length === 1 ? s : undefined;
    },
    20_000,
  );
  expect(withReport.reports[0]!.summary).toBe('已完成现场排查');

  // the dev server is our child, in its own process group
  const server = childrenOf(first.child.pid!).find((c) => c.cmd.includes('start-dev'));
  expect(server).toBeDefined();
  expect(server!.cmd).toContain(`--db-filename ${join(dataDir, 'temporal.db')}`);
  expect(server!.cmd).toContain('--search-attribute SupervisionStatus=Keyword');

  // a second instance on the same Temporal port says so and exits
  const clash = launch({
    DUBAN_API_PORT: String(await freePort()),
    DUBAN_DEV_UI_PORT: String(await freePort()),
  });
  expect((await clash.exit).code).toBe(2);
  expect(clash.err()).toContain(`a Temporal server is already running at 127.0.0.1:${ports.dev}`);

  first.child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    first.exit,
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error('no exit within 60 s')), 60_000)),
    ),
  ]).finally(() => clearTimeout(timer));
  expect(exit).toEqual({ code: 0, signal: null });
  expect(first.out()).toContain('Stopped.');
  expect(alive(server!.pid)).toBe(false);
  for (const port of Object.values(ports)) expect(await portOpen('127.0.0.1', port)).toBe(false);

  // the same data folder: same tokens, same item, same state
  const second = launch({});
  const again = await waitBanner(second);
  expect(again.tokens).toEqual(tokens);
  const res = await fetch(`${apiUrl}/v1/items/${item.id}`, { headers: auth('ops') });
  expect(res.status).toBe(200);
  const after = (await res.json()) as typeof before & { reports: { summary: string }[] };
  expect(after).toMatchObject({ id: item.id, status: 'open', deadlineAt: before.deadlineAt });
  expect(after.reports.map((r) => r.summary)).toEqual(['已完成现场排查']);

  // killed outright, we run no cleanup: the kernel's parent-death signal still stops the server
  const server2 = childrenOf(second.child.pid!).find((c) => c.cmd.includes('start-dev'));
  expect(server2).toBeDefined();
  second.child.kill('SIGKILL');
  await second.exit;
  await waitFor('the orphaned dev server to die', () => (alive(server2!.pid) ? undefined : true), 10_000);
}, 400_000);
