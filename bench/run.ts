// `npm run bench` (or `node dist/bench/run.js [name…] [--flag value…]`): runs the benchmarks one after
// another, prints a table for each and writes its figures as JSON to bench/results/. Each benchmark
// starts its own dev server, worker and (where needed) API on loopback and stops them at the end.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { projectRoot, temporalCliPath } from '../config/temporal-binaries';
import { API_CREATE_DEFAULTS, printApiCreate, runApiCreate, TOPOLOGIES, type Topology } from './api-create';
import { dbParent, quietRuntime } from './lib/stack';
import { printStorm, runStorm, STORM_DEFAULTS } from './storm';
import { HELD_DEFAULTS, printHeld, runHeld } from './held';
import { printHistory, runHistory } from './history';
import { printScale, runScale, SCALE_DEFAULTS } from './scale';
import { OVERVIEW_DEFAULTS, printOverview, runOverview } from './overview';
import { LIST_DEFAULTS, printList, runList } from './list';
import { printRecordWrite, RECORD_WRITE_DEFAULTS, runRecordWrite } from './record-write';

const USAGE = `usage: node dist/bench/run.js [api] [storm] [held] [history] [overview] [list] [record] [scale] [flags]
  (no name runs api, storm, held, history and overview with their defaults; scale needs \`npm run cluster\` running)
  api      --concurrency 1,4,16,64  --requests 100  --rounds 4  --topology one-process,processes
  storm    --items 1000  --lead <seconds from the first start to the deadline; default 30 + items/4>
           --level-cases yes|no   (no: the urges open no level case, to see what the cases add)
           --max-cached 1000      (the worker's workflow cache; an item and its case are two runs)
           --task-slots 40        (the worker's workflow tasks at once; each holds its slot through its local activities)
  held     --items 10000  --every 1000  --max-cached 1000
  history  (no flags)
  overview --items 10000  --rounds 100   (the record alone: no Temporal)
  list     --items 10000  --rounds 200   (GET /v1/items from the record vs the visibility list, same items)
  record   --items 200  --rounds 4  --database-url <postgres://…, optional>
           (a record batch in two statements vs in a transaction: PGlite, its socket, PostgreSQL)
  scale    --targets dev,cluster  --concurrency 16,64  --requests 400  --items 1000  --wait 900
           (two workers and two APIs as processes, against a dev server and against the cluster)
  all      --db-dir <folder for the dev server's SQLite file; default /dev/shm, else the temp folder>
           --database-url <postgres://…: the record on PostgreSQL instead of PGlite in the benchmark's process>`;

const NAMES = ['api', 'storm', 'held', 'history', 'overview', 'list', 'record', 'scale'] as const;
type Name = (typeof NAMES)[number];
const DEFAULT_NAMES: Name[] = ['api', 'storm', 'held', 'history'];

function parseArgs(argv: string[]): { names: Name[]; flags: Map<string, string> } {
  const names: Name[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`--${k} needs a value\n${USAGE}`);
      flags.set(k, v);
    } else if ((NAMES as readonly string[]).includes(a)) {
      names.push(a as Name);
    } else {
      throw new Error(`unknown benchmark "${a}"\n${USAGE}`);
    }
  }
  return { names: names.length ? names : DEFAULT_NAMES, flags };
}

function yesNo(flags: Map<string, string>, name: string): boolean {
  const v = flags.get(name);
  if (v !== 'yes' && v !== 'no') throw new Error(`--${name}: yes or no`);
  return v === 'yes';
}

function int(flags: Map<string, string>, name: string, fallback: number, min = 1): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return n;
}

export function machine() {
  let devServer = 'unknown';
  try {
    devServer = execFileSync(temporalCliPath(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // reported as unknown
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: projectRoot,
      encoding: 'utf8',
    }).trim();
  } catch {
    // not a git checkout
  }
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    sqliteIn: dbParent(),
    devServer,
    commit,
  };
}

