#!/usr/bin/env node
// Installs Debian's Chromium for the browser test (test/integration/browser.test.ts), because a
// test tool's own browser download cannot work without the open internet. Idempotent: nothing
// happens when a Chromium is already there. DUBAN_SKIP_BROWSER=1 skips it (and the test).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const log = (msg) => process.stdout.write(`[install-browser] ${msg}\n`);

if (process.env.DUBAN_SKIP_BROWSER === '1') {
  log('DUBAN_SKIP_BROWSER=1: skipped');
  process.exit(0);
}
const path = process.env.DUBAN_CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) {
  log(`found ${path}`);
  process.exit(0);
}
if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  log(`no Chromium at ${path} and no apt-get here: install Chromium and set DUBAN_CHROMIUM_PATH,`);
  log('or set DUBAN_SKIP_BROWSER=1 to skip the browser test');
  process.exit(0);
}
const root = process.getuid?.() === 0;
const sudo = root ? [] : ['sudo', '-n'];
const run = (args) => {
  const [cmd, ...rest] = [...sudo, ...args];
  const r = spawnSync(cmd, rest, {
    stdio: 'inherit',
    timeout: 10 * 60_000,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
};
log('installing Debian chromium with apt-get');
if (
  !run(['apt-get', 'update']) ||
  !run(['apt-get', 'install', '-y', '--no-install-recommends', 'chromium'])
) {
  // Not fatal for `npm install`: the browser test says how to install it when it runs.
  log('could not install chromium (not root and no passwordless sudo?): the browser test will say how');
}
