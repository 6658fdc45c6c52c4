// Notification activities (通知送达): sendEmail and sendWebhook, one per channel, built from the
// channels the worker configured. Each is idempotent on the notice's key; a permanent refusal is a
// non-retryable PermanentDeliveryFailure, anything that may pass on its own is retried by the
// workflow's retry policy (workflows/notify.ts).
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import type { Config } from '../../config';
import type { DeliveryResult, Notice } from '../../workflows/types';
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
});

export function parseNotice(input: unknown): Notice {
  const parsed = NoticeSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(notice)'}: ${i.message}`);
    throw ApplicationFailure.create({
      type: 'InvalidInput',
      message: `invalid notice: ${issues.join('; ')}`,
      nonRetryable: true,
    });
  }
  return parsed.data as Notice;
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

  return {
    /** 邮件: one message per recipient with an e-mail address. */
    async sendEmail(notice: Notice): Promise<DeliveryResult> {
      return deliverOn('email', notice, async (n) => {
        if (!channels.email) return { channel: 'email', status: 'not_configured' };
        return sendEmailNotice(channels.email, n, render(n));
      });
    },
    /** 推送: one signed POST per notice, for SMS gateways and chat robots. */
    async sendWebhook(notice: Notice): Promise<DeliveryResult> {
      return deliverOn('webhook', notice, async (n) => {
        if (!channels.webhook) return { channel: 'webhook', status: 'not_configured' };
        return sendWebhookNotice(channels.webhook, n, render(n));
      });
    },
  };
}
