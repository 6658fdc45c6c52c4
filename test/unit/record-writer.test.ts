// The record lane's writer (workflows/shared/record-write.ts), outside a workflow: which activity
// each mode calls with what, and the fence chain across a run that takes patch record-in-task at
// its first live write.
import type { ActivityFunctionWithOptions, LocalActivityFunctionWithOptions } from '@temporalio/workflow';
import type { TaskFence } from '../../domain/record';
import { fencedWriter, RECORD_AFTER_TASK } from '../../workflows/shared/record-write';
import { RECORD_IN_TASK } from '../../workflows/shared/patch-ids';

interface Batch {
  revision: number;
  fence?: TaskFence;
}
type Write = (b: Batch) => Promise<unknown>;

function fakeActivity() {
  const calls: { options: Record<string, unknown>; batch: Batch }[] = [];
  const fn = Object.assign(async () => undefined, {
    executeWithOptions: async (options: Record<string, unknown>, [batch]: [Batch]) => {
      calls.push({ options, batch });
    },
  });
  return { fn, calls };
}

function writer(patches: () => Set<string>, summary?: (b: Batch) => string) {
  const local = fakeActivity();
  const task = fakeActivity();
  const write = fencedWriter<Batch>({
    patched: (id) => patches().has(id),
    follows: 0,
    local: local.fn as unknown as LocalActivityFunctionWithOptions<Write>,
    task: task.fn as unknown as ActivityFunctionWithOptions<Write>,
    ...(summary ? { summary } : {}),
  });
  return { write, local: local.calls, task: task.calls };
}

test('in task: a local activity, each batch fenced and following the one before', async () => {
  const w = writer(() => new Set([RECORD_IN_TASK]));
  await w.write({ revision: 1 });
  await w.write({ revision: 3 });
  expect(w.task).toHaveLength(0);
  expect(w.local.map((c) => c.batch.fence?.follows)).toEqual([0, 1]);
  expect(w.local.map((c) => c.batch.revision)).toEqual([1, 3]);
  expect(w.local[0]!.options).toMatchObject({ startToCloseTimeout: '10 seconds' });
  expect(w.local[0]!.options).not.toHaveProperty('summary');
});

test('after task: a regular activity, unfenced, with the summary when one is given', async () => {
  const w = writer(
    () => new Set([RECORD_AFTER_TASK]),
    (b) => `记录第 ${b.revision} 版`,
  );
  await w.write({ revision: 1 });
  expect(w.local).toHaveLength(0);
  expect(w.task).toHaveLength(1);
  expect(w.task[0]!.batch).not.toHaveProperty('fence');
  expect(w.task[0]!.options).toMatchObject({ summary: '记录第 1 版' });
});

test('a run that takes record-in-task mid-way: its first fenced batch follows the last unfenced one', async () => {
  const patches = new Set([RECORD_AFTER_TASK]);
  const w = writer(() => patches);
  await w.write({ revision: 1 });
  await w.write({ revision: 2 });
  patches.add(RECORD_IN_TASK); // the first write past the replayed history asks, and gets the patch
  await w.write({ revision: 3 });
  expect(w.task.map((c) => c.batch.revision)).toEqual([1, 2]);
  expect(w.local.map((c) => c.batch.fence?.follows)).toEqual([2]);
});
