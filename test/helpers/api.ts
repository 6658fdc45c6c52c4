// A running API for integration tests: a real dev server, optionally a real worker running the real
// workflows and activities, and the Express app on an ephemeral port, called with plain fetch.
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { officialCalendar } from '../../domain/calendar/official';
import { createApp, recordWritesOf } from '../../api/app';
import { openDatabase, type Db } from '../../activities/record/db';
import type { TokenEntry } from '../../config';
import type { NotificationChannels } from '../../activities/notifications';
import { createWorker } from '../../worker/worker';
import { createDevServerEnv } from './temporal';

export const TOKENS = {
  staff: 'staff-token-0123456789abcdef',
  manager: 'manager-token-0123456789abcdef',
  /** a second manager: an appeal is reviewed by a manager other than the one who decided */
  reviewer: 'reviewer-token-0123456789abcdef',
  ops: 'ops-token-0123456789abcdef',
  /** a unit account (联络员) of UNIT, the unit of itemBody() */
  unit: 'unit-token-0123456789abcdef',
  /** a unit account of OTHER_UNIT */
  otherUnit: 'other-unit-token-0123456789abcdef',
} as const;
export type TestRole = keyof typeof TOKENS;
export const UNIT = 'unit-housing';
export const OTHER_UNIT = 'unit-water';

export const TOKEN_ENTRIES: TokenEntry[] = [
  { token: TOKENS.staff, actor: 'liaison-wang', role: 'staff' },
  { token: TOKENS.manager, actor: 'director-li', role: 'manager' },
  { token: TOKENS.reviewer, actor: 'director-zhou', role: 'manager' },
  { token: TOKENS.ops, actor: 'ops-zhao', role: 'ops' },
  { token: TOKENS.unit, actor: 'liaison-housing', role: 'unit', unit: UNIT },
  { token: TOKENS.otherUnit, actor: 'liaison-water', role: 'unit', unit: OTHER_UNIT },
];

export interface CallOptions {
  as?: TestRole | 'unknown';
  body?: unknown;
  /** sent as is, instead of JSON.stringify(body) */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

export interface ApiHarness {
  env: TestWorkflowEnvironment;
  /** the record (an in-memory PGlite) the worker writes and the API reads */
  record: Db;
  baseUrl: string;
  taskQueue: string;
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

export async function startApiHarness(opts: {
  worker: boolean;
  record?: boolean;
  /** where the worker delivers notices (real receivers in a test); none by default */
  channels?: NotificationChannels;
  /** null: notices go out at once at any hour (a test that waits for one must not depend on the clock) */
  officeHours?: null;
}): Promise<ApiHarness> {
  const env = await createDevServerEnv();
  // every harness has the record now; `record` is kept so callers that asked for it still compile
  const record = await openDatabase();
  const taskQueue = `api-test-${randomUUID()}`;
  const calendar = officialCalendar();
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let server: Server | undefined;
  let app: Express | undefined;
  try {
    if (opts.worker) {
      const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
      worker = await createWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        workflowBundle,
        deps: { calendar, channels: opts.channels ?? {}, record, client: env.client },
      });
      running = worker.run();
    }
    app = createApp({
      client: env.client,
      calendar,
      tokens: TOKEN_ENTRIES,
      ...(opts.officeHours === null ? { officeHours: null } : {}),
      taskQueue,
      timeZone: 'Asia/Shanghai',
      record,
    });
    const listening = app;
    server = await new Promise<Server>((resolve) => {
      const s = listening.listen(0, '127.0.0.1', () => resolve(s));
    });
  } catch (err) {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await record?.close();
    await env.teardown();
    throw err;
  }
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    env,
    record,
    baseUrl,
    taskQueue,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.as)
        headers.authorization = `Bearer ${o.as === 'unknown' ? 'not-a-known-token-at-all' : TOKENS[o.as]}`;
      let payload: string | undefined = o.rawBody;
      if (payload === undefined && o.body !== undefined) payload = JSON.stringify(o.body);
      if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(baseUrl + path, { method, headers, body: payload });
      const text = await res.text();
      let body: unknown = undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      return { status: res.status, headers: res.headers, body, text };
    },
    async close() {
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        server?.closeAllConnections();
      });
      if (app) await recordWritesOf(app).settled();
      if (worker) {
        worker.shutdown();
        await running;
      }
      await record?.close();
      await env.teardown();
    },
  };
}

/** A minimal valid create body; each test overrides what it is about. */
export function itemBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: '推进老旧小区改造项目',
    source: { kind: 'leader_instruction', reference: '市领导批示〔2026〕12号' },
    leadUnit: {
      id: 'unit-housing',
      name: '市住建局',
      liaison: { id: 'p-liaison', name: '王联络', email: 'liaison@example.test' },
    },
    responsible: { principal: { id: 'p-chief', name: '张局长' } },
    ...overrides,
  };
}
