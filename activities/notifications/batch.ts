// deliverNotices (批量送达): every notice of one workflow step on every channel, in one activity.
// Each (notice, channel) pair is idempotent on the notice key (the receivers deduplicate), and the
// activity heartbeats the pairs it has finished, so a retried attempt skips them instead of sending
// again. A permanent refusal is a result (`failed`), not an error; a temporary failure of any pair
// is thrown, once every other pair has been tried, so the workflow's retry policy backs off. An
// attempt that learns it was given up (timed out, the worker shutting down, a cancel) sends nothing
// more: the attempt after it resumes from the heartbeat instead of racing it.
import { currentContext } from '../context';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';
import type { BatchProgress, Channel, DeliveryResult, Notice, NoticeRecord } from '../../workflows/types';

export const CHANNELS: readonly Channel[] = ['email', 'webhook'];

/** Large enough for any step (an urge, its bulletin, a decision to a dozen subjects). */
export const MAX_BATCH = 50;

/** While a pair is being sent: well inside the workflow's 30 s heartbeat timeout. */
const HEARTBEAT_EVERY_MS = 5_000;

export type SendOn = (channel: Channel, notice: Notice) => Promise<DeliveryResult>;

export interface BatchLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

const DeliveryResultSchema = z.looseObject({
  channel: z.enum(CHANNELS),
  status: z.enum(['delivered', 'not_configured', 'no_recipients', 'failed']),
  recipients: z.int().min(0).optional(),
  detail: z.string().optional(),
});

// Heartbeat details come back from the server: anything that does not read as progress is ignored
// (sending everything again is safe, only wasteful).
const ProgressSchema = z.looseObject({
  done: z.array(z.looseObject({ key: z.string(), result: DeliveryResultSchema })),
});

export function batchSchema(notice: z.ZodType) {
  return z.strictObject({
    inRecordBatch: z.literal(true).optional(),
    done: ProgressSchema.shape.done.max(MAX_BATCH * CHANNELS.length).optional(),
    notices: z
      .array(notice)
      .max(MAX_BATCH)
      .superRefine((notices, ctx) => {
        const seen = new Set<string>();
        notices.forEach((n, i) => {
          const key = (n as { key: string }).key;
          if (seen.has(key))
            ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `duplicate key ${key}` });
          seen.add(key);
        });
      }),
  });
}

const pairId = (key: string, channel: Channel): string => `${channel} ${key}`;

/** The pairs a previous attempt finished, from its heartbeat details. */
export function resumedPairs(details: unknown, keys: ReadonlySet<string>): Map<string, DeliveryResult> {
  const parsed = ProgressSchema.safeParse(details);
  const done = new Map<string, DeliveryResult>();
  if (!parsed.success) return done;
  for (const { key, result } of parsed.data.done) {
    if (keys.has(key)) done.set(pairId(key, result.channel), result as DeliveryResult);
  }
  return done;
}

function record(notice: Notice, deliveries: DeliveryResult[]): NoticeRecord {
  return {
    key: notice.key,
    kind: notice.kind,
    subject: notice.subject,
    at: notice.at,
    recipients: notice.recipients.map((r) => r.id),
    deliveries,
  };
}

/**
 * Delivers `notices` (already validated) with `send`, resuming from the context's heartbeat
 * details or, when there are none, from `earlier` (what the workflow's in-task attempt finished).
 * The two channels run side by side, each going through the notices in order, so a slow or failing
 * channel never holds up the other.
 */
