// The two pages people open, in a real Chromium: duban's Swagger UI at /docs working against the live
// API (authorize with a token, try operations, read the answers on the page), and the Temporal Web
// UI's page for one supervision item, showing what the workflow and the API set for operators (the
// static summary and details, the current details, the timer summary).
//
// DUBAN_SKIP_BROWSER=1 skips this file; without it a missing Chromium is a failure that says how to
// install it. DUBAN_SCREENSHOT_DIR=<dir> keeps copies of the screenshots (docs/screenshots/).
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import type { Page } from 'playwright-core';
import { officialCalendar } from '../../domain/calendar/official';
import { createApp } from '../../api/app';
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import { createWorker } from '../../worker/worker';
import { formatLocal } from '../../workflows/format';
import { itemWorkflowId } from '../../workflows/ids';
import { itemBody, startApiHarness, TOKEN_ENTRIES, TOKENS, type ApiHarness } from '../helpers/api';
import { browserTestsSkipped, cjkFonts, launchBrowser, pngSize, type TestBrowser } from '../helpers/browser';
import { memoryRecord } from '../helpers/record';

const suite = browserTestsSkipped() ? describe.skip : describe;
const TZ = 'Asia/Shanghai';

suite('in a real browser', () => {
  let browser: TestBrowser;
  let shots: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    shots = mkdtempSync(join(tmpdir(), 'duban-shots-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (shots) rmSync(shots, { recursive: true, force: true });
  });

  /** A viewport screenshot, checked to be a real PNG of the viewport's size; kept if asked. */
  async function screenshot(page: Page, name: string): Promise<Buffer> {
    const file = join(shots, name);
    await page.screenshot({ path: file });
    const bytes = readFileSync(file);
    expect(pngSize(bytes)).toEqual(page.viewportSize());
    expect(bytes.length).toBeGreaterThan(10_000);
    const keep = process.env.DUBAN_SCREENSHOT_DIR;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      copyFileSync(file, join(keep, name));
    }
    return bytes;
  }

  test('a Chinese font is installed, so Chinese renders as text and not as boxes', () => {
    // launchBrowser refuses without one too; this names the check on its own line of the report
    expect(cjkFonts().length).toBeGreaterThan(0);
  });

  describe('Swagger UI at /docs against the live API', () => {
    let api: ApiHarness;

    beforeAll(async () => {
      if (!browser) return; // launchBrowser already failed with the reason
      api = await startApiHarness({ worker: true });
    });

    afterAll(async () => {
      await api?.close();
    });

    const operation = (page: Page, method: string, path: string) =>
      page.locator(`.opblock-${method.toLowerCase()}`, {
        has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
      });

    /** Expands an operation, presses "Try it out", optionally fills the body, executes, reads the answer. */
    async function tryOut(
      page: Page,
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: string; text: string; curl: string }> {
      const op = operation(page, method, path);
      if (!(await op.locator('.opblock-body').isVisible())) await op.locator('.opblock-summary').click();
      const tryIt = op.locator('button.try-out__btn');
      if ((await tryIt.innerText()).trim() === 'Try it out') await tryIt.click();
      if (body !== undefined) await op.locator('textarea.body-param__text').fill(JSON.stringify(body));
      // a previous answer stays on the page until the new one arrives: clear it first
      const clear = op.locator('button.btn-clear');
      if (await clear.isVisible()) await clear.click();
      await op.locator('button.execute').click();
      const live = op.locator('.live-responses-table .response');
      await live.first().waitFor();
      return {
        status: (await live.locator('.response-col_status').first().innerText()).trim(),
        text: await live.locator('.response-col_description pre').first().innerText(),
        curl: await op.locator('.curl-command').innerText(),
      };
    }

    test('renders every operation of the OpenAPI document; Authorize and Try it out answer from the live API', async () => {
      const page = await browser.newPage();
      await page.goto(`${api.baseUrl}/docs/`);
      await page.locator('.opblock').first().waitFor({ timeout: 15_000 });

      await expect(page.locator('.info .title').innerText()).resolves.toMatch(/^duban 督办 API/);
      await expect(operation(page, 'POST', '/v1/items').isVisible()).resolves.toBe(true);
      await expect(operation(page, 'GET', '/v1/items/{id}').isVisible()).resolves.toBe(true);

      // every operation the document declares is on the page, and nothing else
      const doc = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const declared = Object.entries(doc.paths)
        .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
        .sort();
      const shown = (
        await page
          .locator('.opblock-summary')
          .evaluateAll((els) =>
            els.map(
              (e) =>
                `${e.querySelector('.opblock-summary-method')?.textContent} ${e.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`,
            ),
          )
      ).sort();
      expect(declared.length).toBeGreaterThan(20);
      expect(shown).toEqual(declared);

      // without a token the page shows the API's 401
      const anonymous = await tryOut(page, 'GET', '/v1/policies');
      expect(anonymous.status).toBe('401');
      expect(anonymous.text).toMatch(/Unauthorized/);

      await page.locator('.auth-wrapper button.authorize').click();
      await page.locator('#auth-bearer-value').fill(TOKENS.staff);
      await page.locator('.auth-btn-wrapper button.authorize').click();
      await expect(page.locator('.auth-btn-wrapper button', { hasText: 'Logout' }).isVisible()).resolves.toBe(
        true,
      );
      await page.locator('.auth-btn-wrapper button.btn-done').click();

      const policies = await tryOut(page, 'GET', '/v1/policies');
      expect(policies.status).toBe('200');
      expect(policies.curl).toContain(`Authorization: Bearer ${TOKENS.staff}`);
      const listed = JSON.parse(policies.text) as { default: string; policies: { name: string }[] };
      expect(listed.policies.map((p) => p.name)).toContain('three-urges');
      // the picture for the docs: the authorized call and its answer on the page
      await operation(page, 'GET', '/v1/policies').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await screenshot(page, 'swagger-ui.png');

      // a POST with a body typed into the page: the schedule the calendar gives
      const preview = await tryOut(page, 'POST', '/v1/items/preview', itemBody());
      expect(preview.status).toBe('200');
      const plan = JSON.parse(preview.text) as {
        policy: string;
        deadlineAt: string;
        reminders: { name: string }[];
      };
      expect(plan.policy).toBe('three-urges');
      expect(Date.parse(plan.deadlineAt)).toBeGreaterThan(Date.now());
      expect(plan.reminders.map((r) => r.name)).toEqual(['第一次催办', '第二次催办', '第三次催办']);

      await page.close();
    });
  });

  describe('Temporal Web UI page of a supervision item', () => {
    let dir: string;
    let dev: DevServer;
    let connection: Connection;
    let nativeConnection: NativeConnection;
    let worker: Worker;
    let running: Promise<void>;
    let server: Server;
    let baseUrl: string;

    // startApiHarness's dev server has no Web UI: the same pieces on startDevServer (UI on a free port)
    beforeAll(async () => {
      if (!browser) return;
      dir = mkdtempSync(join(tmpdir(), 'duban-webui-'));
      dev = await startDevServer({ port: 0, uiPort: 0, dbFile: join(dir, 'dev.db'), logLevel: 'error' });
      connection = await Connection.connect({ address: dev.address });
      const client = new Client({ connection, namespace: dev.namespace });
      nativeConnection = await NativeConnection.connect({ address: dev.address });
      const taskQueue = `webui-test-${randomUUID()}`;
      const calendar = officialCalendar();
      worker = await createWorker({
        connection: nativeConnection,
        namespace: dev.namespace,
        taskQueue,
        workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') }),
        deps: { calendar, channels: {}, record: await memoryRecord() },
      });
      running = worker.run();
      const app = createApp({
        client,
        record: await memoryRecord(),
        calendar,
        tokens: TOKEN_ENTRIES,
        taskQueue,
        timeZone: TZ,
        // the timer this test reads is the deadline's: outside office hours the warning, due at
        // once, would be held and its delivery timer come first
        officeHours: null,
      });
      server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      worker?.shutdown();
      await running;
      await nativeConnection?.close();
      await connection?.close();
      await dev?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('shows the workflow id, the title as summary, the details, and the timer summary', async () => {
      const id = `webui-${randomUUID().slice(0, 8)}`;
      // one working day: the warning is already due, so the first timer waits for the deadline's urge
      const created = await fetch(`${baseUrl}/v1/items`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKENS.staff}`, 'content-type': 'application/json' },
        body: JSON.stringify(itemBody({ id, due: { workingDays: 1 } })),
      });
      expect(created.status).toBe(201);
      const item = (await created.json()) as { title: string; deadlineAt: string };
      const deadline = formatLocal(item.deadlineAt, TZ);
      const workflowId = itemWorkflowId(id);

      const page = await browser.newPage();
      // a link by workflow id alone opens the latest run's timeline
      await page.goto(`${dev.uiUrl}/namespaces/${dev.namespace}/workflows/${workflowId}`);
      await page.waitForURL(new RegExp(`/workflows/${workflowId}/[0-9a-f-]{36}/timeline$`), {
        timeout: 20_000,
      });
      await page.locator('h1', { hasText: workflowId }).waitFor();
      await page
        .getByText(/^running$/i)
        .first()
        .waitFor();
      await page.getByText('supervisionItem', { exact: true }).first().waitFor();
      // the timer's summary, on the timeline
      await page
        .getByText(`等待截止 ${deadline}（第1个工作日），届时第一次催办`, { exact: true })
        .first()
        .waitFor({ timeout: 15_000 });

      await page.getByRole('tab', { name: 'User Metadata' }).click();
      await page.waitForURL(/\/user-metadata$/);
      // the UI renders each of these as markdown inside its own iframe
      const summary = page.frameLocator('#user-metadata-summary');
      await summary.getByText(item.title, { exact: true }).waitFor();
      const details = page.frameLocator('#user-metadata-details');
      await details.getByText('承办单位：市住建局').waitFor();
      await details.getByText(/督办规则：三次催办/).waitFor();
      // the current details come from a live query that the worker answers
      const current = page.frameLocator('#user-metadata-current-details');
      await current.getByText(`期限：${deadline}`).waitFor({ timeout: 15_000 });
      await current.getByText(`下一步：第一次催办 ${deadline}`).waitFor();
      // the UI sees the worker polling (it keeps a hidden 'No workers polling' banner otherwise shown)
      await expect(page.getByText('No workers polling').filter({ visible: true }).count()).resolves.toBe(0);

      await screenshot(page, 'temporal-web-ui.png');
      await page.close();
    });
  });
});
