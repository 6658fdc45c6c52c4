// Notifications end to end (通知送达): the real supervisionItem workflow on a real dev server,
// the real channels from createNotificationChannels() pointed at real SMTP and webhook receivers on
// loopback. Each notice must reach each receiver exactly once, through retries and through a
// worker killed between sending and recording, and a delivery that cannot succeed is recorded on
// the item (state and the DeliveryFailures search attribute) without stopping the ladder. Every item
// first sends its 交办通知 (`<id>:assigned`) at the start, to the same people as its urges.
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { Webhook } from 'standardwebhooks';
import { createActivities } from '../../activities';
import { officialCalendar } from '../../domain/calendar/official';
import { createNotificationChannels } from '../../activities/notifications';
import { messageIdFor } from '../../activities/notifications/email';
import type { WebhookBody } from '../../activities/notifications/webhook';
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import { itemWorkflowId } from '../../workflows/ids';
import { completeItem, getItemState, recordUrge } from '../../workflows/messages';
import { DeliveryFailuresKey } from '../../workflows/search-attributes';
import type { Actor, NoticeRecord, Policy, SupervisionInput, SupervisionState } from '../../workflows/types';
import { itemInput } from '../helpers/fixtures';
import {
  newWebhookSecret,
  startSmtpReceiver,
  startWebhookReceiver,
  type SmtpReceiver,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from '../helpers/receivers';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';
import { memoryRecord } from '../helpers/record';

const manager: Actor = { id: 'manager-1', role: 'manager' };
const TITLE = '推进老旧小区改造（测试）';

/** A drill ladder of three urges two seconds apart, without a case (nothing outlives the item). */
function drill(levels: number): Policy {
  const all: Policy['reminders'] = [
    {
      name: '第一次催办',
      after: { duration: 'PT0S' },
      notice: { by: '市政府督查室' },
      // no measures: a level with measures opens its own case, whose notices are not this file's subject
      measures: [],
    },
    {
      name: '第二次催办',
      after: { duration: 'PT2S' },
      notice: { by: '市政府办公室' },
      measures: [],
    },
    {
      name: '第三次催办',
      after: { duration: 'PT2S' },
      notice: { by: '市政府办公室' },
      measures: [],
    },
  ];
  return { name: 'drill-e2e', reminders: all.slice(0, levels) };
}

const ORDINAL = ['一', '二', '三'];

let server: DevServer;
let connection: Connection;
let client: Client;
let native: NativeConnection;
let bundle: WorkflowBundleWithSourceMap;
let smtp: SmtpReceiver;
let hook: WebhookReceiver;
let secret: string;
/** set by a test that wants to act between "request accepted" and "answered" */
let beforeAnswer: WebhookReceiverOptions['beforeAnswer'];

beforeAll(async () => {
  // The refusals below are expected; the SDK would log each failed attempt.
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // another test file in this process installed the runtime first: only the log level differs
  }
  [server, bundle] = await Promise.all([
    startDevServer({ port: 0, headless: true, logLevel: 'error' }),
    bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: new DefaultLogger('WARN'),
    }),
  ]);
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
  native = await NativeConnection.connect({ address: server.address });
  secret = newWebhookSecret();
  smtp = await startSmtpReceiver();
  hook = await startWebhookReceiver({ secret, beforeAnswer: (r) => beforeAnswer?.(r) });
});

afterAll(async () => {
  await hook?.close();
  await smtp?.close();
  await native?.close();
  await connection?.close();
  await server?.stop();
});

beforeEach(() => {
  smtp.reset();
  hook.reset();
  beforeAnswer = undefined;
});

/** An in-process worker with the production activities and channels pointed at the receivers. */
async function withWorker<T>(taskQueue: string, fn: () => Promise<T>): Promise<T> {
  const channels = createNotificationChannels({
    smtp: { url: smtp.url, from: '市政府督查室 <duban@example.gov.cn>' },
    webhook: { url: hook.url, secret },
    timeZone: 'Asia/Shanghai',
  });
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle: bundle,
    activities: createActivities({ calendar: officialCalendar(), channels, record: await memoryRecord() }),
  });
  return worker.runUntil(fn);
}

function start(taskQueue: string, overrides: Partial<SupervisionInput>) {
  const input = itemInput({ assignedAt: new Date().toISOString(), ...overrides });
  return client.workflow.start('supervisionItem', {
    workflowId: itemWorkflowId(input.itemId),
    taskQueue,
    args: [input],
  });
}

