// Benchmark 4: what one item and one case leave in Temporal's history — events and encoded bytes.
//   item  the full three-urge path under drill timings (warning, deadline, urges 1–3 with their
//         bulletins, the case the third urge opens), then 办结 by a manager; real time on the dev
//         server, notices through the real webhook channel
//   case  investigation → decision (two measures into the ledger) → appeal window (no appeal) →
//         closed, twice: on the dev server in real time with the appeal window drilled to 3 s (the
//         figure the goal is read on, the same server as the item), and on the time-skipping test
//         server with the real 5 working days (the figure of the earlier runs; that server's update
//         handling adds a workflow task without commands that the dev server does not)
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalTestServerPath } from '../config/temporal-binaries';
import { SEARCH_ATTRIBUTES } from '../workflows/ids';
import { CaseStageKey, CaseSubjectsKey } from '../workflows/search-attributes';
import { itemStartAttributes } from '../api/context';
import { completeItem, decideCase, getItemState, submitInvestigation } from '../workflows/messages';
import type { CaseInput, Policy } from '../workflows/types';
import { officialCalendar } from '../domain/calendar/official';
import { packCalendar } from '../domain/calendar/packed';
import { sliceCalendarData } from '../domain/calendar/working-calendar';
import { caseCalendarWindow } from '../workflows/case/state';
import { createWorker } from '../worker/worker';
import { itemInput, itemWorkflowId, leadUnit, preset, responsible } from './lib/items';
import { startBenchReceiver } from './lib/receiver';
import { bundle, newWebhookSecret, runId, startServer, startWorker } from './lib/stack';
import { sleep, table, waitFor } from './lib/stats';
import { openDatabase } from '../activities/record/db';
import { recordFootprint, type Footprint } from '../activities/record/store';

/** the three-urge ladder of S4 with second-long intervals, as an office drills it */
export const HISTORY_DRILL: Policy = {
  ...preset('three-urges'),
  name: 'drill-three-urges',
  warnBefore: { duration: 'PT3S' },
  reminders: preset('three-urges').reminders.map((l, i) => ({
    ...l,
    after: { duration: i === 0 ? 'PT0S' : 'PT3S' },
  })),
};

export interface HistoryFigures {
  path: string;
  server: string;
  events: number;
  bytes: number;
  /** event type → count, most frequent first */
  byType: Record<string, number>;
  /** the heaviest events: type, what it names (activity, child, update) and its encoded bytes */
  heaviest: { id: number; type: string; names?: string; bytes: number }[];
  /** every event in order, `id TYPE [name] bytes`: where each step's events come from */
  sequence: string[];
  /** what the record keeps for it (the item with its case and deliveries) */
  record?: Footprint;
}

export interface HistoryResult {
  item: HistoryFigures;
  /** the case on the time-skipping server, real working-day windows */
  case: HistoryFigures;
  /** the case on the dev server, its appeal window drilled */
  caseDrill: HistoryFigures;
}

const actor = { id: 'bench-manager', role: 'manager' as const };

async function figures(handle: WorkflowHandle, path: string, server: string): Promise<HistoryFigures> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const byType: Record<string, number> = {};
  for (const e of events) {
    const name = (temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(
      /^EVENT_TYPE_/,
      '',
    );
    byType[name] = (byType[name] ?? 0) + 1;
  }
  const sorted = Object.fromEntries(Object.entries(byType).sort((a, b) => b[1] - a[1]));
  const described = events.map((e) => ({
    id: Number(e.eventId),
    type: (temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? '').replace(/^EVENT_TYPE_/, ''),
    names:
      e.activityTaskScheduledEventAttributes?.activityType?.name ??
      e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ??
      e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ??
      undefined,
    bytes: temporal.api.history.v1.HistoryEvent.encode(e).finish().length,
  }));
  const heaviest = [...described].sort((a, b) => b.bytes - a.bytes).slice(0, 15);
  return {
    path,
    server,
    events: events.length,
    bytes: temporal.api.history.v1.History.encode(history).finish().length,
    byType: sorted,
    heaviest,
    sequence: described.map((e) => `${e.id} ${e.type}${e.names ? ` ${e.names}` : ''} ${e.bytes}`),
  };
}

