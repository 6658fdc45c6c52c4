// Eager activity dispatch, as a server reports it: the server hands an activity that a workflow task
// schedules on its own queue back with that task's completion, and counts it in its Prometheus
// counter activity_eager_execution. Used against the dev server (test/integration) and the cluster
// (test/cluster).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createNotificationActivities } from '../../activities/notifications';
import type { Notice } from '../../workflows/types';
import type { deliverNotice } from '../integration/notifications.workflow';
import { bundleNotificationWorkflows } from './deliveries';
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from './receivers';
import { pollUntil } from './reliability';

/** a metric's sum over the series of `taskQueue` (Prometheus spells its `-` as `_`) */
export async function metricSum(metricsUrl: string, metric: string, taskQueue: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const label = `taskqueue="${taskQueue.replace(/[^A-Za-z0-9_]/g, '_')}"`;
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${metric}{`) && l.includes(label))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** the server flushes its counters every second or so: the eager count once it reaches `atLeast`, or after `within` ms */
export async function eagerCountAfter(
  metricsUrl: string,
  taskQueue: string,
  atLeast: number,
  within: number,
) {
  const count = () => metricSum(metricsUrl, 'activity_eager_execution', taskQueue);
  await pollUntil(async () => (await count()) >= atLeast, within, 100);
  return count();
}

const notice = (key: string): Notice => ({
  key,
  kind: 'urge',
  subject: '第一次催办：城区道路积水整治',
  itemId: 'item-eager',
  title: '城区道路积水整治',
  level: 1,
  office: '市政府办公室',
  deadlineAt: '2026-10-23T15:59:59.999Z',
  recipients: [{ id: 'p-zhang', name: '张伟', role: 'liaison' }],
  leadUnit: { id: 'u-jt', name: '市交通运输局' },
  at: '2026-10-29T01:00:00.000Z',
});

/** Runs deliverNotice (the per-channel regular activities, e-mail and webhook) on fresh task queues. */
export class EagerProbe {
  private constructor(
    private readonly bundle: WorkflowBundleWithSourceMap,
    private readonly hook: WebhookReceiver,
    private readonly secret: string,
  ) {}

  static async start(): Promise<EagerProbe> {
    const secret = newWebhookSecret();
    const [bundle, hook] = await Promise.all([
      bundleNotificationWorkflows(),
      startWebhookReceiver({ secret }),
    ]);
    return new EagerProbe(bundle, hook, secret);
  }

  /** delivers one notice on a new task queue of the server at `address`; answers the queue */
  async deliver(address: string, client: Client, namespace = 'default'): Promise<string> {
    const connection = await NativeConnection.connect({ address });
    const taskQueue = `eager-${randomUUID()}`;
    try {
      const worker = await Worker.create({
        connection,
        namespace,
        taskQueue,
        workflowBundle: this.bundle,
        activities: createNotificationActivities({ webhook: { url: this.hook.url, secret: this.secret } }),
      });
      const record = await worker.runUntil(
        client.workflow.execute<typeof deliverNotice>('deliverNotice', {
          args: [notice(taskQueue)],
          taskQueue,
          workflowId: taskQueue,
        }),
      );
      if (record.deliveries.find((d) => d.channel === 'webhook')?.status !== 'delivered')
        throw new Error(`the probe's webhook was not delivered: ${JSON.stringify(record.deliveries)}`);
      return taskQueue;
    } finally {
      await connection.close();
    }
  }

  close(): Promise<void> {
    return this.hook.close();
  }
}
