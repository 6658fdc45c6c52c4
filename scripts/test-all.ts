// `npm test` after lint and build, and so CI (.ci/run): every tier in one command.
//
// 1. The cluster's Temporal server is built from Go source (`cluster.js --build`, nice 19) in the
//    background, on the CPU the main tier leaves idle, unless it is built already.
// 2. The main tier: jest.config.js's suites, in band (unit, workflow, record, API, console,
//    reliability, replay, each against servers of its own).
// 3. The cluster tier: `npm run cluster` (started here unless it is running, and stopped again),
//    then test/cluster against it.
// One closing line sums both tiers (test/reporters/closing-line.js). Paths on the command line run
// the main tier on those paths alone.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../config/temporal-binaries';
import { clusterDir, serverBinary } from './cluster';
import { clusterCommand, clusterRunning, jestOnCluster, runJest } from './test-cluster';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const countsText = (c: Counts) => `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;

/** The closing line of all tiers: a tier whose jest exited non-zero fails the run, counted or not. */
export function closingLine(tiers: readonly (Counts & { status: number })[]): { line: string; ok: boolean } {
  const sum = (k: keyof Counts) => tiers.reduce((n, t) => n + t[k], 0);
  const failed = tiers.some((t) => t.status !== 0) ? Math.max(1, sum('failed')) : sum('failed');
  return {
    line: `jest: ${countsText({ passed: sum('passed'), failed, skipped: sum('skipped') })}\n`,
    ok: failed === 0,
  };
}

const say = (line: string) => process.stdout.write(`\n[npm test] ${line}\n`);
const seconds = (t0: number) => `${Math.round((Date.now() - t0) / 1000)} s`;

/** The Go build as a background child; resolves with its exit status. */
function buildInBackground(env: NodeJS.ProcessEnv): Promise<number> {
  if (existsSync(serverBinary)) return Promise.resolve(0);
  const log = join(tmpdir(), `duban-cluster-build-${process.pid}.log`);
  say(`building the cluster's Temporal server in the background (nice 19; output in ${log})`);
  const fd = openSync(log, 'w');
  const child = spawn(process.execPath, [join(projectRoot, 'dist', 'scripts', 'cluster.js'), '--build'], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', fd, fd],
  });
  return new Promise((resolve) => {
    child.once('error', () => resolve(1));
    child.once('exit', (code) => {
      if (code !== 0) process.stdout.write(readFileSync(log, 'utf8').slice(-4000));
      resolve(code ?? 1);
    });
  });
}

/** Runs `tier` with its own counts file; what it counted (a tier that counted nothing failed). */
function counted(
  tier: (env: NodeJS.ProcessEnv) => number,
  dir: string,
  name: string,
): Counts & { status: number } {
  const file = join(dir, `${name}.json`);
  const status = tier({ ...process.env, DUBAN_JEST_COUNTS: file });
  const counts: Counts = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Counts)
    : { passed: 0, failed: 1, skipped: 0 };
  return { ...counts, status };
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const paths = process.argv.slice(2);
  const dir = mkdtempSync(join(tmpdir(), 'duban-test-all-'));
  // the tests need no Temporal UI, so a build for them leaves it out (npm run cluster builds it later)
  const clusterEnv = { ...process.env, DUBAN_CLUSTER_UI: process.env.DUBAN_CLUSTER_UI ?? '0' };
  const built = paths.length ? undefined : buildInBackground(clusterEnv);
  const main = counted((env) => runJest(paths, env), dir, 'main');
  say(`main tier: ${countsText(main)} (${seconds(t0)})`);
  const tiers: (Counts & { status: number })[] = [main];

  if (built) {
    const t1 = Date.now();
    const buildStatus = await built;
    let cluster: Counts & { status: number } = { passed: 0, failed: 1, skipped: 0, status: buildStatus };
    if (buildStatus !== 0)
      say('cluster tier not run: the Temporal server did not build (its output is above)');
    else {
      const startedHere = !clusterRunning();
      if (startedHere) say(`starting the cluster (${clusterDir()})`);
      const up = startedHere ? clusterCommand([], clusterEnv) : 0;
      if (up !== 0) say('cluster tier not run: the cluster did not start (its output is above)');
      else cluster = counted((env) => jestOnCluster(['test/cluster'], env), dir, 'cluster');
      if (startedHere) clusterCommand(['--stop']);
      say(`cluster tier: ${countsText(cluster)} (${seconds(t1)})`);
    }
    tiers.push(cluster);
  }
  rmSync(dir, { recursive: true, force: true });
  const verdict = closingLine(tiers);
  say(`all tiers in ${seconds(t0)}`);
  // the run's verdict, last (test/reporters/closing-line.js says why)
  process.stdout.write(verdict.line);
  return verdict.ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`npm test: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
