// Small wrappers around the client that turn Temporal's answers into the API's words: an id that
// was never used is a 404, a closed workflow refusing an action is a 409.
import type { Client } from '@temporalio/client';
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type QueryDefinition,
  type UpdateDefinition,
} from '@temporalio/common';
import { REFUSAL } from '../workflows/refusals';
import { notFound } from './errors';

const FAILED_PRECONDITION = 9;

/** Reads and starts answer quickly or not at all: past this an unreachable Temporal is a 503. */
export const READ_TIMEOUT_MS = 10_000;
/** Updates wait for the workflow to accept and apply the action, which may run an activity. */
export const UPDATE_TIMEOUT_MS = 30_000;

/** Runs one Temporal call under a deadline, so a lost server cannot hold a request forever. */
export function withTimeout<T>(client: Client, ms: number, fn: () => Promise<T>): Promise<T> {
  return client.connection.withDeadline(Date.now() + ms, fn);
}

/**
 * Awaits a start and, while the server answers it, runs `prepare`: the pure work the answer needs,
 * which would otherwise wait for the round trip. Throws what the start threw, or what `prepare` threw.
 */
export async function whileStarting<T>(start: Promise<unknown>, prepare: () => T): Promise<T> {
  const settled = start.then(
    () => undefined,
    (err: unknown) => ({ err }),
  );
  const prepared = prepare();
  const failed = await settled;
  if (failed) throw failed.err;
  return prepared;
}

function grpcCode(err: unknown): number | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Queries a workflow; a workflow that does not exist becomes a 404 naming what was looked for. */
export async function queryOr404<T>(
  client: Client,
  workflowId: string,
  query: QueryDefinition<T, []>,
  what: string,
): Promise<T> {
  const handle = client.workflow.getHandle(workflowId);
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTimeout(client, READ_TIMEOUT_MS, () => handle.query(query));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`no ${what}`);
      // a workflow started a moment ago may not have finished its first task yet
      if (grpcCode(err) === FAILED_PRECONDITION && attempt < 20) {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      throw err;
    }
  }
}

const CLOSED_AS: Record<string, string> = {
  COMPLETED: '已结束',
  FAILED: '已失败终止',
  TERMINATED: '已被终止',
  CANCELLED: '已取消',
  TIMED_OUT: '已超时',
};

/**
 * Runs an update; distinguishes "never existed" (404) from "already closed" (409). A closed
 * workflow's refusal is worded like the workflow's own (InvalidState, in Chinese): `closedReason`
 * reads the final state a completed run returned (e.g. "事项已撤销，不能再操作").
 */
export async function updateOr404<Ret, Arg>(
  client: Client,
  workflowId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  what: string,
  closedReason?: (result: unknown) => string | undefined,
): Promise<Ret> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await withTimeout(client, UPDATE_TIMEOUT_MS, () => handle.executeUpdate(update, { args: [arg] }));
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    let status: string;
    try {
      status = (await withTimeout(client, READ_TIMEOUT_MS, () => handle.describe())).status.name;
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) throw notFound(`no ${what}`);
      throw e;
    }
    let reason: string | undefined;
    if (status === 'COMPLETED' && closedReason) {
      const result = await withTimeout(client, READ_TIMEOUT_MS, () => handle.result()).catch(() => undefined);
      reason = result === undefined ? undefined : closedReason(result);
    }
    // the error middleware answers a refusal type with 409 and the reason, as for a live workflow
    throw ApplicationFailure.create({
      type: REFUSAL.invalidState,
      message: reason ?? `${what} ${CLOSED_AS[status] ?? status}，不能再操作`,
      nonRetryable: true,
    });
  }
}

/**
 * Starts the re-planning of every open item computed on the law-based estimate for a year the
 * office just loaded; one run per loaded version, so a repeated request starts nothing new.
 */
export async function startCalendarRollout(
  client: Client,
  taskQueue: string,
  input: { year: number; version: number; reference: string },
): Promise<{ workflowId: string }> {
  const workflowId = `calendar-rollout-${input.year}-v${input.version}`;
  try {
    await withTimeout(client, READ_TIMEOUT_MS, () =>
      client.workflow.start('calendarRollout', {
        workflowId,
        taskQueue,
        args: [input],
        staticSummary: `日历更新：${input.year}年放假安排（${input.reference}）`,
      }),
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return { workflowId };
}
