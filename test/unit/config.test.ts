// The worker's cache setting: one default, read by the configuration and by a worker built without it.
import { loadConfig } from '../../config';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../../worker/cache-size';

test('DUBAN_MAX_CACHED_WORKFLOWS defaults to the worker default and takes a positive count', () => {
  expect(loadConfig({ DUBAN_API_TOKENS: '[]' }).maxCachedWorkflows).toBe(DEFAULT_MAX_CACHED_WORKFLOWS);
  expect(loadConfig({ DUBAN_API_TOKENS: '[]', DUBAN_MAX_CACHED_WORKFLOWS: '2500' }).maxCachedWorkflows).toBe(
    2500,
  );
  expect(() => loadConfig({ DUBAN_API_TOKENS: '[]', DUBAN_MAX_CACHED_WORKFLOWS: '0' })).toThrow(
    'DUBAN_MAX_CACHED_WORKFLOWS',
  );
});
