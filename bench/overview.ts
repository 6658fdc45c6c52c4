// The overview on a record of 10,000 items: the items are written through the store (one batch each,
// as the workflows write them) into an in-memory PGlite, then GET /v1/stats' query is timed, and the
// API exports the whole list as .xlsx and CSV while the process's RSS is sampled every 10 ms.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { openDatabase, type Db } from '../activities/record/db';
import { applyCaseBatch, applyItemBatch, itemStats, type StatsGroupBy } from '../activities/record/store';
import { createApp } from '../api/app';
import { officialCalendar } from '../domain/calendar/official';
import { POLICY_PRESETS } from '../domain/policies';
import type { ItemRecordBatch } from '../domain/record';
import { round, summarize, table, type Summary } from './lib/stats';

export const OVERVIEW_DEFAULTS = { items: 10_000, rounds: 100 };

export interface OverviewResult {
  items: number;
  cases: number;
  insertSeconds: number;
  stats: { groupBy: StatsGroupBy; ms: Summary; groups: number }[];
  exports: {
    path: string;
    bytes: number;
    seconds: number;
    rssBeforeMiB: number;
    rssPeakMiB: number;
    heapPeakMiB: number;
  }[];
}

const DAY = 86_400_000;
const YEAR_START = Date.parse('2026-01-01T01:00:00.000Z');
const SOURCES = ['leader_instruction', 'meeting_decision', 'document', 'deputy_proposal', 'inspection'];

/** A deterministic item: spread over the year and 20 units, with every outcome in realistic shares. */
function itemOf(i: number, now: number): ItemRecordBatch {
  const assigned = YEAR_START + ((i * 7919) % 300) * DAY + (i % 8) * 3_600_000;
  const deadline = assigned + 21 * DAY;
  const roll = (i * 2654435761) % 100;
  const unit = i % 20;
  const completed = roll < 60 && deadline < now;
  const cancelled = roll >= 60 && roll < 65;
  const late = completed && roll < 12;
  const urges = late || (!completed && !cancelled && deadline < now) ? 1 + (i % 3) : 0;
  const returned = urges > 0 && i % 4 === 0;
  const status = completed ? 'completed' : cancelled ? 'cancelled' : deadline < now ? 'overdue' : 'open';
  const iso = (ms: number) => new Date(ms).toISOString();
  const reminders = Array.from({ length: urges }, (_, k) => ({
    level: k + 1,
    name: `第${k + 1}次催办`,
    at: iso(deadline + (k * 3 + 1) * DAY),
    reason: 'deadline',
    notice: { by: '市政府督查室' },
    measures: [{ code: 'admonition_talk' }],
  }));
  return {
    itemId: `item-${String(i).padStart(5, '0')}`,
    revision: 1,
    created: {
      id: `item-${i}`,
      title: `第${i}号督办事项：推进重点项目建设`,
      description: '按照市政府常务会议决定事项，抓紧推进并按时报告办理情况。',
      source: { kind: SOURCES[i % SOURCES.length]!, reference: `会议纪要〔2026〕${i}号` },
      leadUnit: { id: `unit-${unit}`, name: `第${unit}局` },
      assistingUnits: i % 3 === 0 ? [{ id: `unit-${(unit + 1) % 20}`, name: `第${(unit + 1) % 20}局` }] : [],
      responsible: { principal: { id: `p-${unit}`, name: `负责人${unit}` } },
      assignedAt: iso(assigned),
      policy: 'three-urges',
      policyDetail: POLICY_PRESETS['three-urges'],
      deadline: {
        at: iso(deadline),
        receipt: { rule: '15个工作日（不含交办当日）', summary: '自交办次日起计' },
      },
      reminders,
      reports: returned
        ? [
            {
              id: 'r1',
              kind: 'final',
              summary: '已办结',
              review: { decision: 'return', comment: '材料不全' },
            },
          ]
        : [],
    },
    summary: {
      status,
      light: status === 'overdue' ? 'red' : 'green',
      urgeCount: urges + (returned ? 1 : 0),
      deliveryFailures: 0,
      caseIds: [],
      deadlineAt: iso(deadline),
      ...(completed ? { completedAt: iso(deadline + (late ? 3 : -2) * DAY) } : {}),
      ...(cancelled ? { cancelledAt: iso(assigned + DAY) } : {}),
    },
    events: [{ key: 'h1', at: iso(assigned), by: 'staff', action: '交办' }],
  } as ItemRecordBatch;
}

/** the instant the synthetic record is seen from: most of the year has fallen due */
export const OVERVIEW_NOW = Date.parse('2026-11-15T02:00:00.000Z');

/**
 * Writes the synthetic items (and a case with an executed measure for one urged item in eight)
 * through the store, as the workflows would; also the sample scripts/render-bulletin.ts renders.
 * Answers the number of cases.
 */
