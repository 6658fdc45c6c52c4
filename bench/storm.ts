// Benchmark 2: a deadline storm. N items whose deadlines fall on the same instant, under a drill
// policy whose first urge is due at the deadline, deliver their urges through the real webhook
// channel to a local receiver; we measure how long after the deadline each first urge arrived. Then,
// in the same run and on the same worker, N bare baseline workflows (one timer, then the same
// sendWebhook activity) with a common deadline give the floor Temporal itself sets on this machine.
import type { Notice } from '../workflows/types';
import type { BaselineInput } from './workflows/baseline';
import { itemInput, itemWorkflowId, leadUnit } from './lib/items';
import { startBenchReceiver, tally, type BenchReceiver, type ReceiverTally } from './lib/receiver';
import {
  bundle,
  newWebhookSecret,
  runId,
  waitSettled,
  startServer,
  startWorker,
  type BenchServer,
} from './lib/stack';
import { pool, round, sleep, summarize, table, waitFor, type Summary } from './lib/stats';
import type { Policy } from '../workflows/types';
import { recordLag } from '../activities/record/store';
import { DEFAULT_MAX_CACHED_WORKFLOWS, defaultTaskSlots } from '../worker/sizes';
import { cpuWindow, formatCpu, type CpuWindow } from './lib/cpu';

export interface StormOptions {
  items: number;
  /**
   * seconds from the first start to the deadline; must cover starting and settling every item.
   * Default 30 + items / 4 (this VM, shared, settled about 3 to 10 items a second); the baseline,
   * one light task per workflow, gets 15 + items / 20.
   */
  leadSeconds?: number;
  /** how long to wait for every delivery after the deadline */
  deliveryTimeoutSeconds: number;
  /** false: the urges name no measures, so no level case opens (what the cases add to the storm) */
  levelCases?: boolean;
  /** the worker's workflow cache (default: the production worker's, 1,000) */
  maxCached?: number;
  /** the worker's workflow-task slots (default: the production worker's, 40) */
  taskSlots?: number;
}

export const STORM_DEFAULTS: StormOptions = { items: 1000, deliveryTimeoutSeconds: 300 };

/** one urge at the deadline; the second an hour later, so only first urges fall inside the run */
export const STORM_POLICY: Policy = {
  name: 'drill-storm',
  title: '演练：同一时刻到期',
  reminders: [
    {
      name: '第一次催办',
      after: { duration: 'PT0S' },
      notice: { by: '督查室' },
      measures: [{ code: 'admonition_talk' }],
    },
    {
      name: '第二次催办',
      after: { duration: 'PT1H' },
      notice: { by: '办公室' },
      measures: [{ code: 'public_criticism' }],
    },
  ],
};

/** the same ladder whose urges name no measures: an urge opens no level case */
const WITHOUT_CASES: Policy = {
  ...STORM_POLICY,
  name: 'drill-storm-no-cases',
  reminders: STORM_POLICY.reminders.map((r) => ({ ...r, measures: [] })),
};

export interface PhaseResult {
  kind: 'items' | 'baseline';
  n: number;
  deadline: string;
  leadSeconds: number;
  /** from the first start until every workflow was started (and, for items, settled) */
  setupSeconds: number;
  /** true when setup ended before the deadline, so the storm really was a storm */
  readyBeforeDeadline: boolean;
  delivered: number;
  /** delivered-at minus deadline, ms, for the notice that counts (first urge / baseline post) */
  lagMs: Summary;
  /** deadline until the last of them arrived */
  allDeliveredAfterMs: number;
  /** items only: the bulletin that follows each urge (the outbox sends it after the urge) */
  bulletinLagMs?: Summary;
  /** from the workflow's decision of a history line to its commit in the record (items phase) */
  recordLagMs?: { n: number; p50: number; p90: number; p99: number; max: number };
  /** CPU from the deadline until the last notice arrived */
  cpuUntilDelivered: CpuWindow;
}

export interface StormResult {
  options: StormOptions;
  worker: { maxCachedWorkflows: number; workflowTaskSlots: number; channels: string };
  phases: PhaseResult[];
  ratio: { p50: number; p99: number; allDelivered: number };
  /** every notice of both phases (urges, bulletins, the cases' notices, the baseline's posts) */
  receiver: ReceiverTally;
}

