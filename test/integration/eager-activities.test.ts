// Eager activity dispatch (the "eager activity dispatch on the dev server and compose"): the
// dev server `npm start` runs (scripts/dev-server.ts) hands the activities a workflow task schedules
// back with that task's completion; with the setting off (the default of a server built from Go
// source) none is. config/temporal-cluster-dynamicconfig.yaml turns it on for `npm run cluster`
// (test/cluster/eager-activities.test.ts) and docker-compose (test/unit/operations.test.ts).
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath } from '../../config/temporal-binaries';
import { freePort, startDevServer } from '../../scripts/dev-server';
import { EagerProbe, eagerCountAfter, metricSum } from '../helpers/eager';

jest.setTimeout(120_000);

let probe: EagerProbe;
beforeAll(async () => {
  probe = await EagerProbe.start();
});
afterAll(async () => {
  await probe?.close();
});

test('the dev server npm start runs dispatches a workflow task’s activities eagerly', async () => {
  const metricsPort = await freePort();
  const server = await startDevServer({
    port: 0,
    headless: true,
    logLevel: 'error',
    extraArgs: ['--metrics-port', String(metricsPort)],
  });
  const connection = await Connection.connect({ address: server.address });
  try {
    const taskQueue = await probe.deliver(server.address, new Client({ connection }));
    // both activities (e-mail, webhook) handed back with the task that scheduled them
    expect(await eagerCountAfter(`http://127.0.0.1:${metricsPort}/metrics`, taskQueue, 2, 15_000)).toBe(2);
  } finally {
    await connection.close();
    await server.stop();
  }
});

test('with the setting off, the same workflow’s activities go through matching', async () => {
  const metricsPort = await freePort();
  const metrics = `http://127.0.0.1:${metricsPort}/metrics`;
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      extraArgs: [
        '--log-level',
        'error',
        '--metrics-port',
        String(metricsPort),
        // the CLI's dev server has it on by default; a server built from Go source has it off
        '--dynamic-config-value',
        'system.enableActivityEagerExecution=false',
      ],
    },
  });
  try {
    const taskQueue = await probe.deliver(env.address, env.client);
    // the server saw both activities of the queue, and in as long as the count above takes to show,
    // it counts none of them as eager
    expect(await metricSum(metrics, 'activity_end_to_end_latency_count', taskQueue)).toBe(2);
    expect(await eagerCountAfter(metrics, taskQueue, 1, 5_000)).toBe(0);
  } finally {
    await env.teardown();
  }
});
