// A real browser for tests: Debian's Chromium driven by playwright-core (never Playwright's own
// browser download, which needs the open internet). Each launch gets a fresh profile folder that is
// removed on close.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.DUBAN_CHROMIUM_PATH || '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps dialling Google services, which on a closed
// network is a steady stream of refused connections in every log.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** DUBAN_SKIP_BROWSER=1 skips the browser tests (a machine without Chromium that knows it). */
export function browserTestsSkipped(): boolean {
  return process.env.DUBAN_SKIP_BROWSER === '1';
}

const HOW_TO_INSTALL =
  `Install it with \`sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium\` ` +
  `(Debian/Ubuntu), or point DUBAN_CHROMIUM_PATH at a Chromium or Chrome binary, or set ` +
  `DUBAN_SKIP_BROWSER=1 to skip the browser tests. See docs/browser.md.`;

/** Throws a message that says how to install Chromium when the binary is not there. */
export function assertChromiumInstalled(): void {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM_PATH}, and there is none. ${HOW_TO_INSTALL}`,
    );
  }
}

/**
 * The Chinese fonts fontconfig knows (`fc-list :lang=zh`). Without one Chromium draws every Chinese
 * character as a box and a screenshot still "passes", so the browser tests refuse to run without.
 */
export function cjkFonts(): string[] {
  const r = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter((l) => l.trim()) : [];
}

export function assertCjkFont(): void {
  if (!cjkFonts().length) {
    throw new Error(
      'No Chinese font: `fc-list :lang=zh` finds none, so pages would show boxes for Chinese. Install ' +
        'one with `sudo apt-get install -y --no-install-recommends fonts-noto-cjk` (npm install does it ' +
        'as root), or set DUBAN_SKIP_BROWSER=1 to skip the browser tests. See docs/browser.md.',
    );
  }
}

export interface TestBrowser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(
  opts: { viewport?: { width: number; height: number } } = {},
): Promise<TestBrowser> {
  assertChromiumInstalled();
  assertCjkFont();
  const profile = mkdtempSync(join(tmpdir(), 'duban-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: opts.viewport ?? { width: 1280, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`Chromium at ${CHROMIUM_PATH} did not start: ${why}\n${HOW_TO_INSTALL}`);
  }
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk; throws if the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  if (
    bytes.length < 24 ||
    !bytes.subarray(0, 8).equals(PNG_SIGNATURE) ||
    bytes.toString('latin1', 12, 16) !== 'IHDR'
  )
    throw new Error(`not a PNG (${bytes.length} bytes)`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
