// deliverNotices (批量送达) against real receivers on loopback: every notice of a step on both
// channels in one activity, heartbeating the pairs it finished so that a retry skips them. The
// retries are driven twice: by hand through MockActivityEnvironment (each attempt starts from the
// previous attempt's last heartbeat, as Temporal does) and by Temporal itself (workflows/notify.ts's
// deliverAll on a time-skipping server). Receivers count every request, so "exactly once" is
// measured at the receiver, not inferred from the results.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActivityCancellationDetails, ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleNotificationWorkflows } from '../helpers/deliveries';
import { createNotificationActivities, type NotificationChannels } from '../../activities/notifications';
import { createEmailChannel } from '../../activities/notifications/email';
import { batchOptions } from '../../workflows/notify';
import type { BatchProgress, Notice, NoticeRecord } from '../../workflows/types';
import {
  newWebhookSecret,
  startSmtpReceiver,
  startWebhookReceiver,
  type SmtpReceiver,
  type WebhookReceiver,
} from '../helpers/receivers';
import { createTimeSkippingEnv } from '../helpers/temporal';
import type { deliverBatch } from './notifications.workflow';

const liaison = { id: 'p-liaison', name: '李联络', email: 'liaison@jt.example.cn', role: 'liaison' };
const principal = { id: 'p-principal', name: '王局长', email: 'wang@jt.example.cn', role: 'principal' };
const noEmail = { id: 'p-direct', name: '赵经办', phone: '13900000000', role: 'direct' };

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let seq = 0;
/** A step's notices: 第一次催办 and its 督查通报, keys unique per test. */
function step(): [Notice, Notice] {
  seq += 1;
  const common = {
    itemId: 'item-42',
    title: '城区道路积水整治',
    level: 1,
    office: '市政府督查室',
    deadlineAt: '2026-10-23T15:59:59.999Z',
    recipients: [liaison, principal, noEmail],
    leadUnit: { id: 'u-jt', name: '市交通运输局' },
    at: '2026-10-26T01:00:00.000Z',
    reason: 'deadline' as const,
  };
  return [
    { ...common, key: `b${seq}:item-42:L1:urge`, kind: 'urge', subject: '第一次催办：城区道路积水整治' },
    {
      ...common,
      key: `b${seq}:item-42:L1:bulletin`,
      kind: 'bulletin',
      subject: '督查通报：城区道路积水整治',
    },
  ];
}

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected the batch to fail');
}

let smtp: SmtpReceiver;
let hook: WebhookReceiver;
let channels: NotificationChannels;
const secret = newWebhookSecret();

beforeAll(async () => {
  [smtp, hook] = await Promise.all([startSmtpReceiver(), startWebhookReceiver({ secret })]);
  channels = {
    email: createEmailChannel({ url: smtp.url, from: '市政府督查室 <duban@gov.example.cn>' }),
    webhook: { url: hook.url, secret },
  };
});
afterAll(async () => {
  await Promise.all([smtp?.close(), hook?.close()]);
});
beforeEach(() => {
  smtp.reset();
  hook.reset();
});

/** Accepted requests per notice key at each receiver (duplicates included). */
function perKey(keys: string[]) {
  return keys.map((key) => ({
    key,
    webhook: hook.requests.filter((r) => r.id === key && r.status === 204).length,
    email: smtp.received.filter((m) => m.headers['x-duban-idempotency-key'] === key).length,
  }));
}

interface Attempt {
  attempt: number;
  heartbeats: BatchProgress[];
  error?: ApplicationFailure;
  records?: NoticeRecord[];
}

/**
 * Temporal's retry loop by hand: each attempt in a fresh MockActivityEnvironment that carries the
 * previous attempt's last heartbeat, until one succeeds or fails for good.
 */
