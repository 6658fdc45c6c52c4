// A manual urge (电话催办、督办函、上门督办, S2 §五1) and a leader's instruction (领导批示, S4 §四(五)2)
// through the HTTP API: a real dev server, a real worker, and a real signed-webhook receiver, so
// "recorded and delivered" means on the item and at the receiver; the manual urge reaches the next
// level of the ladder and opens that level's case (S4 §四(五)4). Refusals: 400 naming the innermost
// field, 403 for the wrong role, 409 with the reason in Chinese, and nothing half-applied.
import { randomUUID } from 'node:crypto';
import { createNotificationChannels } from '../../activities/notifications';
import type { WebhookBody } from '../../activities/notifications/webhook';
import type { SupervisionState } from '../../workflows/types';
import { itemBody, startApiHarness, type ApiHarness, type CallResult } from '../helpers/api';
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from '../helpers/receivers';

let api: ApiHarness;
let hook: WebhookReceiver;

beforeAll(async () => {
  const secret = newWebhookSecret();
  hook = await startWebhookReceiver({ secret });
  api = await startApiHarness({
    worker: true,
    channels: createNotificationChannels({ webhook: { url: hook.url, secret }, timeZone: 'Asia/Shanghai' }),
    // the test waits for each urge's notice: outside office hours it would be held until 09:00
    officeHours: null,
  });
});

