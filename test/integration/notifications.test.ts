// Notices delivered to real receivers on loopback: an SMTP server and a Standard Webhooks endpoint.
// The activity functions are called directly (and once inside MockActivityEnvironment), so each test
// sees exactly what a receiver would see on each attempt the workflow's retry policy makes.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleNotificationWorkflows } from '../helpers/deliveries';
import { createServer } from 'node:net';
import { Webhook } from 'standardwebhooks';
import {
  createNotificationActivities,
  createNotificationChannels,
  describeChannels,
  type NotificationChannels,
} from '../../activities/notifications';
import { createEmailChannel } from '../../activities/notifications/email';
import { renderNotice } from '../../activities/notifications/templates';
import type { Notice } from '../../workflows/types';
import {
  newWebhookSecret,
  startSmtpReceiver,
  startWebhookReceiver,
  type SmtpReceiver,
  type WebhookReceiver,
} from '../helpers/receivers';
import { createTimeSkippingEnv } from '../helpers/temporal';
import type { deliverNotice } from './notifications.workflow';

const liaison = { id: 'p-liaison', name: '李联络', email: 'liaison@jt.example.cn', role: 'liaison' };
const principal = {
  id: 'p-principal',
  name: '王局长',
  email: 'wang@jt.example.cn',
  role: 'principal',
  phone: '13800000000',
};
const noEmail = { id: 'p-direct', name: '赵经办', phone: '13900000000', role: 'direct' };

