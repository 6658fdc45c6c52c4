// The API process: validated config and tokens, one Temporal connection for its whole life, and a
// graceful stop on SIGINT/SIGTERM. startApi() is also what the embedded default calls in-process.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { Logger } from 'pino';
import { loadConfig, loadTokens, type Config, type TokenEntry } from '../config';
import { loadCalendarOverrides } from '../activities/calendar/overrides';
import { CalendarService } from '../activities/calendar/service';
import { openRecord, type Db } from '../activities/record/db';
import { createApp, recordWritesOf } from './app';
import { createApiMetrics } from './metrics';
import type { CalendarPort } from './context';
import { createLogger } from './logger';

export interface StartApiOptions {
  config: Config;
  /** defaults to loadTokens(config); the embedded default passes generated dev tokens */
  tokens?: TokenEntry[];
  /** an existing client to share (the embedded default); otherwise one is connected and owned here */
  client?: Client;
  calendar?: CalendarPort;
  /** the record to share (the embedded default); otherwise opened from the configuration and owned */
  record?: Db;
  logger?: Logger;
  port?: number;
  host?: string;
}

export interface RunningApi {
  server: Server;
  url: string;
  port: number;
  /** stops accepting requests, waits for those in flight, and closes a connection it opened */
  close(): Promise<void>;
}

export async function connectClient(config: Config): Promise<Client> {
  const connection = await Connection.connect({
    address: config.temporal.address,
    tls: tlsOf(config),
    apiKey: config.temporal.apiKey,
  });
  return new Client({ connection, namespace: config.temporal.namespace });
}

function tlsOf(config: Config): TLSConfig | undefined {
  const t = config.temporal.tls;
  if (!t) return undefined;
  return {
    serverNameOverride: t.serverName,
    serverRootCACertificate: t.ca,
    clientCertPair: t.cert && t.key ? { crt: t.cert, key: t.key } : undefined,
  };
}

export async function startApi(opts: StartApiOptions): Promise<RunningApi> {
  const { config } = opts;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const tokens = opts.tokens ?? loadTokens(config);
  const ownsClient = !opts.client;
  const client = opts.client ?? (await connectClient(config));
  const ownsRecord = !opts.record;
  let record: Db | undefined;
  try {
    record = opts.record ?? (await openRecord(config));
    const overrides = config.calendarOverridesFile
      ? loadCalendarOverrides(config.calendarOverridesFile)
      : undefined;
    const calendars = new CalendarService({ record, overrides });
    await calendars.refresh();
    for (const d of calendars.packageDifferences()) {
      logger.warn(d, `chinese-days now has ${d.year}, and it differs from the arrangement the office loaded`);
    }
    const app = createApp({
      client,
      record,
      calendars,
      ...(opts.calendar ? { calendar: opts.calendar } : {}),
      tokens,
      taskQueue: config.temporal.taskQueue,
      timeZone: config.timeZone,
      officeHours: config.officeHours,
      logger,
      metrics: createApiMetrics({ processMetrics: true }),
    });
    const host = opts.host ?? config.api.host;
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(opts.port ?? config.api.port, host, (err?: Error) =>
        err ? reject(err) : resolve(s),
      );
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`;
    logger.info({ url }, 'duban API listening');
    return {
      server,
      url,
      port,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await recordWritesOf(app).settled();
        if (ownsClient) await client.connection.close();
        if (ownsRecord) await record?.close();
      },
    };
  } catch (err) {
    if (ownsClient) await client.connection.close();
    if (ownsRecord) await record?.close();
    throw err;
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const api = await startApi({ config, logger });
  try {
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    logger.info('shutting down');
  } finally {
    await api.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
