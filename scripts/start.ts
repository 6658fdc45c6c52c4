// The embedded default behind `npm start`: a Temporal dev server (the official CLI, state kept in the
// data folder), then the worker and the API, with dev tokens, and one orderly stop on Ctrl-C.
//
// The worker and the API run inside this one Node process, not as children: they share one
// Temporal connection and one SDK runtime, a single signal handler can stop them in the right order
// (the API stops taking requests, the worker drains against a live server, then the server stops),
// and a laptop carries one Node heap instead of three. Clusters run the same code as two processes
// (worker/main.ts, api/main.ts). Only the dev server is a child, in its own process group, so a
// terminal's Ctrl-C reaches us alone and we stop it last (see scripts/dev-server.ts for the limits).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startApi, type RunningApi } from '../api/main';
import { ConfigError, loadConfig, loadTokens, type Config, type TokenEntry } from '../config';
import { projectRoot } from '../config/temporal-binaries';
import { createLogger, installRuntime, sdkLogger } from '../worker/logger';
import { openRecord, type Db } from '../activities/record/db';
import { startWorker, type RunningWorker } from '../worker/main';
import { workflowsPath } from '../worker/worker';
import { DevServerError, startDevServer, type DevServer } from './dev-server';

const ROLES = ['staff', 'manager', 'ops'] as const;
/** the README's sample unit: the dev unit token (联络员) acts for it */
export const DEV_UNIT = 'unit-housing';

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DUBAN_DATA_DIR ? resolve(env.DUBAN_DATA_DIR) : join(projectRoot, 'data');
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new ConfigError(`${name}: not a port number (${raw})`);
  return n;
}

const unitToken = (): TokenEntry => ({
  token: `dev-unit-${randomBytes(18).toString('base64url')}`,
  actor: 'dev-unit',
  role: 'unit',
  unit: DEV_UNIT,
});

/**
 * The dev tokens: kept in <data>/dev-tokens.json (mode 0600) so they survive restarts. A file from
 * before unit accounts gains the unit token; the tokens it holds stay as they are.
 */
export function devTokens(dir: string): { tokens: TokenEntry[]; file: string; created: boolean } {
  const file = join(dir, 'dev-tokens.json');
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    const tokens = loadTokens({ tokens: { file } } as Config);
    if (tokens.some((t) => t.role === 'unit')) return { tokens, file, created: false };
    const withUnit = [...tokens, unitToken()];
    writeFileSync(file, JSON.stringify(withUnit, null, 2) + '\n', { mode: 0o600 });
    return { tokens: withUnit, file, created: false };
  }
  const tokens: TokenEntry[] = [
    ...ROLES.map((role) => ({
      token: `dev-${role}-${randomBytes(18).toString('base64url')}`,
      actor: `dev-${role}`,
      role,
    })),
    unitToken(),
  ];
  writeFileSync(file, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return { tokens, file, created: true };
}

function banner(lines: {
  uiUrl?: string;
  apiUrl: string;
  temporal: string;
  namespace: string;
  taskQueue: string;
  data: string;
  tokens: TokenEntry[];
  tokenSource: string;
  ownServer: boolean;
}): string {
  const staff = lines.tokens.find((t) => t.role === 'staff');
  const out = [
    '',
    'duban (督办) is running. Press Ctrl-C to stop.',
    `  Web console      ${lines.apiUrl}/ (督办台)`,
    `  Temporal Web UI  ${lines.uiUrl ?? '(not known: set DUBAN_WEB_UI_URL)'}`,
    `  API              ${lines.apiUrl}`,
    `  API docs         ${lines.apiUrl}/docs`,
    `  Readiness        ${lines.apiUrl}/readyz`,
    `  Temporal         ${lines.temporal} (namespace ${lines.namespace}, task queue ${lines.taskQueue})` +
      (lines.ownServer ? '' : ' — external'),
    `  Data folder      ${lines.data}${lines.ownServer ? ' (workflows survive restarts)' : ''}`,
  ];
  if (lines.tokenSource === 'dev') {
    out.push(`  API tokens (dev, kept in ${join(lines.data, 'dev-tokens.json')}):`);
    for (const t of lines.tokens) {
      out.push(`    ${t.role.padEnd(8)} ${t.token}${t.unit ? `  (unit ${t.unit})` : ''}`);
    }
  } else {
    out.push(`  API tokens       from ${lines.tokenSource} (${lines.tokens.length}; not printed)`);
  }
  if (staff && lines.tokenSource === 'dev') {
    out.push(`  Try: curl -H "Authorization: Bearer ${staff.token}" ${lines.apiUrl}/v1/policies`);
  }
  out.push('督办已启动：在浏览器打开督办台办理事项，在 Web UI 查看每个督办事项的流程，按 Ctrl-C 停止。', '');
  return out.join('\n');
}