let seq = 0;
function notice(over: Partial<Notice> = {}): Notice {
  seq += 1;
  return {
    key: `item-42:urge:2:${seq}`,
    kind: 'urge',
    subject: '第二次催办：城区道路积水整治',
    itemId: 'item-42',
    title: '城区道路积水整治',
    level: 2,
    office: '市政府办公室',
    deadlineAt: '2026-10-23T15:59:59.999Z',
    receiptSummary: '15个工作日（不含交办当日），跳过国庆节假期，10月10日调休上班计入',
    measures: [{ code: 'written_self_criticism' }, { code: 'public_criticism' }],
    next: '3个工作日后仍未办结的，将进行第三次催办并启动问责程序。',
    recipients: [liaison, principal, noEmail],
    leadUnit: { id: 'u-jt', name: '市交通运输局' },
    at: '2026-10-29T01:00:00.000Z',
    ...over,
  };
}

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected the delivery to fail');
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('templates (通知文本)', () => {
  test('第二次催办 names the item, unit, local deadline, receipt, measures, issuer and next step', () => {
    const { subject, text, html } = renderNotice(notice());
    expect(subject).toBe('第二次催办：城区道路积水整治');
    expect(text.split('\n')[0]).toBe('第二次催办通知');
    expect(text).toContain('市交通运输局：');
    expect(text).toContain('督办事项：城区道路积水整治（编号：item-42）');
    expect(text).toContain('承办单位：市交通运输局');
    expect(text).toContain('办理期限：2026年10月23日 23:59（北京时间）');
    expect(text).toContain('期限说明：15个工作日（不含交办当日）');
    expect(text).toContain('已超过办理期限（2026年10月23日 23:59（北京时间）），至今仍未办结');
    expect(text).toContain('市政府办公室现对你单位进行第二次催办');
    expect(text).toContain('1. 责令作出书面检查');
    expect(text).toContain('2. 通报批评');
    expect(text).toContain('下一步：3个工作日后仍未办结的，将进行第三次催办并启动问责程序。');
    expect(text.trimEnd().endsWith('市政府办公室\n2026年10月29日')).toBe(true);
    expect(html).toContain('<h2>第二次催办通知</h2>');
    expect(html).toContain('<li>责令作出书面检查</li>');
  });

  test('the level picks 第一次 / 第三次; a local deadline from the workflow wins over the instant', () => {
    expect(renderNotice(notice({ level: 1, office: '市政府督查室' })).text).toContain(
      '市政府督查室现对你单位进行第一次催办',
    );
    const third = renderNotice(notice({ level: 3, localDeadline: '2026-10-23 23:59' })).text;
    expect(third).toContain('第三次催办通知');
    expect(third).toContain('办理期限：2026-10-23 23:59');
    expect(third).not.toContain('北京时间');
  });

  test('a deadline instant is shown in the organisation time zone', () => {
    const { text } = renderNotice(notice(), { timeZone: 'Asia/Urumqi' });
    expect(text).toContain('办理期限：2026年10月23日 21:59（Asia/Urumqi）');
  });

  test('督查通报 is issued by the notice office', () => {
    const { text } = renderNotice(notice({ kind: 'bulletin', office: '市政府督查室', level: 1 }));
    expect(text.split('\n')[0]).toBe('督查通报');
    expect(text).toContain('市政府督查室关于督办事项“城区道路积水整治”办理情况的通报');
    expect(text).toContain(
      '承办单位市交通运输局未在办理期限（2026年10月23日 23:59（北京时间））内办结，已被催办一次，现予以通报。',
    );
    expect(renderNotice(notice({ kind: 'bulletin', level: 2 })).text).toContain('已被催办两次');
  });

  test('预警提醒 is the yellow light before the deadline and says how to ask for an extension', () => {
    const { text } = renderNotice(notice({ kind: 'warning', level: undefined, measures: undefined }));
    expect(text.split('\n')[0]).toBe('预警提醒（黄灯）');
    expect(text).toContain('即将到期');
    expect(text).toContain('黄灯预警');
    expect(text).toContain('期限届满前提出申请并说明原因');
    expect(text).not.toContain('问责措施');
  });

  test('启动问责 and 问责程序节点逾期提醒 name the case and address the people', () => {
    const opened = renderNotice(
      notice({
        kind: 'case_opened',
        caseId: 'case-7',
        measures: [{ code: 'public_apology' }, { code: 'reassignment' }],
      }),
    ).text;
    expect(opened.split('\n')[0]).toBe('启动问责通知');
    expect(opened).toContain('李联络、王局长、赵经办：');
    // a level's case says which urge opened it (the fixture is the second level)
    expect(opened).toContain(
      '经催办后仍未落实（第二次催办），市政府办公室决定启动本级问责程序，立案为问责案件（编号：case-7）',
    );
    expect(opened).toContain('拟采取的问责措施：');
    expect(opened).toContain('责令公开道歉');
    expect(opened).toContain('调整工作岗位');

    const overdue = renderNotice(
      notice({
        kind: 'case_step_overdue',
        caseId: 'case-7',
        body: '调查核实阶段应于期限内提交调查报告',
        measures: [],
      }),
    ).text;
    expect(overdue.split('\n')[0]).toBe('问责程序节点逾期提醒');
    expect(overdue).toContain(
      '问责案件（编号：case-7）的当前程序节点已超过规定期限（2026年10月23日 23:59（北京时间））',
    );
    expect(overdue).toContain('说明：调查核实阶段应于期限内提交调查报告');
  });

  test('问责决定 names each subject and measure, with fines in 元 (S3)', () => {
    const { text } = renderNotice(
      notice({
        kind: 'case_decision',
        caseId: 'case-7',
        measures: [
          { subjectId: 'p-principal', code: 'admonition_talk' },
          { subjectId: 'u-jt', code: 'written_self_criticism', amount: 500 },
          { subjectId: 'u-jt', code: 'fine', amount: 800 },
        ],
      }),
    );
    expect(text.split('\n')[0]).toBe('问责决定');
    expect(text).toContain('问责措施：');
    expect(text).toContain('王局长：诫勉谈话');
    expect(text).toContain('市交通运输局：责令作出书面检查（罚款500元）');
    expect(text).toContain('市交通运输局：罚款800元');

    const proposed = renderNotice(
      notice({ measures: [{ code: 'rectify_within_deadline', amount: 100, appliesTo: 'unit' }] }),
    );
    expect(proposed.text).toContain('责令限期整改（单位，罚款100元）');

    const dismissed = renderNotice(notice({ kind: 'case_decision', caseId: 'case-8', measures: [] })).text;
    expect(dismissed).toContain('决定不予问责');
  });

  test('申诉结果 and 事项动态 carry the body text', () => {
    const appeal = renderNotice(
      notice({
        kind: 'appeal_result',
        caseId: 'case-7',
        body: '维持原决定',
        measures: [{ subjectId: 'p-principal', code: 'admonition_talk' }],
      }),
    ).text;
    expect(appeal.split('\n')[0]).toBe('申诉复查结果');
    expect(appeal).toContain('关于问责案件（编号：case-7）的申诉，复查结果如下');
    expect(appeal).toContain('说明：维持原决定');
    expect(appeal).toContain('王局长：诫勉谈话');

    const event = renderNotice(
      notice({
        kind: 'item_event',
        subject: '办结报告被退回重办',
        body: '报告未附整改照片，请补充后重新报送',
        measures: undefined,
      }),
    ).text;
    expect(event.split('\n')[0]).toBe('事项动态');
    expect(event).toContain('督办事项“城区道路积水整治”有新的办理动态：办结报告被退回重办。');
    expect(event).toContain('说明：报告未附整改照片，请补充后重新报送');
  });

  test('HTML escapes what people typed', () => {
    const { html, text } = renderNotice(notice({ title: '<script>alert("x")</script> & 排水', body: 'a<b' }));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 排水');
    expect(html).toContain('a&lt;b');
    expect(text).toContain('<script>alert("x")</script> & 排水');
  });
});

