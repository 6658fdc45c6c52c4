// The worker's workflow-task slots (DUBAN_WORKFLOW_TASK_SLOTS): a step holds its slot through its
// local activities, so the slots bound how many steps' notices are on their way at once. Against
// a real dev server: five items whose assignment notices are held in the delivery until released.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { officialCalendar } from '../../domain/calendar/official';
import { createWorker } from '../../worker/worker';
import { itemWorkflowId } from '../../workflows/ids';
import type { DeliveryBatch } from '../../workflows/types';
import { itemInput } from '../helpers/fixtures';
import { memoryRecord } from '../helpers/record';
import { createDevServerEnv } from '../helpers/temporal';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createDevServerEnv();
});

afterAll(async () => {
  await env?.teardown();
});

/** Runs five items on a worker with `slots` task slots; answers the most deliveries seen at once. */
async function mostDeliveriesAtOnce(slots: number): Promise<{ most: number; delivered: number }> {
  const taskQueue = `slots-${randomUUID()}`;
  const deps = { calendar: officialCalendar(), channels: {}, record: await memoryRecord() };
  const real = createActivities(deps);
  let holding = 0;
  let most = 0;
  let delivered = 0;
  const held: (() => void)[] = [];
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') }),
    deps,
    workflowTaskSlots: slots,
    activities: {
      ...real,
      async deliverNotices(batch: DeliveryBatch) {
        holding += 1;
        most = Math.max(most, holding);
        await new Promise<void>((release) => held.push(release));
        holding -= 1;
        delivered += 1;
        return real.deliverNotices(batch);
      },
    },
  });
  return worker.runUntil(async () => {
    const inputs = Array.from({ length: 5 }, () => itemInput());
    await Promise.all(
      inputs.map((input) =>
        env.client.workflow.start('supervisionItem', {
          workflowId: itemWorkflowId(input.itemId),
          taskQueue,
          args: [input],
        }),
      ),
    );
    // let every task the slots admit reach its delivery (nothing new for half a second), then release one
    let seen = -1;
    while (delivered < inputs.length) {
      await new Promise((r) => setTimeout(r, 500));
      const arrived = delivered + held.length;
      if (arrived === seen || held.length === inputs.length - delivered) held.shift()?.();
      seen = arrived;
    }
    return { most, delivered };
  });
}

test('three slots: no more than three steps deliver at once, and every item still gets its notice', async () => {
  const r = await mostDeliveriesAtOnce(3);
  expect(r.delivered).toBe(5);
  // (a poller may keep a slot of its own reserved, so fewer than three may be seen)
  expect(r.most).toBeLessThanOrEqual(3);
});

test('the default slots take all five steps at once', async () => {
  const r = await mostDeliveriesAtOnce(40);
  expect(r.most).toBe(5);
});