function save(
  name: string,
  result: unknown,
  facts: ReturnType<typeof machine>,
  load: { before: number[]; after: number[] },
  seconds: number,
): string {
  const dir = join(projectRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ benchmark: name, at: new Date().toISOString(), seconds, machine: facts, loadAverage: load, result }, null, 2)}\n`,
  );
  return file;
}

async function main(): Promise<void> {
  const { names, flags } = parseArgs(process.argv.slice(2));
  if (flags.has('db-dir')) process.env.DUBAN_BENCH_DB_DIR = flags.get('db-dir');
  if (flags.has('database-url')) process.env.DUBAN_BENCH_DATABASE_URL = flags.get('database-url');
  quietRuntime();
  const facts = machine();
  console.log(
    `machine: ${facts.cores} cores (${facts.cpu}), ${facts.memoryGiB} GiB, Node ${facts.node}, ${facts.devServer.split('\n')[0]}, commit ${facts.commit}, SQLite in ${facts.sqliteIn}`,
  );
  for (const name of names) {
    const t0 = Date.now();
    const before = loadavg();
    console.log(`\n== ${name} == (load average before: ${before.map((x) => x.toFixed(2)).join(' ')})`);
    let result: unknown;
    const concurrencies = flags.has('concurrency')
      ? flags
          .get('concurrency')!
          .split(',')
          .map((s) => {
            const n = Number(s);
            if (!Number.isInteger(n) || n < 1)
              throw new Error('--concurrency: integers ≥ 1, comma-separated');
            return n;
          })
      : undefined;
    if (name === 'scale') {
      const targets = (flags.get('targets') ?? SCALE_DEFAULTS.targets.join(',')).split(',');
      if (!targets.every((t) => t === 'dev' || t === 'cluster')) throw new Error('--targets: dev, cluster');
      const r = await runScale({
        targets: targets as ('dev' | 'cluster')[],
        concurrencies: concurrencies ?? SCALE_DEFAULTS.concurrencies,
        requests: int(flags, 'requests', SCALE_DEFAULTS.requests),
        stormItems: int(flags, 'items', SCALE_DEFAULTS.stormItems),
        waitSeconds: int(flags, 'wait', SCALE_DEFAULTS.waitSeconds),
        ...(flags.has('db-dir') ? { dbDir: flags.get('db-dir') } : {}),
      });
      printScale(r);
      result = r;
    } else if (name === 'api') {
      const topologies = (flags.get('topology') ?? API_CREATE_DEFAULTS.topologies.join(',')).split(',');
      if (!topologies.every((t) => (TOPOLOGIES as readonly string[]).includes(t)))
        throw new Error(`--topology: ${TOPOLOGIES.join(', ')}`);
      const opts = {
        topologies: topologies as Topology[],
        concurrencies: concurrencies ?? API_CREATE_DEFAULTS.concurrencies,
        requests: int(flags, 'requests', API_CREATE_DEFAULTS.requests),
        rounds: int(flags, 'rounds', API_CREATE_DEFAULTS.rounds),
      };
      const r = await runApiCreate(opts);
      printApiCreate(r);
      result = r;
    } else if (name === 'storm') {
      const items = int(flags, 'items', STORM_DEFAULTS.items);
      const r = await runStorm({
        ...STORM_DEFAULTS,
        items,
        ...(flags.has('lead') ? { leadSeconds: int(flags, 'lead', 0) } : {}),
        ...(flags.has('level-cases') ? { levelCases: yesNo(flags, 'level-cases') } : {}),
        ...(flags.has('max-cached') ? { maxCached: int(flags, 'max-cached', 0) } : {}),
        ...(flags.has('task-slots') ? { taskSlots: int(flags, 'task-slots', 0, 2) } : {}),
      });
      printStorm(r);
      result = r;
    } else if (name === 'held') {
      const r = await runHeld({
        items: int(flags, 'items', HELD_DEFAULTS.items),
        every: int(flags, 'every', HELD_DEFAULTS.every),
        maxCached: int(flags, 'max-cached', HELD_DEFAULTS.maxCached),
      });
      printHeld(r);
      result = r;
    } else if (name === 'list') {
      const r = await runList({
        items: int(flags, 'items', LIST_DEFAULTS.items),
        rounds: int(flags, 'rounds', LIST_DEFAULTS.rounds),
      });
      printList(r);
      result = r;
    } else if (name === 'record') {
      const r = await runRecordWrite({
        items: int(flags, 'items', RECORD_WRITE_DEFAULTS.items),
        rounds: int(flags, 'rounds', RECORD_WRITE_DEFAULTS.rounds),
        ...(flags.has('database-url') ? { databaseUrl: flags.get('database-url') } : {}),
      });
      printRecordWrite(r);
      result = r;
    } else if (name === 'overview') {
      const r = await runOverview({
        items: int(flags, 'items', OVERVIEW_DEFAULTS.items),
        rounds: int(flags, 'rounds', OVERVIEW_DEFAULTS.rounds),
      });
      printOverview(r);
      result = r;
    } else {
      const r = await runHistory();
      printHistory(r);
      result = r;
    }
    const after = loadavg();
    const seconds = Math.round((Date.now() - t0) / 1000);
    const file = save(name, result, facts, { before, after }, seconds);
    console.log(
      `(${name}: ${seconds} s; load average after: ${after.map((x) => x.toFixed(2)).join(' ')}; JSON in ${file})`,
    );
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    // an update's or a workflow's failure says why only in its cause
    if (err instanceof Error && err.cause instanceof Error) console.error('caused by:', err.cause.message);
    process.exit(1);
  },
);