describe('e-mail over SMTP', () => {
  let smtp: SmtpReceiver;
  let channels: NotificationChannels;
  const from = '市政府督查室 <duban@gov.example.cn>';

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    channels = { email: createEmailChannel({ url: smtp.url, from }) };
  });
  afterAll(() => smtp.close());
  beforeEach(() => smtp.reset());

  test('one message per recipient with an e-mail, none for those without', async () => {
    const n = notice();
    const result = await createNotificationActivities(channels).sendEmail(n);
    expect(result).toEqual({
      channel: 'email',
      status: 'delivered',
      recipients: 2,
      detail: '1名收件人未登记电子邮箱，未发送邮件',
    });
    expect(smtp.received).toHaveLength(2);
    const [toLiaison] = smtp.to(liaison.email);
    const [toPrincipal] = smtp.to(principal.email);
    expect(toLiaison?.envelope.to).toEqual([liaison.email]);
    expect(toPrincipal?.envelope.to).toEqual([principal.email]);
    expect(toLiaison?.envelope.from).toBe('duban@gov.example.cn');
    expect(toLiaison?.subject).toBe('第二次催办：城区道路积水整治');
    expect(toLiaison?.text).toContain('第二次催办');
    expect(toLiaison?.text).toContain('市政府办公室');
    expect(toLiaison?.text).toContain('责令作出书面检查');
    expect(toLiaison?.html).toContain('<h2>第二次催办通知</h2>');
    expect(toLiaison?.headers['x-duban-idempotency-key']).toBe(n.key);
    expect(toLiaison?.messageId).toBe(`<${n.key.replace(/:/g, '%3A')}.p-liaison@duban>`);
    expect(toPrincipal?.messageId).toBe(`<${n.key.replace(/:/g, '%3A')}.p-principal@duban>`);
  });

  test('a second send of the same notice reuses each Message-ID: the receiver keeps one copy', async () => {
    const n = notice({ key: 'item-42.urge.2' });
    const { sendEmail } = createNotificationActivities(channels);
    await sendEmail(n);
    const firstIds = smtp.received.map((m) => m.messageId).sort();
    expect(firstIds).toEqual(['<item-42.urge.2.p-liaison@duban>', '<item-42.urge.2.p-principal@duban>']);
    await sendEmail(n);
    expect(smtp.deliveries).toBe(4);
    expect(smtp.duplicates).toBe(2);
    expect(smtp.received.map((m) => m.messageId).sort()).toEqual(firstIds);
  });

  test('no recipient with an e-mail → no_recipients, nothing sent', async () => {
    const result = await createNotificationActivities(channels).sendEmail(notice({ recipients: [noEmail] }));
    expect(result).toMatchObject({ channel: 'email', status: 'no_recipients' });
    expect(smtp.deliveries).toBe(0);
  });

  test('a 550 recipient is a non-retryable PermanentDeliveryFailure; the others still get theirs', async () => {
    smtp.rejectAddresses(liaison.email);
    const err = await failureOf(createNotificationActivities(channels).sendEmail(notice()));
    expect(err.type).toBe('PermanentDeliveryFailure');
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toContain('liaison@jt.example.cn');
    expect(err.message).toContain('550');
    expect(smtp.rejectedRecipients).toBe(1);
    expect(smtp.received.map((m) => m.envelope.to[0])).toEqual([principal.email]);
  });

  test('a 451 session is retryable, and the retry delivers each message once', async () => {
    const n = notice();
    const { sendEmail } = createNotificationActivities(channels);
    smtp.failNextSessions(1);
    const err = await failureOf(sendEmail(n));
    expect(err.nonRetryable).toBe(false);
    expect(err.type).toBe('TransientDeliveryFailure');
    expect(err.message).toContain('451');
    expect(smtp.refusedSessions).toBe(1);
    expect(smtp.received).toHaveLength(0);

    await expect(sendEmail(n)).resolves.toMatchObject({ status: 'delivered', recipients: 2 });
    expect(smtp.received).toHaveLength(2);
  });

  test('a retry after the first recipient was accepted re-sends it with the same Message-ID', async () => {
    const n = notice();
    const { sendEmail } = createNotificationActivities(channels);
    smtp.rejectAddresses(principal.email); // stands in for any failure after the first message
    await failureOf(sendEmail(n));
    smtp.reset();
    await sendEmail(n);
    await sendEmail(n);
    expect(smtp.received).toHaveLength(2);
    expect(smtp.duplicates).toBe(2);
  });

  test('an unreachable server is retryable', async () => {
    const port = await closedPort();
    const down = { email: createEmailChannel({ url: `smtp://127.0.0.1:${port}`, from }) };
    const err = await failureOf(createNotificationActivities(down).sendEmail(notice()));
    expect(err.nonRetryable).toBe(false);
    expect(err.message).toContain('ECONNREFUSED');
  });
});