async function itemHistory(): Promise<HistoryFigures> {
  const server = await startServer();
  const secret = newWebhookSecret();
  const receiver = await startBenchReceiver(secret);
  const taskQueue = `bench-history-${runId()}`;
  const worker = await startWorker({
    server,
    taskQueue,
    workflowBundle: await bundle('production'),
    webhook: { url: receiver.url, secret },
  });
  try {
    const id = `${runId()}-history`;
    const due = new Date(Date.now() + 8_000);
    const handle = await server.client.workflow.start('supervisionItem', {
      workflowId: itemWorkflowId(id),
      taskQueue,
      args: [itemInput(id, { due: { at: due.toISOString() }, policy: HISTORY_DRILL })],
      typedSearchAttributes: itemStartAttributes(leadUnit.id, due), // as the API starts an item
    });
    const done = await waitFor(
      async () => {
        // the first query may come before the item (fetching its calendar) has registered its handlers
        const s = await handle.query(getItemState).catch(() => undefined);
        return s !== undefined && s.urgeCount === 3 && s.caseIds.length === 3 && s.notices.length >= 7;
      },
      120_000,
      250,
    );
    if (!done) throw new Error('the drill item did not reach its third urge within 120 s');
    await handle.executeUpdate(completeItem, { args: [{ actor, comment: '演练结束，确认办结' }] });
    await handle.result();
    const f = await figures(handle, 'item: three urges (drill) → 办结', 'dev server');
    // the last batches land after the result: wait until the record holds the completion
    await waitFor(async () => (await recordFootprint(server.record, [id])).tables.items?.rows === 1, 10_000);
    await sleep(1000);
    return { ...f, record: await recordFootprint(server.record, [id]) };
  } finally {
    await worker.stop();
    await receiver.close();
    await server.close();
  }
}

/** The case the benchmark opens: an inspection finding against the lead unit and its principal. */
function benchCaseInput(caseId: string, extra: Partial<CaseInput> = {}): CaseInput {
  const openedAt = Date.now();
  const window = caseCalendarWindow(openedAt, 'Asia/Shanghai');
  return {
    caseId,
    subjects: [
      { kind: 'unit', id: leadUnit.id, name: leadUnit.name },
      {
        kind: 'person',
        id: responsible.principal.id,
        name: responsible.principal.name,
        unitId: leadUnit.id,
        role: 'principal',
      },
    ],
    grounds: ['明察暗访发现：老旧小区改造进度严重滞后'],
    source: { kind: 'inspection', reference: '督查〔2026〕7号' },
    policy: preset('three-urges'),
    timeZone: 'Asia/Shanghai',
    openedBy: actor,
    openedAt: new Date(openedAt).toISOString(),
    // the slice the API passes, packed
    calendar: packCalendar(sliceCalendarData(officialCalendar().data, window.from, window.through)),
    ...extra,
  };
}

/** Starts the case as the API does and walks it to the appeal window: investigation, decision. */
async function openAndDecide(client: Client, taskQueue: string, input: CaseInput): Promise<WorkflowHandle> {
  const handle = await client.workflow.start('accountabilityCase', {
    workflowId: `case-${input.caseId}`,
    taskQueue,
    args: [input],
    // as the API starts a case: indexed from the start
    typedSearchAttributes: [
      { key: CaseStageKey, value: 'investigation' },
      { key: CaseSubjectsKey, value: input.subjects.map((s) => s.id) },
    ],
  });
  // Read from the run's description, not by query: a query that meets a workflow task in flight
  // (its local activities running) is answered with one more workflow task, and that
  // task stays in the history. The stage is indexed in the task that enters it; every step is
  // then taken once the task is done (no task pending).
  const atStage = (stage: string) =>
    waitFor(async () => {
      const d = await handle.describe();
      const raw = d.raw.pendingWorkflowTask;
      return d.typedSearchAttributes.get(CaseStageKey) === stage && !raw && d.historyLength > 3;
    }, 30_000);
  if (!(await atStage('investigation'))) throw new Error('the case did not reach investigation');
  await handle.executeUpdate(submitInvestigation, {
    args: [
      {
        actor,
        findings: '经核实，项目进度滞后三个月，承办单位未按期报告原因',
        evidence: ['现场照片', '会议纪要'],
      },
    ],
  });
  if (!(await atStage('decision'))) throw new Error('the case did not reach decision');
  await handle.executeUpdate(decideCase, {
    args: [
      {
        actor,
        decision: 'impose',
        measures: [
          { subjectId: responsible.principal.id, code: 'written_self_criticism' },
          // S4 gives 通报批评 to persons only (the decision refuses it for a unit)
          { subjectId: responsible.principal.id, code: 'public_criticism' },
        ],
        comment: '责令书面检查并通报批评',
      },
    ],
  });
  if (!(await atStage('appeal_window'))) throw new Error('the case did not reach the appeal window');
  return handle;
}

