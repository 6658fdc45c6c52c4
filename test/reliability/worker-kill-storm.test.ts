// Escalation storm with worker crashes: many drill items escalate within seconds on a real dev
// server while the worker process (dist/worker/main.js) is SIGKILLed at random moments and started
// again. At the end every expected urge (item × level) must have reached the webhook receiver, which
// deduplicates on webhook-id, exactly once as a unique delivery; raw duplicates (a POST that
// succeeded just before the crash and was retried) are allowed and counted. No item may be stuck.
// The record (a private PostgreSQL server) must hold every item's rows exactly once: the workflow's
// history line for line, every level, case and delivery, and `verify-records` finds no difference.
//
// CI: 50 items, 3 kills. DUBAN_LONG=1: 500 items. DUBAN_SEED=<n> replays a storm's kill times.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from '../helpers/receivers';
import { inBatches, queryStates, startDrillItem, stormPolicy, urgeKey } from '../helpers/storm';
import { pollUntil, seededRandom, sleep, spawnWorker, type WorkerProcess } from '../helpers/reliability';
import { existingTemporal } from '../helpers/temporal';
import { openDatabase, type Db } from '../../activities/record/db';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { recordMismatches } from '../helpers/storm';

const LONG = process.env.DUBAN_LONG === '1';
const ITEMS = Number(process.env.DUBAN_STORM_ITEMS ?? (LONG ? 500 : 50));
const KILLS = 3;
const SEED = Number(process.env.DUBAN_SEED ?? Date.now() % 2_147_483_647);
const LEVELS = stormPolicy.reminders.length;

// ~85 s on an idle 2-core machine; the margin is for a machine busy with other test files
jest.setTimeout(LONG ? 1_200_000 : 240_000);

let server: DevServer | undefined;
let connection: Connection | undefined;
let receiver: WebhookReceiver | undefined;
let pg: TestPostgres | undefined;
let record: Db | undefined;
const workers: WorkerProcess[] = [];

afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  await record?.close();
  await pg?.stop();
  await connection?.close();
  await server?.stop();
  await receiver?.close();
});

