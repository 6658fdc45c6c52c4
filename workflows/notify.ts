// Delivering notices from a workflow. deliverAll: one deliverNotices activity per batch (the notices
// one step produces), which heartbeats the (notice, channel) pairs it finished so a retry never
// repeats them; each pair is idempotent on the notice's key. It writes no SQL: the results reach
// the record with the workflow's next record batch (deliveriesInBatch). Since patch notices-in-task a
// step no Update decided is first tried once inside its own task, as a local activity, so an urge
// reaches its receivers without a round-trip through the server. deliver: the older one activity per
// channel, kept for running histories. A delivery that still fails after its retries is recorded,
// never thrown: a lost e-mail must not stop the supervision process.
import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  TimeoutFailure,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NOTICES_IN_TASK, type Patched } from './shared/patches';
import type { BatchProgress, Channel, DeliveryResult, Notice, NoticeRecord } from './types';

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

const { sendEmail, sendWebhook, deliverNotices } = proxyActivities<Activities>(DELIVERY);

/**
 * The in-task attempt (patch notices-in-task): one try, bounded, so a mail server that hangs holds
 * the step's task for seconds at most; whatever it leaves undone goes on with deliverNotices.
 */
const IN_TASK = { startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 1 } } as const;
const { deliverNotices: deliverNoticesInTask } = proxyLocalActivities<Activities>(IN_TASK);

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
  return recordOf(notice, deliveries);
}

export const deliveryFailed = (r: NoticeRecord): boolean => r.deliveries.some((d) => d.status === 'failed');

/**
 * A batch gets the same bounded backoff, a heartbeat timeout that notices a dead worker in 30 s,
 * and a start-to-close timeout long enough for each notice's slowest channel in turn.
 */
export function batchOptions(notices: readonly Notice[]): ActivityOptions {
  const first = notices[0]?.subject.split('：')[0] ?? '';
  return {
    ...DELIVERY,
    startToCloseTimeout: `${30 + 60 * notices.length} seconds`,
    heartbeatTimeout: '30 seconds',
    summary: `通知：${first}${notices.length > 1 ? `等${notices.length}条` : ''}`,
  };
}

const CHANNEL_ORDER: readonly Channel[] = ['email', 'webhook'];

function asProgress(value: unknown): BatchProgress | undefined {
  const p = value as BatchProgress | undefined;
  return p && Array.isArray(p.done) ? p : undefined;
}

/** What the last attempt reported: the failure's details, or a timed-out attempt's heartbeat. */
function progressOf(err: ActivityFailure | ApplicationFailure): BatchProgress | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return asProgress(cause.details?.[0]);
  if (cause instanceof TimeoutFailure) return asProgress(cause.lastHeartbeatDetails);
  return undefined;
}

/** Records for a batch whose activity finally failed: what was done stands, the rest `failed`. */
export function afterFailure(notices: readonly Notice[], err: ActivityFailure): NoticeRecord[] {
  const progress = progressOf(err);
  const reason = err.cause?.message ?? err.message;
  const result = (key: string, channel: Channel): DeliveryResult =>
    progress?.done.find((d) => d.key === key && d.result.channel === channel)?.result ?? {
      channel,
      status: 'failed',
      detail: progress?.pending?.find((p) => p.key === key && p.channel === channel)?.detail ?? reason,
    };
  return notices.map((n) =>
    recordOf(
      n,
      CHANNEL_ORDER.map((c) => result(n.key, c)),
    ),
  );
}

function recordOf(notice: Notice, deliveries: DeliveryResult[]): NoticeRecord {
  return {
    key: notice.key,
    kind: notice.kind,
    subject: notice.subject,
    at: notice.at,
    recipients: notice.recipients.map((r) => r.id),
    deliveries,
  };
}

/** the patch that moved the delivery rows from the delivery activity into the record batch */
export const DELIVERIES_IN_BATCH = 'deliveries-in-record-batch';

/**
 * Whether this run's record batches carry its notices' delivery rows (true), or, as runs started
 * before DELIVERIES_IN_BATCH did, deliverNotices writes them to SQL before it answers. Then a
 * database that was down held every notice lane at its first batch: the warning went out, its
 * result could not be written, and the urge behind it waited for the database. The workflow's
 * record lane retries without end, so the rows catch up when the database is back, with the rest.
 */
export function deliveriesInBatch(patched: Patched): boolean {
  return patched(DELIVERIES_IN_BATCH);
}

/**
 * Sends every notice of one step (an urge and its bulletin, say) on every channel with one activity
 * and returns one record per notice, in order, each with a result per channel. Never throws for a
 * delivery: what still fails after the retries is `failed` with the reason. No notices, no activity.
 * `inTask` (patch notices-in-task): first one attempt inside the task that decided the step.
 */
export async function deliverAll(
  notices: Notice[],
  patched: Patched,
  inTask = false,
  /** told once the in-task try is over, before what it left undone is handed on */
  tried: () => void = () => undefined,
): Promise<NoticeRecord[]> {
  let done: BatchProgress['done'] | undefined;
  try {
    if (notices.length === 0) return [];
    if (inTask && patched(NOTICES_IN_TASK)) {
      try {
        return await deliverNoticesInTask({ notices, inRecordBatch: true });
      } catch (err) {
        // a local activity's own failure arrives unwrapped; a timeout comes as an ActivityFailure
        const failed = err instanceof ActivityFailure || err instanceof ApplicationFailure;
        if (!failed || isCancellation(err)) throw err;
        done = progressOf(err)?.done; // a timed-out attempt reports nothing: the receivers deduplicate
      }
    }
  } finally {
    tried();
  }
  try {
    const batch = deliveriesInBatch(patched)
      ? { notices, inRecordBatch: true as const, ...(done?.length ? { done } : {}) }
      : { notices };
    return await deliverNotices.executeWithOptions(batchOptions(notices), [batch]);
  } catch (err) {
    // A cancelled workflow stops here; only a delivery that failed becomes a record.
    if (err instanceof ActivityFailure && !isCancellation(err)) return afterFailure(notices, err);
    throw err;
  }
}