async function waitForState(
  h: WorkflowHandle,
  pred: (s: SupervisionState) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<SupervisionState> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await h.query(getItemState);
    if (pred(s)) return s;
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify(s, null, 1)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Completes the item (a manager's 办结) and waits for the run to close with its final state. */
async function finish(h: WorkflowHandle): Promise<SupervisionState> {
  await h.executeUpdate(completeItem, { args: [{ comment: '演练结束', actor: manager }] });
  await h.result(); // the run's result is small: the whole final state comes from the query
  return h.query(getItemState);
}

/** The persons of the fixture item that have an e-mail address (the office and 陈科长 have none). */
const MAILED = [
  { id: 'p-liaison', email: 'liaison@housing.example' },
  { id: 'p-chief', email: 'chief@housing.example' },
  { id: 'p-deputy', email: 'deputy@housing.example' },
];

const delivered = (r: NoticeRecord, channel: 'email' | 'webhook') =>
  r.deliveries.find((d) => d.channel === channel);

test('three urges and their bulletins reach every mailbox and the webhook exactly once, each recorded delivered', async () => {
  const taskQueue = `e2e-urges-${Date.now()}`;
  await withWorker(taskQueue, async () => {
    const handle = await start(taskQueue, { policy: drill(3), due: { duration: 'PT2S' } });
    const itemId = handle.workflowId.replace(/^supervision-/, '');

    const s = await waitForState(handle, (x) => x.notices.length === 7, 'seven notices recorded', 40_000);
    expect(s.urgeCount).toBe(3);
    expect(s.reminders.map((r) => r.name)).toEqual(['第一次催办', '第二次催办', '第三次催办']);
    // Real time: the levels are due two seconds apart and none fired before it was due.
    const due = s.schedule!.levels.map((l) => Date.parse(l.dueAt));
    expect([due[1]! - due[0]!, due[2]! - due[1]!]).toEqual([2_000, 2_000]);
    s.reminders.forEach((r, i) => expect(Date.parse(r.at)).toBeGreaterThanOrEqual(due[i]!));

    const ladder = [1, 2, 3].flatMap((l) => [`${itemId}:L${l}:urge`, `${itemId}:L${l}:bulletin`]);
    const keys = [`${itemId}:assigned`, ...ladder];
    expect(s.notices.map((n) => n.key)).toEqual(keys);
    for (const n of s.notices) {
      expect(delivered(n, 'email')).toMatchObject({ status: 'delivered', recipients: 3 });
      expect(delivered(n, 'webhook')).toMatchObject({ status: 'delivered', detail: 'HTTP 204' });
    }
    expect(s.deliveryFailures).toBe(0);

    // SMTP: one message per notice and mailbox, in Chinese, nothing sent twice.
    expect(smtp.received).toHaveLength(keys.length * MAILED.length);
    expect(smtp.deliveries).toBe(smtp.received.length);
    expect(smtp.duplicates).toBe(0);
    for (const p of MAILED) {
      const mails = smtp.received.filter((m) => m.messageId === messageIdFor(keys[0]!, p.id));
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe(`督办事项交办：${TITLE}`);
      expect(mails[0]!.text.split('\n')[0]).toBe('交办通知');
      expect(mails[0]!.text).toContain('市住建局');
    }
    for (const [i, key] of ladder.entries()) {
      const level = Math.floor(i / 2) + 1;
      const office = level === 1 ? '市政府督查室' : '市政府办公室';
      for (const p of MAILED) {
        const mails = smtp.received.filter((m) => m.messageId === messageIdFor(key, p.id));
        expect(mails).toHaveLength(1);
        const mail = mails[0]!;
        expect(mail.envelope.to).toEqual([p.email]);
        expect(mail.headers['x-duban-idempotency-key']).toBe(key);
        if (key.endsWith(':urge')) {
          expect(mail.subject).toBe(`第${ORDINAL[level - 1]}次催办：${TITLE}`);
          expect(mail.text.split('\n')[0]).toBe(`第${ORDINAL[level - 1]}次催办通知`);
        } else {
          expect(mail.subject).toBe(`督查通报（${office}）：${TITLE}`);
          expect(mail.text.split('\n')[0]).toBe('督查通报');
        }
        expect(mail.text).toContain('市住建局');
        expect(mail.text).toContain(office);
      }
    }

    // Webhook: one signed POST per notice, webhook-id = the notice key, no retries needed.
    expect(hook.received.map((w) => w.id)).toEqual(keys);
    expect(hook.requests).toHaveLength(keys.length);
    expect(hook.duplicates).toBe(0);
    const verifier = new Webhook(secret);
    for (const w of hook.received) {
      const body = verifier.verify(w.raw, w.headers) as WebhookBody;
      expect(body.data.key).toBe(w.id);
      const type = w.id.endsWith(':assigned') ? 'assignment' : w.id.endsWith(':urge') ? 'urge' : 'bulletin';
      expect(body.type).toBe(`duban.${type}`);
      expect(body.data.text.split('\n')[0]).toMatch(/^(交办通知|第[一二三]次催办通知|督查通报)$/);
      expect(body.data.recipients.map((r) => r.id)).toEqual(
        expect.arrayContaining(['p-liaison', 'p-chief', 'p-deputy', 'p-clerk']),
      );
    }

    const final = await finish(handle);
    expect(final.status).toBe('completed');
    expect(final.notices.at(-1)).toMatchObject({ key: `${itemId}:completed`, kind: 'item_event' });
    expect(hook.received.map((w) => w.id)).toEqual([...keys, `${itemId}:completed`]);
    expect(hook.duplicates + smtp.duplicates).toBe(0);
  });
});

test('a receiver that fails twice and then accepts gets the notice once; the item records it delivered', async () => {
  const taskQueue = `e2e-flaky-${Date.now()}`;
  await withWorker(taskQueue, async () => {
    // the 交办通知 goes out first; the faults wait for the urge, recorded by hand (电话催办)
    const handle = await start(taskQueue, { policy: drill(1) });
    const itemId = handle.workflowId.replace(/^supervision-/, '');
    const assigned = `${itemId}:assigned`;
    const urge = `${itemId}:L1:urge`;
    await waitForState(handle, (x) => x.notices.length === 1, 'the assignment notice recorded');
    hook.failNext(2, 503);
    smtp.failNextSessions(2);
    await handle.executeUpdate(recordUrge, {
      args: [{ channel: 'phone', note: '电话催办', actor: manager }],
    });
    const s = await waitForState(handle, (x) => x.notices.length === 3, 'urge and bulletin recorded', 40_000);

    // One batch carries the urge and its bulletin: the first attempt met the two 503s (one each),
    // the retry delivered both.
    const urgeRequests = hook.requests.filter((r) => r.id === urge);
    expect(urgeRequests.map((r) => r.status)).toEqual([503, 204]);
    expect(hook.requests.filter((r) => r.id === `${itemId}:L1:bulletin`).map((r) => r.status)).toEqual([
      503, 204,
    ]);
    expect(new Set(urgeRequests.map((r) => r.raw)).size).toBe(1); // the same body each attempt
    expect(hook.received.filter((w) => w.id === urge)).toHaveLength(1);
    expect(hook.received.map((w) => w.id)).toEqual([assigned, urge, `${itemId}:L1:bulletin`]);
    expect(hook.duplicates).toBe(0);

    // SMTP refused two connections with 451, then took every message once.
    expect(smtp.refusedSessions).toBe(2);
    expect(smtp.received).toHaveLength(3 * MAILED.length);
    expect(smtp.duplicates).toBe(0);

    expect(s.notices.map((n) => n.key)).toEqual([assigned, urge, `${itemId}:L1:bulletin`]);
    for (const n of s.notices) {
      expect(delivered(n, 'webhook')?.status).toBe('delivered');
      expect(delivered(n, 'email')).toMatchObject({ status: 'delivered', recipients: 3 });
    }
    expect(s.deliveryFailures).toBe(0);

    // The retry is in the history: the step's one delivery activity completed on its second attempt.
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? [])
      .filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toContain(2);
    await finish(handle);
  });
});

test('a receiver that always refuses: the delivery is recorded failed, visible as DeliveryFailures, and the next urge still fires', async () => {
  const taskQueue = `e2e-refused-${Date.now()}`;
  hook.respondWith(404); // a webhook path that does not exist: permanent, not retried
  smtp.rejectAddresses('deputy@housing.example'); // 550 mailbox unavailable: permanent
  await withWorker(taskQueue, async () => {
    const handle = await start(taskQueue, { policy: drill(2), due: { duration: 'PT1S' } });
    const itemId = handle.workflowId.replace(/^supervision-/, '');

    const s = await waitForState(
      handle,
      (x) => x.notices.length === 5,
      'the assignment, both urges and bulletins',
      40_000,
    );
    expect(s.urgeCount).toBe(2);
    expect(s.reminders.map((r) => r.name)).toEqual(['第一次催办', '第二次催办']);
    expect(s.deliveryFailures).toBe(5);
    for (const n of s.notices) {
      expect(delivered(n, 'webhook')).toMatchObject({ status: 'failed' });
      expect(delivered(n, 'webhook')?.detail).toContain('HTTP 404');
      expect(delivered(n, 'email')).toMatchObject({ status: 'failed' });
      expect(delivered(n, 'email')?.detail).toContain('deputy@housing.example');
      expect(delivered(n, 'email')?.detail).toContain('550');
    }
    expect(s.history.filter((h) => h.action === 'delivery_failed')).toHaveLength(5);

    // One attempt each (non-retryable), and the other two mailboxes still got every notice once.
    expect(hook.requests.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    expect(hook.received).toHaveLength(0);
    expect(smtp.rejectedRecipients).toBe(5);
    expect(smtp.received).toHaveLength(5 * 2);
    expect(smtp.to('deputy@housing.example')).toHaveLength(0);
    expect(smtp.duplicates).toBe(0);

    // Ops see it in the Temporal UI: the DeliveryFailures search attribute on the run.
    const described = await waitForDescribe(handle, 5);
    expect(described).toBe(5);
    expect(s.notices.map((n) => n.key)).toEqual([
      `${itemId}:assigned`,
      `${itemId}:L1:urge`,
      `${itemId}:L1:bulletin`,
      `${itemId}:L2:urge`,
      `${itemId}:L2:bulletin`,
    ]);
    await finish(handle);
  });
});

/** Visibility is eventually consistent: poll describe() until DeliveryFailures shows `want`. */
async function waitForDescribe(h: WorkflowHandle, want: number): Promise<number | undefined> {
  const until = Date.now() + 10_000;
  let seen: number | undefined;
  while (Date.now() < until) {
    seen = (await h.describe()).typedSearchAttributes.get(DeliveryFailuresKey);
    if (seen === want) return seen;
    await new Promise((r) => setTimeout(r, 200));
  }
  return seen;
}

test('the worker killed (SIGKILL) after the receiver took the notice but before it answered: the retry carries the same webhook-id, one unique delivery, recorded delivered', async () => {
  const taskQueue = `e2e-kill-${Date.now()}`;
  const workerEnv = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: server.namespace,
    DUBAN_TASK_QUEUE: taskQueue,
    DUBAN_SMTP_URL: smtp.url,
    DUBAN_WEBHOOK_URL: hook.url,
    DUBAN_WEBHOOK_SECRET: secret,
    DUBAN_LOG_LEVEL: 'info',
  };
  let first: WorkerProcess | undefined = await startWorkerProcess(workerEnv);
  let second: WorkerProcess | undefined;
  try {
    const killed = first;
    let armed = true;
    beforeAnswer = async (r) => {
      if (!armed || !r.id?.endsWith(':L1:urge')) return; // the 交办通知 before it is answered
      armed = false;
      await killed.kill('SIGKILL'); // the request arrived and was taken; its answer never will
    };
    const handle = await start(taskQueue, { policy: drill(1) });
    const itemId = handle.workflowId.replace(/^supervision-/, '');
    const assigned = `${itemId}:assigned`;
    const urge = `${itemId}:L1:urge`;
    await waitForState(handle, (x) => x.notices.length === 1, 'the assignment notice recorded');
    await handle.executeUpdate(recordUrge, {
      args: [{ channel: 'phone', note: '电话催办', actor: manager }],
    });

    expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    first = undefined;
    expect(hook.requests.map((r) => r.id)).toEqual([assigned, urge]);
    expect(hook.received.map((w) => w.id)).toEqual([assigned, urge]);
    // Temporal still sees the attempt as running: the server cannot know the worker died.
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    expect(pending.map((p) => p.activityType?.name)).toContain('deliverNotices');

    // A new worker process picks up the retry once the attempt's start-to-close timeout has passed.
    second = await startWorkerProcess(workerEnv);
    const s = await waitForState(handle, (x) => x.notices.length === 3, 'urge and bulletin recorded', 80_000);

    const urgeRequests = hook.requests.filter((r) => r.id === urge);
    expect(urgeRequests).toHaveLength(2); // raw count: the original and the retry
    expect(urgeRequests[1]!.raw).toBe(urgeRequests[0]!.raw); // the same body, only the timestamp may change
    // unique count 1 each
    expect(hook.received.map((w) => w.id)).toEqual([assigned, urge, `${itemId}:L1:bulletin`]);
    expect(hook.duplicates).toBe(1);
    // E-mail ran beside the webhook; whatever it repeated carried the same Message-IDs.
    expect(smtp.received).toHaveLength(3 * MAILED.length);
    for (const key of [assigned, urge, `${itemId}:L1:bulletin`])
      for (const p of MAILED)
        expect(smtp.received.filter((m) => m.messageId === messageIdFor(key, p.id))).toHaveLength(1);

    expect(s.notices.map((n) => n.key)).toEqual([assigned, urge, `${itemId}:L1:bulletin`]);
    for (const n of s.notices) {
      expect(delivered(n, 'webhook')).toMatchObject({ status: 'delivered', detail: 'HTTP 204' });
      expect(delivered(n, 'email')?.status).toBe('delivered');
    }
    expect(s.deliveryFailures).toBe(0);

    // The history tells why: the urge's webhook activity ran its second attempt after a timeout.
    const events = (await handle.fetchHistory()).events ?? [];
    // (the only delivery activity: the 交办通知 went out inside its own task, patch notices-in-task)
    const scheduled = events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deliverNotices',
    )[0]!;
    const started = events.find(
      (e) => Number(e.activityTaskStartedEventAttributes?.scheduledEventId) === Number(scheduled.eventId),
    )!.activityTaskStartedEventAttributes!;
    expect(started.attempt).toBe(2);
    expect(started.lastFailure?.timeoutFailureInfo).toBeTruthy();

    const final = await finish(handle);
    expect(final.status).toBe('completed');
    const stopped = await second.kill('SIGTERM');
    second = undefined;
    expect(stopped.code).toBe(0);
  } finally {
    await first?.kill('SIGKILL');
    await second?.kill('SIGKILL');
  }
}, 150_000);

