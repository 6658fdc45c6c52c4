#!/usr/bin/env node
// Installs Debian's PostgreSQL server for the record tests (test/helpers/postgres.ts starts a
// private server per test file with its initdb and pg_ctl). Idempotent: nothing happens when
// /usr/lib/postgresql/*/bin/initdb is there. DUBAN_SKIP_POSTGRES_INSTALL=1 skips it; the embedded
// default (PGlite) never needs it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const log = (msg) => process.stdout.write(`[install-postgres] ${msg}\n`);
const ROOT = '/usr/lib/postgresql';

if (process.env.DUBAN_SKIP_POSTGRES_INSTALL === '1') {
  log('DUBAN_SKIP_POSTGRES_INSTALL=1: skipped');
  process.exit(0);
}
const found = () =>
  existsSync(ROOT) ? readdirSync(ROOT).find((v) => existsSync(join(ROOT, v, 'bin', 'initdb'))) : undefined;
const version = found();
if (version) {
  log(`found PostgreSQL ${version} in ${join(ROOT, version, 'bin')}`);
  process.exit(0);
}
if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get') || process.getuid?.() !== 0) {
  // Not fatal for `npm install`: the record tests say how to get a server when they run.
  log(`no PostgreSQL server in ${ROOT}/*/bin and not root on Debian: install PostgreSQL ≥ 14,`);
  log('or point the tests at a server with DUBAN_TEST_DATABASE_URL');
  process.exit(0);
}
const run = (args) =>
  spawnSync(args[0], args.slice(1), {
    stdio: 'inherit',
    timeout: 10 * 60_000,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  }).status === 0;
log("installing Debian's postgresql with apt-get (apt-get update && apt-get install -y postgresql)");
if (!run(['apt-get', 'update']) || !run(['apt-get', 'install', '-y', 'postgresql'])) {
  log('could not install postgresql: the record tests against PostgreSQL will say how');
  process.exit(0);
}
log(found() ? `installed PostgreSQL ${found()}` : 'apt-get finished but initdb is still missing');
