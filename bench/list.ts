// Benchmark: the item list from the record against the visibility-based list it replaced, side by
// side on the same items. N items are started as real workflows (real worker, the record on PGlite)
// and left waiting for their deadline; then, in alternating rounds, each list is asked for its first
// page of 50 and for one filtered page:
//   record      GET /v1/items?… through the real API (SQL on the record, keyset pagination)
//   visibility  ListWorkflowExecutions with the query the API used to build (listQuery), page 50
import { itemWorkflowId } from '../workflows/ids';
import { listQuery } from '../api/routes/items';
import { countItems } from '../activities/record/store';
import { itemInput, leadUnit } from './lib/items';
import { bundle, runId, startApi, startServer, startWorker } from './lib/stack';
import { pool, round, summarize, table, waitFor, type Summary } from './lib/stats';

export const LIST_DEFAULTS = { items: 10_000, rounds: 200 };

export interface ListResult {
  items: number;
  setupSeconds: number;
  recordedItems: number;
  visibleItems: number;
  rows: { list: string; query: string; latencyMs: Summary; pageSize: number }[];
}

export async function runList(opts: { items: number; rounds: number }): Promise<ListResult> {
  const server = await startServer();
  const taskQueue = `bench-list-${runId()}`;
  const worker = await startWorker({ server, taskQueue, workflowBundle: await bundle('production') });
  const api = await startApi(server, taskQueue);
  const run = runId();
  try {
    const t0 = Date.now();
    const ids = Array.from({ length: opts.items }, (_, i) => `${run}-list-${i}`);
    // a deadline far enough away that nothing moves while the lists are read
    const due = { at: new Date(Date.now() + 30 * 86_400_000).toISOString() };
    await pool(ids.length, 32, async (i) => {
      await server.client.workflow.start('supervisionItem', {
        workflowId: itemWorkflowId(ids[i]!),
        taskQueue,
        args: [itemInput(ids[i]!, { due })],
      });
    });
    const count = async () => (await server.client.workflow.count(listQuery({}, new Date()))).count;
    const recorded = () => countItems(server.record);
    await waitFor(
      async () => (await recorded()) >= ids.length && (await count()) >= ids.length,
      1_800_000,
      2000,
    );
    const setupSeconds = (Date.now() - t0) / 1000;
    const [recordedItems, visibleItems] = [await recorded(), await count()];

    const now = new Date();
    const variants = [
      { name: 'first page', http: 'pageSize=50', vis: listQuery({}, now) },
      {
        name: 'status=open&leadUnit',
        http: `status=open&leadUnit=${leadUnit.id}&pageSize=50`,
        vis: listQuery({ status: 'open', leadUnit: leadUnit.id }, now),
      },
    ];
    const samples = new Map<string, number[]>();
    const time = async (key: string, fn: () => Promise<unknown>) => {
      const t = performance.now();
      await fn();
      const list = samples.get(key) ?? [];
      list.push(performance.now() - t);
      samples.set(key, list);
    };
    for (let r = 0; r < opts.rounds; r++) {
      for (const v of variants) {
        await time(`record|${v.name}`, async () => {
          const res = await fetch(`${api.url}/v1/items?${v.http}`, {
            headers: { authorization: `Bearer ${api.tokens.staff}` },
          });
          if (res.status !== 200) throw new Error(`GET /v1/items?${v.http}: ${res.status}`);
          const body = (await res.json()) as { items: unknown[] };
          if (body.items.length !== 50)
            throw new Error(`GET /v1/items?${v.http}: ${body.items.length} items`);
        });
        await time(`visibility|${v.name}`, async () => {
          const res = await server.client.workflowService.listWorkflowExecutions({
            namespace: server.dev.namespace,
            query: v.vis,
            pageSize: 50,
          });
          if (res.executions.length !== 50)
            throw new Error(`visibility: ${res.executions.length} executions`);
        });
      }
    }
    return {
      items: opts.items,
      setupSeconds,
      recordedItems,
      visibleItems,
      rows: [...samples.entries()].map(([key, values]) => {
        const [list, query] = key.split('|') as [string, string];
        return { list, query, latencyMs: summarize(values), pageSize: 50 };
      }),
    };
  } finally {
    await api.close();
    await worker.stop();
    await server.close();
  }
}

export function printList(r: ListResult): void {
  console.log(
    `  ${r.items} items started and settled in ${round(r.setupSeconds, 0)} s (record ${r.recordedItems}, visibility ${r.visibleItems})`,
  );
  console.log(
    table(
      ['list', 'query', 'n', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
      r.rows.map((x) => [
        x.list === 'record' ? 'record (GET /v1/items)' : 'visibility (ListWorkflowExecutions)',
        x.query,
        x.latencyMs.n,
        round(x.latencyMs.p50, 1),
        round(x.latencyMs.p90, 1),
        round(x.latencyMs.p99, 1),
        round(x.latencyMs.max, 1),
      ]),
    ),
  );
}