export async function runStorm(opts: StormOptions): Promise<StormResult> {
  const server = await startServer();
  const secret = newWebhookSecret();
  const receiver = await startBenchReceiver(secret);
  const taskQueue = `bench-storm-${runId()}`;
  const maxCachedWorkflows = opts.maxCached ?? DEFAULT_MAX_CACHED_WORKFLOWS;
  const workflowTaskSlots = opts.taskSlots ?? defaultTaskSlots(maxCachedWorkflows);
  const worker = await startWorker({
    server,
    taskQueue,
    workflowBundle: await bundle('bench'),
    webhook: { url: receiver.url, secret },
    maxCachedWorkflows,
    workflowTaskSlots,
  });
  const run = runId();
  const lead = opts.leadSeconds ?? Math.ceil(30 + opts.items / 4);
  const baselineLead = opts.leadSeconds ?? Math.ceil(15 + opts.items / 20);
  try {
    const items = await itemsPhase(server, receiver, taskQueue, run, opts, lead);
    const baseline = await baselinePhase(server, receiver, taskQueue, run, opts, baselineLead);
    return {
      options: { ...opts, leadSeconds: lead },
      worker: {
        maxCachedWorkflows,
        workflowTaskSlots,
        channels: 'webhook only (no SMTP configured: sendEmail answers not_configured)',
      },
      phases: [items, baseline],
      ratio: {
        p50: items.lagMs.p50 / baseline.lagMs.p50,
        p99: items.lagMs.p99 / baseline.lagMs.p99,
        allDelivered: items.allDeliveredAfterMs / baseline.allDeliveredAfterMs,
      },
      receiver: tally(receiver),
    };
  } finally {
    await worker.stop();
    await receiver.close();
    await server.close();
  }
}

/** Exported for bench/scale.ts, which runs it against a dev server and against a cluster. */
export async function itemsPhase(
  server: Pick<BenchServer, 'client'> & { record?: BenchServer['record']; dev?: BenchServer['dev'] },
  receiver: BenchReceiver,
  taskQueue: string,
  run: string,
  opts: StormOptions,
  lead: number,
): Promise<PhaseResult> {
  const t0 = Date.now();
  const deadline = new Date(Math.ceil((t0 + lead * 1000) / 1000) * 1000);
  const ids = Array.from({ length: opts.items }, (_, i) => `${run}-storm-${i}`);
  await pool(ids.length, 16, async (i) => {
    const id = ids[i]!;
    await server.client.workflow.start('supervisionItem', {
      workflowId: itemWorkflowId(id),
      taskQueue,
      args: [
        itemInput(id, {
          due: { at: deadline.toISOString() },
          policy: opts.levelCases === false ? WITHOUT_CASES : STORM_POLICY,
        }),
      ],
    });
  });
  await waitSettled(server.client, ids, Math.max(1000, deadline.getTime() - Date.now()));
  const setupSeconds = (Date.now() - t0) / 1000;
  const ready = Date.now() < deadline.getTime();
  console.log(
    `  items: ${ids.length} started and settled in ${setupSeconds.toFixed(1)} s; deadline ${deadline.toISOString()}` +
      (ready ? '' : ' — NOT ready before the deadline: raise --lead'),
  );
  const urgeKeys = ids.map((id) => `${id}:L1:urge`);
  const bulletinKeys = ids.map((id) => `${id}:L1:bulletin`);
  const cpuUntilDelivered = await deliveredAfter(
    deadline,
    receiver,
    [...urgeKeys, ...bulletinKeys],
    opts.deliveryTimeoutSeconds,
    server.dev?.pid,
  );
  const urge = lags(receiver, urgeKeys, deadline);
  const bulletin = lags(receiver, bulletinKeys, deadline);
  // the record's lag over the storm: each history line decided at or after the deadline, from the
  // workflow's instant to the commit that wrote it (once every item's urge line is in)
  let recordLagMs: Awaited<ReturnType<typeof recordLag>> | undefined;
  if (server.record) {
    const record = server.record;
    await waitFor(
      async () => (await recordLag(record, ids, deadline.toISOString())).n >= ids.length,
      opts.deliveryTimeoutSeconds * 1000,
      500,
    );
    recordLagMs = await recordLag(record, ids, deadline.toISOString());
  }
  return {
    kind: 'items',
    n: ids.length,
    deadline: deadline.toISOString(),
    leadSeconds: lead,
    setupSeconds,
    readyBeforeDeadline: ready,
    delivered: urge.length,
    lagMs: summarize(urge),
    allDeliveredAfterMs: urge.length ? Math.max(...urge) : NaN,
    bulletinLagMs: summarize(bulletin),
    ...(recordLagMs ? { recordLagMs } : {}),
    cpuUntilDelivered,
  };
}

