// `npm run test:cluster`: brings `npm run cluster` up (or finds it running), then runs against it,
// with DUBAN_TEST_TEMPORAL_ADDRESS set, the API integration suite, the reliability suite and
// test/cluster (which `npm test` leaves out). Paths given on the command line replace that list.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../config/temporal-binaries';
import { alive, readState } from './cluster';

const SUITES = ['test/integration/api.test.ts', 'test/reliability', 'test/cluster'];

function main(): number {
  const state = readState();
  const up =
    state && ['temporal', 'postgres'].every((n) => state.processes.some((p) => p.name === n && alive(p)));
  if (!up) {
    process.stdout.write('no running cluster: starting it (npm run cluster)…\n');
    const res = spawnSync(process.execPath, [join(projectRoot, 'dist', 'scripts', 'cluster.js')], {
      stdio: 'inherit',
      timeout: 60 * 60_000,
    });
    if (res.status !== 0) return res.status ?? 1;
  }
  const cluster = readState()!;
  const paths = process.argv.slice(2);
  const res = spawnSync(
    process.execPath,
    [
      join(projectRoot, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--runInBand',
      ...(paths.length ? paths : SUITES),
      // replaces jest.config.js's list, which keeps test/cluster out of `npm test`; last, because
      // this option takes every word after it as another pattern
      '--testPathIgnorePatterns=/node_modules/',
    ],
    {
      cwd: projectRoot,
      stdio: 'inherit',
      env: {
        ...process.env,
        DUBAN_TEST_TEMPORAL_ADDRESS: cluster.temporalAddress,
        DUBAN_TEST_TEMPORAL_NAMESPACE: cluster.namespace,
      },
    },
  );
  return res.status ?? 1;
}

process.exit(main());
