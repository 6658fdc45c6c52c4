// The worker process (docker-compose, real clusters, Temporal Cloud): one connection from the
// configuration, one client on it, the record (PostgreSQL, or the embedded PGlite), the worker built
// by createWorker, and a graceful stop on SIGINT/SIGTERM. The embedded default calls startWorker() in
// its own process instead of running this file.
import { Client, Connection } from '@temporalio/client';
import {
  NativeConnection,
  type NativeConnectionOptions,
  type TLSConfig,
  type Worker,
} from '@temporalio/worker';
import { loadCalendarOverrides } from '../activities/calendar/overrides';
import { CalendarService } from '../activities/calendar/service';
import { officialCalendar } from '../domain/calendar/official';
import { createNotificationChannels, describeChannels } from '../activities/notifications';
import { openRecord, type Db } from '../activities/record/db';
import { ConfigError, loadConfig, type Config } from '../config';
import { createLogger, installRuntime, type PinoLogger } from './logger';
import { createWorker } from './worker';

export interface RunningWorker {
  worker: Worker;
  connection: NativeConnection;
  client: Client;
  record: Db;
  /** settles when the worker has stopped and the connection is closed; rejects if the worker failed */
  done: Promise<void>;
  /** stops polling, lets running tasks finish (up to shutdownGraceTime), then closes the connection */
  shutdown(): Promise<void>;
}

export interface StartWorkerOptions {
  logger?: PinoLogger;
  /** a prebuilt workflow bundle; otherwise workflows/ is bundled at start */
  workflowBundle?: Parameters<typeof createWorker>[0]['workflowBundle'];
  /** the record to share (the embedded default); otherwise opened from the configuration and owned */
  record?: Db;
}

/** Connection settings for a cluster or Temporal Cloud: mTLS, API key, or plain for a dev server. */
export function nativeConnectionOptions(config: Config): NativeConnectionOptions {
  const t = config.temporal;
  let tls: TLSConfig | undefined;
  if (t.tls) {
    tls = {
      ...(t.tls.serverName ? { serverNameOverride: t.tls.serverName } : {}),
      ...(t.tls.ca ? { serverRootCACertificate: t.tls.ca } : {}),
      ...(t.tls.cert && t.tls.key ? { clientCertPair: { crt: t.tls.cert, key: t.tls.key } } : {}),
    };
  }
  return {
    address: t.address,
    ...(tls ? { tls } : {}),
    ...(t.apiKey ? { apiKey: t.apiKey } : {}),
  };
}

export async function startWorker(config: Config, opts: StartWorkerOptions = {}): Promise<RunningWorker> {
  const logger = opts.logger ?? createLogger(config.logLevel, 'duban-worker');
  installRuntime(logger, config.workerMetrics);

  const overrides = config.calendarOverridesFile
    ? loadCalendarOverrides(config.calendarOverridesFile)
    : undefined;
  const calendar = officialCalendar(overrides ? { overrides } : {});
  const channels = createNotificationChannels(config, logger);
  logger.info(
    { calendar: calendar.version, coveredThrough: calendar.coveredThrough },
    overrides ? `calendar with overrides from ${config.calendarOverridesFile}` : 'calendar from chinese-days',
  );
  logger.info(describeChannels(channels));

  const ownsRecord = !opts.record;
  const record = opts.record ?? (await openRecord(config));
  logger.info({ record: config.database.url ? 'postgres' : config.database.dir }, 'record open');
  // the years the office loads reach the worker's calendar activities and re-planning too
  const calendars = new CalendarService({ record, ...(overrides ? { overrides } : {}) });
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect(nativeConnectionOptions(config));
  } catch (err) {
    if (ownsRecord) await record.close();
    throw err;
  }
  let worker: Worker;
  const client = new Client({ connection, namespace: config.temporal.namespace });
  try {
    worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps: { calendar, calendars, channels, record, client },
      maxCachedWorkflows: config.maxCachedWorkflows,
      workflowTaskSlots: config.workflowTaskSlots,
      shutdownGraceTime: config.shutdownGraceTime as Parameters<typeof createWorker>[0]['shutdownGraceTime'],
      ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : {}),
    });
  } catch (err) {
    await connection.close();
    if (ownsRecord) await record.close();
    throw err;
  }
  logger.info(
    {
      address: config.temporal.address,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      maxCachedWorkflows: config.maxCachedWorkflows,
      workflowTaskSlots: config.workflowTaskSlots,
      shutdownGraceTime: config.shutdownGraceTime,
      ...(config.workerMetrics ? { metrics: `http://${config.workerMetrics}/metrics` } : {}),
    },
    'worker polling',
  );

  const done = (async () => {
    try {
      await worker.run();
    } finally {
      await connection.close();
      if (ownsRecord) await record.close();
    }
  })();
  // the caller awaits `done` (or shutdown()); an unobserved rejection must not crash the process first
  done.catch(() => undefined);

  return {
    worker,
    connection,
    client,
    record,
    done,
    shutdown: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
      logger.info('worker stopped');
    },
  };
}

/**
 * Container healthcheck (`node dist/worker/main.js --healthcheck`): healthy when Temporal reports a
 * poller on the task queue. With one worker per queue that is this worker; with several it only
 * says that some worker polls.
 */
async function healthcheck(config: Config): Promise<boolean> {
  const connection = await Connection.connect({ ...nativeConnectionOptions(config), connectTimeout: 3000 });
  try {
    const res = await connection.withDeadline(Date.now() + 3000, () =>
      connection.workflowService.describeTaskQueue({
        namespace: config.temporal.namespace,
        // TASK_QUEUE_KIND_NORMAL, TASK_QUEUE_TYPE_WORKFLOW
        taskQueue: { name: config.temporal.taskQueue, kind: 1 },
        taskQueueType: 1,
      }),
    );
    return (res.pollers ?? []).length > 0;
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (process.argv.includes('--healthcheck')) {
    const healthy = await healthcheck(config).catch(() => false);
    process.exit(healthy ? 0 : 1);
  }
  const logger = createLogger(config.logLevel, 'duban-worker');
  const running = await startWorker(config, { logger });
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down: finishing running tasks');
    void running.shutdown().catch(() => undefined);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await running.done;
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(
        `worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
