// The storm's yardstick: the least a deadline can cost on Temporal — one timer, then one activity
// (the real sendWebhook, so the same HTTP path and receiver) — with none of the item's logic.
// Bench-only: bundled by the benchmark's worker, never part of the production bundle.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { DELIVERY } from '../../workflows/notify';
import type { DeliveryResult, Notice } from '../../workflows/types';

// the retry policy the item's own deliveries use
const { sendWebhook } = proxyActivities<Activities>(DELIVERY);

export interface BaselineInput {
  /** the deadline, ISO instant */
  at: string;
  notice: Notice;
}

export async function benchBaseline(input: BaselineInput): Promise<DeliveryResult> {
  const delay = Date.parse(input.at) - Date.now();
  if (delay > 0) await sleep(delay);
  return sendWebhook({ ...input.notice, at: new Date().toISOString() });
}