export async function seedOverview(db: Db, items: number, now = OVERVIEW_NOW): Promise<number> {
  let cases = 0;
  for (let i = 0; i < items; i++) {
    const batch = itemOf(i, now);
    await applyItemBatch(db, batch);
    // one case in eight of the urged items, with a measure executed
    if (batch.summary.urgeCount > 0 && i % 8 === 0) {
      cases++;
      await applyCaseBatch(db, {
        caseId: `case-${i}`,
        revision: 1,
        created: { id: `case-${i}`, subjects: [{ kind: 'person', id: `p-${i % 20}`, name: '负责人' }] },
        summary: {
          stage: 'closed',
          itemId: batch.itemId,
          level: 1,
          subjectIds: [`p-${i % 20}`],
          openedAt: batch.summary.deadlineAt!,
        },
        events: [],
        ledger: [
          {
            measureId: 'm1',
            subjectKind: 'person',
            subjectId: `p-${i % 20}`,
            subjectName: '负责人',
            unitId: `unit-${i % 20}`,
            code: i % 16 === 0 ? 'public_criticism' : 'admonition_talk',
            status: 'executed',
            decidedBy: 'director',
            decidedAt: batch.summary.deadlineAt!,
            date: batch.summary.deadlineAt!.slice(0, 10),
          },
        ],
      });
    }
  }
  return cases;
}

export async function runOverview(opts: { items: number; rounds: number }): Promise<OverviewResult> {
  const db = await openDatabase();
  const now = OVERVIEW_NOW;
  const t0 = Date.now();
  const cases = await seedOverview(db, opts.items, now);
  const insertSeconds = (Date.now() - t0) / 1000;

  const stats: OverviewResult['stats'] = [];
  for (const groupBy of ['unit', 'source', 'month'] as const) {
    const run = () =>
      itemStats(db, {
        from: '2025-12-31T16:00:00.000Z',
        to: '2026-12-31T16:00:00.000Z',
        groupBy,
        timeZone: 'Asia/Shanghai',
        now: new Date(now).toISOString(),
      });
    for (let w = 0; w < 5; w++) await run();
    const ms: number[] = [];
    let groups = 0;
    for (let r = 0; r < opts.rounds; r++) {
      const s = performance.now();
      groups = (await run()).groups.length;
      ms.push(performance.now() - s);
    }
    stats.push({ groupBy, ms: summarize(ms), groups });
  }

  const app = createApp({
    client: {} as Client,
    calendar: officialCalendar(),
    tokens: [{ token: 'bench-token-0123456789abcdef', actor: 'bench', role: 'staff' }],
    taskQueue: 'unused',
    timeZone: 'Asia/Shanghai',
    now: () => new Date(now),
    record: db,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // not `exports`: in CommonJS that local would shadow the module's, which seedOverview is read from
  const downloads: OverviewResult['exports'] = [];
  const MiB = 2 ** 20;
  try {
    for (const path of ['/v1/exports/items.xlsx', '/v1/exports/items.csv']) {
      (globalThis as { gc?: () => void }).gc?.();
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      let heapPeak = 0;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        rssPeak = Math.max(rssPeak, m.rss);
        heapPeak = Math.max(heapPeak, m.heapUsed);
      }, 10);
      const s = Date.now();
      const res = await fetch(`${base}${path}`, {
        headers: { authorization: 'Bearer bench-token-0123456789abcdef' },
      });
      if (res.status !== 200 || !res.body) throw new Error(`${path}: ${res.status}`);
      let bytes = 0;
      // counted and dropped as it arrives, like a browser saving it to disk
      for await (const chunk of res.body) bytes += (chunk as Uint8Array).byteLength;
      clearInterval(sampler);
      downloads.push({
        path,
        bytes,
        seconds: (Date.now() - s) / 1000,
        rssBeforeMiB: round(rssBefore / MiB),
        rssPeakMiB: round(rssPeak / MiB),
        heapPeakMiB: round(heapPeak / MiB),
      });
    }
  } finally {
    await new Promise((r) => server.close(r));
    await db.close();
  }
  return { items: opts.items, cases, insertSeconds: round(insertSeconds), stats, exports: downloads };
}

export function printOverview(r: OverviewResult): void {
  console.log(`${r.items} items and ${r.cases} cases written through the store in ${r.insertSeconds} s`);
  console.log(
    table(
      ['GET /v1/stats query', 'groups', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
      r.stats.map((s) => [
        `groupBy=${s.groupBy}`,
        s.groups,
        round(s.ms.p50),
        round(s.ms.p90),
        round(s.ms.p99),
        round(s.ms.max),
      ]),
    ),
  );
  console.log(
    table(
      ['export', 'bytes', 'seconds', 'RSS before MiB', 'RSS peak MiB', 'heap peak MiB'],
      r.exports.map((e) => [e.path, e.bytes, e.seconds, e.rssBeforeMiB, e.rssPeakMiB, e.heapPeakMiB]),
    ),
  );
}
