// `npm run verify-records` against a real dev server and a real PostgreSQL: silent while the record
// follows the workflows (an open item, a completed one), and it names each difference, exiting 1,
// once the record and Temporal disagree (a row moved on by hand, a workflow terminated behind the
// record's back). The command itself runs as the compiled script (run `npm run build` first).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createCaseActivities } from '../../activities/cases/start-case';
import { openDatabase, type Db } from '../../activities/record/db';
import { applyItemBatch, getItem } from '../../activities/record/store';
import { officialCalendar } from '../../domain/calendar/official';
import { verifyRecords } from '../../scripts/verify-records';
import { caseWorkflowId, escalationCaseId, itemWorkflowId } from '../../workflows/ids';
import { completeItem, getItemState } from '../../workflows/messages';
import { firstBatch, summaryOf } from '../../workflows/supervision/record-view';
import { stateAtStart } from '../../workflows/supervision/state';
import type { SupervisionState } from '../../workflows/types';
import { createWorker } from '../../worker/worker';
import { itemInput } from '../helpers/fixtures';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { pollUntil } from '../helpers/reliability';
import { createDevServerEnv } from '../helpers/temporal';

const script = join(resolve(__dirname, '..', '..'), 'dist', 'scripts', 'verify-records.js');
jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let pg: TestPostgres;
let record: Db;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `verify-${randomUUID()}`;

beforeAll(async () => {
  [env, pg] = await Promise.all([createDevServerEnv(), startPostgres()]);
  record = await openDatabase({ url: pg.url });
  worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    deps: { calendar: officialCalendar(), channels: {}, record, client: env.client },
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running?.catch(() => undefined);
  await record?.close();
  await env?.teardown();
  await pg?.stop();
});

