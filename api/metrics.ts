// Prometheus metrics of one API process (prom-client), served at GET /metrics: every request counted
// and timed by route pattern and status, items created, and actions refused (409). Each app has its
// own registry, so tests and the embedded default can build several apps in one process.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  /** first middleware of the app: times the request and counts it when the response is finished */
  middleware: RequestHandler;
  /** mounted beside a router (`v1.use('/items', metrics.base, itemsRouter)`) to record its base path */
  base: RequestHandler;
  handler: RequestHandler;
}

export function createApiMetrics(opts: { processMetrics?: boolean } = {}): ApiMetrics {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'duban_api_' });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'duban_api_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'duban_api_request_duration_seconds',
    help: 'HTTP request latency in seconds, by method, route pattern and status',
    labelNames,
    // creates wait for the workflow's first task (tens to hundreds of ms), reads are faster
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const created = new Counter({
    name: 'duban_api_items_created_total',
    help: 'Supervision items created (POST /v1/items answered 201)',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'duban_api_actions_refused_total',
    help: 'Requests refused with 409 (an action the item or case does not allow now, or a conflicting id)',
    labelNames: ['method', 'route'] as const,
    registers: [registry],
  });

  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    const stop = duration.startTimer();
    res.once('finish', () => {
      const route = routeOf(req, res);
      const labels = { method: req.method, route, status: String(res.statusCode) };
      stop(labels);
      requests.inc(labels);
      if (res.statusCode === 409) refused.inc({ method: req.method, route });
      if (res.statusCode === 201 && req.method === 'POST' && route === '/v1/items') created.inc();
    });
    next();
  };
  return {
    registry,
    middleware,
    base: (req, res, next) => {
      // an error thrown in a router unwinds req.baseUrl before the response is finished: keep it here
      res.locals.metricsBase = req.baseUrl;
      next();
    },
    handler: async (_req, res) => {
      res.type(registry.contentType).send(await registry.metrics());
    },
  };
}

/** The route pattern, never the raw path: ids in labels would grow the series without bound. */
function routeOf(req: Request, res: Response): string {
  const base = typeof res.locals.metricsBase === 'string' ? res.locals.metricsBase : req.baseUrl;
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string') return base ? `${base}/*` : 'unmatched';
  const full = `${base}${path}`;
  return full.length > 1 && full.endsWith('/') ? full.slice(0, -1) : full;
}
