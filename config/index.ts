// All configuration, read once from the environment and validated at start-up: a bad value stops
// the process with the variable's name instead of failing later in some request.
import { parseOfficeHours, type OfficeHours } from '../domain/calendar/office-hours';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ID_PATTERN, TASK_QUEUE_DEFAULT } from '../workflows/ids';
import { DEFAULT_MAX_CACHED_WORKFLOWS, defaultTaskSlots } from '../worker/sizes';
import { projectRoot } from './temporal-binaries';

const bool = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

// A unit account (联络员) acts for exactly one unit of the directory: the token names it, and only a
// unit token may, so a typo cannot quietly widen or narrow what an office token sees.
const TokenEntry = z
  .strictObject({
    token: z.string().min(16, 'tokens must be at least 16 characters'),
    actor: z.string().min(1).max(100),
    role: z.enum(['staff', 'manager', 'ops', 'unit']),
    unit: z.string().regex(ID_PATTERN, 'a unit id: letters, digits and . _ : - only').optional(),
  })
  .superRefine((t, ctx) => {
    if (t.role === 'unit' && t.unit === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['unit'],
        message: 'required for role unit (the unit id it acts for)',
      });
    if (t.role !== 'unit' && t.unit !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['unit'],
        message: `only a unit token names a unit (role is ${t.role})`,
      });
  });
export type TokenEntry = z.infer<typeof TokenEntry>;

const Env = z.object({
  TEMPORAL_ADDRESS: z.string().min(3).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  DUBAN_TASK_QUEUE: z.string().min(1).default(TASK_QUEUE_DEFAULT),
  TEMPORAL_TLS: bool.optional(),
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  TEMPORAL_TLS_CA: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
  DUBAN_API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DUBAN_API_HOST: z.string().default('0.0.0.0'),
  DUBAN_TIME_ZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'not an IANA time zone'),
  DUBAN_CALENDAR_OVERRIDES: z.string().optional(),
  /** 办公时间: warnings, urges and bulletins outside them go out at the next opening */
  DUBAN_OFFICE_HOURS: z
    .string()
    .default('09:00-18:00')
    .refine((v) => {
      try {
        parseOfficeHours(v);
        return true;
      } catch {
        return false;
      }
    }, 'HH:mm-HH:mm on the calendar’s working days, opening before closing, e.g. 09:00-18:00'),
  DUBAN_SMTP_URL: z.url().optional(),
  DUBAN_SMTP_FROM: z.string().default('duban <duban@localhost>'),
  DUBAN_WEBHOOK_URL: z.url().optional(),
  DUBAN_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'a Standard Webhooks secret: whsec_ followed by base64')
    .optional(),
  DUBAN_API_TOKENS: z.string().optional(),
  DUBAN_API_TOKENS_FILE: z.string().optional(),
  DUBAN_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).default(DEFAULT_MAX_CACHED_WORKFLOWS),
  // unset: the SDK's default, or the cache's size where the cache is smaller
  DUBAN_WORKFLOW_TASK_SLOTS: z.coerce.number().int().min(2).optional(),
  DUBAN_SHUTDOWN_GRACE: z.string().default('10s'),
  DUBAN_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  DUBAN_WEB_UI_URL: z.string().default('http://localhost:8233'),
  DUBAN_DATA_DIR: z.string().min(1).optional(),
  DUBAN_DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'a postgres:// or postgresql:// URL' })
    .optional(),
  DUBAN_DATABASE_DIR: z.string().min(1).optional(),
  // the embedded record's two loopback ports (lock, then served); default derived from the folder
  DUBAN_DATABASE_PORT: z.coerce.number().int().min(1024).max(65534).optional(),
  DUBAN_WORKER_METRICS: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'host:port where the worker serves Prometheus metrics, e.g. 127.0.0.1:9464')
    .optional(),
});

