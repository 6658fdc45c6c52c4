// Who the bearer token is: the console learns its role here instead of guessing from the token.
import { Router } from 'express';
import { actorOf, ALL_ROLES, requireRole } from '../auth';

export function meRouter(): Router {
  const router = Router();
  router.get('/', requireRole(...ALL_ROLES), (_req, res) => {
    const actor = actorOf(res.locals);
    res.json({ actor: actor.id, role: actor.role, ...(actor.unit ? { unit: actor.unit } : {}) });
  });
  return router;
}

type OpenApiDocument = { paths?: Record<string, unknown> };

/**
 * Adds GET /v1/me to the generated document. It lives beside the route rather than in openapi.ts
 * so the console's route lands without touching the shared document builder; move it into the
 * registry there when convenient.
 */
export function withMeRoute<T extends OpenApiDocument>(doc: T): T {
  const problem = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  });
  const me = {
    get: {
      summary: 'Who the bearer token is (actor, role, unit)',
      description: 'Roles: any.',
      security: [{ bearer: [] }],
      responses: {
        200: {
          description: 'the token’s actor and role',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  actor: { type: 'string' },
                  role: { type: 'string', enum: ['staff', 'manager', 'ops', 'unit'] },
                  unit: { type: 'string', description: 'for a unit token: the unit id' },
                },
                required: ['actor', 'role'],
                additionalProperties: false,
              },
            },
          },
        },
        401: problem('missing or unknown bearer token'),
      },
    },
  };
  return { ...doc, paths: { ...doc.paths, '/v1/me': me } };
}
