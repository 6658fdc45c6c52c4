// The Express app, built from injected dependencies and never listening by itself: main.ts (or a
// test, or the embedded default) decides where it runs.
import { DEFAULT_OFFICE_HOURS, type OfficeHours } from '../domain/calendar/office-hours';
import { createHash } from 'node:crypto';
import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Db } from '../activities/record/db';
import swaggerUiDist from 'swagger-ui-dist';
import type { TokenEntry } from '../config';
import { authenticate, createAuthenticator } from './auth';
import { consoleRouter } from './console';
import type { ApiContext, CalendarPort } from './context';
import { CalendarService } from '../activities/calendar/service';
import { startCalendarRollout } from './temporal';
import { calendarRouter } from './routes/calendar';
import { DEFAULT_OFFICE, type OfficeInfo } from './context';
import { problemHandler, unknownRoute } from './errors';
import { createLogger, httpLogger } from './logger';
import { createApiMetrics, type ApiMetrics } from './metrics';
import { startTiming } from './server-timing';
import { PendingRecordWrites } from './record-writes';
import { buildOpenApiDocument } from './openapi';
import { casesRouter } from './routes/cases';
import { documentsRouter } from './routes/documents';
import { exportsRouter } from './routes/exports';
import { statsRouter } from './routes/stats';
import { healthRouter } from './routes/health';
import { itemsRouter } from './routes/items';
import { ledgerRouter } from './routes/ledger';
import { meRouter, withMeRoute } from './routes/me';
import { policiesRouter } from './routes/policies';
import { unitsRouter } from './routes/units';

export interface ApiDeps {
  client: Client;
  record: Db;
  /** the calendar in force; by default built from the package and the record's office years */
  calendars?: CalendarService;
  /** a fixed calendar instead (tests of exact dates) */
  calendar?: CalendarPort;
  tokens: readonly TokenEntry[];
  taskQueue: string;
  timeZone: string;
  /** 办公时间 for the items it starts; default 09:00-18:00, null for none (every notice at once) */
  officeHours?: OfficeHours | null;
  logger?: Logger;
  /** injectable clock for tests */
  now?: () => Date;
  /** Prometheus metrics served at /metrics; a fresh registry per app when omitted */
  metrics?: ApiMetrics;
  office?: Partial<OfficeInfo>;
}

const SWAGGER_INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '../openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

/** the routes that read items or cases from the record */
export const RECORD_READS = ['/items', '/cases', '/ledger', '/stats', '/exports', '/documents'];

export function createApp(deps: ApiDeps): Express {
  const calendars = deps.calendars ?? new CalendarService({ record: deps.record });
  const fixed = deps.calendar;
  const ctx: ApiContext = {
    client: deps.client,
    record: deps.record,
    recordWrites: new PendingRecordWrites(),
    calendars,
    get calendar() {
      return fixed ?? calendars.current;
    },
    replanForYear: (year, version, reference) =>
      startCalendarRollout(deps.client, deps.taskQueue, { year, version, reference }),
    taskQueue: deps.taskQueue,
    timeZone: deps.timeZone,
    ...(deps.officeHours === null ? {} : { officeHours: deps.officeHours ?? DEFAULT_OFFICE_HOURS }),
    now: deps.now ?? (() => new Date()),
    office: { ...DEFAULT_OFFICE, ...deps.office },
    // derived from the token set: every replica with the same configuration accepts the others'
    // page tokens, and no extra secret needs configuring
    pageTokenKey: createHash('sha256')
      .update('duban page token\0')
      .update(
        deps.tokens
          .map((t) => t.token)
          .sort()
          .join('\0'),
      )
      .digest(),
  };
  const metrics = deps.metrics ?? createApiMetrics();
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(startTiming);
  app.use(metrics.middleware);
  app.use(httpLogger(deps.logger ?? createLogger('silent')));

  app.use(healthRouter(deps.client));
  // for Prometheus, unauthenticated like the health checks: serve the API on a private network
  app.get('/metrics', metrics.handler);
  const openapi = withMeRoute(buildOpenApiDocument());
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.get('/docs/swagger-initializer.js', (_req, res) => {
    res.type('application/javascript').send(SWAGGER_INIT);
  });
  app.use('/docs', express.static(swaggerUiDist.getAbsoluteFSPath(), { index: 'index.html' }));

  const v1 = express.Router();
  v1.use(authenticate(createAuthenticator(deps.tokens)));
  // a read of items and cases sees every create this process answered, though its record row is
  // written just after (the calendar, the policies, the units and /me read none of them)
  v1.use(RECORD_READS, ctx.recordWrites.readAfterWrite);
  // before the items router: /items/:id/documents/letter is a document, not an item action
  v1.use(metrics.base, documentsRouter(ctx));
  v1.use('/items', metrics.base, itemsRouter(ctx));
  v1.use('/cases', metrics.base, casesRouter(ctx));
  v1.use('/ledger', metrics.base, ledgerRouter(ctx));
  v1.use('/calendar', metrics.base, calendarRouter(ctx));
  v1.use('/policies', metrics.base, policiesRouter());
  v1.use('/units', metrics.base, unitsRouter(ctx));
  v1.use('/me', metrics.base, meRouter());
  v1.use('/stats', metrics.base, statsRouter(ctx));
  v1.use('/exports', metrics.base, exportsRouter(ctx));
  app.use('/v1', metrics.base, v1);
  // the web console (督办台) at /, after every API route
  app.use(consoleRouter());

  app.use(unknownRoute);
  app.use(problemHandler);
  app.locals.recordWrites = ctx.recordWrites;
  return app;
}

/** The record writes an app still has in flight: a shutdown waits for them before closing the record. */
export const recordWritesOf = (app: Express): PendingRecordWrites =>
  app.locals.recordWrites as PendingRecordWrites;
