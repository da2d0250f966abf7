import { Router } from 'express';

/** Liveness probe for load balancers and orchestrators; it checks nothing but that the process answers. */
export function createHealthRouter(): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  return router;
}