describe('signed webhook (Standard Webhooks)', () => {
  const secret = newWebhookSecret();
  let hook: WebhookReceiver;
  let channels: NotificationChannels;

  beforeAll(async () => {
    hook = await startWebhookReceiver({ secret });
    channels = { webhook: { url: hook.url, secret } };
  });
  afterAll(() => hook.close());
  beforeEach(() => hook.reset());

  test('posts the notice with its Chinese text, signed so standardwebhooks verifies it', async () => {
    const n = notice();
    const result = await createNotificationActivities(channels).sendWebhook(n);
    expect(result).toMatchObject({ channel: 'webhook', status: 'delivered', recipients: 3 });
    const [got] = hook.received;
    expect(got?.id).toBe(n.key);
    expect(got?.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(got?.timestamp) - Date.now() / 1000)).toBeLessThan(30);
    expect(got?.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    const body = got?.body as { type: string; timestamp: string; data: Notice & { text: string } };
    expect(body.type).toBe('duban.urge');
    expect(body.timestamp).toBe(n.at);
    expect(body.data.key).toBe(n.key);
    expect(body.data.recipients.map((r) => r.phone)).toEqual([undefined, '13800000000', '13900000000']);
    expect(body.data.text).toContain('第二次催办');
    expect(body.data.text).toContain('市政府办公室');
    expect(body.data.text).toContain('责令作出书面检查');

    // An independent check with the same package a receiver would use.
    const headers = got?.headers as Record<string, string>;
    const raw = got?.raw as string;
    expect(new Webhook(secret).verify(raw, headers)).toEqual(body);
    expect(() => new Webhook(secret).verify(raw.replace('第二次催办', '第一次催办'), headers)).toThrow(
      'No matching signature found',
    );
    expect(() => new Webhook(newWebhookSecret()).verify(raw, headers)).toThrow();
  });

  test('500 then success: every attempt carries the notice key; the receiver keeps one', async () => {
    const n = notice();
    const { sendWebhook } = createNotificationActivities(channels);
    hook.failNext(1, 500);
    const err = await failureOf(sendWebhook(n));
    expect(err.type).toBe('TransientDeliveryFailure');
    expect(err.nonRetryable).toBe(false);
    expect(err.message).toContain('HTTP 500');
    expect(hook.received).toHaveLength(0);

    await expect(sendWebhook(n)).resolves.toMatchObject({ status: 'delivered' });
    await expect(sendWebhook(n)).resolves.toMatchObject({ status: 'delivered' }); // a late duplicate
    expect(hook.requests.map((r) => [r.id, r.status])).toEqual([
      [n.key, 500],
      [n.key, 204],
      [n.key, 204],
    ]);
    expect(hook.received).toHaveLength(1);
    expect(hook.deliveries).toBe(2);
    expect(hook.duplicates).toBe(1);
    // Same body on every attempt; only the timestamp and signature may differ.
    expect(new Set(hook.requests.map((r) => r.raw)).size).toBe(1);
  });

  test('404 is a non-retryable PermanentDeliveryFailure', async () => {
    hook.respondWith(404);
    const err = await failureOf(createNotificationActivities(channels).sendWebhook(notice()));
    expect(err.type).toBe('PermanentDeliveryFailure');
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toContain('HTTP 404');
  });

  test('503, 429 and 408 are retryable', async () => {
    const { sendWebhook } = createNotificationActivities(channels);
    for (const status of [503, 429, 408]) {
      hook.respondWith(status);
      const err = await failureOf(sendWebhook(notice()));
      expect([status, err.nonRetryable, err.type]).toEqual([status, false, 'TransientDeliveryFailure']);
    }
  });

  test('a receiver holding another secret answers 401: permanent, it will not verify on a retry', async () => {
    const wrong = { webhook: { url: hook.url, secret: newWebhookSecret() } };
    const err = await failureOf(createNotificationActivities(wrong).sendWebhook(notice()));
    expect(err.type).toBe('PermanentDeliveryFailure');
    expect(hook.requests.map((r) => [r.status, r.verified])).toEqual([[401, false]]);
  });

  test('an unreachable endpoint is retryable', async () => {
    const port = await closedPort();
    const down = { webhook: { url: `http://127.0.0.1:${port}/hook`, secret } };
    const err = await failureOf(createNotificationActivities(down).sendWebhook(notice()));
    expect(err.nonRetryable).toBe(false);
    expect(err.type).toBe('TransientDeliveryFailure');
  });
});

