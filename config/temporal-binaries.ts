// Where the Temporal binaries are: the environment's override, else what scripts/install-temporal.mjs
// put under ./tools.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', existsSync(resolve(__dirname, '..', 'package.json')) ? '' : '..');

export function temporalCliPath(): string {
  return binary('TEMPORAL_CLI_PATH', 'temporal');
}

export function temporalTestServerPath(): string {
  return binary('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server');
}

/** the API fuzzer the contract test runs (installed beside the Temporal binaries) */
export function schemathesisPath(): string {
  return binary('SCHEMATHESIS_PATH', 'schemathesis');
}

function binary(envName: string, name: string): string {
  const fromEnv = process.env[envName];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${envName}=${fromEnv}: no such file`);
    return fromEnv;
  }
  const path = join(root, 'tools', 'venv', 'bin', name);
  if (!existsSync(path)) {
    throw new Error(`${name} not found at ${path}: run \`npm install\` (or set ${envName})`);
  }
  return path;
}

export const projectRoot = root;
