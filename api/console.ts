// The web console (督办台): the static files of console/dist, and index.html for any other page a
// browser asks for (/items/2026-001 is the console's own route). API paths keep their problem+json
// 404s: the fallback answers only GET/HEAD requests that ask for HTML outside the API's prefixes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import { projectRoot } from '../config/temporal-binaries';

const API_PREFIXES = ['/v1', '/docs', '/openapi.json', '/healthz', '/readyz'];

export const consoleDistDir = (): string =>
  process.env.DUBAN_CONSOLE_DIR ?? join(projectRoot, 'console', 'dist');

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>督办台</title>
<body style="font-family:sans-serif;margin:3rem"><h1>督办台尚未构建</h1>
<p>请在项目目录运行 <code>npm run build</code>（或 <code>npm install</code>）后刷新本页。</p>
<p>The web console is not built: run <code>npm run build</code>. The API is at <a href="/docs">/docs</a>.</p>`;

export function consoleRouter(dir: string = consoleDistDir()): Router {
  const router = express.Router();
  const index = join(dir, 'index.html');
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: true }),
  );
  router.use(express.static(dir, { index: false, fallthrough: true }));
  const fallback: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (API_PREFIXES.some((p) => req.path === p || req.path.startsWith(`${p}/`))) return next();
    if (!(req.get('accept') ?? '').includes('text/html')) return next();
    res.set('cache-control', 'no-cache');
    if (!existsSync(index)) return void res.status(503).type('html').send(NOT_BUILT);
    res.sendFile(index);
  };
  router.use(fallback);
  return router;
}
