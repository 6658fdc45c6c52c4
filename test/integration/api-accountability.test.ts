// The accountability contracts of issue #12 through the HTTP API (a real dev server, a real worker
// running the case and the rectification item, plain fetch): the grounds catalogue (point 11), the
// case's own step settings (8), the whole catalogue by hand and who a measure fits (5, 6), the
// decision's rectification time limit and addressee (7), the discretionary S3 cascade (2), and the
// S5 preset. The rules themselves are unit-tested in test/unit/case-core.test.ts.
import { randomUUID } from 'node:crypto';
import type { CaseState, SupervisionState } from '../../workflows/types';
import { startApiHarness, type ApiHarness, type CallResult } from '../helpers/api';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness({ worker: true });
});

afterAll(async () => {
  await api?.close();
});

const uid = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const paths = (res: CallResult): string[] => (res.body?.errors ?? []).map((e: { path: string }) => e.path);

/** a case opened by hand on a unit and its principal, through the investigation, waiting for a decision */
async function caseAtDecision(extra: Record<string, unknown> = {}) {
  const unit = uid('u');
  const chief = uid('p');
  const open = await api.call('POST', '/v1/cases', {
    as: 'manager',
    body: {
      subjects: [
        { kind: 'unit', id: unit, name: '城管科' },
        { kind: 'person', id: chief, name: '张科长', unitId: unit, role: 'principal' },
      ],
      grounds: ['明察暗访发现上班时间脱岗'],
      source: { kind: 'inspection', reference: '明察暗访第2组' },
      ...extra,
    },
  });
  expect(open.status).toBe(201);
  const id = open.body.id as string;
  const inv = await api.call('POST', `/v1/cases/${id}/investigation`, {
    as: 'staff',
    body: { findings: '核查属实' },
  });
  expect(inv.status).toBe(200);
  return { id, unit, chief, opened: open.body as CaseState };
}

const decide = (id: string, body: unknown, as: 'manager' | 'reviewer' = 'manager') =>
  api.call('POST', `/v1/cases/${id}/decision`, { as, body });

test('grounds are codes of the policy catalogue plus text, kept in Chinese; an unknown code is a 400 at that code (point 11)', async () => {
  const body = {
    subjects: [{ kind: 'person', id: uid('p'), name: '李科长' }],
    grounds: [{ code: 'S1-3', text: '老旧小区改造滞后两个节点' }, { code: 'S1-6' }, '群众反映属实'],
    source: { kind: 'complaint' },
    policy: 'street-office',
  };
  const open = await api.call('POST', '/v1/cases', { as: 'manager', body });
  expect(open.status).toBe(201);
  expect(open.body.grounds).toEqual([
    '效率低下，未能按计划进度和时间节点要求有序推进的（受不可抗力因素影响的除外）（老旧小区改造滞后两个节点）',
    '工作懈怠，协调不力，经督查督办后不整改或整改不力的',
    '群众反映属实',
  ]);
  expect(open.body.groundCodes).toEqual(['S1-3', 'S1-6']);

  const unknown = await api.call('POST', '/v1/cases', {
    as: 'manager',
    body: { ...body, grounds: ['群众反映属实', { code: 'S4-4' }] },
  });
  expect(unknown.status).toBe(400);
  expect(paths(unknown)).toEqual(['grounds.1.code']);
});

test("the step due dates and the appeal window are the case's settings (point 8)", async () => {
  const standard = await caseAtDecision();
  const quick = await caseAtDecision({ stepDue: { decision: 1, appealWindow: 10 } });
  // the decision is due one working day after the investigation, not five
  const [a, b] = await Promise.all(
    [standard.id, quick.id].map(async (id) => (await api.call('GET', `/v1/cases/${id}`, { as: 'ops' })).body),
  );
  expect(Date.parse(b.stepDueAt)).toBeLessThan(Date.parse(a.stepDueAt));
  const measure = (s: { chief: string }) => ({
    decision: 'impose',
    measures: [{ subjectId: s.chief, code: 'written_self_criticism' }],
  });
  const [da, db] = [await decide(standard.id, measure(standard)), await decide(quick.id, measure(quick))];
  expect([da.status, db.status]).toEqual([200, 200]);
  expect(Date.parse(db.body.appealDeadlineAt)).toBeGreaterThan(Date.parse(da.body.appealDeadlineAt));

  const bad = await api.call('POST', '/v1/cases', {
    as: 'manager',
    body: {
      subjects: [{ kind: 'unit', id: uid('u'), name: '某科' }],
      grounds: ['x'],
      source: { kind: 'complaint' },
      stepDue: { appealWindow: 0 },
    },
  });
  expect(bad.status).toBe(400);
  expect(paths(bad)).toEqual(['stepDue.appealWindow']);
});

