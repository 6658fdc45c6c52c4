// Builds the worker: one task queue, all duban workflows from the workflows/ bundle, and the
// activities made from injected dependencies. Used by worker/main.ts, the embedded default and tests.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { DEFAULT_MAX_CACHED_WORKFLOWS, defaultTaskSlots, MIN_LOCAL_ACTIVITY_SLOTS } from './sizes';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  maxCachedWorkflows?: number;
  /** workflow tasks run at once (DUBAN_WORKFLOW_TASK_SLOTS) */
  workflowTaskSlots?: number;
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  /** a prebuilt bundle (tests share one per file); otherwise workflows/ is bundled at start */
  workflowBundle?: WorkerOptions['workflowBundle'];
  activities?: object;
}

export function workflowsPath(): string {
  return require.resolve('../workflows');
}

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  const cached = opts.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS;
  const taskSlots = opts.workflowTaskSlots ?? defaultTaskSlots(cached);
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowsPath() }),
    activities: opts.activities ?? createActivities(opts.deps),
    maxCachedWorkflows: cached,
    maxConcurrentWorkflowTaskExecutions: taskSlots,
    // every task slot may wait on a local activity of its own
    maxConcurrentLocalActivityExecutions: Math.max(MIN_LOCAL_ACTIVITY_SLOTS, taskSlots),
    shutdownGraceTime: opts.shutdownGraceTime ?? '10s',
  });
}
