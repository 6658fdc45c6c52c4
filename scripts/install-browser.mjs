#!/usr/bin/env node
// Installs Debian's Chromium for the browser tests (test/integration/browser.test.ts,
// console.test.ts), because a test tool's own browser download cannot work without the open
// internet, and Debian's Noto CJK fonts beside it: a fresh machine has no Chinese font, and the
// console and the Temporal UI would render every Chinese character as a box. Idempotent: nothing
// happens when both are there. DUBAN_SKIP_BROWSER=1 skips it (and the tests).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const log = (msg) => process.stdout.write(`[install-browser] ${msg}\n`);

if (process.env.DUBAN_SKIP_BROWSER === '1') {
  log('DUBAN_SKIP_BROWSER=1: skipped');
  process.exit(0);
}
const path = process.env.DUBAN_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** how many fonts fontconfig knows for Chinese; undefined when fc-list itself is missing */
function cjkFonts() {
  const r = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter((l) => l.trim()).length : undefined;
}

const missing = [];
if (existsSync(path)) log(`found ${path}`);
else missing.push('chromium');
const fonts = cjkFonts();
if (fonts) log(`found ${fonts} Chinese fonts (fc-list :lang=zh)`);
// fc-list (package fontconfig) is how the tests check for a font, so it comes along when absent
else missing.push('fonts-noto-cjk', ...(fonts === undefined ? ['fontconfig'] : []));
if (!missing.length) process.exit(0);

if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  log(`missing ${missing.join(', ')} and no apt-get here: install Chromium (set DUBAN_CHROMIUM_PATH)`);
  log('and a CJK font, or set DUBAN_SKIP_BROWSER=1 to skip the browser tests');
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
log(`installing Debian ${missing.join(' and ')} with apt-get`);
if (
  !run(['apt-get', 'update']) ||
  !run(['apt-get', 'install', '-y', '--no-install-recommends', ...missing])
) {
  // Not fatal for `npm install`: the browser tests say how to install them when they run.
  log(
    `could not install ${missing.join(', ')} (not root and no passwordless sudo?): the browser tests will say how`,
  );
}
