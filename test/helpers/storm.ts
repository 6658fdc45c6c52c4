// Shared pieces of the reliability tests: a drill policy whose whole ladder runs within seconds,
// items started straight through the client, and reading many items' state in bounded batches.
import type { Client } from '@temporalio/client';
import { getItemState } from '../../workflows/messages';
import { itemWorkflowId } from '../../workflows/ids';
import type { Policy, SupervisionInput, SupervisionState } from '../../workflows/types';
import { itemInput } from './fixtures';

/** warn 3 s before a drill deadline, then three urges 0 s, 6 s and 12 s after it */
export const stormPolicy: Policy = {
  name: 'storm-drill',
  warnBefore: { duration: 'PT3S' },
  reminders: [
    {
      name: '第一次催办',
      after: { duration: 'PT0S' },
      notice: { by: '督查室' },
      measures: [{ code: 'admonition_talk' }],
    },
    {
      name: '第二次催办',
      after: { duration: 'PT6S' },
      notice: { by: '政府办公室' },
      measures: [{ code: 'public_criticism' }],
    },
    {
      name: '第三次催办',
      after: { duration: 'PT6S' },
      notice: { by: '政府办公室' },
      measures: [{ code: 'public_apology' }],
    },
  ],
};

export const urgeKey = (itemId: string, level: number): string => `${itemId}:L${level}:urge`;

export async function startDrillItem(
  client: Client,
  taskQueue: string,
  itemId: string,
  overrides: Partial<SupervisionInput> = {},
): Promise<void> {
  const input = itemInput({
    itemId,
    assignedAt: new Date().toISOString(),
    due: { duration: 'PT10S' },
    policy: stormPolicy,
    ...overrides,
  });
  await client.workflow.start('supervisionItem', {
    workflowId: itemWorkflowId(itemId),
    taskQueue,
    args: [input],
  });
}

/** Runs fn over items with at most `concurrency` calls in flight. */
export async function inBatches<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  });
  await Promise.all(lanes);
  return out;
}

export async function queryStates(client: Client, itemIds: readonly string[]): Promise<SupervisionState[]> {
  return inBatches(itemIds, 10, (id) => client.workflow.getHandle(itemWorkflowId(id)).query(getItemState));
}