async function retried(notices: Notice[], maxAttempts = 8): Promise<Attempt[]> {
  const { deliverNotices } = createNotificationActivities(channels);
  const attempts: Attempt[] = [];
  let details: unknown;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const env = new MockActivityEnvironment({ attempt, heartbeatDetails: details });
    const a: Attempt = { attempt, heartbeats: [] };
    env.on('heartbeat', (d: unknown) => a.heartbeats.push(d as BatchProgress));
    attempts.push(a);
    try {
      a.records = await env.run(deliverNotices, { notices });
      return attempts;
    } catch (err) {
      a.error = err as ApplicationFailure;
      if (a.error.nonRetryable) return attempts;
    }
    details = a.heartbeats.at(-1) ?? details;
  }
  return attempts;
}

describe('deliverNotices (one activity per batch)', () => {
  test('both notices on both channels: one record each, a result per channel, one copy each', async () => {
    const [urge, bulletin] = step();
    const records = await createNotificationActivities(channels).deliverNotices({
      notices: [urge, bulletin],
    });
    expect(records.map((r) => [r.key, r.kind, r.recipients])).toEqual([
      [urge.key, 'urge', ['p-liaison', 'p-principal', 'p-direct']],
      [bulletin.key, 'bulletin', ['p-liaison', 'p-principal', 'p-direct']],
    ]);
    for (const r of records) {
      expect(r.deliveries).toEqual([
        {
          channel: 'email',
          status: 'delivered',
          recipients: 2,
          detail: '1名收件人未登记电子邮箱，未发送邮件',
        },
        { channel: 'webhook', status: 'delivered', recipients: 3, detail: 'HTTP 204' },
      ]);
    }
    expect(perKey([urge.key, bulletin.key])).toEqual([
      { key: urge.key, webhook: 1, email: 2 },
      { key: bulletin.key, webhook: 1, email: 2 },
    ]);
    expect(smtp.to(liaison.email).map((m) => m.subject)).toEqual([urge.subject, bulletin.subject]);
    expect(smtp.received[0]?.text).toContain('已超过办理期限');
  });

  test('an empty batch sends nothing', async () => {
    await expect(createNotificationActivities(channels).deliverNotices({ notices: [] })).resolves.toEqual([]);
    expect(hook.requests).toHaveLength(0);
    expect(smtp.deliveries).toBe(0);
  });

  test('webhook fails twice, then accepts: the retry sends only the webhooks, e-mail stays one copy', async () => {
    const [urge, bulletin] = step();
    hook.failNext(2, 503); // both notices' webhooks on attempt 1
    const attempts = await retried([urge, bulletin]);
    expect(attempts.map((a) => [a.attempt, a.error?.type ?? 'ok'])).toEqual([
      [1, 'TransientDeliveryFailure'],
      [2, 'ok'],
    ]);
    // The failure names the pairs that failed and carries the progress for the workflow.
    const first = attempts[0]?.error as ApplicationFailure;
    expect(first.nonRetryable).toBe(false);
    expect(first.message).toContain('2 of 4 deliveries failed');
    expect(first.message).toContain(`webhook ${urge.key}: webhook`);
    const progress = first.details?.[0] as BatchProgress;
    expect(progress.done.map((d) => [d.key, d.result.channel, d.result.status])).toEqual([
      [urge.key, 'email', 'delivered'],
      [bulletin.key, 'email', 'delivered'],
    ]);
    expect(progress.pending?.map((p) => [p.key, p.channel])).toEqual([
      [urge.key, 'webhook'],
      [bulletin.key, 'webhook'],
    ]);
    expect(progress.pending?.[0]?.detail).toContain('HTTP 503');

    expect(perKey([urge.key, bulletin.key])).toEqual([
      { key: urge.key, webhook: 1, email: 2 },
      { key: bulletin.key, webhook: 1, email: 2 },
    ]);
    expect(smtp.deliveries).toBe(4); // nothing re-sent on attempt 2
    expect(hook.requests.map((r) => r.status)).toEqual([503, 503, 204, 204]);
    expect(attempts[1]?.records?.flatMap((r) => r.deliveries.map((d) => d.status))).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'delivered',
    ]);
  });

  test('SMTP refuses two sessions, then accepts: the retry re-sends the e-mail only, each once', async () => {
    const [urge, bulletin] = step();
    smtp.failNextSessions(2); // the first recipient of each notice on attempt 1
    const attempts = await retried([urge, bulletin]);
    expect(attempts.map((a) => a.error?.type ?? 'ok')).toEqual(['TransientDeliveryFailure', 'ok']);
    expect(attempts[0]?.error?.message).toContain('451');
    expect(smtp.refusedSessions).toBe(2);
    expect(perKey([urge.key, bulletin.key])).toEqual([
      { key: urge.key, webhook: 1, email: 2 },
      { key: bulletin.key, webhook: 1, email: 2 },
    ]);
    expect(hook.requests).toHaveLength(2); // the webhooks went out once, on attempt 1
    expect(smtp.duplicates).toBe(0);
  });

  test('a permanent refusal is a failed result, not an error; the other channel is delivered', async () => {
    const [urge, bulletin] = step();
    hook.respondWith(404);
    const attempts = await retried([urge, bulletin]);
    expect(attempts).toHaveLength(1);
    const records = attempts[0]?.records as NoticeRecord[];
    for (const r of records) {
      const [email, webhook] = r.deliveries;
      expect(email).toMatchObject({ channel: 'email', status: 'delivered', recipients: 2 });
      expect(webhook).toMatchObject({ channel: 'webhook', status: 'failed' });
      expect(webhook?.detail).toContain('HTTP 404');
    }
    expect(hook.requests).toHaveLength(2);
  });

  test('one refused mailbox and a temporary webhook failure: the retry sends neither e-mail again', async () => {
    const [urge] = step();
    smtp.rejectAddresses(principal.email);
    hook.failNext(1, 500);
    const attempts = await retried([urge]);
    expect(attempts.map((a) => a.error?.type ?? 'ok')).toEqual(['TransientDeliveryFailure', 'ok']);
    const [email, webhook] = attempts[1]?.records?.[0]?.deliveries ?? [];
    expect(email?.status).toBe('failed');
    expect(email?.detail).toContain('wang@jt.example.cn');
    expect(webhook?.status).toBe('delivered');
    expect(smtp.rejectedRecipients).toBe(1); // attempt 2 did not try the refused mailbox again
    expect(smtp.deliveries).toBe(1);
  });

  test('heartbeat details of a previous attempt are resumed: finished pairs are not sent again', async () => {
    const [urge, bulletin] = step();
    const previous: BatchProgress = {
      done: [
        {
          key: urge.key,
          result: { channel: 'email', status: 'delivered', recipients: 2, detail: 'earlier' },
        },
        { key: urge.key, result: { channel: 'webhook', status: 'failed', detail: 'HTTP 404 earlier' } },
        { key: 'another-batch', result: { channel: 'email', status: 'delivered' } }, // not ours: ignored
      ],
      pending: [{ key: bulletin.key, channel: 'webhook', detail: 'HTTP 503' }],
    };
    const env = new MockActivityEnvironment({ attempt: 3, heartbeatDetails: previous });
    const heartbeats: BatchProgress[] = [];
    env.on('heartbeat', (d: unknown) => heartbeats.push(d as BatchProgress));
    const { deliverNotices } = createNotificationActivities(channels);
    const records: NoticeRecord[] = await env.run(deliverNotices, { notices: [urge, bulletin] });

    expect(records[0]?.deliveries).toEqual(previous.done.slice(0, 2).map((d) => d.result));
    expect(records[1]?.deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    expect(perKey([urge.key, bulletin.key])).toEqual([
      { key: urge.key, webhook: 0, email: 0 },
      { key: bulletin.key, webhook: 1, email: 2 },
    ]);
    // Every heartbeat carries all the pairs done so far, the resumed ones first.
    expect(
      heartbeats
        .at(-1)
        ?.done.map((d) => `${d.result.channel} ${d.key}`)
        .sort(),
    ).toEqual(
      [`email ${urge.key}`, `webhook ${urge.key}`, `email ${bulletin.key}`, `webhook ${bulletin.key}`].sort(),
    );
  });

  test('an attempt told it timed out sends nothing more; the next one resumes: each pair once in all', async () => {
    const [urge, bulletin] = step();
    const { deliverNotices } = createNotificationActivities(channels);
    // attempt 1 learns from its first heartbeat that the server gave it up (as after a heartbeat timeout)
    const first = new MockActivityEnvironment({ attempt: 1 });
    const beats: BatchProgress[] = [];
    first.on('heartbeat', (d: unknown) => {
      beats.push(d as BatchProgress);
      if (beats.length === 1) first.cancel('TIMED_OUT', new ActivityCancellationDetails({ timedOut: true }));
    });
    // a failed attempt, not a cancellation (only a cancel the workflow asked for is one), with its progress
    const stopped = await failureOf(first.run(deliverNotices, { notices: [urge, bulletin] }));
    expect([stopped.type, stopped.nonRetryable]).toEqual(['DeliveryAttemptStopped', false]);
    expect(stopped.details?.[0]).toEqual(beats.at(-1));
    const finished = beats.at(-1)!.done.length;
    expect(finished).toBeGreaterThanOrEqual(1);
    expect(finished).toBeLessThan(4); // it stopped: what was in flight finished, nothing new began
    const sent = () => perKey([urge.key, bulletin.key]).reduce((n, k) => n + k.webhook + k.email / 2, 0);
    expect(sent()).toBe(finished);

    const second = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: beats.at(-1) });
    const records: NoticeRecord[] = await second.run(deliverNotices, { notices: [urge, bulletin] });
    expect(records.flatMap((r) => r.deliveries.map((d) => d.status))).toEqual(Array(4).fill('delivered'));
    expect(perKey([urge.key, bulletin.key])).toEqual([
      { key: urge.key, webhook: 1, email: 2 },
      { key: bulletin.key, webhook: 1, email: 2 },
    ]);
  });

  test('an attempt whose cancel the workflow asked for stops with a CancelledFailure', async () => {
    const [urge, bulletin] = step();
    const env = new MockActivityEnvironment();
    env.on('heartbeat', () =>
      env.cancel('CANCELLED', new ActivityCancellationDetails({ cancelRequested: true })),
    );
    await expect(
      env.run(createNotificationActivities(channels).deliverNotices, { notices: [urge, bulletin] }),
    ).rejects.toBeInstanceOf(CancelledFailure);
  });

  test('heartbeat details that do not read as progress are ignored: everything is sent', async () => {
    const [urge] = step();
    const env = new MockActivityEnvironment({ heartbeatDetails: { done: 'nonsense' } });
    const records: NoticeRecord[] = await env.run(createNotificationActivities(channels).deliverNotices, {
      notices: [urge],
    });
    expect(records[0]?.deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    expect(perKey([urge.key])).toEqual([{ key: urge.key, webhook: 1, email: 2 }]);
  });

  test('nothing configured: not_configured on both channels for every notice', async () => {
    const [urge, bulletin] = step();
    const records = await createNotificationActivities({}).deliverNotices({ notices: [urge, bulletin] });
    expect(records.map((r) => r.deliveries)).toEqual([
      [
        { channel: 'email', status: 'not_configured' },
        { channel: 'webhook', status: 'not_configured' },
      ],
      [
        { channel: 'email', status: 'not_configured' },
        { channel: 'webhook', status: 'not_configured' },
      ],
    ]);
  });

  test('bad input is a non-retryable InvalidInput and nothing is sent', async () => {
    const { deliverNotices } = createNotificationActivities(channels);
    const [urge] = step();
    const cases: [unknown, string][] = [
      [undefined, '(batch)'],
      [{ notices: 'x' }, 'notices'],
      [{ notices: [{ ...urge, kind: 'gossip' }] }, 'notices.0.kind'],
      [{ notices: [{ ...urge, reason: 'whim' }] }, 'notices.0.reason'],
      [{ notices: [urge, urge] }, 'duplicate key'],
      [{ notices: [urge], extra: 1 }, 'extra'],
      // what an in-task attempt finished (notices-in-task): it must read as progress
      [{ notices: [urge], inRecordBatch: true, done: 'x' }, 'done'],
      [
        {
          notices: [urge],
          inRecordBatch: true,
          done: [{ key: urge.key, result: { channel: 'fax', status: 'delivered' } }],
        },
        'done.0.result.channel',
      ],
    ];
    for (const [input, where] of cases) {
      const err = await failureOf(deliverNotices(input as { notices: Notice[] }));
      expect([err.type, err.nonRetryable]).toEqual(['InvalidInput', true]);
      expect(err.message).toContain(where);
    }
    expect(hook.requests).toHaveLength(0);
    expect(smtp.deliveries).toBe(0);
  });
});

