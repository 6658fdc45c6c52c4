// Liveness says the process answers; readiness says it can reach Temporal, checked with a cheap
// call under a short deadline so a load balancer never waits on a hung connection.
import { Router } from 'express';
import type { Client } from '@temporalio/client';

export function healthRouter(client: Client, timeoutMs = 3000): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    try {
      await client.connection.withDeadline(Date.now() + timeoutMs, () =>
        client.workflowService.getSystemInfo({}),
      );
      res.json({ status: 'ready', temporal: 'reachable' });
    } catch (err) {
      req.log?.warn({ err }, 'Temporal not reachable');
      res
        .status(503)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: 'urn:duban:problem:temporal-unavailable',
            title: 'Service Unavailable',
            status: 503,
            detail: 'Temporal is not reachable',
            instance: req.originalUrl,
          }),
        );
    }
  });
  return router;
}