afterAll(async () => {
  await api?.close();
  await hook?.close();
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

async function create(): Promise<string> {
  const id = uid('urge');
  const res = await api.call('POST', '/v1/items', { as: 'staff', body: itemBody({ id }) });
  expect(res.status).toBe(201);
  return id;
}

const item = async (id: string): Promise<SupervisionState> =>
  (await api.call('GET', `/v1/items/${id}`, { as: 'ops' })).body as SupervisionState;

/** the webhook the receiver accepted for a notice key, once it has arrived */
async function webhookFor(key: string): Promise<WebhookBody> {
  const until = Date.now() + 20_000;
  for (;;) {
    const hit = hook.received.find((r) => r.id === key);
    if (hit) return hit.body as WebhookBody;
    if (Date.now() > until)
      throw new Error(`no webhook ${key}; got ${hook.received.map((r) => r.id).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** the item's record of a notice once its delivery is recorded */
async function deliveredOnItem(id: string, key: string) {
  const s = await eventually(
    () => item(id),
    (x) => x.notices.some((n) => n.key === key && n.deliveries.length > 0),
  );
  return s.notices.find((n) => n.key === key);
}

const paths = (res: CallResult): string[] => (res.body?.errors ?? []).map((e: { path: string }) => e.path);

describe('POST /v1/items/{id}/urge (电话催办、督办函, S2 §五1)', () => {
  test('recorded on the item, delivered, and each one reaches the next level with its own case', async () => {
    const id = await create();
    const note = '已电话通知王联络本周五前报送进展';
    const first = await api.call('POST', `/v1/items/${id}/urge`, {
      as: 'staff',
      body: { channel: 'phone', note },
    });
    expect(first.status).toBe(200);
    const s1 = first.body as SupervisionState;
    expect(s1.urgeCount).toBe(1);
    expect(s1.reminders).toEqual([
      expect.objectContaining({
        level: 1,
        name: '第一次催办',
        reason: 'manual',
        manual: { channel: 'phone', note },
        caseId: `${id}-L1`,
      }),
    ]);
    const urged = s1.history.filter((l) => l.action === 'urged');
    expect(urged).toEqual([expect.objectContaining({ by: 'liaison-wang' })]);
    expect(urged[0]?.detail).toContain(`电话催办：${note}`);

    // delivered: the signed webhook arrived, saying how the urge was made, and the item records it
    const urge = await webhookFor(`${id}:L1:urge`);
    expect(urge.type).toBe('duban.urge');
    expect(urge.data).toMatchObject({
      reason: 'manual',
      level: 1,
      origin: { kind: 'phone', reference: note },
    });
    expect(urge.data.text).toContain(`进行第一次催办（电话催办：${note}）`);
    expect(urge.data.text).not.toContain('已超过办理期限'); // the deadline is weeks away
    const bulletin = await webhookFor(`${id}:L1:bulletin`);
    expect(bulletin.type).toBe('duban.bulletin');
    expect((await deliveredOnItem(id, `${id}:L1:urge`))?.deliveries).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'webhook', status: 'delivered' })]),
    );

    // the level's accountability (S4 §四(五)4): a summary case waiting for its decision
    const case1 = await eventually(
      () => api.call('GET', `/v1/cases/${id}-L1`, { as: 'ops' }),
      (r) => r.status === 200,
    );
    expect(case1.status).toBe(200);
    expect(case1.body).toMatchObject({
      procedure: 'summary',
      stage: 'decision',
      itemId: id,
      escalation: { level: 1, proposed: [{ code: 'admonition_talk' }, { code: 'disqualify_awards' }] },
      // S4 §四(四)'s catalogue: the code and its Chinese text, saying which urge and how it was made
      groundCodes: ['S4-4'],
    });
    expect(case1.body.grounds[0]).toBe('办事拖拉、推诿扯皮（第一次催办：电话催办）');

    // a 督办函 next: the second level, not the first again
    const second = await api.call('POST', `/v1/items/${id}/urge`, {
      as: 'staff',
      body: { channel: 'letter', note: '督办函〔2026〕7号' },
    });
    expect(second.status).toBe(200);
    expect(second.body.urgeCount).toBe(2);
    expect(second.body.reminders.map((r: { level: number; name: string }) => [r.level, r.name])).toEqual([
      [1, '第一次催办'],
      [2, '第二次催办'],
    ]);
    const letter = await webhookFor(`${id}:L2:urge`);
    expect(letter.data.text).toContain('进行第二次催办（督办函：督办函〔2026〕7号）');
    const withCases = await eventually(
      () => item(id),
      (x) => x.caseIds.length === 2,
    );
    expect(withCases.caseIds).toEqual([`${id}-L1`, `${id}-L2`]);
  });

  test('400 names the innermost wrong field; nothing is recorded', async () => {
    const id = await create();
    const bad = async (body: unknown) => {
      const res = await api.call('POST', `/v1/items/${id}/urge`, { as: 'staff', body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      return paths(res);
    };
    expect(await bad({ channel: 'fax', note: '传真催办' })).toEqual(['channel']);
    expect(await bad({ channel: 'phone' })).toEqual(['note']);
    expect(await bad({ channel: 'phone', note: 42 })).toEqual(['note']);
    // an unknown key is the body's own fault: the root path, the key named in the message
    const extra = await api.call('POST', `/v1/items/${id}/urge`, {
      as: 'staff',
      body: { channel: 'phone', note: '电话', level: 3 },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.errors).toEqual([{ path: '', message: expect.stringContaining('level') }]);
    const after = await item(id);
    expect(after.urgeCount).toBe(0);
    expect(after.reminders).toEqual([]);
  });

  test('only staff urge (403 for a manager, a unit account, ops); no token is 401', async () => {
    const id = await create();
    const body = { channel: 'phone', note: '电话催办' };
    for (const as of ['manager', 'unit', 'ops'] as const) {
      const res = await api.call('POST', `/v1/items/${id}/urge`, { as, body });
      expect([as, res.status]).toEqual([as, 403]);
    }
    expect((await api.call('POST', `/v1/items/${id}/urge`, { body })).status).toBe(401);
    expect((await item(id)).urgeCount).toBe(0);
  });

  test('409 with the reason: a paused item, a cancelled item; 404 for an unknown one', async () => {
    const id = await create();
    const body = { channel: 'visit', note: '上门督办' };
    expect(
      (await api.call('POST', `/v1/items/${id}/pause`, { as: 'manager', body: { reason: '台风' } })).status,
    ).toBe(200);
    const paused = await api.call('POST', `/v1/items/${id}/urge`, { as: 'staff', body });
    expect(paused.status).toBe(409);
    expect(paused.headers.get('content-type')).toMatch(/problem\+json/);
    expect(paused.body).toMatchObject({ reason: 'InvalidState', detail: '事项已暂停（不可抗力），不能催办' });

    const cancelled = await api.call('POST', `/v1/items/${id}/cancel`, {
      as: 'manager',
      body: { reason: '重复交办' },
    });
    expect(cancelled.status).toBe(200);
    const closed = await api.call('POST', `/v1/items/${id}/urge`, { as: 'staff', body });
    expect(closed.status).toBe(409);
    expect(closed.body).toMatchObject({ reason: 'InvalidState', detail: '事项已撤销，不能再操作' });
    expect((await item(id)).urgeCount).toBe(0);

    expect((await api.call('POST', '/v1/items/ghost-item/urge', { as: 'staff', body })).status).toBe(404);
  });
});

test('a policy whose level cites a ground its catalogue lacks is a 400 naming that field (S4 §四(四))', async () => {
  const policy = {
    name: 'cites-unknown',
    grounds: [{ code: 'G-1', text: '办事拖拉' }],
    reminders: [
      { after: { workingDays: 0 }, notice: { by: '督查室' }, measures: [], grounds: ['G-1', 'G-9'] },
    ],
  };
  const res = await api.call('POST', '/v1/items', {
    as: 'staff',
    body: itemBody({ id: uid('bad'), policy }),
  });
  expect(res.status).toBe(400);
  expect(paths(res)).toEqual(['policy.reminders.0.grounds.1']);
});

describe('POST /v1/items/{id}/instructions (领导批示, S4 §四(五)2)', () => {
  test('recorded on the item and delivered to the unit', async () => {
    const id = await create();
    const text = '请市住建局本月底前拿出整改方案，督查室跟踪落实';
    const res = await api.call('POST', `/v1/items/${id}/instructions`, { as: 'manager', body: { text } });
    expect(res.status).toBe(200);
    const s = res.body as SupervisionState;
    expect(s.instructions).toEqual([{ id: 'i1', text, at: expect.any(String), by: 'director-li' }]);
    expect(s.history.at(-1)).toMatchObject({ by: 'director-li', action: 'instruction' });
    // an instruction is not an urge: the ladder stays where it was
    expect(s.urgeCount).toBe(0);

    const delivered = await webhookFor(`${id}:i1:instruction`);
    expect(delivered.type).toBe('duban.item_event');
    expect(delivered.data).toMatchObject({
      reason: 'instruction',
      body: text,
      origin: { kind: 'leader_instruction', reference: 'director-li' },
    });
    expect(delivered.data.text).toContain(`说明：${text}`);
    expect((await deliveredOnItem(id, `${id}:i1:instruction`))?.deliveries).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'webhook', status: 'delivered' })]),
    );

    const again = await api.call('POST', `/v1/items/${id}/instructions`, {
      as: 'manager',
      body: { text: '再次批示：加快进度' },
    });
    expect(again.body.instructions.map((i: { id: string }) => i.id)).toEqual(['i1', 'i2']);
  });

  test('400 names the field, 403 for staff and unit accounts, 409 on a completed item', async () => {
    const id = await create();
    for (const [body, path] of [
      [{}, 'text'],
      [{ text: 7 }, 'text'],
      [{ text: 'x'.repeat(5001) }, 'text'],
    ] as const) {
      const res = await api.call('POST', `/v1/items/${id}/instructions`, { as: 'manager', body });
      expect(res.status).toBe(400);
      expect(paths(res)).toEqual([path]);
    }
    for (const as of ['staff', 'unit'] as const) {
      const res = await api.call('POST', `/v1/items/${id}/instructions`, { as, body: { text: '批示' } });
      expect([as, res.status]).toEqual([as, 403]);
    }
    expect((await item(id)).instructions ?? []).toEqual([]);

    const done = await api.call('POST', `/v1/items/${id}/complete`, {
      as: 'manager',
      body: { comment: '已办结' },
    });
    expect(done.status).toBe(200);
    const late = await api.call('POST', `/v1/items/${id}/instructions`, {
      as: 'manager',
      body: { text: '批示' },
    });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ reason: 'InvalidState', detail: '事项已办结，不能再操作' });
  });
});
