// The HTTP API against a real dev server, a real worker running the real workflows and activities,
// and plain fetch: every route's happy path, validation, idempotent create, 404/409, the OpenAPI
// document, and 503 when Temporal is gone.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { spawnSync } from 'node:child_process';
import { parseServerTiming } from '../../api/server-timing';
import { officialCalendar } from '../../domain/calendar/official';
import { createApp, recordWritesOf } from '../../api/app';
import { itemBody, startApiHarness, TOKEN_ENTRIES, TOKENS, type ApiHarness } from '../helpers/api';
import { memoryRecord } from '../helpers/record';
import { getItem } from '../../activities/record/store';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness({ worker: true });
});

afterAll(async () => {
  await api?.close();
});

const uid = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;
/** a deadline comfortably in the future, whatever today is */
const future = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString();

// The validator is an ES module and jest runs CommonJS here: run it in a child node process.
function validateOpenApi(doc: unknown): { valid: boolean; version?: string; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const v = new Validator();
    const r = await v.validate(JSON.parse(input));
    process.stdout.write(JSON.stringify({ valid: r.valid, errors: r.errors, version: v.version }));
  `;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    input: JSON.stringify(doc),
    encoding: 'utf8',
    cwd: __dirname,
  });
  if (out.status !== 0) throw new Error(`validator failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as { valid: boolean; version?: string; errors?: unknown };
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('items', () => {
  test('create → 201 with Location, the state, and a request id; GET answers the same item', async () => {
    const id = uid('item');
    const res = await api.call('POST', '/v1/items', { as: 'staff', body: itemBody({ id }) });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/items/${id}`);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // where the create's time went, phase by phase, adding up to at most the total
    const timing = parseServerTiming(res.headers.get('server-timing'));
    // (the first record row is written after the answer: api/record-writes.ts)
    expect(Object.keys(timing)).toEqual(['accept', 'plan', 'start', 'total']);
    const phases = timing.accept! + timing.plan! + timing.start!;
    expect(phases).toBeGreaterThan(0);
    expect(phases).toBeLessThanOrEqual(timing.total! + 0.05);
    expect(res.body).toMatchObject({
      id,
      title: '推进老旧小区改造项目',
      status: 'open',
      light: 'green',
      urgeCount: 0,
      policy: 'three-urges',
      reminders: [],
      reports: [],
      extensions: [],
      caseIds: [],
    });
    expect(Date.parse(res.body.deadlineAt)).toBeGreaterThan(Date.now());
    expect(res.body.calendar.version).toMatch(/chinese-days/);
    expect(res.body.history[0]).toMatchObject({ by: 'liaison-wang' });

    const got = await api.call('GET', `/v1/items/${id}`, { as: 'ops' });
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(id);
    expect(got.body.deadlineAt).toBe(res.body.deadlineAt);

    const desc = await api.env.client.workflow.getHandle(`supervision-${id}`).describe();
    expect(desc.memo).toEqual({ title: '推进老旧小区改造项目' });
    expect(await desc.staticSummary()).toBe('推进老旧小区改造项目');
    expect(await desc.staticDetails()).toMatch(/承办单位：市住建局[\s\S]*督办规则：三次催办/);
  });

  test('a sane incoming x-request-id is kept; an insane one is replaced', async () => {
    const kept = await api.call('GET', '/v1/policies', {
      as: 'ops',
      headers: { 'x-request-id': 'trace-abc.123' },
    });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123');
    const replaced = await api.call('GET', '/v1/policies', {
      as: 'ops',
      headers: { 'x-request-id': 'a b\tc' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('idempotent create: the same id and body → 200 with the item; a different body → 409', async () => {
    const id = uid('idem');
    const body = itemBody({ id, due: { at: future(30) } });
    const first = await api.call('POST', '/v1/items', { as: 'manager', body });
    expect(first.status).toBe(201);
    // same content, keys in another order: still the same request
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await api.call('POST', '/v1/items', { as: 'manager', body: reordered });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(id);
    expect(again.body.deadlineAt).toBe(first.body.deadlineAt);
    const other = await api.call('POST', '/v1/items', {
      as: 'manager',
      body: { ...body, title: '另一个事项' },
    });
    expect(other.status).toBe(409);
    expect(other.headers.get('content-type')).toMatch(/problem\+json/);
    expect(other.body.detail).toMatch(/already used by a different request/);
  });

  test('GET an unknown item → 404 problem', async () => {
    const res = await api.call('GET', '/v1/items/never-created', { as: 'staff' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found', instance: '/v1/items/never-created' });
    expect(res.body.detail).toMatch(/never-created/);
  });

  test('list from visibility: filters by lead unit and status, pages with an opaque token', async () => {
    const unit = uid('unit');
    const ids = [uid('list'), uid('list')];
    for (const id of ids) {
      const r = await api.call('POST', '/v1/items', {
        as: 'staff',
        body: itemBody({ id, leadUnit: { id: unit, name: '市交通局' } }),
      });
      expect(r.status).toBe(201);
    }
    const all = await eventually(
      () => api.call('GET', `/v1/items?leadUnit=${unit}`, { as: 'ops' }),
      (r) => r.body?.items?.length === 2,
    );
    expect(all.status).toBe(200);
    expect(all.body.items.map((i: { id: string }) => i.id).sort()).toEqual([...ids].sort());
    expect(all.body.items[0]).toMatchObject({
      title: '推进老旧小区改造项目',
      status: 'open',
      leadUnit: unit,
      urgeCount: 0,
      link: expect.stringMatching(/^\/v1\/items\/list-/),
    });
    expect(Date.parse(all.body.items[0].deadlineAt)).toBeGreaterThan(Date.now());

    const page1 = await api.call('GET', `/v1/items?leadUnit=${unit}&pageSize=1`, { as: 'ops' });
    expect(page1.body.items).toHaveLength(1);
    expect(typeof page1.body.nextPageToken).toBe('string');
    const page2 = await api.call(
      'GET',
      `/v1/items?leadUnit=${unit}&pageSize=1&pageToken=${encodeURIComponent(page1.body.nextPageToken)}`,
      { as: 'ops' },
    );
    expect(page2.status).toBe(200);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);

    const forged = await api.call('GET', `/v1/items?leadUnit=${unit}&pageToken=bm90LWEtdG9rZW4`, {
      as: 'ops',
    });
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].path).toBe('pageToken');

    const completed = await api.call('GET', `/v1/items?leadUnit=${unit}&status=completed`, { as: 'ops' });
    expect(completed.body.items).toEqual([]);
    const overdue = await api.call('GET', `/v1/items?leadUnit=${unit}&overdue=true`, { as: 'ops' });
    expect(overdue.status).toBe(200);
    expect(overdue.body.items).toEqual([]);

    const quoteTrick = await api.call('GET', `/v1/items?leadUnit=${encodeURIComponent("x' OR '1'='1")}`, {
      as: 'ops',
    });
    expect(quoteTrick.status).toBe(400);
    const badStatus = await api.call('GET', '/v1/items?status=lost', { as: 'ops' });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.errors[0].path).toBe('status');
  });

  test('preview: deadline, warning, reminders, receipt and calendar; nothing is started', async () => {
    const id = uid('preview');
    const res = await api.call('POST', '/v1/items/preview', {
      as: 'ops',
      body: itemBody({ id, assignedAt: '2027-03-01T01:00:00Z', due: { workingDays: 5 } }),
    });
    expect(res.status).toBe(200);
    // Mon 2027-03-01 is not counted; Tue–Fri and Mon 03-08 are the five working days
    expect(res.body.deadlineAt).toBe('2027-03-08T15:59:59.999Z');
    expect(res.body.policy).toBe('three-urges');
    expect(Date.parse(res.body.warningAt)).toBeLessThan(Date.parse(res.body.deadlineAt));
    expect(res.body.reminders.map((r: { level: number }) => r.level)).toEqual([1, 2, 3]);
    const ats = res.body.reminders.map((r: { at: string }) => Date.parse(r.at));
    expect(ats[0]).toBeGreaterThanOrEqual(Date.parse(res.body.deadlineAt));
    expect(ats[1]).toBeGreaterThan(ats[0]);
    expect(ats[2]).toBeGreaterThan(ats[1]);
    expect(res.body.receipt.countedDays).toEqual([
      '2027-03-02',
      '2027-03-03',
      '2027-03-04',
      '2027-03-05',
      '2027-03-08',
    ]);
    expect(res.body.calendar.version).toMatch(/chinese-days/);
    const notStarted = await api.call('GET', `/v1/items/${id}`, { as: 'ops' });
    expect(notStarted.status).toBe(404);
  });

  test('refused before any workflow starts: a past deadline, stages out of order, an unknown policy', async () => {
    const past = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({ due: { at: '2020-01-01T00:00:00Z' } }),
    });
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([{ path: 'due.at', message: expect.stringMatching(/already past/) }]);

    const pastWorkingDays = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({ assignedAt: '2020-01-06T01:00:00Z' }),
    });
    expect(pastWorkingDays.status).toBe(400);
    expect(pastWorkingDays.body.errors[0].path).toBe('due');

    const stages = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({
        stages: [
          { name: '报批', due: { at: future(40) } },
          { name: '开工', due: { at: future(20) } },
        ],
      }),
    });
    expect(stages.status).toBe(400);
    expect(stages.body.errors[0].path).toBe('stages.1.due');
    expect(stages.body.errors[0].message).toMatch(/开工.*报批/);

    const policy = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({ policy: 'no-such-rules' }),
    });
    expect(policy.status).toBe(400);
    expect(policy.body.errors[0].path).toBe('policy');
    expect(policy.body.detail).toMatch(/three-urges/);

    const tz = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({ timeZone: 'Mars/Olympus' }),
    });
    expect(tz.status).toBe(400);
    expect(tz.body.errors[0].path).toBe('timeZone');
  });

  test('validation: missing, wrong-typed, unknown and nested fields; malformed JSON; 413; 415', async () => {
    const missing = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({ title: undefined }),
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toContain('title');

    const wrongType = await api.call('POST', '/v1/items', { as: 'staff', body: itemBody({ title: 42 }) });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].path).toBe('title');

    const unknown = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({ priority: 'high' }),
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.errors)).toMatch(/priority/);

    const nested = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({
        leadUnit: { id: 'u1', name: '市住建局', liaison: { id: 'p1', name: '王', email: 'not-an-email' } },
      }),
    });
    expect(nested.status).toBe(400);
    expect(nested.body.errors[0].path).toBe('leadUnit.liaison.email');

    const malformed = await api.call('POST', '/v1/items', { as: 'staff', rawBody: '{"title": "x",' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toMatch(/malformed-json/);
    expect(malformed.text).not.toMatch(/at .*\.js:\d+/);

    const huge = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({ description: 'x'.repeat(300 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toMatch(/problem\+json/);

    const text = await api.call('POST', '/v1/items', {
      as: 'staff',
      rawBody: 'title=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);

    const finalUnsigned = await api.call('POST', '/v1/items/whatever/reports', {
      as: 'staff',
      body: { kind: 'final', summary: '已完成' },
    });
    expect(finalUnsigned.status).toBe(400);
    expect(finalUnsigned.body.errors[0].path).toBe('signedBy');
  });

  test('unknown routes are 404 problems', async () => {
    const res = await api.call('GET', '/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });
});

describe('item actions', () => {
  async function create(extra: Record<string, unknown> = {}): Promise<string> {
    const id = uid('act');
    const res = await api.call('POST', '/v1/items', { as: 'staff', body: itemBody({ id, ...extra }) });
    expect(res.status).toBe(201);
    return id;
  }

  test('report, extension request and decision, final report, review accept; then actions are refused', async () => {
    const id = await create();
    const progress = await api.call('POST', `/v1/items/${id}/reports`, {
      as: 'staff',
      body: { kind: 'progress', summary: '已完成方案设计' },
    });
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({ kind: 'progress', summary: '已完成方案设计', by: 'liaison-wang' });

    const noneToDecide = await api.call('POST', `/v1/items/${id}/extension-decision`, {
      as: 'manager',
      body: { decision: 'approve' },
    });
    expect(noneToDecide.status).toBe(409);
    expect(noneToDecide.body).toMatchObject({ reason: 'InvalidState', detail: '没有待审批的延期申请' });

    const before = (await api.call('GET', `/v1/items/${id}`, { as: 'ops' })).body.deadlineAt;
    const ask = await api.call('POST', `/v1/items/${id}/extension-request`, {
      as: 'staff',
      body: { reason: '征地协调未完成', due: { workingDays: 5 } },
    });
    expect(ask.status).toBe(200);
    expect(ask.body).toMatchObject({ reason: '征地协调未完成', requestedBy: 'liaison-wang' });

    const approve = await api.call('POST', `/v1/items/${id}/extension-decision`, {
      as: 'manager',
      body: { decision: 'approve', comment: '同意' },
    });
    expect(approve.status).toBe(200);
    expect(Date.parse(approve.body.deadlineAt)).toBeGreaterThan(Date.parse(before));
    expect(approve.body.extensions[0].decision).toMatchObject({ decision: 'approve', by: 'director-li' });

    const final = await api.call('POST', `/v1/items/${id}/reports`, {
      as: 'staff',
      body: { kind: 'final', summary: '全部完成', signedBy: '张局长' },
    });
    expect(final.status).toBe(200);
    const underReview = await api.call('GET', `/v1/items/${id}`, { as: 'manager' });
    expect(underReview.body.status).toBe('under_review');

    const accept = await api.call('POST', `/v1/items/${id}/review`, {
      as: 'manager',
      body: { decision: 'accept', comment: '办结' },
    });
    expect(accept.status).toBe(200);
    expect(accept.body.status).toBe('completed');

    const afterwards = await eventually(
      () => api.call('POST', `/v1/items/${id}/pause`, { as: 'manager', body: { reason: '台风' } }),
      (r) => r.status === 409,
    );
    expect(afterwards.status).toBe(409);
    const stillReadable = await api.call('GET', `/v1/items/${id}`, { as: 'ops' });
    expect(stillReadable.status).toBe(200);
    expect(stillReadable.body.status).toBe('completed');
  });

  test('pause, resume, complete and cancel', async () => {
    const id = await create();
    const paused = await api.call('POST', `/v1/items/${id}/pause`, {
      as: 'manager',
      body: { reason: '台风' },
    });
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    const twice = await api.call('POST', `/v1/items/${id}/pause`, {
      as: 'manager',
      body: { reason: '台风' },
    });
    expect(twice.status).toBe(409);
    const resumed = await api.call('POST', `/v1/items/${id}/resume`, {
      as: 'manager',
      body: { reason: '台风过境' },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).not.toBe('paused');
    const done = await api.call('POST', `/v1/items/${id}/complete`, {
      as: 'manager',
      body: { comment: '已办结' },
    });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');

    const other = await create();
    const cancelled = await api.call('POST', `/v1/items/${other}/cancel`, {
      as: 'manager',
      body: { reason: '重复交办' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
  });

  test('review with a returned report counts as an urge', async () => {
    const id = await create();
    await api.call('POST', `/v1/items/${id}/reports`, {
      as: 'staff',
      body: { kind: 'final', summary: '完成', signedBy: '张局长' },
    });
    const ret = await api.call('POST', `/v1/items/${id}/review`, {
      as: 'manager',
      body: { decision: 'return', comment: '材料不全，退回重办' },
    });
    expect(ret.status).toBe(200);
    expect(ret.body.urgeCount).toBe(1);
  });

  test('an action on an item that never existed is a 404', async () => {
    const res = await api.call('POST', '/v1/items/ghost-item/cancel', {
      as: 'manager',
      body: { reason: 'x' },
    });
    expect(res.status).toBe(404);
  });
});

describe('cases and ledger', () => {
  test('open a case, investigate, decide, see the ledger, appeal and revoke', async () => {
    const subjectId = uid('person');
    const open = await api.call('POST', '/v1/cases', {
      as: 'manager',
      body: {
        subjects: [{ kind: 'person', id: subjectId, name: '李科长' }],
        grounds: ['6、工作懈怠，协调不力，经督查督办后不整改或整改不力的'],
        source: { kind: 'inspection', reference: '明察暗访第3组' },
        policy: 'street-office',
      },
    });
    expect(open.status).toBe(201);
    expect(open.body.stage).toBe('investigation');
    const caseId = open.body.id as string;
    expect(open.headers.get('location')).toBe(`/v1/cases/${caseId}`);
    expect(Object.keys(parseServerTiming(open.headers.get('server-timing')))).toEqual([
      'accept',
      'plan',
      'start',
      'total',
    ]);

    const got = await api.call('GET', `/v1/cases/${caseId}`, { as: 'ops' });
    expect(got.status).toBe(200);
    expect(got.body.subjects[0].id).toBe(subjectId);

    const early = await api.call('POST', `/v1/cases/${caseId}/decision`, {
      as: 'manager',
      body: { decision: 'impose', measures: [{ subjectId, code: 'written_self_criticism' }] },
    });
    expect(early.status).toBe(409);

    const inv = await api.call('POST', `/v1/cases/${caseId}/investigation`, {
      as: 'staff',
      body: { findings: '核查属实', evidence: ['现场照片'] },
    });
    expect(inv.status).toBe(200);
    expect(inv.body.stage).toBe('decision');

    const decided = await api.call('POST', `/v1/cases/${caseId}/decision`, {
      as: 'manager',
      body: {
        decision: 'impose',
        measures: [{ subjectId, code: 'written_self_criticism' }],
        comment: '责令书面检查',
      },
    });
    expect(decided.status).toBe(200);
    expect(decided.body.measures.length).toBeGreaterThanOrEqual(1);

    const year = Number(
      new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()),
    );
    const ledger = await eventually(
      () => api.call('GET', `/v1/ledger/${subjectId}?year=${year}`, { as: 'ops' }),
      (r) => r.body?.events?.length > 0,
    );
    expect(ledger.status).toBe(200);
    expect(ledger.body.events[0]).toMatchObject({ code: 'written_self_criticism', caseId });
    expect(ledger.body.restrictions.ratingCap).toBe('competent');
    // the same id read as a unit is another ledger: nothing recorded there
    const asUnit = await api.call('GET', `/v1/ledger/${subjectId}?year=${year}&kind=unit`, { as: 'ops' });
    expect(asUnit.body).toMatchObject({ subjectKind: 'unit', events: [] });

    const appeal = await api.call('POST', `/v1/cases/${caseId}/appeal`, {
      as: 'staff',
      body: { subjectId, reason: '事出有因' },
    });
    expect(appeal.status).toBe(200);
    expect(appeal.body.appeals).toHaveLength(1);

    // 复议复查 by the manager who decided is refused (another manager reviews)
    const own = await api.call('POST', `/v1/cases/${caseId}/review`, {
      as: 'manager',
      body: { decision: 'revoke', comment: '复查撤销' },
    });
    expect(own.status).toBe(409);
    expect(own.body).toMatchObject({
      reason: 'InvalidState',
      detail: '复议复查须由作出问责决定的领导（director-li）以外的领导作出（S4 §四(六)6）',
    });
    const review = await api.call('POST', `/v1/cases/${caseId}/review`, {
      as: 'reviewer',
      body: { decision: 'revoke', comment: '复查撤销' },
    });
    expect(review.status).toBe(200);
    expect(review.body.measures.every((m: { status: string }) => m.status === 'revoked')).toBe(true);

    const cleared = await eventually(
      () => api.call('GET', `/v1/ledger/${subjectId}?year=${year}`, { as: 'ops' }),
      (r) => r.body?.restrictions?.ratingCap !== 'competent',
    );
    expect(cleared.body.restrictions.ratingCap).not.toBe('competent');
  });

  test('a subject with no ledger yet has no events and nothing restricted, for its kind', async () => {
    const res = await api.call('GET', '/v1/ledger/nobody-at-all?year=2026', { as: 'staff' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      subjectId: 'nobody-at-all',
      subjectKind: 'person',
      year: 2026,
      events: [],
      restrictions: { ratingCap: 'excellent', reasons: [] },
    });
    const unit = await api.call('GET', '/v1/ledger/nobody-at-all?year=2026&kind=unit', { as: 'staff' });
    expect(unit.status).toBe(200);
    expect(unit.body).toMatchObject({
      subjectKind: 'unit',
      restrictions: { advancedUnitEligible: true, reasons: [] },
    });
    const badKind = await api.call('GET', '/v1/ledger/nobody-at-all?kind=office', { as: 'staff' });
    expect(badKind.status).toBe(400);
    const badYear = await api.call('GET', '/v1/ledger/nobody-at-all?year=1999', { as: 'staff' });
    expect(badYear.status).toBe(400);
  });

  test('an action on a dismissed (closed) case is a 409 with the reason in Chinese, once the run has ended too', async () => {
    const id = uid('case');
    const open = await api.call('POST', '/v1/cases', {
      as: 'manager',
      body: {
        id,
        subjects: [{ kind: 'unit', id: 'unit-y', name: '某单位' }],
        grounds: ['投诉核查不属实'],
        source: { kind: 'complaint' },
      },
    });
    expect(open.status).toBe(201);
    await api.call('POST', `/v1/cases/${id}/investigation`, { as: 'staff', body: { findings: '不属实' } });
    const dismissed = await api.call('POST', `/v1/cases/${id}/decision`, {
      as: 'manager',
      body: { decision: 'dismiss', measures: [], comment: '不予问责' },
    });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.stage).toBe('closed');
    const ended = await eventually(
      async () => (await api.env.client.workflow.getHandle(`case-${id}`).describe()).status.name,
      (s) => s !== 'RUNNING',
    );
    expect(ended).toBe('COMPLETED');
    const late = await api.call('POST', `/v1/cases/${id}/appeal`, {
      as: 'staff',
      body: { subjectId: 'unit-y', reason: '申诉' },
    });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ reason: 'InvalidState', detail: `案件 ${id} 已结案，不能再操作` });
  });

  test('a case id that is taken is a 409; an unknown case is a 404', async () => {
    const id = uid('case');
    const body = {
      id,
      subjects: [{ kind: 'unit', id: 'unit-x', name: '某单位' }],
      grounds: ['投诉核查属实'],
      source: { kind: 'complaint' },
    };
    expect((await api.call('POST', '/v1/cases', { as: 'manager', body })).status).toBe(201);
    expect((await api.call('POST', '/v1/cases', { as: 'manager', body })).status).toBe(409);
    expect((await api.call('GET', '/v1/cases/no-such-case', { as: 'manager' })).status).toBe(404);
  });
});

describe('policies, health and documents', () => {
  test('policies lists the presets', async () => {
    const res = await api.call('GET', '/v1/policies', { as: 'staff' });
    expect(res.status).toBe(200);
    expect(res.body.default).toBe('three-urges');
    expect(res.body.policies.map((p: { name: string }) => p.name).sort()).toEqual([
      'efficiency-supervision',
      'enterprise-key-work',
      'judicial-bureau',
      'street-office',
      'three-urges',
    ]);
  });

  test('healthz and readyz', async () => {
    expect((await api.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await api.call('GET', '/readyz');
    expect(ready.status).toBe(200);
  });

  test('the OpenAPI document is valid 3.1, lists every route, and every $ref resolves', async () => {
    const res = await api.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const result = validateOpenApi(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(result.version).toBe('3.1');

    const expected = [
      'post /v1/items',
      'get /v1/items',
      'get /v1/items/{id}',
      'post /v1/items/preview',
      ...[
        'acknowledge',
        'decline',
        'reassign',
        'reports',
        'review',
        'complete',
        'extension-request',
        'extension-decision',
        'pause',
        'resume',
        'cancel',
        'urge',
        'instructions',
      ].map((a) => `post /v1/items/{id}/${a}`),
      'get /v1/items/{id}/documents/letter',
      'get /v1/documents/bulletin',
      'get /v1/exports/items.xlsx',
      'get /v1/exports/items.csv',
      'get /v1/exports/ledger.xlsx',
      'get /v1/stats',
      'post /v1/cases',
      'get /v1/cases',
      'get /v1/cases/{id}',
      ...['investigation', 'decision', 'appeal', 'review'].map((a) => `post /v1/cases/{id}/${a}`),
      'get /v1/ledger/{subjectId}',
      'get /v1/ledger',
      'get /v1/calendar/{year}',
      'put /v1/calendar/{year}',
      'get /v1/policies',
      'get /v1/me',
      'get /v1/units',
      'get /v1/units/{id}',
      'put /v1/units/{id}',
      'get /healthz',
      'get /readyz',
      'get /openapi.json',
      'get /docs',
    ];
    const present = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    expect(present.sort()).toEqual(expected.sort());

    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(refs.length).toBeGreaterThan(10);
    for (const name of new Set(refs)) expect(doc.components.schemas[name]).toBeDefined();
    expect(doc.components.schemas.CreateItem.additionalProperties).toBe(false);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  test('/docs serves Swagger UI from the local package, pointed at our document', async () => {
    const page = await fetch(`${api.baseUrl}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/swagger-ui/);
    expect(html).not.toMatch(/https?:\/\/(unpkg|cdn)/);
    const init = await (await fetch(`${api.baseUrl}/docs/swagger-initializer.js`)).text();
    expect(init).toMatch(/openapi\.json/);
    expect(init).not.toMatch(/petstore/);
    expect((await fetch(`${api.baseUrl}/docs/swagger-ui-bundle.js`)).status).toBe(200);
  });
});

