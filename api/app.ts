// The Express app, built from injected dependencies and never listening by itself: main.ts (or a
// test, or the embedded default) decides where it runs.
import { createHash } from 'node:crypto';
import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import swaggerUiDist from 'swagger-ui-dist';
import type { TokenEntry } from '../config';
import { authenticate, createAuthenticator } from './auth';
import { consoleRouter } from './console';
import type { Db } from '../activities/record/db';
import { DEFAULT_OFFICE, type ApiContext, type CalendarPort, type OfficeInfo } from './context';
import { problemHandler, unknownRoute } from './errors';
import { createLogger, httpLogger } from './logger';
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

export interface ApiDeps {
  client: Client;
  calendar: CalendarPort;
  tokens: readonly TokenEntry[];
  taskQueue: string;
  timeZone: string;
  logger?: Logger;
  /** injectable clock for tests */
  now?: () => Date;
  /** the record; without it the statistics, documents and exports answer 503 */
  record?: Db;
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

export function createApp(deps: ApiDeps): Express {
  const ctx: ApiContext = {
    client: deps.client,
    calendar: deps.calendar,
    taskQueue: deps.taskQueue,
    timeZone: deps.timeZone,
    now: deps.now ?? (() => new Date()),
    record: deps.record,
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
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(httpLogger(deps.logger ?? createLogger('silent')));

  app.use(healthRouter(deps.client));
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
  // before the items router: /items/:id/documents/letter is a document, not an item action
  v1.use(documentsRouter(ctx));
  v1.use('/items', itemsRouter(ctx));
  v1.use('/cases', casesRouter(ctx));
  v1.use('/ledger', ledgerRouter(ctx));
  v1.use('/policies', policiesRouter());
  v1.use('/me', meRouter(deps.tokens));
  v1.use('/stats', statsRouter(ctx));
  v1.use('/exports', exportsRouter(ctx));
  app.use('/v1', v1);
  // the web console (督办台) at /, after every API route
  app.use(consoleRouter());

  app.use(unknownRoute);
  app.use(problemHandler);
  return app;
}