test('a webhook answering 500 forever (time-skipping server): one try in the task and eight attempts per notice, then recorded failed; e-mail unaffected and the second urge fires meanwhile', async () => {
  const env = await createTimeSkippingEnv();
  const taskQueue = `e2e-500-${Date.now()}`;
  hook.respondWith(500);
  try {
    const channels = createNotificationChannels({
      smtp: { url: smtp.url, from: '市政府督查室 <duban@example.gov.cn>' },
      webhook: { url: hook.url, secret },
    });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: createActivities({ calendar: officialCalendar(), channels, record: await memoryRecord() }),
    });
    await worker.runUntil(async () => {
      const input = itemInput({
        assignedAt: new Date(await env.currentTimeMs()).toISOString(),
        policy: drill(2),
        due: { duration: 'PT1S' },
      });
      const handle = await env.client.workflow.start('supervisionItem', {
        workflowId: itemWorkflowId(input.itemId),
        taskQueue,
        args: [input],
      });
      const urge = `${input.itemId}:L1:urge`;
      // The backoff (2 s doubling to 2 min, 8 attempts) is about four minutes per notice.
      await env.sleep('20 minutes');
      const s = await waitForState(handle, (x) => x.notices.length === 5, 'five notices recorded');
      expect(s.urgeCount).toBe(2);
      // The second urge was reached while the first one's webhook was still being retried.
      const firstFailure = s.history.find(
        (h) => h.action === 'delivery_failed' && h.detail?.startsWith('第一次催办'),
      )!;
      expect(Date.parse(firstFailure.at) - Date.parse(s.reminders[0]!.at)).toBeGreaterThan(200_000);
      expect(Date.parse(s.reminders[1]!.at)).toBeLessThan(Date.parse(firstFailure.at));
      // the try inside the deciding task (notices-in-task), then the activity's eight attempts
      expect(hook.requests.filter((r) => r.id === urge).map((r) => r.status)).toEqual(Array(9).fill(500));
      expect(hook.requests).toHaveLength(5 * 9); // the 交办通知, two urges and two bulletins
      expect(hook.received).toHaveLength(0);
      for (const n of s.notices) {
        expect(delivered(n, 'webhook')).toMatchObject({ status: 'failed' });
        expect(delivered(n, 'webhook')?.detail).toContain('HTTP 500');
        expect(delivered(n, 'webhook')?.detail).not.toContain('will retry'); // it will not, any more
        expect(delivered(n, 'email')).toMatchObject({ status: 'delivered', recipients: 3 });
      }
      expect(s.deliveryFailures).toBe(5);
      expect(smtp.received).toHaveLength(5 * MAILED.length);
      expect(smtp.duplicates).toBe(0);

      await handle.executeUpdate(completeItem, { args: [{ comment: '演练结束', actor: manager }] });
      // Not result(): that would let the test server jump to the run's timeout.
      const until = Date.now() + 60_000;
      while ((await handle.describe()).status.name === 'RUNNING') {
        if (Date.now() > until) throw new Error('the item did not close');
        await env.sleep('1 minute');
      }
    });
  } finally {
    await env.teardown();
  }
});