describe('with no worker running', () => {
  let bare: ApiHarness;
  beforeAll(async () => {
    bare = await startApiHarness({ worker: false });
  }, 60_000);
  afterAll(async () => {
    await bare?.close();
  });

  test('a created item is in the record and the list at once: the API writes its first batch', async () => {
    const id = uid('bare');
    const unit = uid('unit');
    const res = await bare.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({ id, leadUnit: { id: unit, name: '市交通局' } }),
    });
    expect(res.status).toBe(201);
    // nothing has run the workflow: what is listed is what the API recorded as it answered
    const list = await bare.call('GET', `/v1/items?leadUnit=${unit}`, { as: 'ops' });
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect(list.body.items[0]).toMatchObject({ status: 'open', deadlineAt: res.body.deadlineAt });
    const row = await getItem(bare.record, id);
    expect(row).toMatchObject({ revision: 1, title: res.body.title });
  });
});

describe('when Temporal is unreachable', () => {
  let server: Server;
  let base: string;
  let client: Client;

  beforeAll(async () => {
    // nothing listens on port 1: every call fails with UNAVAILABLE
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    client = new Client({ connection });
    const app = createApp({
      client,
      record: await memoryRecord(),
      calendar: officialCalendar(),
      tokens: TOKEN_ENTRIES,
      taskQueue: 'unused',
      timeZone: 'Asia/Shanghai',
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await client.connection.close().catch(() => undefined);
  });

  test('readyz is 503, healthz still 200, and a read is a 503 problem without internals', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    const read = await fetch(`${base}/v1/items/anything`, {
      headers: { authorization: `Bearer ${TOKENS.ops}` },
    });
    expect(read.status).toBe(503);
    expect(read.headers.get('content-type')).toMatch(/problem\+json/);
    const body = await read.text();
    expect(body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|\.js:\d+/);
  }, 60_000);
});

describe('read after create', () => {
  test('a read of the record waits for a create write in flight; the policies and /me do not', async () => {
    const app = createApp({
      client: api.env.client,
      record: await memoryRecord(),
      calendar: officialCalendar(),
      tokens: TOKEN_ENTRIES,
      taskQueue: 'unused',
      timeZone: 'Asia/Shanghai',
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const get = (path: string) => fetch(base + path, { headers: { authorization: `Bearer ${TOKENS.ops}` } });
    try {
      let written!: () => void;
      recordWritesOf(app).add(new Promise<void>((resolve) => (written = resolve)));
      let ledgerAnswered = false;
      const ledger = get('/v1/ledger?year=2026').then((r) => ((ledgerAnswered = true), r));
      // answered while the write is still pending: these routes read no item or case
      expect((await get('/v1/policies')).status).toBe(200);
      expect((await get('/v1/me')).status).toBe(200);
      expect(ledgerAnswered).toBe(false);
      written();
      expect((await ledger).status).toBe(200);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('logging', () => {
  test('pino-http lines carry the request id the client sees, and never the token', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const app = createApp({
      client: api.env.client,
      record: await memoryRecord(),
      calendar: officialCalendar(),
      tokens: TOKEN_ENTRIES,
      taskQueue: api.taskQueue,
      timeZone: 'Asia/Shanghai',
      logger: pino({ level: 'info' }, sink),
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${base}/v1/items/not-there`, {
        headers: { authorization: `Bearer ${TOKENS.staff}`, 'x-request-id': 'log-check-1' },
      });
      expect(res.status).toBe(404);
      expect(res.headers.get('x-request-id')).toBe('log-check-1');
      expect(((await res.json()) as { requestId: string }).requestId).toBe('log-check-1');
      const completed = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request completed');
      expect(completed).toMatchObject({
        req: { id: 'log-check-1', method: 'GET' },
        res: { statusCode: 404 },
      });
      expect(lines.join('\n')).not.toContain(TOKENS.staff);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