export async function deliverBatch(
  notices: readonly Notice[],
  send: SendOn,
  log?: BatchLogger,
  earlier?: BatchProgress['done'],
): Promise<NoticeRecord[]> {
  const ctx = currentContext();
  const keys = new Set(notices.map((n) => n.key));
  const heartbeat = resumedPairs(ctx?.info.heartbeatDetails, keys);
  const done = heartbeat.size > 0 ? heartbeat : resumedPairs({ done: earlier ?? [] }, keys);
  // a local activity cannot heartbeat: its progress reaches the workflow with its failure
  const beat = ctx?.info.isLocal ? undefined : ctx;
  const pending = new Map<string, { key: string; channel: Channel; detail: string; retryMs?: number }>();
  const progress = (): BatchProgress => ({
    done: [...done.entries()].map(([id, result]) => ({ key: id.slice(id.indexOf(' ') + 1), result })),
    ...(pending.size > 0 ? { pending: [...pending.values()].map(({ retryMs: _, ...p }) => p) } : {}),
  });
  const skipped = done.size;

  // set by a heartbeat that finds the attempt timed out or gone, or by a cancel or a shutdown
  const stopped = () => ctx?.cancellationSignal.aborted === true;

  async function lane(channel: Channel): Promise<void> {
    for (const notice of notices) {
      const id = pairId(notice.key, channel);
      if (done.has(id)) continue;
      if (stopped()) return;
      const base = { channel, key: notice.key, kind: notice.kind, attempt: ctx?.info.attempt };
      try {
        const result = await send(channel, notice);
        done.set(id, result);
        log?.info({ ...base, result }, 'notice delivery');
      } catch (err) {
        const failure = err instanceof ApplicationFailure ? err : undefined;
        const detail = (err as Error).message;
        if (failure?.nonRetryable) {
          // Refused for good (a 550 mailbox, a 404 endpoint): another attempt would be refused too.
          done.set(id, { channel, status: 'failed', detail });
        } else {
          const retryMs = failure?.nextRetryDelay ? msToNumber(failure.nextRetryDelay) : undefined;
          pending.set(id, { key: notice.key, channel, detail, ...(retryMs ? { retryMs } : {}) });
        }
        log?.warn({ ...base, err: detail }, 'notice delivery failed');
      }
      beat?.heartbeat(progress());
    }
  }

  // A single pair may take longer than the heartbeat timeout (an SMTP session per recipient).
  const ticker = beat ? setInterval(() => beat.heartbeat(progress()), HEARTBEAT_EVERY_MS) : undefined;
  try {
    await Promise.all(CHANNELS.map(lane));
  } finally {
    if (ticker) clearInterval(ticker);
  }
  if (stopped() && done.size < notices.length * CHANNELS.length) {
    beat?.heartbeat(progress()); // the next attempt starts from what this one finished
    // Only a cancel the workflow asked for is a cancellation. A timeout or a shutdown is a failed
    // attempt: the in-task attempt's workflow then goes on with the regular activity from its
    // progress (a CancelledFailure there would read as the workflow's own cancellation).
    if (ctx?.cancellationDetails?.cancelRequested) {
      const reason: unknown = ctx.cancellationSignal.reason;
      throw reason instanceof CancelledFailure ? reason : new CancelledFailure(String(reason ?? 'cancelled'));
    }
    throw ApplicationFailure.create({
      type: 'DeliveryAttemptStopped',
      message: `delivery attempt stopped (${String(ctx?.cancellationSignal.reason ?? 'cancelled')}) after ${done.size} of ${notices.length * CHANNELS.length} deliveries`,
      nonRetryable: false,
      details: [progress()],
    });
  }

  if (pending.size > 0) {
    const reasons = [...pending.values()].map((p) => `${p.channel} ${p.key}: ${p.detail}`);
    const retryMs = Math.max(0, ...[...pending.values()].map((p) => p.retryMs ?? 0));
    throw ApplicationFailure.create({
      type: 'TransientDeliveryFailure',
      message: `${pending.size} of ${notices.length * CHANNELS.length} deliveries failed (temporary failure): ${reasons.join('; ')}`,
      nonRetryable: false,
      details: [progress()],
      ...(retryMs > 0 ? { nextRetryDelay: retryMs } : {}),
    });
  }
  if (skipped > 0) log?.info({ skipped, attempt: ctx?.info.attempt }, 'notice batch resumed');
  return notices.map((n) =>
    record(
      n,
      CHANNELS.map((c) => done.get(pairId(n.key, c)) as DeliveryResult),
    ),
  );
}
