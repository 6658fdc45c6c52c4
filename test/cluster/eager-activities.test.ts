// The cluster's Temporal server (built from Go source, where eager activity dispatch is off by
// default) dispatches a workflow task's activities eagerly, as config/temporal-cluster-dynamicconfig.yaml
// sets: its own metrics endpoint counts both activities of the probe's workflow as eager.
import { Client, Connection } from '@temporalio/client';
import { PORTS } from '../../scripts/cluster';
import { clusterState } from '../helpers/cluster';
import { EagerProbe, eagerCountAfter } from '../helpers/eager';

jest.setTimeout(120_000);

test('the cluster server hands a workflow task’s activities back with its completion', async () => {
  const cluster = clusterState();
  const probe = await EagerProbe.start();
  const connection = await Connection.connect({ address: cluster.temporalAddress });
  try {
    const client = new Client({ connection, namespace: cluster.namespace });
    const taskQueue = await probe.deliver(cluster.temporalAddress, client, cluster.namespace);
    const metrics = `http://127.0.0.1:${PORTS.temporalMetrics}/metrics`;
    expect(await eagerCountAfter(metrics, taskQueue, 2, 15_000)).toBe(2);
  } finally {
    await connection.close();
    await probe.close();
  }
});