async function main(): Promise<number> {
  const external = process.env.TEMPORAL_ADDRESS;
  const dir = dataDir();
  const devPort = intFromEnv('DUBAN_DEV_SERVER_PORT', 7233);
  const uiPort = intFromEnv('DUBAN_DEV_UI_PORT', 8233);
  const baseConfig = loadConfig({
    ...process.env,
    // the embedded default serves this machine only, unless told otherwise
    DUBAN_API_HOST: process.env.DUBAN_API_HOST ?? '127.0.0.1',
  });
  const logger = createLogger(baseConfig.logLevel, 'duban');
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  let tokenSource = 'dev';
  let tokens: TokenEntry[];
  if (baseConfig.tokens.json || baseConfig.tokens.file) {
    tokens = loadTokens(baseConfig);
    tokenSource = baseConfig.tokens.file ? 'DUBAN_API_TOKENS_FILE' : 'DUBAN_API_TOKENS';
  } else {
    tokens = devTokens(dir).tokens;
  }

  let server: DevServer | undefined;
  let record: Db | undefined;
  let worker: RunningWorker | undefined;
  let api: RunningApi | undefined;
  // the dev server's own start-up noise stays out of the console (it is in the error on failure)
  let forwardServerLog = false;

  const bundling = bundleWorkflowCode({
    workflowsPath: workflowsPath(),
    logger: sdkLogger(logger.child({}, { level: 'warn' })),
  });
  bundling.catch(() => undefined);

  if (!external) {
    process.stdout.write(`Starting the Temporal dev server on 127.0.0.1:${devPort} (data in ${dir})…\n`);
    server = await startDevServer({
      dbFile: join(dir, 'temporal.db'),
      ip: '127.0.0.1',
      port: devPort,
      uiPort,
      namespace: baseConfig.temporal.namespace,
      logLevel: 'warn',
      onOutput: (line, stream) => {
        if (stream === 'stderr' && forwardServerLog) process.stderr.write(`[temporal] ${line}\n`);
      },
    });
  }
  forwardServerLog = true;
  const config: Config = {
    ...baseConfig,
    database: {
      ...baseConfig.database,
      dir: baseConfig.database.url ? baseConfig.database.dir : join(dir, 'record'),
    },
    temporal: server ? { ...baseConfig.temporal, address: server.address } : baseConfig.temporal,
    webUiUrl: server?.uiUrl ?? baseConfig.webUiUrl,
  };

  // everything started so far is stopped in reverse order, whichever way we leave
  const stopAll = async (): Promise<void> => {
    forwardServerLog = false;
    await api?.close().catch((err: unknown) => logger.warn({ err }, 'API did not close cleanly'));
    await worker?.shutdown().catch((err: unknown) => logger.warn({ err }, 'worker did not stop cleanly'));
    await record?.close().catch((err: unknown) => logger.warn({ err }, 'record did not close cleanly'));
    await server?.stop();
  };

  try {
    installRuntime(logger, config.workerMetrics);
    // One record for both: PGlite is one process's database (DUBAN_DATABASE_URL names a server instead).
    record = await openRecord(config);
    worker = await startWorker(config, {
      logger: logger.child({ component: 'worker' }),
      workflowBundle: await bundling,
      record,
    });
    api = await startApi({
      config,
      tokens,
      client: worker.client,
      record,
      logger: logger.child({ component: 'api' }),
    });
  } catch (err) {
    await stopAll();
    throw err;
  }

  process.stdout.write(
    banner({
      uiUrl: config.webUiUrl,
      apiUrl: api.url.replace('://127.0.0.1:', '://localhost:'),
      temporal: config.temporal.address,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      data: dir,
      tokens,
      tokenSource,
      ownServer: Boolean(server),
    }) + '\n',
  );

  // Wait for a signal, or for a part to fail on its own.
  const outcome = await new Promise<{ code: number; why: string }>((done) => {
    const onSignal = (signal: NodeJS.Signals) => done({ code: 0, why: signal });
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    worker?.done.then(
      () => done({ code: 1, why: 'the worker stopped unexpectedly' }),
      (err: unknown) => done({ code: 1, why: `the worker failed: ${(err as Error).message}` }),
    );
    void server?.exited.then(({ code, signal }) =>
      done({ code: 1, why: `the Temporal dev server exited (${signal ?? code})` }),
    );
  });

  if (outcome.code === 0)
    process.stdout.write(
      `\nStopping (${outcome.why}): API, then worker${server ? ', then dev server' : ''}…\n`,
    );
  else logger.error(outcome.why);
  // a second Ctrl-C does not wait for the drain
  const force = (signal: NodeJS.Signals) => {
    process.stderr.write(`Second signal (${signal}): stopping now.\n`);
    forwardServerLog = false;
    void server?.stop();
    process.exit(130);
  };
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  await stopAll();
  if (outcome.code === 0) process.stdout.write('Stopped. 已停止。\n');
  return outcome.code;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof ConfigError || err instanceof DevServerError) {
        process.stderr.write(`\n${err.message}\n`);
        process.exit(2);
      }
      process.stderr.write(
        `start failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
