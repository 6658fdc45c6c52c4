// Two workers on the cluster share a deadline storm; one is SIGKILLed while the urges go out and is
// not restarted. The other must take over every item: each urge (item × level) reaches the
// deduplicating webhook receiver exactly once as a unique delivery (a raw repeat of a POST that
// landed just before the kill is allowed, and counted), and no item is left behind.
//
// DUBAN_CLUSTER_STORM_ITEMS (default 300) items share one deadline under the drill policy of
// test/helpers/storm.ts (urges 0 s, 6 s and 12 s after it).
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { clusterState } from '../helpers/cluster';
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from '../helpers/receivers';
import { pollUntil, spawnWorker, type WorkerProcess } from '../helpers/reliability';
import { inBatches, startDrillItem, stormPolicy, urgeKey } from '../helpers/storm';
import { getItemState } from '../../workflows/messages';
import { itemWorkflowId } from '../../workflows/ids';
import type { SupervisionState } from '../../workflows/types';

const ITEMS = Number(process.env.DUBAN_CLUSTER_STORM_ITEMS ?? 300);
const LEVELS = stormPolicy.reminders.length;

jest.setTimeout(900_000);

let connection: Connection | undefined;
let receiver: WebhookReceiver | undefined;
const workers: WorkerProcess[] = [];

afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  await connection?.close();
  await receiver?.close();
});

test(`${ITEMS} items, two workers, one SIGKILLed in the storm: the other delivers every urge once`, async () => {
  const cluster = clusterState();
  const secret = newWebhookSecret();
  receiver = await startWebhookReceiver({ secret });
  connection = await Connection.connect({ address: cluster.temporalAddress });
  const client = new Client({ connection, namespace: cluster.namespace });
  const taskQueue = `cluster-failover-${randomUUID()}`;
  const start = () => {
    const w = spawnWorker({
      address: cluster.temporalAddress,
      namespace: cluster.namespace,
      taskQueue,
      webhook: { url: receiver!.url, secret },
    });
    workers.push(w);
    return w;
  };
  const [a, b] = [start(), start()];
  await Promise.all([a.ready, b.ready]);

  // one deadline for all, far enough out that every item is started and planned before it
  const t0 = Date.now();
  const deadline = new Date(t0 + (20 + ITEMS / 10) * 1000);
  const ids = Array.from({ length: ITEMS }, (_, i) => `fo-${i}-${randomUUID().slice(0, 6)}`);
  await inBatches(ids, 16, (id) =>
    startDrillItem(client, taskQueue, id, { due: { at: deadline.toISOString() } }),
  );
  const startedMs = Date.now() - t0;
  expect(Date.now()).toBeLessThan(deadline.getTime());

  // the kill lands in the first urges' wave, while deliveries are in flight
  const expected = new Set(ids.flatMap((id) => Array.from({ length: LEVELS }, (_, l) => urgeKey(id, l + 1))));
  const uniqueUrges = () => receiver!.received.filter((r) => r.id.endsWith(':urge'));
  await pollUntil(
    () => uniqueUrges().length >= expected.size * 0.15,
    deadline.getTime() - Date.now() + 120_000,
    20,
  );
  const deliveredAtKill = uniqueUrges().length;
  const killedAt = Date.now();
  await a.kill('SIGKILL');
  // the survivor must stay up: if it dies too, nothing can answer, so stop waiting and say why
  const survivorGone = () => b.child.exitCode !== null || b.child.signalCode !== null;
  const survivorDied = () =>
    new Error(
      `the surviving worker exited (code ${b.child.exitCode}, signal ${b.child.signalCode}) ` +
        `${Date.now() - killedAt} ms after the kill, with ${uniqueUrges().length}/${expected.size} urges in:\n${b.tail()}`,
    );

  const complete = await pollUntil(
    () => survivorGone() || uniqueUrges().length >= expected.size,
    300_000,
    250,
  );
  if (survivorGone()) throw survivorDied();
  const doneAt = Date.now();
  // a task the killed worker held is retried after its timeout: let the states settle too. Until
  // then the server refuses queries of such an item ("Workflow Task in failed state": its task is on
  // a second attempt), so a refused query means "not yet"
  // (each query settles on its own: a rejected batch must not leave queries in flight behind it)
  let states: SupervisionState[] = [];
  await pollUntil(
    async () => {
      if (survivorGone()) return true;
      const got = await inBatches(ids, 10, (id) =>
        client.workflow
          .getHandle(itemWorkflowId(id))
          .query(getItemState)
          .catch(() => undefined),
      );
      if (got.some((s) => s === undefined)) return false;
      states = got as SupervisionState[];
      return states.every((s) => s.reminders.length === LEVELS);
    },
    120_000,
    1000,
  );
  if (survivorGone()) throw survivorDied();
  expect(states).toHaveLength(ITEMS);

  const urges = uniqueUrges();
  const got = new Set(urges.map((r) => r.id));
  const rawUrgePosts = receiver.requests.filter((r) => r.id?.endsWith(':urge') && r.status === 204).length;
  const summary = {
    items: ITEMS,
    startedMs,
    deadline: deadline.toISOString(),
    deliveredAtKill,
    killAfterDeadlineMs: killedAt - deadline.getTime(),
    expectedUrges: expected.size,
    uniqueUrges: urges.length,
    rawUrgePosts,
    duplicateUrgePosts: rawUrgePosts - urges.length,
    lastUrgeAfterKillMs: doneAt - killedAt,
    deliveredAfterKill: urges.length - deliveredAtKill,
  };
  process.stdout.write(`cluster worker failover: ${JSON.stringify(summary)}\n`);

  expect(complete).toBe(true);
  expect([...expected].filter((k) => !got.has(k))).toEqual([]);
  expect([...got].filter((k) => !expected.has(k))).toEqual([]);
  expect(urges).toHaveLength(expected.size);
  expect(receiver.requests.every((r) => r.verified)).toBe(true);
  // the survivor did the rest: the killed one is gone, deliveries went on after the kill
  expect(a.child.signalCode).toBe('SIGKILL');
  expect(b.child.exitCode).toBeNull();
  expect(summary.deliveredAfterKill).toBeGreaterThan(0);
  for (const s of states) {
    expect({ id: s.id, levels: s.reminders.map((r) => r.level), urges: s.urgeCount }).toEqual({
      id: s.id,
      levels: [1, 2, 3],
      urges: LEVELS,
    });
    const keys = s.notices.map((n) => n.key);
    expect(new Set(keys).size).toBe(keys.length);
  }
});