function cli(args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
  return new Promise((done) => {
    execFile(
      process.execPath,
      [script, '--settle', '1', '--task-queue', taskQueue, ...args],
      {
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: env.address,
          TEMPORAL_NAMESPACE: env.namespace ?? 'default',
          DUBAN_DATABASE_URL: pg.url,
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) =>
        done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('silent while the record follows; names every difference once they part', async () => {
  const open = itemInput();
  const done = itemInput();
  for (const input of [open, done])
    await env.client.workflow.start('supervisionItem', {
      workflowId: itemWorkflowId(input.itemId),
      taskQueue,
      args: [input],
    });
  const handle = env.client.workflow.getHandle(itemWorkflowId(done.itemId));
  await handle.executeUpdate(completeItem, {
    args: [{ comment: '办结', actor: { id: 'director-li', role: 'manager' } }],
  });
  await handle.result(); // how it ended; the whole final state comes from the query
  const final: SupervisionState = await handle.query(getItemState);
  // the completed item's last batch lands, and visibility lists both workflows
  expect(
    await pollUntil(async () => (await getItem(record, done.itemId))?.status === 'completed', 30_000),
  ).toBe(true);
  let report = await verifyRecords({ client: env.client, record, taskQueue, settleMs: 1000 });
  await pollUntil(async () => {
    report = await verifyRecords({ client: env.client, record, taskQueue, settleMs: 1000 });
    return report.items === 2;
  }, 30_000);
  expect(report).toEqual({ items: 2, cases: 0, differences: [] });
  const clean = await cli();
  expect(clean.stderr).toBe('');
  expect(clean.stdout).toBe('verify-records: 2 items and 0 cases checked, 0 differences\n');
  expect(clean.code).toBe(0);

  // A batch the workflow never sent: the record says paused at a revision the workflow never reached.
  const stored = (await getItem(record, done.itemId))!;
  await applyItemBatch(record, {
    itemId: done.itemId,
    revision: stored.revision + 100,
    summary: { ...summaryOf(final), status: 'paused' },
    events: [],
  });
  // The open item's workflow is terminated: its record row stays open with nothing behind it.
  await env.client.workflow.getHandle(itemWorkflowId(open.itemId)).terminate('verify-records test');

  report = await verifyRecords({ client: env.client, record, taskQueue, settleMs: 500 });
  const lines = report.differences.map(
    (d) => `${d.id} ${d.field} ${JSON.stringify(d.record)} ${JSON.stringify(d.workflow)}`,
  );
  expect(lines.sort()).toEqual(
    [
      `${done.itemId} revision ${stored.revision + 100} ${final.revision}`,
      `${done.itemId} status "paused" "completed"`,
      `${open.itemId} workflow "open" "terminated"`,
    ].sort(),
  );

  const dirty = await cli();
  expect(dirty.code).toBe(1);
  expect(dirty.stdout).toContain(`item ${done.itemId}: status: record "paused", workflow "completed"`);
  expect(dirty.stdout).toContain(`item ${open.itemId}: workflow: record "open", workflow "terminated"`);
  expect(dirty.stdout).toMatch(/2 items and 0 cases checked, 3 differences\n$/);

  // an open item on another task queue, whose worker is gone (a shared namespace): out of scope with
  // --task-queue; without it, a difference that says nobody answers, not a crash
  const elsewhere = itemInput();
  const otherQueue = `verify-other-${randomUUID()}`;
  await env.client.workflow.start('supervisionItem', {
    workflowId: itemWorkflowId(elsewhere.itemId),
    taskQueue: otherQueue,
    args: [elsewhere],
  });
  await applyItemBatch(record, firstBatch(stateAtStart(elsewhere, Date.now())));
  const scoped = await verifyRecords({ client: env.client, record, taskQueue, settleMs: 500 });
  expect(scoped.differences.map((d) => `${d.id} ${d.field}`).sort()).toEqual(
    [`${done.itemId} revision`, `${done.itemId} status`, `${open.itemId} workflow`].sort(),
  );
  // nobody answers its query: bounded by queryTimeoutMs (the server alone would hold it a minute)
  const all = await verifyRecords({ client: env.client, record, settleMs: 500, queryTimeoutMs: 3_000 });
  expect(all.differences.filter((d) => d.id === elsewhere.itemId)).toEqual([
    {
      kind: 'item',
      id: elsewhere.itemId,
      field: 'workflow',
      record: 'open',
      workflow: expect.stringContaining(`no answer from a worker on ${otherQueue}`),
    },
  ]);

  // bad arguments are the operator's mistake: exit 2 with the usage
  const bad = await cli(['--recent', 'soon']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--recent: a number ≥ 0, not "soon"');
  const badTimeout = await cli(['--query-timeout', '-1']);
  expect(badTimeout.code).toBe(2);
  expect(badTimeout.stderr).toContain('--query-timeout: a number ≥ 0, not "-1"');
});

test('names a level case its item does not list (started from a task that never completed)', async () => {
  // the item runs and is in the record, without cases
  const input = itemInput();
  const item = env.client.workflow.getHandle(itemWorkflowId(input.itemId));
  await env.client.workflow.start('supervisionItem', {
    workflowId: itemWorkflowId(input.itemId),
    taskQueue,
    args: [input],
  });
  expect(await pollUntil(async () => (await getItem(record, input.itemId)) !== undefined, 30_000)).toBe(true);
  // its level-1 case, started as an urge's task would have started it, by a task the item never completed
  const caseId = escalationCaseId(input.itemId, 1);
  const state = await item.query(getItemState);
  await createCaseActivities({ client: env.client }).startLevelCase({
    taskQueue,
    input: {
      caseId,
      itemId: input.itemId,
      subjects: [{ kind: 'unit', id: state.leadUnit.id, name: state.leadUnit.name }],
      grounds: ['第一次催办后仍未落实'],
      source: { kind: state.source.kind, reference: `督办事项 ${input.itemId}` },
      escalation: { level: 1, proposed: [], itemTitle: state.title, reason: 'deadline' },
      procedure: 'summary',
      policy: input.policy!,
      timeZone: input.timeZone,
      openedBy: { id: 'system', role: 'system' },
      openedAt: new Date().toISOString(),
    },
  });
  const unlisted = async () =>
    (await verifyRecords({ client: env.client, record, taskQueue, settleMs: 500 })).differences.filter(
      (d) => d.id === caseId,
    );
  let found: Awaited<ReturnType<typeof unlisted>> = [];
  await pollUntil(async () => (found = await unlisted()).length > 0, 30_000);
  expect(found).toEqual([
    {
      kind: 'case',
      id: caseId,
      field: 'item',
      record: [],
      workflow: `opened by level 1 of ${input.itemId}, not listed there`,
    },
  ]);
  await env.client.workflow.getHandle(caseWorkflowId(caseId)).terminate('verify-records test');
  await item.terminate('verify-records test');
});
