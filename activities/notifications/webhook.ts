// Webhook delivery, signed as the Standard Webhooks specification says so any receiver (an SMS
// gateway, a 钉钉/企业微信 robot bridge) can verify it with the standardwebhooks package. The
// webhook-id is the notice's idempotency key and the body is the same on every attempt: only the
// timestamp and the signature change, and a receiver deduplicates on webhook-id.
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import type { DeliveryResult, Notice } from '../../workflows/types';
import type { RenderedNotice } from './templates';

export interface WebhookChannel {
  url: string;
  /** `whsec_` + base64 */
  secret: string;
  /** per request; default 10 s */
  timeoutMs?: number;
}

export interface WebhookBody {
  /** `duban.<kind>`, e.g. `duban.urge` */
  type: string;
  /** when the notice was decided (the notice's `at`), not when this attempt was made */
  timestamp: string;
  data: Notice & { text: string };
}

export function webhookBody(notice: Notice, rendered: RenderedNotice): WebhookBody {
  return {
    type: `duban.${notice.kind}`,
    timestamp: notice.at,
    data: { ...notice, subject: rendered.subject, text: rendered.text },
  };
}

/** The headers for one attempt; `now` is the attempt's time. */
export function signedHeaders(
  secret: string,
  id: string,
  body: string,
  now: Date = new Date(),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, now, body),
  };
}

/** Shown in logs: the query string may hold a robot's access token, so only origin and path. */
export function describeWebhookUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

// The receiver may ask us to wait; honoured up to the workflow's maximum retry interval.
const MAX_RETRY_AFTER_MS = 120_000;

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}

async function snippet(res: Response): Promise<string> {
  try {
    return (await res.text()).slice(0, 200);
  } catch {
    return '';
  }
}

export async function sendWebhookNotice(
  channel: WebhookChannel,
  notice: Notice,
  rendered: RenderedNotice,
): Promise<DeliveryResult> {
  const body = JSON.stringify(webhookBody(notice, rendered));
  const where = describeWebhookUrl(channel.url);
  let res: Response;
  try {
    res = await fetch(channel.url, {
      method: 'POST',
      headers: signedHeaders(channel.secret, notice.key, body),
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(channel.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause;
    throw ApplicationFailure.create({
      type: 'TransientDeliveryFailure',
      message: `webhook ${where} unreachable (temporary failure): ${(err as Error).message}${cause ? ` (${cause.message})` : ''}`,
      nonRetryable: false,
    });
  }
  const status = res.status;
  if (status >= 200 && status < 300) {
    await snippet(res); // drain, so the connection can be reused
    return {
      channel: 'webhook',
      status: 'delivered',
      recipients: notice.recipients.length,
      detail: `HTTP ${status}`,
    };
  }
  const text = await snippet(res);
  const message = `webhook ${where} answered HTTP ${status}${text ? `: ${text}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    throw ApplicationFailure.create({
      type: 'TransientDeliveryFailure',
      message: `${message} (temporary failure)`,
      nonRetryable: false,
      nextRetryDelay: retryAfterMs(res.headers.get('retry-after')),
    });
  }
  // Other 4xx (and redirects, which a signed POST must not follow) will not change on a retry.
  throw ApplicationFailure.create({ type: 'PermanentDeliveryFailure', message, nonRetryable: true });
}