export type Config = {
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    tls?: { serverName?: string; cert?: Buffer; key?: Buffer; ca?: Buffer };
    apiKey?: string;
  };
  api: { port: number; host: string };
  timeZone: string;
  /** DUBAN_OFFICE_HOURS, on the calendar's working days in `timeZone` */
  officeHours: OfficeHours;
  calendarOverridesFile?: string;
  smtp?: { url: string; from: string };
  webhook?: { url: string; secret: string };
  maxCachedWorkflows: number;
  /** workflow tasks the worker runs at once (no more than the cache holds) */
  workflowTaskSlots: number;
  shutdownGraceTime: string;
  logLevel: string;
  webUiUrl: string;
  /** the record: a PostgreSQL server when `url` is set, else the embedded PGlite in `dir` */
  database: { url?: string; dir: string; port?: number };
  /** host:port of the worker's Prometheus endpoint; off when unset */
  workerMetrics?: string;
  /** raw token settings; parsed by loadTokens() so only the API needs them */
  tokens: { json?: string; file?: string };
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.DUBAN_WEBHOOK_URL && !e.DUBAN_WEBHOOK_SECRET) {
    throw new ConfigError(
      'invalid configuration:\n  DUBAN_WEBHOOK_SECRET: required when DUBAN_WEBHOOK_URL is set',
    );
  }
  if (
    e.DUBAN_WORKFLOW_TASK_SLOTS !== undefined &&
    e.DUBAN_WORKFLOW_TASK_SLOTS > e.DUBAN_MAX_CACHED_WORKFLOWS
  ) {
    // a task in progress keeps its run in the cache: more slots than runs would evict runs mid-step
    throw new ConfigError(
      `invalid configuration:\n  DUBAN_WORKFLOW_TASK_SLOTS: at most DUBAN_MAX_CACHED_WORKFLOWS (${e.DUBAN_MAX_CACHED_WORKFLOWS})`,
    );
  }
  const read = (name: string, path?: string): Buffer | undefined => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConfigError(
        `invalid configuration:\n  ${name}: cannot read ${path} (${(err as Error).message})`,
      );
    }
  };
  const tlsWanted = e.TEMPORAL_TLS ?? Boolean(e.TEMPORAL_TLS_CERT || e.TEMPORAL_API_KEY);
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.DUBAN_TASK_QUEUE,
      tls: tlsWanted
        ? {
            serverName: e.TEMPORAL_TLS_SERVER_NAME,
            cert: read('TEMPORAL_TLS_CERT', e.TEMPORAL_TLS_CERT),
            key: read('TEMPORAL_TLS_KEY', e.TEMPORAL_TLS_KEY),
            ca: read('TEMPORAL_TLS_CA', e.TEMPORAL_TLS_CA),
          }
        : undefined,
      apiKey: e.TEMPORAL_API_KEY,
    },
    api: { port: e.DUBAN_API_PORT, host: e.DUBAN_API_HOST },
    timeZone: e.DUBAN_TIME_ZONE,
    officeHours: parseOfficeHours(e.DUBAN_OFFICE_HOURS),
    calendarOverridesFile: e.DUBAN_CALENDAR_OVERRIDES,
    smtp: e.DUBAN_SMTP_URL ? { url: e.DUBAN_SMTP_URL, from: e.DUBAN_SMTP_FROM } : undefined,
    webhook:
      e.DUBAN_WEBHOOK_URL && e.DUBAN_WEBHOOK_SECRET
        ? { url: e.DUBAN_WEBHOOK_URL, secret: e.DUBAN_WEBHOOK_SECRET }
        : undefined,
    maxCachedWorkflows: e.DUBAN_MAX_CACHED_WORKFLOWS,
    workflowTaskSlots: e.DUBAN_WORKFLOW_TASK_SLOTS ?? defaultTaskSlots(e.DUBAN_MAX_CACHED_WORKFLOWS),
    shutdownGraceTime: e.DUBAN_SHUTDOWN_GRACE,
    logLevel: e.DUBAN_LOG_LEVEL,
    webUiUrl: e.DUBAN_WEB_UI_URL,
    database: {
      url: e.DUBAN_DATABASE_URL,
      dir: resolve(
        e.DUBAN_DATABASE_DIR ??
          join(e.DUBAN_DATA_DIR ? resolve(e.DUBAN_DATA_DIR) : join(projectRoot, 'data'), 'record'),
      ),
      ...(e.DUBAN_DATABASE_PORT !== undefined ? { port: e.DUBAN_DATABASE_PORT } : {}),
    },
    workerMetrics: e.DUBAN_WORKER_METRICS,
    tokens: { json: e.DUBAN_API_TOKENS, file: e.DUBAN_API_TOKENS_FILE },
  };
}

/** Parses the API tokens; throws ConfigError naming the variable on any problem. */
export function loadTokens(cfg: Config): TokenEntry[] {
  const source = cfg.tokens.file ? 'DUBAN_API_TOKENS_FILE' : 'DUBAN_API_TOKENS';
  let raw = cfg.tokens.json;
  if (cfg.tokens.file) {
    try {
      raw = readFileSync(cfg.tokens.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`${source}: cannot read ${cfg.tokens.file} (${(err as Error).message})`);
    }
  }
  if (!raw)
    throw new ConfigError(
      'DUBAN_API_TOKENS or DUBAN_API_TOKENS_FILE must be set: the API refuses to start without tokens',
    );
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${source}: not valid JSON`);
  }
  const parsed = z.array(TokenEntry).min(1).safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${source}[${i.path.join('.')}]: ${i.message}`);
    throw new ConfigError(`invalid tokens:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