async function baselinePhase(
  server: BenchServer,
  receiver: BenchReceiver,
  taskQueue: string,
  run: string,
  opts: StormOptions,
  lead: number,
): Promise<PhaseResult> {
  const t0 = Date.now();
  const deadline = new Date(Math.ceil((t0 + lead * 1000) / 1000) * 1000);
  const ids = Array.from({ length: opts.items }, (_, i) => `${run}-base-${i}`);
  await pool(ids.length, 16, async (i) => {
    const id = ids[i]!;
    const notice: Notice = {
      key: `${id}:baseline`,
      kind: 'urge',
      subject: `第一次催办：基线 ${i}`,
      itemId: id,
      level: 1,
      office: '督查室',
      leadUnit: { id: leadUnit.id, name: leadUnit.name },
      recipients: [{ id: leadUnit.liaison.id, name: leadUnit.liaison.name, role: 'liaison' }],
      at: deadline.toISOString(),
    };
    const input: BaselineInput = { at: deadline.toISOString(), notice };
    await server.client.workflow.start('benchBaseline', {
      workflowId: `bench-baseline-${id}`,
      taskQueue,
      args: [input],
    });
  });
  // the baseline has nothing to index; its single first task is light, so starting is the setup
  const setupSeconds = (Date.now() - t0) / 1000;
  const ready = Date.now() + 1000 < deadline.getTime();
  console.log(
    `  baseline: ${ids.length} started in ${setupSeconds.toFixed(1)} s; deadline ${deadline.toISOString()}` +
      (ready ? '' : ' — NOT ready before the deadline: raise --lead'),
  );
  const keys = ids.map((id) => `${id}:baseline`);
  const cpuUntilDelivered = await deliveredAfter(
    deadline,
    receiver,
    keys,
    opts.deliveryTimeoutSeconds,
    server.dev.pid,
  );
  const lag = lags(receiver, keys, deadline);
  return {
    kind: 'baseline',
    n: ids.length,
    deadline: deadline.toISOString(),
    leadSeconds: lead,
    setupSeconds,
    readyBeforeDeadline: ready,
    delivered: lag.length,
    lagMs: summarize(lag),
    allDeliveredAfterMs: lag.length ? Math.max(...lag) : NaN,
    cpuUntilDelivered,
  };
}

/** Sleeps to the deadline, then waits until every key arrived: the CPU spent in between. */
async function deliveredAfter(
  deadline: Date,
  receiver: BenchReceiver,
  keys: string[],
  timeoutSeconds: number,
  serverPid: number | undefined,
): Promise<CpuWindow> {
  await sleep(Math.max(0, deadline.getTime() - Date.now()));
  const cpu = cpuWindow(serverPid);
  const ok = await waitFor(() => keys.every((k) => receiver.arrivals.has(k)), timeoutSeconds * 1000, 100);
  const window = cpu();
  if (!ok) {
    const missing = keys.filter((k) => !receiver.arrivals.has(k)).length;
    console.log(`  ${missing} of ${keys.length} deliveries missing after ${timeoutSeconds} s`);
  }
  return window;
}

function lags(receiver: BenchReceiver, keys: string[], deadline: Date): number[] {
  return keys.flatMap((k) => {
    const a = receiver.arrivals.get(k);
    return a ? [a.at - deadline.getTime()] : [];
  });
}

export function printStorm(r: StormResult): void {
  const w = r.worker;
  console.log(
    `  worker: cache ${w.maxCachedWorkflows} runs, ${w.workflowTaskSlots} workflow-task slots; ${w.channels}`,
  );
  const rows = r.phases.flatMap((p) => {
    const row = (what: string, s: Summary, all: number) => [
      what,
      s.n,
      round(p.setupSeconds, 1),
      p.readyBeforeDeadline ? 'yes' : 'NO',
      round(s.p50, 0),
      round(s.p90, 0),
      round(s.p99, 0),
      round(s.max, 0),
      round(all / 1000, 2),
    ];
    const out = [row(p.kind === 'items' ? 'items: 1st urge' : 'baseline', p.lagMs, p.allDeliveredAfterMs)];
    if (p.bulletinLagMs) out.push(row('items: bulletin', p.bulletinLagMs, p.bulletinLagMs.max));
    return out;
  });
  console.log(
    table(['delivery', 'n', 'setup s', 'ready', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'all by s'], rows),
  );
  const rec = r.phases.find((p) => p.recordLagMs)?.recordLagMs;
  if (rec)
    console.log(
      `  record lag (line decided → row committed), ${rec.n} lines: p50 ${rec.p50} ms, p90 ${rec.p90} ms, p99 ${rec.p99} ms, max ${rec.max} ms`,
    );
  for (const p of r.phases) {
    console.log(formatCpu(`${p.kind}, deadline → all delivered`, p.n, p.cpuUntilDelivered));
  }
  const t = r.receiver;
  console.log(
    `  receiver: ${t.requests} verified requests for ${t.notices} notices (${t.repeated} repeated, ${t.rejected} rejected)`,
  );
  console.log(
    `  items ÷ baseline: p50 ${r.ratio.p50.toFixed(2)}, p99 ${r.ratio.p99.toFixed(2)}, all delivered ${r.ratio.allDelivered.toFixed(2)}`,
  );
}