test('by hand without a policy: the whole catalogue that fits; a unit is never given 诫勉谈话; the rectification has the decision’s time limit and goes to the unit (points 5, 6, 7)', async () => {
  const c = await caseAtDecision();
  const refused = await decide(c.id, {
    decision: 'impose',
    measures: [{ subjectId: c.unit, code: 'admonition_talk' }],
  });
  expect(refused.status).toBe(409);
  expect(refused.body).toMatchObject({
    reason: 'InvalidInput',
    detail: expect.stringContaining('诫勉谈话只适用于个人'),
  });
  // nothing half-applied: still waiting for the decision
  expect((await api.call('GET', `/v1/cases/${c.id}`, { as: 'ops' })).body).toMatchObject({
    stage: 'decision',
    measures: [],
  });

  const decided = await decide(c.id, {
    decision: 'impose',
    measures: [
      { subjectId: c.unit, code: 'rectify_within_deadline', within: { workingDays: 7 } },
      { subjectId: c.chief, code: 'organizational_criticism' },
    ],
  });
  expect(decided.status).toBe(200);
  const rectify = (decided.body as CaseState).measures.find((m) => m.code === 'rectify_within_deadline')!;
  expect(rectify.rectificationItemId).toBe(`${c.id}-rectify-1`);
  const item = await eventually(
    () => api.call('GET', `/v1/items/${rectify.rectificationItemId}`, { as: 'ops' }),
    (r) => r.status === 200,
  );
  expect(item.status).toBe(200);
  const s = item.body as SupervisionState;
  expect(s.leadUnit).toMatchObject({ id: c.unit, name: '城管科' });
  expect(s.responsible.principal).toMatchObject({ id: c.chief, name: '张科长' });
  expect(s.origin).toEqual({ caseId: c.id, measureId: rectify.measureId });
  expect(s.deadline?.receipt?.countedDays).toHaveLength(7);
});

test('S3: the cascade is proposed and the decider drops a part; a choice naming no proposed part is 409 (points 2, 4)', async () => {
  const c = await caseAtDecision({ policy: 'enterprise-key-work' });
  const impose = { decision: 'impose', measures: [{ subjectId: c.unit, code: 'public_criticism' }] };
  const wrong = await decide(c.id, {
    ...impose,
    cascade: { drop: [{ subjectId: c.chief, code: 'demotion' }] },
  });
  expect(wrong.status).toBe(409);
  expect(wrong.body.reason).toBe('InvalidInput');
  expect(wrong.body.detail).toMatch(/[\u4e00-\u9fff]/);

  const kept = await decide(c.id, {
    ...impose,
    cascade: { keep: [{ subjectId: c.chief, code: 'public_criticism' }] },
  });
  expect(kept.status).toBe(200);
  const measures = (kept.body as CaseState).measures.map((m) => [
    m.subjectId,
    m.code,
    m.amount,
    !!m.cascadedFrom,
  ]);
  // the fine reaches 责任人 too (S3 §三 对责任单位和责任人的处罚金额)
  expect(measures).toEqual([
    [c.unit, 'public_criticism', 800, false],
    [c.chief, 'public_criticism', 800, true],
  ]);

  const other = await caseAtDecision({ policy: 'enterprise-key-work' });
  const dropped = await decide(other.id, {
    decision: 'impose',
    measures: [{ subjectId: other.unit, code: 'public_criticism' }],
    cascade: { drop: [{ subjectId: other.chief, code: 'public_criticism' }] },
  });
  expect(dropped.status).toBe(200);
  expect((dropped.body as CaseState).measures.map((m) => m.subjectId)).toEqual([other.unit]);
  expect((dropped.body as CaseState).cascade?.dropped).toEqual([
    expect.objectContaining({ subjectId: other.chief, code: 'public_criticism' }),
  ]);
});

test('S5 (judicial-bureau): 组织批评 for a person, 通报批评 and 限期整改 for the department', async () => {
  const presets = await api.call('GET', '/v1/policies', { as: 'ops' });
  expect(JSON.stringify(presets.body)).toContain('judicial-bureau');
  const c = await caseAtDecision({ policy: 'judicial-bureau' });
  const decided = await decide(c.id, {
    decision: 'impose',
    measures: [
      { subjectId: c.chief, code: 'organizational_criticism' },
      { subjectId: c.unit, code: 'public_criticism' },
    ],
  });
  expect(decided.status).toBe(200);
  // the preset has no 组织批评 for a unit
  const c2 = await caseAtDecision({ policy: 'judicial-bureau' });
  const refused = await decide(c2.id, {
    decision: 'impose',
    measures: [{ subjectId: c2.unit, code: 'organizational_criticism' }],
  });
  expect(refused.status).toBe(409);
  expect(refused.body.detail).toMatch(/[\u4e00-\u9fff]/);
});
