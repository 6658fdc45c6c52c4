import { Router } from 'express';
import { DEFAULT_POLICY, POLICY_PRESETS } from '../../domain/policies';
import { ALL_ROLES, requireRole } from '../auth';

export function policiesRouter(): Router {
  const router = Router();
  router.get('/', requireRole(...ALL_ROLES), (_req, res) => {
    res.json({ default: DEFAULT_POLICY, policies: Object.values(POLICY_PRESETS) });
  });
  return router;
}
