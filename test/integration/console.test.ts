// 督办台, the web console, in a real Chromium against a real dev server, worker and API: what people
// do with it (create an item watching the deadline preview, return a final report, read the
// timeline, decide a case, read the statistics) and that its forms work from the keyboard.
//
// DUBAN_SKIP_BROWSER=1 skips this file. DUBAN_SCREENSHOT_DIR=<dir> keeps the screenshots
// (docs/screenshots/console-*.png).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { consoleDistDir } from '../../api/console';
import { formatLocal } from '../../workflows/format';
import {
  itemBody,
  OTHER_UNIT,
  startApiHarness,
  TOKENS,
  type ApiHarness,
  type TestRole,
} from '../helpers/api';
import { browserTestsSkipped, launchBrowser, pngSize, type TestBrowser } from '../helpers/browser';

const suite = browserTestsSkipped() ? describe.skip : describe;
const TZ = 'Asia/Shanghai';
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
const uid = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

/** polls until `check` holds (the pages load and re-render on their own schedule) */
async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, timeout = 15_000): Promise<T> {
  const until = Date.now() + timeout;
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    if (Date.now() > until) throw new Error(`still ${JSON.stringify(v)} after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// run in the page (a string, so the test's TypeScript needs no DOM types)
const FOCUSED_FIELD = `(() => {
  const el = document.activeElement;
  const label = el && el.id ? document.querySelector('label[for="' + el.id + '"]') : null;
  return { id: (el && el.id) || '', label: label ? label.textContent.trim() : '' };
})()`;

suite('督办台 (web console) in a real browser', () => {
  let browser: TestBrowser;
  let api: ApiHarness;
  let shots: string;
  /** every request the pages made, to prove none left the API's host */
  const requested: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(consoleDistDir(), 'index.html'))) {
      throw new Error(`the console is not built (${consoleDistDir()}): run \`npm run build\` first`);
    }
    browser = await launchBrowser({ viewport: DESKTOP });
    browser.context.on('request', (r) => requested.push(r.url()));
    shots = mkdtempSync(join(tmpdir(), 'duban-console-shots-'));
    api = await startApiHarness({ worker: true });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    if (shots) rmSync(shots, { recursive: true, force: true });
  });

  /** a screenshot of the whole page, checked to be a real PNG of the viewport's width; kept if asked */
  async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
    const file = join(shots, name);
    await page.screenshot({ path: file, fullPage });
    const bytes = readFileSync(file);
    expect(pngSize(bytes).width).toBe(page.viewportSize()?.width);
    expect(bytes.length).toBeGreaterThan(10_000);
    const keep = process.env.DUBAN_SCREENSHOT_DIR;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      copyFileSync(file, join(keep, name));
    }
  }

  async function signIn(role: TestRole, path = '/'): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${api.baseUrl}${path}`);
    // an unsigned visitor lands on the sign-in page, and comes back where they meant to go
    await page.waitForURL(/\/login/);
    await page.getByLabel('访问令牌').fill(TOKENS[role]);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('button', { name: '退出' }).waitFor();
    return page;
  }

  async function createItem(overrides: Record<string, unknown> = {}): Promise<string> {
    const id = uid('console');
    const res = await api.call('POST', '/v1/items', { as: 'staff', body: itemBody({ id, ...overrides }) });
    expect(res.status).toBe(201);
    return id;
  }

  const previewDeadline = async (days: number, extra: Record<string, unknown> = {}): Promise<string> => {
    const res = await api.call('POST', '/v1/items/preview', {
      as: 'staff',
      body: itemBody({ due: { workingDays: days }, ...extra }),
    });
    expect(res.status).toBe(200);
    return formatLocal(res.body.finalDeadlineAt, TZ);
  };

  test('the console is served at / with an SPA fallback; API paths keep their problem+json 404', async () => {
    const page = await browser.newPage();
    await page.goto(`${api.baseUrl}/`);
    await page.getByRole('heading', { name: '督办台' }).waitFor();
    await expect(page.title()).resolves.toBe('登录 · 督办台');
    await screenshot(page, 'console-login.png', false);
    await page.close();

    const deep = await fetch(`${api.baseUrl}/items/some-item`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="app">');
    const apiMiss = await fetch(`${api.baseUrl}/v1/nowhere`, { headers: { accept: 'text/html' } });
    expect(apiMiss.status).toBe(401);
    const miss = await api.call('GET', '/nowhere');
    expect(miss.status).toBe(404);
    expect(miss.headers.get('content-type')).toMatch(/problem\+json/);
    const me = await api.call('GET', '/v1/me', { as: 'manager' });
    expect(me.body).toEqual({ actor: 'director-li', role: 'manager' });
  });

  test('a staff user creates an item and sees the deadline preview follow the due field', async () => {
    // the unit directory offers the assisting units (and fills a lead unit it knows)
    const water = await api.call('PUT', '/v1/units/unit-water', {
      as: 'manager',
      body: {
        name: '市水务局',
        liaison: { id: 'p-water', name: '钱联络', email: 'qian@example.test' },
        principal: { id: 'p-water-chief', name: '孙局长' },
      },
    });
    expect([200, 201]).toContain(water.status);
    const page = await signIn('staff', '/items/new');
    await page.getByRole('heading', { name: '新建督办事项' }).waitFor();
    await page.getByLabel('事项标题').fill('推进老旧小区改造项目');
    await page.getByLabel('单位代码').fill('unit-housing');
    await page.getByLabel('单位名称').fill('市住建局');
    await page.getByLabel('主要负责人').fill('张局长');
    await page.getByLabel('文号或依据').fill('市领导批示〔2026〕12号');

    const deadline = page.getByTestId('preview-deadline');
    const days = page.getByLabel('办理时限（工作日，不含交办当日）');
    await days.fill('5');
    const five = await previewDeadline(5);
    await eventually(
      () => deadline.innerText(),
      (t) => t === five,
    );
    await days.fill('12');
    const twelve = await previewDeadline(12);
    expect(twelve).not.toBe(five);
    await eventually(
      () => deadline.innerText(),
      (t) => t === twelve,
    );
    // the whole schedule is there: warning, deadline and the three urges of the default policy
    const preview = page.getByRole('complementary');
    for (const row of ['预警提醒', '截止', '第一次催办', '第二次催办', '第三次催办'])
      await preview.getByRole('cell', { name: row, exact: true }).waitFor();
    await page.getByLabel('督办规则').selectOption('efficiency-supervision');
    await preview.getByText(/规则：/).waitFor();
    await page.getByRole('group', { name: '协办单位（单位名录）' }).getByLabel('市水务局').check();
    await screenshot(page, 'console-new-item.png');

    await page.getByRole('button', { name: '交办' }).click();
    await page.waitForURL(/\/items\/(?!new)[^/]+$/);
    await page.getByRole('heading', { name: '推进老旧小区改造项目' }).waitFor();
    await page.getByRole('heading', { name: '期限计算说明' }).waitFor();
    await page.getByText(twelve).first().waitFor();
    const facts = page.getByRole('region', { name: '基本情况' });
    await facts.getByText('市水务局', { exact: true }).waitFor();
    const created = await api.call('GET', `/v1/items/${decodeURIComponent(page.url().split('/').at(-1)!)}`, {
      as: 'staff',
    });
    // named by id alone, the directory supplied the assisting unit's name and liaison
    expect(created.body.assistingUnits).toEqual([
      expect.objectContaining({
        id: 'unit-water',
        name: '市水务局',
        liaison: expect.objectContaining({ id: 'p-water' }),
      }),
    ]);

    // a lead unit of the directory fills the unit's name, liaison and principal
    await page.goto(`${api.baseUrl}/items/new`);
    await page.getByLabel('单位代码').fill('unit-water');
    await expect(page.getByLabel('单位名称').inputValue()).resolves.toBe('市水务局');
    await expect(page.getByLabel('联络员', { exact: true }).inputValue()).resolves.toBe('钱联络');
    await expect(page.getByLabel('主要负责人').inputValue()).resolves.toBe('孙局长');
    // and is no longer offered as its own assisting unit
    await expect(
      page.getByRole('group', { name: '协办单位（单位名录）' }).getByLabel('市水务局').count(),
    ).resolves.toBe(0);
    await page.close();
  });

  test('a manager returns a final report; the item shows the urge it counts as, and its timeline', async () => {
    const id = await createItem();
    const filed = await api.call('POST', `/v1/items/${id}/reports`, {
      as: 'staff',
      body: { kind: 'final', summary: '改造方案已全部完成', signedBy: '张局长' },
    });
    expect(filed.status).toBe(200);

    const page = await signIn('manager', `/items/${id}`);
    const form = page.getByRole('form', { name: '审核办结报告' });
    await form.getByLabel('退回重办（计为一次催办）').check();
    await form.getByLabel('意见说明').fill('材料不全，退回重办');
    await form.getByRole('button', { name: '提交审核' }).click();
    await page.getByRole('status').filter({ hasText: '已退回重办' }).waitFor();

    const urges = page.getByRole('region', { name: /催办记录/ });
    await urges.getByRole('heading', { name: '催办记录（1）' }).waitFor({ timeout: 15_000 });
    await urges.getByRole('cell', { name: '退回重办' }).waitFor();
    await urges.getByRole('cell', { name: '第一次催办' }).waitFor();

    // the timeline: everything that happened, newest first
    const timeline = page.getByRole('region', { name: '办理经过' }).getByRole('listitem');
    const entries = await timeline.locator('strong').allInnerTexts();
    expect(entries).toEqual(expect.arrayContaining(['交办', '报送办结报告', '退回重办', '催办']));
    expect(entries.at(-1)).toBe('交办');
    expect(entries.indexOf('退回重办')).toBeLessThan(entries.indexOf('报送办结报告'));
    await screenshot(page, 'console-item.png');

    // a refusal shows the API's reason: a second review with nothing waiting
    const refused = await api.call('POST', `/v1/items/${id}/review`, {
      as: 'manager',
      body: { decision: 'accept', comment: '同意' },
    });
    expect(refused.status).toBe(409);
    await page.getByLabel('暂停理由（不可抗力）').fill('台风');
    await page.getByRole('button', { name: '暂停' }).click();
    await page.getByRole('status').filter({ hasText: '已暂停' }).waitFor();
    await page.getByLabel('恢复说明').waitFor();
    await page.getByRole('button', { name: '暂停' }).waitFor({ state: 'detached' });

    await page.setViewportSize(PHONE);
    await page.reload();
    await page.getByRole('heading', { name: '期限计算说明' }).waitFor();
    await screenshot(page, 'console-phone-item.png', false);
    await page.close();
  });

  test('a manager decides the case an escalation opened', async () => {
    // a drill: the deadline two seconds away, one level that opens a formal case
    const id = await createItem({
      title: '整治背街小巷环境卫生',
      due: { duration: 'PT2S' },
      policy: {
        name: 'console-drill',
        title: '演练规则',
        reminders: [
          {
            name: '第一次催办',
            after: { duration: 'PT1S' },
            notice: { by: '市政府督查室' },
            measures: [{ code: 'written_explanation' }, { code: 'public_criticism' }],
            openCase: true,
          },
        ],
      },
    });
    let caseId: string | undefined;
    for (let i = 0; i < 60 && !caseId; i++) {
      const item = await api.call('GET', `/v1/items/${id}`, { as: 'staff' });
      caseId = item.body.caseIds?.[0];
      if (!caseId) await new Promise((r) => setTimeout(r, 500));
    }
    expect(caseId).toBeDefined();
    let stage = '';
    for (let i = 0; i < 20 && stage !== 'investigation'; i++) {
      stage = (await api.call('GET', `/v1/cases/${caseId}`, { as: 'staff' })).body?.stage;
      if (stage !== 'investigation') await new Promise((r) => setTimeout(r, 300));
    }

    // an extension asked after the deadline is refused, and the page says why, in the API's words
    const page = await signIn('staff', `/items/${id}`);
    await page.getByLabel('延期理由').fill('征地协调未完成');
    await page.getByRole('button', { name: '提交申请' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const refusal = await api.call('POST', `/v1/items/${id}/extension-request`, {
      as: 'staff',
      body: { reason: '征地协调未完成', due: { workingDays: 5 } },
    });
    expect(refusal.status).toBe(409);
    expect(await alert.innerText()).toBe(`操作被拒绝：${refusal.body.detail}`);

    await page.getByRole('link', { name: '问责', exact: true }).click();
    await page.getByRole('link', { name: '市住建局' }).first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'console-cases.png');
    await page.goto(`${api.baseUrl}/cases/${caseId}`);
    const inv = page.getByRole('form', { name: '调查核实' });
    await inv.getByLabel('调查结论').fill('经核查，逾期属实，系协调不力所致');
    await inv.getByRole('button', { name: '提交调查报告' }).click();
    await page.getByRole('status').filter({ hasText: '调查核实报告已提交' }).waitFor();
    await page.close();

    const manager = await signIn('manager', `/cases/${caseId}`);
    const form = manager.getByRole('form', { name: '问责决定' });
    await form.getByLabel('予以问责').check();
    // the choice is the policy's catalogue for each subject's kind: what the level proposed
    const unitChoices = form.getByRole('group', { name: '市住建局（单位）的问责措施' });
    await expect(unitChoices.getByRole('checkbox').count()).resolves.toBe(2);
    await unitChoices.getByLabel('书面说明').check();
    await form.getByLabel('决定说明').fill('责令作出书面说明');
    await screenshot(manager, 'console-case.png');
    await form.getByRole('button', { name: '作出决定' }).click();
    await manager.getByRole('status').filter({ hasText: '问责决定已作出' }).waitFor();
    await manager.getByText('申诉期', { exact: true }).first().waitFor();
    await manager
      .getByText(/书面说明/)
      .first()
      .waitFor();

    const after = await api.call('GET', `/v1/cases/${caseId}`, { as: 'ops' });
    expect(after.body.stage).toBe('appeal_window');
    expect(after.body.measures.map((m: { code: string }) => m.code)).toEqual(['written_explanation']);

    // the ledger page shows the measure and what it means for the annual assessment
    await manager.getByRole('link', { name: '台帐', exact: true }).first().click();
    await manager.getByRole('heading', { name: /年度台帐/ }).waitFor();
    await manager.getByRole('cell', { name: '书面说明' }).waitFor({ timeout: 15_000 });
    await screenshot(manager, 'console-ledger.png');
    // the annual sheet is the record's (GET /v1/ledger?year=): the unit is on it with its measure
    const sheet = manager.getByRole('region', { name: '年度考核汇总' });
    await sheet
      .getByRole('row', { name: /市住建局/ })
      .first()
      .waitFor();
    const [ledgerFile] = await Promise.all([
      manager.waitForEvent('download'),
      manager.getByRole('button', { name: '下载台帐（.xlsx）' }).click(),
    ]);
    expect(ledgerFile.suggestedFilename()).toMatch(/^问责台帐-\d{4}\.xlsx$/);
    await manager.close();
  });

  test('staff record a manual urge and a manager a 批示 from the item page', async () => {
    const id = await createItem({ title: '整改河道黑臭水体' });
    const staff = await signIn('staff', `/items/${id}`);
    const urge = staff.getByRole('form', { name: '催办' });
    await urge.getByLabel('催办方式').selectOption('phone');
    await urge.getByLabel('催办情况').fill('电话催办王联络，要求三日内报送进展');
    await urge.getByRole('button', { name: '记录催办' }).click();
    await staff.getByRole('status').filter({ hasText: '已记录催办' }).waitFor();
    await staff.getByRole('heading', { name: '催办记录（1）' }).waitFor();
    // the office's manager forms are not the staff's
    await expect(staff.getByRole('form', { name: '领导批示' }).count()).resolves.toBe(0);
    await staff.close();

    const manager = await signIn('manager', `/items/${id}`);
    await expect(manager.getByRole('form', { name: '催办' }).count()).resolves.toBe(0);
    const note = manager.getByRole('form', { name: '领导批示' });
    await note.getByLabel('批示内容').fill('请市住建局主要负责同志亲自过问，月底前见到实效');
    await note.getByRole('button', { name: '记录批示' }).click();
    await manager.getByRole('status').filter({ hasText: '批示已记录' }).waitFor();
    const timeline = manager.getByRole('region', { name: '办理经过' }).getByRole('listitem');
    await timeline.filter({ hasText: '领导批示' }).first().waitFor();
    const item = await api.call('GET', `/v1/items/${id}`, { as: 'staff' });
    expect(item.body.urgeCount).toBe(1);
    expect(item.body.history.map((h: { action: string }) => h.action)).toEqual(
      expect.arrayContaining(['urged', 'instruction']),
    );
    await manager.close();
  });

  test('the decider drops what a measure would cascade to (S3 §三 可视情节轻重)', async () => {
    // a summary case (简易程序) starts at the decision, with the cascade its measures would have
    const id = await createItem({
      title: '清理违规占道广告牌',
      due: { duration: 'PT2S' },
      policy: {
        name: 'console-cascade-drill',
        title: '连带演练规则',
        // the unit's 书面说明 may reach its leaders, who may be given one
        cascade: { unitToLeaders: true },
        personMeasures: ['written_explanation'],
        reminders: [
          {
            name: '第一次催办',
            after: { duration: 'PT1S' },
            notice: { by: '市政府督查室' },
            measures: [{ code: 'written_explanation', appliesTo: 'unit' }],
            procedure: 'summary',
          },
        ],
      },
    });
    let caseId: string | undefined;
    for (let i = 0; i < 60 && !caseId; i++) {
      caseId = (await api.call('GET', `/v1/items/${id}`, { as: 'staff' })).body.caseIds?.[0];
      if (!caseId) await new Promise((r) => setTimeout(r, 500));
    }
    expect(caseId).toBeDefined();
    const before = await api.call('GET', `/v1/cases/${caseId}`, { as: 'ops' });
    expect(before.body.stage).toBe('decision');
    const would = before.body.cascade.wouldCascade as { subjectId: string; code: string; from: string }[];
    expect(would.length).toBeGreaterThan(0);

    const page = await signIn('manager', `/cases/${caseId}`);
    const form = page.getByRole('form', { name: '问责决定' });
    await form.getByLabel('予以问责').check();
    const cascade = form.getByRole('group', { name: /连带问责/ });
    // nothing cascades until a measure it comes from is ticked
    await expect(cascade.count()).resolves.toBe(0);
    await form.getByRole('group', { name: '市住建局（单位）的问责措施' }).getByLabel('书面说明').check();
    const parts = cascade.getByRole('checkbox');
    await parts.first().waitFor();
    const fromUnit = would.filter((w) => w.from === 'unit-housing|written_explanation');
    await expect(parts.count()).resolves.toBe(fromUnit.length);
    for (let i = 0; i < fromUnit.length; i++) await expect(parts.nth(i).isChecked()).resolves.toBe(true);
    // 可视情节轻重: the first is dropped, the rest cascade
    await parts.first().uncheck();
    await form.getByLabel('决定说明').fill('情节较轻，不连带主要负责人');
    await form.getByRole('button', { name: '作出决定' }).click();
    await page.getByRole('status').filter({ hasText: '问责决定已作出' }).waitFor();

    const after = await api.call('GET', `/v1/cases/${caseId}`, { as: 'ops' });
    expect(after.body.cascade.dropped).toEqual([
      expect.objectContaining({ subjectId: fromUnit[0]!.subjectId, code: fromUnit[0]!.code }),
    ]);
    expect(after.body.measures).toHaveLength(1 + fromUnit.length - 1);
    await page.close();
  });

  test('a unit account signs for its item (签收), files a final report, and never sees another unit’s item', async () => {
    const own = await createItem({ title: '本单位的督办事项', acknowledge: true });
    const other = await createItem({
      title: '别的单位的督办事项',
      leadUnit: { id: OTHER_UNIT, name: '市水务局', liaison: { id: 'p-water', name: '钱联络' } },
    });
    const page = await signIn('unit');
    // 工作台: the unit's items and what waits for it; the office's pages are not offered
    const table = page.getByRole('region', { name: /本单位在办事项/ });
    await table.getByRole('link', { name: '本单位的督办事项' }).waitFor({ timeout: 15_000 });
    await expect(table.getByRole('link', { name: '别的单位的督办事项' }).count()).resolves.toBe(0);
    const waiting = page.getByRole('region', { name: '待我处理' });
    await waiting.getByRole('heading', { name: /^申诉期内的问责/ }).waitFor();
    const nav = page.getByRole('navigation', { name: '主菜单' });
    await expect(nav.getByRole('link').allInnerTexts()).resolves.toEqual(['工作台', '事项', '问责']);
    await screenshot(page, 'console-unit-dashboard.png');

    // the item page offers the unit's actions (report, extension) and none of the office's
    await table.getByRole('link', { name: '本单位的督办事项' }).click();
    await page.getByRole('heading', { name: '本单位的督办事项', level: 1 }).waitFor();
    const actions = page.getByRole('region', { name: '办理' });
    const offered = () => actions.getByRole('heading', { level: 3 }).allInnerTexts();
    // the item asks for 签收: the unit signs for it or gives it back (退回交办)
    await expect(offered()).resolves.toEqual(['签收', '退回交办', '报送报告', '申请延期']);
    await actions.getByRole('button', { name: '签收', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '已签收' }).waitFor();
    await actions.getByRole('heading', { name: '签收', level: 3 }).waitFor({ state: 'detached' });
    await expect(offered()).resolves.toEqual(['报送报告', '申请延期']);
    const signed = await api.call('GET', `/v1/items/${own}`, { as: 'staff' });
    expect(signed.body.status).toBe('open');
    expect(signed.body.acknowledgement.acknowledgedAt).toBeDefined();
    await page.getByLabel('报告类型').selectOption('final');
    await page.getByLabel('报告内容').fill('已按要求完成改造');
    await page.getByLabel('签发人（办结报告必填）').fill('张局长');
    await page.getByRole('button', { name: '报送' }).click();
    await page.getByRole('status').filter({ hasText: '办结报告已报送，等待审核' }).waitFor();
    await page.getByRole('region', { name: '报告（1）' }).getByText('待审核', { exact: true }).waitFor();
    const filed = await api.call('GET', `/v1/items/${own}`, { as: 'staff' });
    expect(filed.body.status).toBe('under_review');
    expect(filed.body.reports.at(-1)).toMatchObject({ kind: 'final', signedBy: '张局长' });
    await screenshot(page, 'console-unit-item.png');

    // another unit's item is, for this unit, an item that does not exist
    const api404 = await api.call('GET', `/v1/items/${other}`, { as: 'unit' });
    expect(api404.status).toBe(404);
    await page.goto(`${api.baseUrl}/items/${other}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.innerText()).resolves.toBe(`未找到：${api404.body.detail}`);
    await expect(page.getByRole('heading', { name: '别的单位的督办事项' }).count()).resolves.toBe(0);
    // and its own items list holds its unit's only
    await page.getByRole('link', { name: '事项', exact: true }).click();
    await page.getByRole('cell', { name: '本单位的督办事项' }).first().waitFor();
    await expect(page.getByRole('cell', { name: '别的单位的督办事项' }).count()).resolves.toBe(0);
    await page.close();
  });

  test('the dashboard counts by light and status and lists what waits for the manager', async () => {
    const id = await createItem({ title: '待审核的办结报告事项' });
    await api.call('POST', `/v1/items/${id}/reports`, {
      as: 'staff',
      body: { kind: 'final', summary: '已完成', signedBy: '张局长' },
    });
    const page = await signIn('manager');
    const mine = page.getByRole('region', { name: '待我处理' });
    await mine.getByRole('link', { name: '待审核的办结报告事项' }).waitFor({ timeout: 15_000 });
    await page.getByRole('link', { name: /绿灯/ }).waitFor();
    await screenshot(page, 'console-dashboard.png');

    await page.getByRole('link', { name: '事项', exact: true }).click();
    await page.getByRole('cell', { name: '待审核的办结报告事项' }).waitFor();
    await page.getByLabel('状态').selectOption('under_review');
    await page.waitForURL(/status=under_review/);
    await page.getByRole('cell', { name: '待审核的办结报告事项' }).waitFor();
    await page.getByRole('cell', { name: '推进老旧小区改造项目' }).waitFor({ state: 'detached' });
    await page.getByLabel('状态').selectOption('');
    await page.getByRole('cell', { name: '推进老旧小区改造项目' }).first().waitFor();
    await screenshot(page, 'console-items.png');
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 Excel' }).click(),
    ]);
    expect(xlsx.suggestedFilename()).toMatch(/^督办事项.*\.xlsx$/);
    expect(
      readFileSync((await xlsx.path())!)
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    await page.close();
  });

  test('the statistics page draws its charts', async () => {
    // a second unit, one item of which is done on time
    const transport = {
      id: 'unit-transport',
      name: '市交通运输局',
      liaison: { id: 'p-zhou', name: '周联络', email: 'zhou@example.test' },
    };
    const done = await createItem({ title: '优化公交线网', leadUnit: transport });
    await createItem({ title: '整治占道经营', leadUnit: transport });
    const completed = await api.call('POST', `/v1/items/${done}/complete`, {
      as: 'manager',
      body: { comment: '按期办结' },
    });
    expect(completed.status).toBe(200);
    const page = await signIn('manager', '/stats');
    for (const chart of ['chart-units', 'chart-months']) {
      const canvas = page.getByTestId(chart).locator('canvas');
      await canvas.waitFor({ timeout: 20_000 });
      // drawn: a good share of the canvas's pixels are not blank
      await eventually(
        () =>
          canvas.evaluate((c) => {
            const { width, height } = c as unknown as { width: number; height: number };
            const context = (
              c as unknown as {
                getContext(k: '2d'): { getImageData(...a: number[]): { data: Uint8ClampedArray } };
              }
            ).getContext('2d');
            const data = context.getImageData(0, 0, width, height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
            return painted;
          }),
        (n) => n > 2_000,
      );
    }
    await page.getByRole('cell', { name: '市住建局' }).waitFor();
    const transportRow = page.getByRole('row', { name: /市交通运输局/ });
    await expect(transportRow.innerText()).resolves.toMatch(/100\.0%/);
    await screenshot(page, 'console-stats.png');

    // 督查通报 of a chosen month: the API's file, under the name it gives
    const month = formatLocal(new Date().toISOString(), TZ).slice(0, 7);
    await page.getByLabel('通报月份').fill(month);
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载督查通报（.docx）' }).click(),
    ]);
    expect(file.suggestedFilename()).toMatch(/\.docx$/);
    const bytes = readFileSync((await file.path())!);
    expect(bytes.subarray(0, 2).toString()).toBe('PK'); // a .docx is a zip
    await page
      .getByRole('status')
      .filter({ hasText: `${month} 督查通报已下载` })
      .waitFor();
    await page.close();
  });

  test('the create form works from the keyboard: labelled fields in order, Enter submits', async () => {
    const page = await signIn('staff', '/items/new');
    await page.getByLabel('事项标题').focus();
    const order: string[] = [];
    const typed: Record<string, string> = {
      'n-title': '键盘录入的督办事项',
      'n-unit-id': 'unit-keyboard',
      'n-unit-name': '市键盘局',
      'n-principal': '键盘局长',
    };
    for (let i = 0; i < 9; i++) {
      const focused = await page.evaluate<{ id: string; label: string }>(FOCUSED_FIELD);
      // every field the keyboard reaches has a visible label
      expect(focused.label).not.toBe('');
      order.push(focused.id);
      const text = typed[focused.id];
      if (text) await page.keyboard.type(text);
      await page.keyboard.press('Tab');
    }
    expect(order).toEqual([
      'n-title',
      'n-desc',
      'n-source',
      'n-ref',
      'n-unit-id',
      'n-unit-name',
      'n-liaison',
      'n-liaison-email',
      'n-principal',
    ]);
    await page.getByTestId('preview-deadline').waitFor();
    await page.getByLabel('主要负责人').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/items\/(?!new)[^/]+$/);
    await page.getByRole('heading', { name: '键盘录入的督办事项' }).waitFor();
    await page.close();
  });

  test('every page fits a phone (390 px): nothing wider than the screen', async () => {
    const page = await signIn('manager');
    await page.setViewportSize(PHONE);
    for (const path of ['/', '/items', '/items/new', '/cases', '/ledger', '/stats']) {
      await page.goto(`${api.baseUrl}${path}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      expect({ path, width }).toEqual({ path, width: PHONE.width });
      if (path === '/items/new') await screenshot(page, 'console-phone-new-item.png');
      if (path === '/') await screenshot(page, 'console-phone-dashboard.png');
      if (path === '/stats') {
        await page.getByTestId('chart-months').locator('canvas').waitFor();
        await screenshot(page, 'console-phone-stats.png');
      }
    }
    await page.close();
  });

  test('no page asked any other host', () => {
    const origin = new URL(api.baseUrl).origin;
    // a download is handed to the browser as a blob: URL of this origin
    const elsewhere = requested.filter(
      (u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith(`blob:${origin}/`),
    );
    expect(requested.length).toBeGreaterThan(20);
    expect(elsewhere).toEqual([]);
  });
});
