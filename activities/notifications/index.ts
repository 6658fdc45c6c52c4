// Notification activities (通知送达), built from the channels the worker configured: deliverNotices
// sends every notice of a workflow step on every channel (batch.ts); sendEmail and sendWebhook, one
// notice on one channel, stay for the histories that scheduled them. Each is idempotent on the
// notice's key; a permanent refusal is a non-retryable PermanentDeliveryFailure (a `failed` result
// in a batch), anything that may pass on its own is retried by workflows/notify.ts's retry policy.
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import type { Config } from '../../config';
import type { Channel, DeliveryBatch, DeliveryResult, Notice, NoticeRecord } from '../../workflows/types';
import { batchSchema, deliverBatch } from './batch';
import { createEmailChannel, sendEmailNotice, type EmailChannel } from './email';
import { DEFAULT_TIME_ZONE, renderNotice } from './templates';
import { describeWebhookUrl, sendWebhookNotice, type WebhookChannel } from './webhook';

export type { EmailChannel } from './email';
export type { WebhookChannel, WebhookBody } from './webhook';
export { renderNotice, type RenderedNotice } from './templates';

/** pino's logger fits; so does a console-like fake in tests. */
export interface NotificationLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface NotificationChannels {
  email?: EmailChannel;
  webhook?: WebhookChannel;
  logger?: NotificationLogger;
  /** for deadlines rendered from an instant; default Asia/Shanghai */
  timeZone?: string;
}

export function createNotificationChannels(
  config: Pick<Config, 'smtp' | 'webhook'> & Partial<Pick<Config, 'timeZone'>>,
  logger?: NotificationLogger,
): NotificationChannels {
  if (config.webhook) new Webhook(config.webhook.secret); // a malformed secret fails at start-up, not per notice
  return {
    ...(config.smtp ? { email: createEmailChannel(config.smtp) } : {}),
    ...(config.webhook ? { webhook: { url: config.webhook.url, secret: config.webhook.secret } } : {}),
    ...(logger ? { logger } : {}),
    timeZone: config.timeZone ?? DEFAULT_TIME_ZONE,
  };
}

/** One line for the worker's start-up log; never prints credentials or webhook tokens. */
export function describeChannels(channels: NotificationChannels): string {
  const parts: string[] = [];
  if (channels.email)
    parts.push(`e-mail via ${channels.email.describe ?? 'SMTP'} from ${channels.email.from}`);
  if (channels.webhook) parts.push(`signed webhook to ${describeWebhookUrl(channels.webhook.url)}`);
  return parts.length > 0
    ? `notifications: ${parts.join('; ')}`
    : 'notifications: none configured — notices are only recorded on the item';
}

// The activity boundary: the workflow is trusted to send typed notices, but a payload from an old
// history or a hand-started workflow may not be, and a bad one must fail once, not eight times.
const RecipientSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1),
  email: z.email().optional(),
  phone: z.string().optional(),
  role: z.string(),
});

const MeasureSchema = z.looseObject({
  code: z.string().min(1),
  amount: z.number().positive().optional(),
  appliesTo: z.enum(['unit', 'person']).optional(),
  subjectId: z.string().optional(),
});

export const NoticeSchema = z.looseObject({
  key: z.string().min(1).max(500),
  kind: z.enum([
    'warning',
    'urge',
    'bulletin',
    'case_opened',
    'case_step_overdue',
    'case_decision',
    'appeal_result',
    'item_event',
    'assignment',
  ]),
  subject: z.string().max(500),
  itemId: z.string().optional(),
  caseId: z.string().optional(),
  title: z.string().optional(),
  level: z.int().min(0).optional(),
  office: z.string().optional(),
  deadlineAt: z.iso.datetime({ offset: true }).optional(),
  localDeadline: z.string().optional(),
  receiptSummary: z.string().optional(),
  measures: z.array(MeasureSchema).optional(),
  next: z.string().optional(),
  body: z.string().optional(),
  recipients: z.array(RecipientSchema),
  leadUnit: z.looseObject({ id: z.string(), name: z.string() }).optional(),
  at: z.iso.datetime({ offset: true }),
  reason: z.enum(['deadline', 'interval', 'returned', 'missed_report', 'manual', 'instruction']).optional(),
  origin: z.looseObject({ kind: z.string().min(1), reference: z.string().max(500).optional() }).optional(),
  procedure: z.enum(['summary', 'formal']).optional(),
});

const BatchSchema = batchSchema(NoticeSchema);

const invalidInput = (what: string, error: z.ZodError): ApplicationFailure => {
  const issues = error.issues.map((i) => `${i.path.join('.') || `(${what})`}: ${i.message}`);
  return ApplicationFailure.create({
    type: 'InvalidInput',
    message: `invalid ${what}: ${issues.join('; ')}`,
    nonRetryable: true,
  });
};

export function parseNotice(input: unknown): Notice {
  const parsed = NoticeSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('notice', parsed.error);
  return parsed.data as Notice;
}

export function parseBatch(input: unknown): DeliveryBatch {
  const parsed = BatchSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('batch', parsed.error);
  return parsed.data as DeliveryBatch;
}

export function createNotificationActivities(channels: NotificationChannels) {
  const render = (notice: Notice) => renderNotice(notice, { timeZone: channels.timeZone });
  const log = channels.logger;

  async function deliverOn(
    channel: 'email' | 'webhook',
    input: unknown,
    send: (n: Notice) => Promise<DeliveryResult>,
  ): Promise<DeliveryResult> {
    const notice = parseNotice(input);
    try {
      const result = await send(notice);
      log?.info({ channel, key: notice.key, kind: notice.kind, result }, 'notice delivery');
      return result;
    } catch (err) {
      log?.warn(
        { channel, key: notice.key, kind: notice.kind, err: (err as Error).message },
        'notice delivery failed',
      );
      throw err;
    }
  }

  // One (notice, channel) pair: the channel's result, or its typed failure thrown.
  const sendOn = async (channel: Channel, n: Notice): Promise<DeliveryResult> => {
    if (channel === 'email') {
      if (!channels.email) return { channel, status: 'not_configured' };
      return sendEmailNotice(channels.email, n, render(n));
    }
    if (!channels.webhook) return { channel, status: 'not_configured' };
    return sendWebhookNotice(channels.webhook, n, render(n));
  };

  return {
    /**
     * 批量送达: every notice of one workflow step on every channel; per notice one result per
     * channel. Heartbeats the pairs done, and a retry skips them.
     */
    async deliverNotices(batch: DeliveryBatch): Promise<NoticeRecord[]> {
      const { notices, done } = parseBatch(batch);
      return deliverBatch(notices, sendOn, log, done);
    },
    /** 邮件: one message per recipient with an e-mail address. */
    async sendEmail(notice: Notice): Promise<DeliveryResult> {
      return deliverOn('email', notice, (n) => sendOn('email', n));
    },
    /** 推送: one signed POST per notice, for SMS gateways and chat robots. */
    async sendWebhook(notice: Notice): Promise<DeliveryResult> {
      return deliverOn('webhook', notice, (n) => sendOn('webhook', n));
    },
  };
}