describe('deliverAll through Temporal (workflows/notify.ts)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleNotificationWorkflows()]);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function run(
    notices: Notice[],
    id: string,
    inTask = false,
    use: NotificationChannels = channels,
  ): Promise<{ records: NoticeRecord[]; events: HistoryEvent[] }> {
    const taskQueue = `batch-${id}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: createNotificationActivities(use),
    });
    return worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof deliverBatch>('deliverBatch', {
        args: [notices, inTask],
        taskQueue,
        workflowId: `deliver-batch-${id}`,
      });
      const records: NoticeRecord[] = await handle.result();
      const { events } = await handle.fetchHistory();
      return { records, events: events ?? [] };
    });
  }

  test('the options: one summary for the batch, heartbeat timeout, a timeout per notice', () => {
    const [urge, bulletin] = step();
    expect(batchOptions([urge, bulletin])).toMatchObject({
      summary: '通知：第一次催办等2条',
      heartbeatTimeout: '30 seconds',
      startToCloseTimeout: '150 seconds',
      retry: { maximumAttempts: 8, nonRetryableErrorTypes: ['PermanentDeliveryFailure', 'InvalidInput'] },
    });
    expect(batchOptions([urge]).summary).toBe('通知：第一次催办');
  });

  test('an empty list schedules no activity', async () => {
    const { records, events } = await run([], 'empty');
    expect(records).toEqual([]);
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
  });

  test('webhook 503 twice, then 204: one activity, attempt 2 skips the e-mail; one copy each', async () => {
    const [urge, bulletin] = step();
    hook.failNext(2, 503);
    const { records, events } = await run([urge, bulletin], 'transient');
    expect(records.flatMap((r) => r.deliveries.map((d) => `${d.channel}:${d.status}`))).toEqual([
      'email:delivered',
      'webhook:delivered',
      'email:delivered',
      'webhook:delivered',
    ]);
    const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)).toEqual([
      'deliverNotices',
    ]);
    const started = events.find((e) => e.activityTaskStartedEventAttributes);
    expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(2);
    expect(perKey([urge.key, bulletin.key])).toEqual([
      { key: urge.key, webhook: 1, email: 2 },
      { key: bulletin.key, webhook: 1, email: 2 },
    ]);
    expect(smtp.deliveries).toBe(4);
    expect(hook.requests.map((r) => r.status)).toEqual([503, 503, 204, 204]);
  });

  test('webhook 500 forever: after 8 attempts the webhooks are failed, the e-mail delivered once', async () => {
    const [urge, bulletin] = step();
    hook.respondWith(500);
    const { records } = await run([urge, bulletin], 'exhausted');
    for (const r of records) {
      const [email, webhook] = r.deliveries;
      expect(email).toMatchObject({ channel: 'email', status: 'delivered', recipients: 2 });
      expect(webhook).toMatchObject({ channel: 'webhook', status: 'failed' });
      expect(webhook?.detail).toContain('HTTP 500');
    }
    expect(hook.requests).toHaveLength(16); // 8 attempts × 2 notices
    expect(smtp.deliveries).toBe(4); // attempt 1 only
    expect(smtp.duplicates).toBe(0);
  });

  /** Names of the local activities a history ran (each is one marker, no scheduled event). */
  function localActivities(events: HistoryEvent[]): string[] {
    return events
      .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
      .map((e) => {
        const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
        return (JSON.parse(Buffer.from(data ?? []).toString()) as { activity_type: string }).activity_type;
      });
  }

  test('in the task (patch notices-in-task): one local activity, no activity scheduled, one copy each', async () => {
    const [urge, bulletin] = step();
    const { records, events } = await run([urge, bulletin], 'in-task', true);
    expect(records.flatMap((r) => r.deliveries.map((d) => `${d.channel}:${d.status}`))).toEqual([
      'email:delivered',
      'webhook:delivered',
      'email:delivered',
      'webhook:delivered',
    ]);
    expect(localActivities(events)).toEqual(['deliverNotices']);
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
    expect(perKey([urge.key, bulletin.key])).toEqual([
      { key: urge.key, webhook: 1, email: 2 },
      { key: bulletin.key, webhook: 1, email: 2 },
    ]);
  });

  test('in the task, webhook 503 once: the regular activity sends only the urge webhook again', async () => {
    const [urge, bulletin] = step();
    hook.failNext(1, 503);
    const { records, events } = await run([urge, bulletin], 'in-task-fallback', true);
    expect(records.flatMap((r) => r.deliveries.map((d) => d.status))).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'delivered',
    ]);
    expect(localActivities(events)).toEqual(['deliverNotices']);
    const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)).toEqual([
      'deliverNotices',
    ]);
    // the local attempt's finished pairs travel in the activity's input, so nothing else repeats
    expect(
      events.find((e) => e.activityTaskStartedEventAttributes)?.activityTaskStartedEventAttributes?.attempt,
    ).toBe(1);
    expect(hook.requests.map((r) => `${r.id === urge.key ? 'urge' : 'bulletin'}:${r.status}`)).toEqual([
      'urge:503',
      'bulletin:204',
      'urge:204',
    ]);
    expect(perKey([urge.key, bulletin.key])).toEqual([
      { key: urge.key, webhook: 1, email: 2 },
      { key: bulletin.key, webhook: 1, email: 2 },
    ]);
    expect(smtp.duplicates).toBe(0);
  });

  test('in the task, a webhook slower than the attempt: it times out, stops, and the regular activity delivers all', async () => {
    const [urge, bulletin] = step();
    // holds the first request 12 s, past the in-task attempt's 10 s, then accepts every request
    const seen: string[] = [];
    const slow = createServer((req, res) => {
      seen.push(String(req.headers['webhook-id']));
      req.resume();
      setTimeout(() => res.writeHead(204).end(), seen.length === 1 ? 12_000 : 0);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hook`;
    try {
      const { records, events } = await run([urge, bulletin], 'in-task-slow', true, {
        ...channels,
        webhook: { url, secret, timeoutMs: 30_000 },
      });
      expect(records.flatMap((r) => r.deliveries.map((d) => `${d.channel}:${d.status}`))).toEqual([
        'email:delivered',
        'webhook:delivered',
        'email:delivered',
        'webhook:delivered',
      ]);
      expect(localActivities(events)).toEqual(['deliverNotices']);
      // the given-up attempt began nothing after its timeout: the bulletin's webhook went out once
      expect(seen.filter((k) => k === bulletin.key)).toHaveLength(1);
      expect(seen.filter((k) => k === urge.key).length).toBeGreaterThanOrEqual(1);
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  }, 60_000);

  test('a bad notice fails once as InvalidInput and every pair is recorded failed with the reason', async () => {
    const [urge] = step();
    const bad = { ...urge, recipients: [{ id: 'x' }] } as unknown as Notice;
    const { records } = await run([bad], 'invalid');
    expect(records[0]?.deliveries.map((d) => d.status)).toEqual(['failed', 'failed']);
    expect(records[0]?.deliveries[0]?.detail).toContain('invalid batch');
    expect(hook.requests).toHaveLength(0);
  });
});
