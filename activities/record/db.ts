// The record's connection: one small interface over either an embedded PGlite (real PostgreSQL in
// WASM, the default: nothing to install) or a PostgreSQL server through a `pg` pool (clusters).
// The store is written against `Db` only, so every query runs unchanged on both.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import NodeModule from 'node:module';
import { join, resolve } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';

export type Row = Record<string, unknown>;

export interface QueryResult<R extends Row = Row> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** runs a script of several statements without parameters (a migration) */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** the embedded instance (for serveOverSocket and backups); undefined on a server connection */
  readonly pglite?: PGlite;
  /** runs fn in one transaction (READ COMMITTED): committed when it resolves, rolled back when it throws */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** a PostgreSQL URL (`DUBAN_DATABASE_URL`): use a server through `pg` */
  url?: string;
  /** an embedded data directory (`DUBAN_DATABASE_DIR`); in memory when neither is given */
  dataDir?: string;
  /** apply pending migrations at open (default true) */
  migrate?: boolean;
  /** pool size for a server (default 10) */
  maxConnections?: number;
  /** idle pool connections can fail (a server restart); without a listener that would crash the process */
  onPoolError?: (err: Error) => void;
}

/** Opens the record and brings its schema up to date. */
export async function openDatabase(options: OpenOptions = {}): Promise<Db> {
  const db = options.url
    ? postgresDb(options.url, options)
    : await pgliteDb(options.dataDir ? resolve(options.dataDir) : undefined);
  if (options.migrate ?? true) {
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
  }
  return db;
}

function postgresDb(url: string, options: OpenOptions): Db {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  pool.on('error', (err) => options.onPoolError?.(err));
  const run = async <R extends Row>(
    q: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>> => {
    const r = await q.query<R>(sql, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  };
  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    // Without parameters pg uses the simple protocol, which takes several statements.
    exec: async (sql) => void (await pool.query(sql)),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: (sql, params) => run(client, sql, params),
          exec: async (sql) => void (await client.query(sql)),
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          // The connection itself is gone: drop it from the pool instead of reusing it.
          broken = rollbackErr as Error;
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/**
 * A PGlite instance. Under jest it is loaded by Node's own module loader: PGlite reaches Node
 * built-ins through `import()`, which jest's module sandbox refuses without
 * --experimental-vm-modules. Everywhere else it is the ordinary import.
 */
export async function newPglite(dataDir?: string, options: PGliteOptions = {}): Promise<PGlite> {
  type Loader = (request: string, parent: unknown, isMain: boolean) => { PGlite: typeof PGlite };
  const load = (NodeModule as unknown as { _load?: Loader })._load;
  const Pglite =
    process.env.JEST_WORKER_ID !== undefined && load
      ? load(require.resolve('@electric-sql/pglite'), null, false).PGlite
      : PGlite;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = new Pglite(dataDir, options);
  await pglite.waitReady;
  return pglite;
}

async function pgliteDb(dataDir: string | undefined): Promise<Db> {
  return wrapPglite(await newPglite(dataDir));
}

/** A `Db` over an already open PGlite (the restore script and tests use it). */
export function wrapPglite(pglite: PGlite): Db {
  return {
    kind: 'pglite',
    pglite,
    // PGlite serialises its own queries and transactions, so one instance is safe to share in-process.
    async query<R extends Row>(sql: string, params?: readonly unknown[]) {
      const r = await pglite.query<R>(sql, params as unknown[] | undefined);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    exec: async (sql) => void (await pglite.exec(sql)),
    transaction: (fn) =>
      pglite.transaction((tx) =>
        fn({
          async query<R extends Row>(sql: string, params?: readonly unknown[]) {
            const r = await tx.query<R>(sql, params as unknown[] | undefined);
            return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
          },
          exec: async (sql) => void (await tx.exec(sql)),
        }),
      ),
    close: () => pglite.close(),
  };
}

// ---------- migrations ----------

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

// tsc does not copy .sql files: from dist/ the migrations are read from the source tree.
function migrationsDir(): string {
  const here = join(__dirname, 'migrations');
  if (existsSync(here)) return here;
  return resolve(__dirname, '..', '..', '..', 'activities', 'record', 'migrations');
}

export function loadMigrations(dir: string = migrationsDir()): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 3)),
        name: file.slice(4, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`record migrations: expected version ${i + 1}, found ${m.version}`);
  });
  return migrations;
}

// Any constant shared by every duban process; transaction-scoped, so a crash can never leave it held.
const MIGRATION_LOCK = 7_206_911_301;

/**
 * Applies the pending migrations in one transaction under an advisory lock, so processes starting at
 * the same time apply each one exactly once and the others wait, then find nothing to do. An applied
 * migration whose file has since changed stops the start instead of drifting silently.
 */
export async function migrate(db: Db, migrations: Migration[] = loadMigrations()): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations',
    );
    const applied = new Map(rows.map((r) => [Number(r.version), r.checksum]));
    const done: number[] = [];
    for (const m of migrations) {
      const checksum = applied.get(m.version);
      if (checksum !== undefined) {
        if (checksum !== m.checksum)
          throw new Error(`record migration ${m.version}_${m.name} was changed after it was applied`);
        continue;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      done.push(m.version);
    }
    return done;
  });
}

// ---------- the embedded database shared between processes ----------

export interface SocketServer {
  host: string;
  port: number;
  /** a `pg` URL for the other processes (and for this one: see below) */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves an embedded PGlite over the PostgreSQL wire protocol, so a worker and an API in separate
 * processes share one embedded record. PGlite has a single backend: the server keeps a transaction's
 * statements to its own connection, but in-process queries on the same PGlite are not part of that
 * queue, so once it is served the serving process too should use `openDatabase({ url })`.
 */
export async function serveOverSocket(
  pglite: PGlite,
  options: { host?: string; port: number; maxConnections?: number },
): Promise<SocketServer> {
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({
    db: pglite,
    host,
    port: options.port,
    maxConnections: options.maxConnections ?? 32,
  });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  return {
    host,
    port,
    url: `postgres://postgres@${host}:${port}/postgres`,
    close: () => server.stop(),
  };
}

/** The record a process is configured for: DUBAN_DATABASE_URL, else the embedded PGlite folder. */
export function openRecord(config: { database: { url?: string; dir: string } }): Promise<Db> {
  return openDatabase(config.database.url ? { url: config.database.url } : { dataDir: config.database.dir });
}
