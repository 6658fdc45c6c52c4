// Delivering a notice from a workflow: one activity per channel so a retry of one channel never
// repeats another, each idempotent on the notice's key. A delivery that still fails after its
// retries is recorded, never thrown: a lost e-mail must not stop the supervision process.
import { ActivityFailure, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Channel, DeliveryResult, Notice, NoticeRecord } from './types';

/** How every notice is delivered: bounded backoff, permanent refusals not retried. */
export const DELIVERY: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 8,
    nonRetryableErrorTypes: ['PermanentDeliveryFailure', 'InvalidInput'],
  },
};

const { sendEmail, sendWebhook } = proxyActivities<Activities>(DELIVERY);

const CHANNELS: { channel: Channel; label: string; send: typeof sendEmail }[] = [
  { channel: 'email', label: '邮件', send: sendEmail },
  { channel: 'webhook', label: '推送', send: sendWebhook },
];

/** Sends a notice on every channel concurrently and returns what happened on each. */
export async function deliver(notice: Notice): Promise<NoticeRecord> {
  const deliveries = await Promise.all(
    CHANNELS.map(async ({ channel, label, send }): Promise<DeliveryResult> => {
      try {
        return await send.executeWithOptions({ ...DELIVERY, summary: `${label}：${notice.subject}` }, [
          notice,
        ]);
      } catch (err) {
        if (err instanceof ActivityFailure) {
          return { channel, status: 'failed', detail: err.cause?.message ?? err.message };
        }
        throw err;
      }
    }),
  );
  return {
    key: notice.key,
    kind: notice.kind,
    subject: notice.subject,
    at: notice.at,
    recipients: notice.recipients.map((r) => r.id),
    deliveries,
  };
}

export const deliveryFailed = (r: NoticeRecord): boolean => r.deliveries.some((d) => d.status === 'failed');

/** Delivers a step's notices together. */
export const deliverAll = (notices: Notice[]): Promise<NoticeRecord[]> => Promise.all(notices.map(deliver));
