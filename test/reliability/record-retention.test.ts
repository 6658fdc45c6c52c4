// Retention: Temporal deletes a closed workflow once its namespace retention passes. Here an item
// is reported on and completed, a case about it dismissed (closed), and another case decided with a
// measure in the ledger (台帐); then the closed workflows are deleted from Temporal, as retention
// does. The item, its history, its cases, the lists and the ledger must answer as before, from the
// record; and a second API on the same record but an empty Temporal (every workflow gone) answers
// them too. verify-records finds no difference afterwards.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { createApp } from '../../api/app';
import { officialCalendar } from '../../domain/calendar/official';
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import { verifyRecords } from '../../scripts/verify-records';
import { caseWorkflowId, itemWorkflowId } from '../../workflows/ids';
import { itemBody, startApiHarness, TOKEN_ENTRIES, TOKENS, type ApiHarness } from '../helpers/api';
import { pollUntil } from '../helpers/reliability';

jest.setTimeout(300_000);

let api: ApiHarness;
let empty: DevServer | undefined;
let emptyConnection: Connection | undefined;
let server: Server | undefined;

beforeAll(async () => {
  api = await startApiHarness({ worker: true });
});

afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await emptyConnection?.close();
  await empty?.stop();
  await api?.close();
});

const year = Number(
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()),
);
const uid = (p: string) => `${p}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function ok(method: string, path: string, as: keyof typeof TOKENS, body?: unknown) {
  const r = await api.call(method, path, { as, ...(body !== undefined ? { body } : {}) });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
  return r.body;
}

async function deleteFromTemporal(workflowId: string): Promise<void> {
  await api.env.connection.workflowService.deleteWorkflowExecution({
    namespace: api.env.namespace ?? 'default',
    workflowExecution: { workflowId },
  });
  // deletion is asynchronous on the server (a task of its own, slow on a busy machine)
  const gone = await pollUntil(async () => {
    try {
      await api.env.client.workflow.getHandle(workflowId).describe();
      return false;
    } catch (err) {
      return err instanceof WorkflowNotFoundError;
    }
  }, 90_000);
  expect(gone).toBe(true);
}

test('a completed item, its cases and its ledger rows answer after their workflows are deleted', async () => {
  const id = uid('kept');
  const person = uid('person');
  await ok('POST', '/v1/items', 'staff', itemBody({ id }));
  await ok('POST', `/v1/items/${id}/reports`, 'staff', { kind: 'progress', summary: '已完成摸底' });
  const subjects = [{ kind: 'person', id: person, name: '李科长', unitId: 'unit-housing' }];
  const grounds = ['6、工作懈怠，协调不力，经督查督办后不整改或整改不力的'];
  const source = { kind: 'inspection', reference: '明察暗访第3组' };
  const dismissed = (await ok('POST', '/v1/cases', 'manager', { subjects, grounds, source, itemId: id })).id;
  await ok('POST', `/v1/cases/${dismissed}/investigation`, 'staff', { findings: '情况属实但已整改' });
  await ok('POST', `/v1/cases/${dismissed}/decision`, 'manager', {
    decision: 'dismiss',
    measures: [],
    comment: '不予问责',
  });
  const imposed = (await ok('POST', '/v1/cases', 'manager', { subjects, grounds, source, itemId: id })).id;
  await ok('POST', `/v1/cases/${imposed}/investigation`, 'staff', { findings: '核查属实' });
  await ok('POST', `/v1/cases/${imposed}/decision`, 'manager', {
    decision: 'impose',
    measures: [{ subjectId: person, code: 'written_self_criticism' }],
  });
  await ok('POST', `/v1/items/${id}/complete`, 'manager', { comment: '已办结' });
  for (const wf of [itemWorkflowId(id), caseWorkflowId(dismissed)])
    await api.env.client.workflow.getHandle(wf).result();

  // what the office reads, once the record has every last step
  const reads = {
    item: `/v1/items/${id}`,
    list: `/v1/items?q=${encodeURIComponent('老旧小区')}&status=completed&pageSize=200`,
    cases: `/v1/cases?itemId=${id}`,
    dismissed: `/v1/cases/${dismissed}`,
    ledger: `/v1/ledger/${person}?year=${year}`,
    annual: `/v1/ledger?year=${year}&kind=person`,
  };
  const read = async () =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(reads).map(async ([k, path]) => {
          const r = await api.call('GET', path, { as: 'manager' });
          return [k, { status: r.status, body: r.body as unknown }];
        }),
      ),
    ) as Record<keyof typeof reads, { status: number; body: Record<string, unknown> }>;
  let before = await read();
  await pollUntil(async () => {
    before = await read();
    const events = (before.ledger.body.events as unknown[] | undefined) ?? [];
    return (
      before.item.body.status === 'completed' && before.dismissed.body.stage === 'closed' && events.length > 0
    );
  }, 30_000);
  expect(before.item.body).toMatchObject({ id, status: 'completed', caseIds: [dismissed, imposed] });
  expect((before.item.body.history as { action: string }[]).map((h) => h.action)).toContain('completed');
  expect((before.list.body.items as { id: string }[]).map((i) => i.id)).toContain(id);
  expect((before.cases.body.cases as { id: string }[]).map((c) => c.id).sort()).toEqual(
    [dismissed, imposed].sort(),
  );
  expect(before.ledger.body.events).toEqual([
    expect.objectContaining({ caseId: imposed, code: 'written_self_criticism' }),
  ]);

  // retention deletes the closed workflows; the open case (its appeal window runs) stays
  await deleteFromTemporal(itemWorkflowId(id));
  await deleteFromTemporal(caseWorkflowId(dismissed));
  expect(await read()).toEqual(before);
  // this file's task queue only: on a shared server (npm run test:cluster) the namespace also holds
  // other files' workflows, whose records are theirs and whose workers may be gone
  expect(
    await verifyRecords({
      client: api.env.client,
      record: api.record,
      taskQueue: api.taskQueue,
      settleMs: 1000,
    }),
  ).toMatchObject({ differences: [] });

  // every workflow gone: an API on the same record and a Temporal that never saw these ids
  empty = await startDevServer({ port: 0, headless: true, logLevel: 'error' });
  emptyConnection = await Connection.connect({ address: empty.address });
  const app = createApp({
    client: new Client({ connection: emptyConnection }),
    calendar: officialCalendar(),
    tokens: TOKEN_ENTRIES,
    taskQueue: api.taskQueue,
    timeZone: 'Asia/Shanghai',
    record: api.record,
  });
  server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [k, path] of Object.entries(reads)) {
    const r = await fetch(base + path, { headers: { authorization: `Bearer ${TOKENS.manager}` } });
    expect({ k, status: r.status, body: await r.json() }).toEqual({
      k,
      ...before[k as keyof typeof reads],
    });
  }
  // the case still open in Temporal answers from its record row alone
  const open = await fetch(`${base}/v1/cases/${imposed}`, {
    headers: { authorization: `Bearer ${TOKENS.manager}` },
  });
  expect(open.status).toBe(200);
  expect(await open.json()).toMatchObject({
    id: imposed,
    stage: 'appeal_window',
    measures: [expect.objectContaining({ code: 'written_self_criticism', status: 'executed' })],
  });
});