describe('channels from configuration', () => {
  test('nothing configured → not_configured on both channels, and the start-up log says so', async () => {
    const channels = createNotificationChannels({});
    const { sendEmail, sendWebhook } = createNotificationActivities(channels);
    await expect(sendEmail(notice())).resolves.toEqual({ channel: 'email', status: 'not_configured' });
    await expect(sendWebhook(notice())).resolves.toEqual({ channel: 'webhook', status: 'not_configured' });
    expect(describeChannels(channels)).toBe(
      'notifications: none configured — notices are only recorded on the item',
    );
  });

  test('a garbage notice is a non-retryable InvalidInput, even with nothing configured', async () => {
    const { sendEmail, sendWebhook } = createNotificationActivities({});
    const bad = { ...notice(), kind: 'gossip', recipients: [{ id: 'x' }] } as unknown as Notice;
    for (const send of [sendEmail, sendWebhook]) {
      const err = await failureOf(send(bad));
      expect(err.type).toBe('InvalidInput');
      expect(err.nonRetryable).toBe(true);
      expect(err.message).toContain('kind');
      expect(err.message).toContain('recipients.0.name');
    }
  });

  test('built from Config, both channels deliver inside an activity context; the log hides secrets', async () => {
    const smtp = await startSmtpReceiver();
    const secret = newWebhookSecret();
    const hook = await startWebhookReceiver({ secret });
    try {
      const smtpUrl = smtp.url.replace('smtp://', 'smtp://duban:s3cret@');
      const channels = createNotificationChannels({
        smtp: { url: smtpUrl, from: 'duban <duban@localhost>' },
        webhook: { url: `${hook.url}?access_token=tok123`, secret },
        timeZone: 'Asia/Shanghai',
      });
      const line = describeChannels(channels);
      expect(line).toBe(
        `notifications: e-mail via ${smtp.url} from duban <duban@localhost>; signed webhook to ${hook.url}`,
      );
      expect(line).not.toContain('s3cret');
      expect(line).not.toContain('tok123');

      const activities = createNotificationActivities(channels);
      const env = new MockActivityEnvironment({ attempt: 2 });
      const n = notice({ kind: 'warning', level: undefined, measures: undefined });
      await expect(env.run(activities.sendEmail, n)).resolves.toMatchObject({
        status: 'delivered',
        recipients: 2,
      });
      await expect(env.run(activities.sendWebhook, n)).resolves.toMatchObject({ status: 'delivered' });
      expect(smtp.received.map((m) => m.subject)).toEqual([n.subject, n.subject]);
      expect(smtp.received[0]?.text).toContain('预警提醒（黄灯）');
      expect((hook.received[0]?.body as { type: string }).type).toBe('duban.warning');
    } finally {
      await smtp.close();
      await hook.close();
    }
  });

  test('a malformed webhook secret fails at start-up', () => {
    expect(() =>
      createNotificationChannels({ webhook: { url: 'http://127.0.0.1:1/x', secret: 'whsec_%%%' } }),
    ).toThrow();
  });
});