const CASE_PATH = 'case: investigation → decision → appeal window → closed';

/** On the dev server in real time, the appeal window drilled to 3 s. */
async function caseDrillHistory(): Promise<HistoryFigures> {
  const server = await startServer();
  const taskQueue = `bench-case-drill-${runId()}`;
  const worker = await startWorker({ server, taskQueue, workflowBundle: await bundle('production') });
  try {
    const input = benchCaseInput(`${runId()}-case-drill`, {
      stepDue: { appealWindow: { duration: 'PT3S' } },
    });
    const handle = await openAndDecide(server.client, taskQueue, input);
    await handle.result();
    return await figures(handle, `${CASE_PATH} (appeal window 3 s)`, 'dev server');
  } finally {
    await worker.stop();
    await server.close();
  }
}

/** On the time-skipping test server, with the real working-day windows. */
async function caseHistory(): Promise<HistoryFigures> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  const indexed = temporal.api.enums.v1.IndexedValueType;
  const types = {
    Keyword: indexed.INDEXED_VALUE_TYPE_KEYWORD,
    KeywordList: indexed.INDEXED_VALUE_TYPE_KEYWORD_LIST,
    Int: indexed.INDEXED_VALUE_TYPE_INT,
    Datetime: indexed.INDEXED_VALUE_TYPE_DATETIME,
  } as const;
  // the test server refuses search attributes it was not told about
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(Object.entries(SEARCH_ATTRIBUTES).map(([n, t]) => [n, types[t]])),
  });
  const taskQueue = `bench-case-${runId()}`;
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await bundle('production'),
    deps: { calendar: officialCalendar(), channels: {}, record: await openDatabase() },
  });
  const running = worker.run();
  try {
    const handle = await openAndDecide(env.client, taskQueue, benchCaseInput(`${runId()}-case`));
    // let the appeal window run out a day at a time (never await result(): see test/helpers notes)
    for (let day = 0; day < 30; day++) {
      if ((await handle.describe()).status.name !== 'RUNNING') break;
      await env.sleep('1 day');
      await sleep(50);
    }
    if ((await handle.describe()).status.name !== 'COMPLETED')
      throw new Error('the case did not close within 30 days');
    return await figures(handle, CASE_PATH, 'time-skipping test server');
  } finally {
    worker.shutdown();
    await running;
    await env.teardown();
  }
}

export async function runHistory(): Promise<HistoryResult> {
  const item = await itemHistory();
  const caseDrill = await caseDrillHistory();
  return { item, case: await caseHistory(), caseDrill };
}

export function printHistory(r: HistoryResult): void {
  const rows = [r.item, r.caseDrill, r.case].map((f) => [
    `${f.path}, ${f.server}`,
    f.events,
    f.bytes,
    Math.round(f.bytes / f.events),
    Object.entries(f.byType)
      .slice(0, 4)
      .map(([t, n]) => `${t} ${n}`)
      .join(', '),
  ]);
  console.log(table(['history', 'events', 'bytes', 'bytes/event', 'most frequent events'], rows));
  const rec = r.item.record;
  if (rec) {
    console.log(`  the record for the item path: ${rec.rows} rows, ${rec.bytes} bytes`);
    console.log(
      table(
        ['table', 'rows', 'bytes'],
        Object.entries(rec.tables).map(([t, x]) => [t, x.rows, x.bytes]),
      ),
    );
  }
}
