// startLevelCase (patch case-started-in-task): the case a ladder level opens, started from the urge's
// own task on a real dev server. Started once whatever the retries: a second call, and a call after
// the case closed, start nothing and say so; bad input is a non-retryable InvalidInput naming the
// field, and starts nothing. Also through the worker's own client (a NativeConnection), which a
// worker built without one uses.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { Client } from '@temporalio/client';
import { createCaseActivities } from '../../activities/cases/start-case';
import { CaseStageKey, CaseSubjectsKey } from '../../workflows/search-attributes';
import type { CaseInput } from '../../workflows/types';
import { leadUnit, preset } from '../helpers/fixtures';
import { createDevServerEnv } from '../helpers/temporal';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createDevServerEnv();
}, 60_000);

afterAll(async () => {
  await env?.teardown();
});

function levelCase(caseId: string): CaseInput {
  return {
    caseId,
    itemId: 'lcs-item-1',
    subjects: [{ kind: 'unit', id: leadUnit.id, name: leadUnit.name }],
    grounds: ['第一次催办后仍未落实'],
    source: { kind: 'leader_instruction', reference: '督办事项 lcs-item-1' },
    escalation: { level: 2, proposed: [], itemTitle: '老旧小区改造', reason: 'deadline' },
    procedure: 'summary',
    policy: preset('three-urges'),
    timeZone: 'Asia/Shanghai',
    openedBy: { id: 'system', role: 'system' },
    openedAt: new Date().toISOString(),
  };
}

test('starts the case once, named and indexed; a retry and a call after it closed start nothing', async () => {
  const { startLevelCase } = createCaseActivities({ client: env.client });
  const caseId = `lcs-${randomUUID().slice(0, 8)}-L2`;
  const taskQueue = `lcs-${randomUUID().slice(0, 8)}`;
  await expect(startLevelCase({ input: levelCase(caseId), taskQueue })).resolves.toEqual({ started: true });

  const handle = env.client.workflow.getHandle(`case-${caseId}`);
  const d = await handle.describe();
  expect(d.type).toBe('accountabilityCase');
  expect(d.taskQueue).toBe(taskQueue);
  expect(d.memo).toEqual({ title: '问责：老旧小区改造' });
  expect(d.typedSearchAttributes.get(CaseStageKey)).toBe('decision'); // summary procedure
  expect(d.typedSearchAttributes.get(CaseSubjectsKey)).toEqual([leadUnit.id]);
  expect(await d.staticSummary()).toBe('问责：老旧小区改造');
  expect(await d.staticDetails()).toBe(`督办事项：lcs-item-1\n承办单位：${leadUnit.name}\n触发：第2级催办`);

  // a retried task: the case is running
  await expect(startLevelCase({ input: levelCase(caseId), taskQueue })).resolves.toEqual({ started: false });
  // closed since: its id is not reused, the one run stays the case
  await handle.terminate('test over');
  await expect(startLevelCase({ input: levelCase(caseId), taskQueue })).resolves.toEqual({ started: false });
  const runs = [];
  for await (const r of env.client.workflow.list({ query: `WorkflowId = 'case-${caseId}'` })) runs.push(r);
  expect(runs.map((r) => r.runId)).toEqual([d.runId]);
});

test("the worker's own client (NativeConnection) starts it, and knows a case already started", async () => {
  const client = new Client({ connection: env.nativeConnection, namespace: env.namespace ?? 'default' });
  const activity = new MockActivityEnvironment({}, { client });
  // no client handed in: the activity uses the one of its context
  const { startLevelCase } = createCaseActivities({});
  const caseId = `lcs-${randomUUID().slice(0, 8)}-L1`;
  const req = { input: levelCase(caseId), taskQueue: 'lcs-native' };
  await expect(activity.run(startLevelCase, req)).resolves.toEqual({ started: true });
  await expect(activity.run(startLevelCase, req)).resolves.toEqual({ started: false });
  await env.client.workflow.getHandle(`case-${caseId}`).terminate('test over');
});

test.each([
  ['a case id the API cannot address', { caseId: '问责-L1' }, 'input.caseId'],
  ['no item', { itemId: undefined }, 'input.itemId'],
  [
    'a level that is not one',
    { escalation: { level: 0, itemTitle: 'x', proposed: [] } },
    'input.escalation.level',
  ],
  ['no subjects', { subjects: [] }, 'input.subjects'],
])(
  'bad input (%s) is a non-retryable InvalidInput naming the field, and starts nothing',
  async (_, bad, field) => {
    const { startLevelCase } = createCaseActivities({ client: env.client });
    const caseId = `lcs-${randomUUID().slice(0, 8)}-L3`;
    const input = { ...levelCase(caseId), ...bad } as CaseInput;
    const err: unknown = await startLevelCase({ input, taskQueue: 'lcs-bad' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect((err as Error).message).toContain(`${field}:`);
    await expect(env.client.workflow.getHandle(`case-${input.caseId}`).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
  },
);

test('an empty task queue is refused the same way', async () => {
  const { startLevelCase } = createCaseActivities({ client: env.client });
  await expect(startLevelCase({ input: levelCase('lcs-noqueue-L1'), taskQueue: '' })).rejects.toMatchObject({
    type: 'InvalidInput',
    message: expect.stringContaining('taskQueue:'),
  });
});

test('without any client (not in an activity, none handed in) it fails plainly, retryable', async () => {
  const { startLevelCase } = createCaseActivities({});
  await expect(startLevelCase({ input: levelCase('lcs-noclient-L1'), taskQueue: 'q' })).rejects.toThrow(
    'startLevelCase needs a Temporal client',
  );
});
