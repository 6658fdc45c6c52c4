// The worker's cache and task-slot settings: one default each, read by the configuration and by a worker built without it.
import { loadConfig } from '../../config';
import { DEFAULT_MAX_CACHED_WORKFLOWS, DEFAULT_WORKFLOW_TASK_SLOTS } from '../../worker/sizes';

test('DUBAN_MAX_CACHED_WORKFLOWS defaults to the worker default and takes a positive count', () => {
  expect(loadConfig({ DUBAN_API_TOKENS: '[]' }).maxCachedWorkflows).toBe(DEFAULT_MAX_CACHED_WORKFLOWS);
  expect(loadConfig({ DUBAN_API_TOKENS: '[]', DUBAN_MAX_CACHED_WORKFLOWS: '2500' }).maxCachedWorkflows).toBe(
    2500,
  );
  expect(() => loadConfig({ DUBAN_API_TOKENS: '[]', DUBAN_MAX_CACHED_WORKFLOWS: '0' })).toThrow(
    'DUBAN_MAX_CACHED_WORKFLOWS',
  );
});

test('DUBAN_WORKFLOW_TASK_SLOTS defaults to the SDK default and takes no more than the cache holds', () => {
  const tokens = { DUBAN_API_TOKENS: '[]' };
  expect(loadConfig(tokens).workflowTaskSlots).toBe(DEFAULT_WORKFLOW_TASK_SLOTS);
  expect(loadConfig({ ...tokens, DUBAN_WORKFLOW_TASK_SLOTS: '200' }).workflowTaskSlots).toBe(200);
  expect(() => loadConfig({ ...tokens, DUBAN_WORKFLOW_TASK_SLOTS: '1' })).toThrow(
    'DUBAN_WORKFLOW_TASK_SLOTS',
  );
  // a small cache lowers the default with it, and refuses more slots than it holds runs
  expect(loadConfig({ ...tokens, DUBAN_MAX_CACHED_WORKFLOWS: '10' }).workflowTaskSlots).toBe(10);
  expect(loadConfig({ ...tokens, DUBAN_MAX_CACHED_WORKFLOWS: '1' }).workflowTaskSlots).toBe(2);
  expect(() =>
    loadConfig({ ...tokens, DUBAN_MAX_CACHED_WORKFLOWS: '100', DUBAN_WORKFLOW_TASK_SLOTS: '101' }),
  ).toThrow('DUBAN_WORKFLOW_TASK_SLOTS: at most DUBAN_MAX_CACHED_WORKFLOWS (100)');
});