test(`${ITEMS} items escalate while the worker is SIGKILLed ${KILLS} times: every urge arrives once`, async () => {
  process.stdout.write(`worker-kill storm: seed ${SEED} (DUBAN_SEED=${SEED} replays it), ${ITEMS} items\n`);
  const random = seededRandom(SEED);
  const secret = newWebhookSecret();
  receiver = await startWebhookReceiver({ secret });
  pg = await startPostgres();
  // an existing server (npm run test:cluster) or a dev server of our own
  const existing = existingTemporal();
  if (!existing) server = await startDevServer({ port: 0, headless: true, logLevel: 'error' });
  const address = existing?.address ?? server!.address;
  const namespace = existing?.namespace ?? 'default';
  connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  const taskQueue = `storm-${randomUUID()}`;
  // batches with which the record undid a task a kill cut short (patch record-in-task)
  let undone = 0;
  const startWorker = () => {
    const w = spawnWorker({
      address,
      namespace,
      taskQueue,
      webhook: { url: receiver!.url, secret },
      env: { DUBAN_DATABASE_URL: pg!.url },
      onLine: (line) => {
        if (line.includes('record: undid the writes')) undone += 1;
      },
    });
    workers.push(w);
    return w;
  };

  let worker = startWorker();
  await worker.ready;
  const t0 = Date.now();

  // Items start in waves so the ladders of different items overlap the kills at different steps.
  const ids = Array.from({ length: ITEMS }, (_, i) => `storm-${i}-${randomUUID().slice(0, 6)}`);
  const starting = inBatches(ids, 20, (id) => startDrillItem(client, taskQueue, id));

  // Kill points are random fractions of the storm's notices (交办通知, warning, urge + bulletin per
  // level), so every kill lands while deliveries are in flight, plus a random jitter.
  const expectedNotices = ITEMS * (2 * LEVELS + 2);
  const fractions = Array.from({ length: KILLS }, () => 0.05 + random() * 0.8).sort((a, b) => a - b);
  const kills: {
    fraction: number;
    atMs: number;
    deliveredAtKill: number;
    downMs: number;
    restartMs: number;
    firstDeliveryAfterReadyMs?: number;
  }[] = [];
  for (const fraction of fractions) {
    // bounded: on a starved machine the kill simply comes at whatever point the storm has reached
    await pollUntil(
      () => receiver!.received.length >= fraction * expectedNotices,
      LONG ? 300_000 : 30_000,
      50,
    );
    await sleep(random() * 500);
    const atMs = Date.now() - t0;
    const deliveredAtKill = receiver.received.length;
    await worker.kill('SIGKILL');
    const downMs = Math.round(200 + random() * 1800);
    await sleep(downMs);
    worker = startWorker();
    const readyAt = await worker.ready;
    const kill = {
      fraction: Number(fraction.toFixed(3)),
      atMs,
      deliveredAtKill,
      downMs,
      restartMs: readyAt - worker.spawnedAt,
    };
    kills.push(kill);
    process.stdout.write(`worker-kill storm: kill ${kills.length} ${JSON.stringify(kill)}\n`);
    // time to recover: from the new worker polling to the next request reaching the receiver
    const before = receiver.requests.length;
    const seen = await pollUntil(() => receiver!.requests.length > before, 60_000, 20);
    if (seen) Object.assign(kill, { firstDeliveryAfterReadyMs: Date.now() - readyAt });
  }
  await starting;
  const lastRestart = Date.now();

  const expected = new Set(ids.flatMap((id) => Array.from({ length: LEVELS }, (_, l) => urgeKey(id, l + 1))));
  const uniqueUrges = () => receiver!.received.filter((r) => r.id.endsWith(':urge'));
  // A task in flight at a kill is retried only after its start-to-close timeout (30 s), so allow for it.
  const complete = await pollUntil(
    () => uniqueUrges().length >= expected.size,
    (LONG ? 600 : 120) * 1000,
    500,
  );
  const settledMs = Date.now() - lastRestart;

  // Every item reached its last level and recorded each of its notices once (checked by query).
  let states = await queryStates(client, ids);
  await pollUntil(
    async () => {
      states = await queryStates(client, ids);
      // the 交办通知 and the ladder's urge and bulletin per level; the optional warning must not
      // stand in for one
      return states.every(
        (s) => s.notices.filter((n) => !n.key.includes(':warning:')).length >= 2 * LEVELS + 1,
      );
    },
    30_000,
    1000,
  );

  // The record caught up with every workflow: retried writes after each kill doubled nothing.
  record = await openDatabase({ url: pg.url });
  let check = await recordMismatches(client, record, taskQueue, ids);
  await pollUntil(
    async () => (check = await recordMismatches(client, record!, taskQueue, ids)).mismatches.length === 0,
    30_000,
    2000,
  );

  const urges = uniqueUrges();
  const got = new Set(urges.map((r) => r.id));
  const missing = [...expected].filter((k) => !got.has(k));
  const unexpected = [...got].filter((k) => !expected.has(k));
  const rawUrgePosts = receiver.requests.filter((r) => r.id?.endsWith(':urge') && r.status === 204).length;
  const summary = {
    seed: SEED,
    items: ITEMS,
    levels: LEVELS,
    kills,
    expectedUrges: expected.size,
    uniqueUrges: urges.length,
    rawUrgePosts,
    duplicateUrgePosts: rawUrgePosts - urges.length,
    allNotices: {
      unique: receiver.received.length,
      raw: receiver.deliveries,
      duplicates: receiver.duplicates,
    },
    rejectedRequests: receiver.requests.filter((r) => r.status !== 204).length,
    recordRows: check.rows,
    tasksUndoneByTheRecord: undone,
    settledAfterLastRestartMs: settledMs,
    totalMs: Date.now() - t0,
  };
  process.stdout.write(`worker-kill storm summary: ${JSON.stringify(summary)}\n`);

  expect({ complete, missing, unexpected }).toEqual({ complete: true, missing: [], unexpected: [] });
  expect(check.mismatches).toEqual([]);
  expect(urges).toHaveLength(expected.size);
  // each unique urge carries its item and level, signed and verified by the receiver
  for (const r of urges) {
    const data = (r.body as { data: { itemId: string; level: number } }).data;
    expect(r.id).toBe(urgeKey(data.itemId, data.level));
  }
  expect(receiver.requests.every((r) => r.verified)).toBe(true);

  const stuck = states.filter(
    (s) =>
      !(s.status === 'completed' || s.status === 'cancelled') &&
      (s.reminders.length !== LEVELS || s.urgeCount !== LEVELS || s.status !== 'overdue'),
  );
  expect(stuck.map((s) => ({ id: s.id, status: s.status, reminders: s.reminders.length }))).toEqual([]);
  for (const s of states) {
    expect(s.reminders.map((r) => r.level)).toEqual([1, 2, 3]);
    // the workflow recorded each notice (the 交办通知, urge and bulletin per level, the warning)
    // exactly once
    const keys = s.notices.map((n) => n.key);
    expect(new Set(keys).size).toBe(keys.length);
    const ladder = [1, 2, 3].flatMap((l) => [urgeKey(s.id, l), `${s.id}:L${l}:bulletin`]);
    expect(keys.filter((k) => !k.includes(':warning:')).sort()).toEqual(
      [`${s.id}:assigned`, ...ladder].sort(),
    );
    // the warning is skipped, rightly, when a busy worker first plans the item after its warning time
    expect(keys.filter((k) => k.includes(':warning:')).length).toBeLessThanOrEqual(1);
    expect(
      s.notices.every((n) => n.deliveries.some((d) => d.channel === 'webhook' && d.status === 'delivered')),
    ).toBe(true);
  }
  expect(kills).toHaveLength(KILLS);
});