describe('through Temporal: workflows/notify.ts retry policy with real receivers', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let smtp: SmtpReceiver;
  let hook: WebhookReceiver;
  const secret = newWebhookSecret();

  beforeAll(async () => {
    [env, bundle, smtp, hook] = await Promise.all([
      createTimeSkippingEnv(),
      bundleNotificationWorkflows(),
      startSmtpReceiver(),
      startWebhookReceiver({ secret }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([env?.teardown(), smtp?.close(), hook?.close()]);
  });
  beforeEach(() => {
    smtp.reset();
    hook.reset();
  });

  async function run(n: Notice) {
    const taskQueue = `notify-${n.key}`;
    const channels = {
      email: createEmailChannel({ url: smtp.url, from: 'duban <duban@localhost>' }),
      webhook: { url: hook.url, secret },
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: createNotificationActivities(channels),
    });
    return worker.runUntil(
      env.client.workflow.execute<typeof deliverNotice>('deliverNotice', {
        args: [n],
        taskQueue,
        workflowId: `deliver-${n.key}`,
      }),
    );
  }

  test('a 451 session and a webhook 500 are retried; each receiver ends with one copy', async () => {
    smtp.failNextSessions(1);
    hook.failNext(2, 500);
    const n = notice({ key: 'e2e-transient' });
    const record = await run(n);
    expect(record.deliveries).toEqual([
      { channel: 'email', status: 'delivered', recipients: 2, detail: '1名收件人未登记电子邮箱，未发送邮件' },
      { channel: 'webhook', status: 'delivered', recipients: 3, detail: 'HTTP 204' },
    ]);
    expect(smtp.refusedSessions).toBe(1);
    expect(smtp.received).toHaveLength(2);
    expect(hook.requests.map((r) => [r.id, r.status])).toEqual([
      ['e2e-transient', 500],
      ['e2e-transient', 500],
      ['e2e-transient', 204],
    ]);
    expect(hook.received).toHaveLength(1);
  });

  test('a 550 mailbox and a webhook 404 fail after one attempt and are recorded, not thrown', async () => {
    smtp.rejectAddresses(liaison.email, principal.email);
    hook.respondWith(404);
    const record = await run(notice({ key: 'e2e-permanent' }));
    const [email, webhook] = record.deliveries;
    expect(email?.status).toBe('failed');
    expect(email?.detail).toContain('550');
    expect(webhook?.status).toBe('failed');
    expect(webhook?.detail).toContain('HTTP 404');
    expect(smtp.rejectedRecipients).toBe(2); // one attempt, two recipients
    expect(hook.requests).toHaveLength(1);
  });
});
