// Benchmark: one record batch, written the two ways the store knows, side by side on the same
// database: `statements` (the default: read the row, then one statement that writes the row, its
// events and its delivery rows while the revision is still the one read) and `transaction` (BEGIN,
// the row locked, each insert and upsert, COMMIT). Each batch is an urge's: a new revision, two
// history lines and two delivery rows; a create carries the assignment notice's row. Run on the
// embedded PGlite in this process, on the same PGlite served over its socket (the worker and the API
// as processes), and on PostgreSQL when --database-url names one.
import {
  migrate,
  newPglite,
  openDatabase,
  serveOverSocket,
  wrapPglite,
  type Db,
} from '../activities/record/db';
import { applyItemBatch, type ApplyOptions } from '../activities/record/store';
import type { ItemRecordBatch } from '../domain/record';
import { round, summarize, table, type Summary } from './lib/stats';

export const RECORD_WRITE_DEFAULTS = { items: 200, rounds: 4 };

type Path = NonNullable<ApplyOptions['path']>;
const PATHS: readonly Path[] = ['statements', 'transaction'];

export interface RecordWriteRow {
  target: string;
  batch: 'create' | 'update';
  path: Path;
  latencyMs: Summary;
}

export interface RecordWriteResult {
  items: number;
  rounds: number;
  rows: RecordWriteRow[];
  /** statements ÷ transaction at p50, per target and batch */
  ratios: { target: string; batch: string; p50: number; p99: number }[];
}

const AT = '2026-03-02T01:00:00.000Z';
const SUMMARY = { status: 'open', light: 'green', urgeCount: 0, deliveryFailures: 0, caseIds: [] };

function created(id: string, revision: number): ItemRecordBatch {
  return {
    itemId: id,
    revision,
    created: {
      id,
      title: `压测事项 ${id}`,
      leadUnit: { id: 'u-bench', name: '压测局' },
      assignedAt: AT,
      policy: 'three-urges',
      status: 'open',
      reports: [],
    },
    summary: SUMMARY,
    events: [{ key: 'assigned', at: AT, by: 'bench', action: '交办' }],
    deliveries: [delivery(`${id}:assigned`, id)],
  } as ItemRecordBatch;
}

function urge(id: string, revision: number): ItemRecordBatch {
  return {
    itemId: id,
    revision,
    set: { status: 'open', urgeCount: revision },
    summary: { ...SUMMARY, urgeCount: revision },
    events: [
      { key: `urge-${revision}`, at: AT, by: 'system', action: '催办' },
      { key: `bulletin-${revision}`, at: AT, by: 'system', action: '通报' },
    ],
    deliveries: [delivery(`${id}:urge:${revision}`, id), delivery(`${id}:bulletin:${revision}`, id)],
  } as ItemRecordBatch;
}

function delivery(noticeKey: string, itemId: string) {
  return {
    noticeKey,
    channel: 'webhook' as const,
    itemId,
    kind: 'urge',
    subject: '催办',
    status: 'delivered' as const,
    attempts: 1,
    at: AT,
  };
}

async function timed(db: Db, batch: ItemRecordBatch, path: Path): Promise<number> {
  const t0 = performance.now();
  const r = await applyItemBatch(db, batch, { path });
  if (!r.applied) throw new Error(`batch ${batch.itemId}@${batch.revision} was not applied`);
  return performance.now() - t0;
}

async function measure(target: string, db: Db, opts: { items: number; rounds: number }, run: string) {
  const lat: Record<string, number[]> = {};
  const push = (batch: string, path: Path, ms: number) => (lat[`${batch} ${path}`] ??= []).push(ms);
  const ids = new Map(
    PATHS.map((p) => [p, Array.from({ length: opts.items }, (_, i) => `${run}-${p}-${i}`)]),
  );
  // creates, alternating the path item by item
  for (let i = 0; i < opts.items; i++)
    for (const path of i % 2 ? [...PATHS].reverse() : PATHS)
      push('create', path, await timed(db, created(ids.get(path)![i]!, 1), path));
  // then rounds of urges, the order of the paths alternating round by round
  for (let r = 0; r < opts.rounds; r++)
    for (const path of r % 2 ? [...PATHS].reverse() : PATHS)
      for (const id of ids.get(path)!) push('update', path, await timed(db, urge(id, r + 2), path));
  return (['create', 'update'] as const).flatMap((batch) =>
    PATHS.map((path): RecordWriteRow => ({
      target,
      batch,
      path,
      latencyMs: summarize(lat[`${batch} ${path}`]!),
    })),
  );
}

export async function runRecordWrite(opts: {
  items: number;
  rounds: number;
  databaseUrl?: string;
}): Promise<RecordWriteResult> {
  const run = Date.now().toString(36);
  const rows: RecordWriteRow[] = [];
  const local = await openDatabase({ migrate: true });
  try {
    rows.push(...(await measure('PGlite in process', local, opts, run)));
  } finally {
    await local.close();
  }
  const pglite = await newPglite();
  await migrate(wrapPglite(pglite));
  const served = await serveOverSocket(pglite, { port: 0 });
  const socket = await openDatabase({ url: served.url, migrate: false });
  try {
    rows.push(...(await measure('PGlite over its socket', socket, opts, run)));
  } finally {
    await socket.close();
    await served.close();
    await pglite.close();
  }
  if (opts.databaseUrl) {
    const pg = await openDatabase({ url: opts.databaseUrl, migrate: true });
    try {
      rows.push(...(await measure('PostgreSQL', pg, opts, run)));
    } finally {
      await pg.close();
    }
  }
  const ratios = rows
    .filter((r) => r.path === 'statements')
    .map((s) => {
      const tx = rows.find((r) => r.target === s.target && r.batch === s.batch && r.path === 'transaction')!;
      return {
        target: s.target,
        batch: s.batch,
        p50: s.latencyMs.p50 / tx.latencyMs.p50,
        p99: s.latencyMs.p99 / tx.latencyMs.p99,
      };
    });
  return { ...opts, rows, ratios };
}

export function printRecordWrite(r: RecordWriteResult): void {
  console.log(
    table(
      ['target', 'batch', 'path', 'n', 'p50 ms', 'p99 ms', 'statements ÷ transaction p50'],
      r.rows.map((row) => {
        const ratio = r.ratios.find((x) => x.target === row.target && x.batch === row.batch);
        return [
          row.target,
          row.batch,
          row.path,
          row.latencyMs.n,
          round(row.latencyMs.p50, 2),
          round(row.latencyMs.p99, 2),
          row.path === 'statements' && ratio ? round(ratio.p50, 2) : '',
        ];
      }),
    ),
  );
}
