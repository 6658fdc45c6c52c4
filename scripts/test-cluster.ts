// `npm run test:cluster`: brings `npm run cluster` up (or finds it running), then runs against it,
// with DUBAN_TEST_TEMPORAL_ADDRESS set, the API integration suite, the reliability suite and
// test/cluster. Paths given on the command line replace that list. `npm test` runs test/cluster
// the same way (scripts/test-all.ts).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../config/temporal-binaries';
import { alive, readState } from './cluster';

const SUITES = ['test/integration/api.test.ts', 'test/reliability', 'test/cluster'];
const clusterJs = join(projectRoot, 'dist', 'scripts', 'cluster.js');

/** Whether the cluster's Temporal server and PostgreSQL are running. */
export function clusterRunning(): boolean {
  const state = readState();
  return Boolean(
    state && ['temporal', 'postgres'].every((n) => state.processes.some((p) => p.name === n && alive(p))),
  );
}

/** Runs `node dist/scripts/cluster.js [args]` in the foreground; its exit status. */
export function clusterCommand(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const res = spawnSync(process.execPath, [clusterJs, ...args], {
    stdio: 'inherit',
    env,
    timeout: 60 * 60_000,
  });
  return res.status ?? 1;
}

/** jest, in band, with `args`, in the foreground; its exit status. */
export function runJest(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const jest = join(projectRoot, 'node_modules', 'jest', 'bin', 'jest.js');
  const res = spawnSync(process.execPath, [jest, '--runInBand', ...args], {
    cwd: projectRoot,
    stdio: 'inherit',
    env,
  });
  return res.status ?? 1;
}

/** jest on `paths` against the running cluster; its exit status. */
export function jestOnCluster(paths: string[], env: NodeJS.ProcessEnv = process.env): number {
  const cluster = readState()!;
  return runJest(
    // replaces jest.config.js's list, which keeps test/cluster out of the main tier; last, because
    // this option takes every word after it as another pattern
    [...paths, '--testPathIgnorePatterns=/node_modules/'],
    {
      ...env,
      DUBAN_TEST_TEMPORAL_ADDRESS: cluster.temporalAddress,
      DUBAN_TEST_TEMPORAL_NAMESPACE: cluster.namespace,
    },
  );
}

function main(): number {
  if (!clusterRunning()) {
    process.stdout.write('no running cluster: starting it (npm run cluster)…\n');
    const status = clusterCommand([]);
    if (status !== 0) return status;
  }
  const paths = process.argv.slice(2);
  return jestOnCluster(paths.length ? paths : SUITES);
}

if (require.main === module) process.exit(main());
