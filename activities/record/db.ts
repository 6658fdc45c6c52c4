// The record's connection: one small interface over either an embedded PGlite (real PostgreSQL in
// WASM, the default: nothing to install) or a PostgreSQL server through a `pg` pool (clusters).
// The store is written against `Db` only, so every query runs unchanged on both.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import NodeModule from 'node:module';
import { createServer, type Server } from 'node:net';
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
      // The pool listens for errors only on idle connections: a server shutting down between two
      // statements of this transaction would otherwise be an unhandled 'error' that ends the
      // process. Kept here, the error fails the next statement and drops the connection.
      const onError = (err: Error) => {
        broken = err;
      };
      client.on('error', onError);
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
        client.removeListener('error', onError);
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

// ---------- the embedded record in several processes ----------

/**
 * The ports of an embedded data folder: `lock`, held (listened on, never answered) by the process
 * that owns the folder, and `lock + 1`, where it serves the record. Listening is the election: the
 * OS gives a port to one process and takes it back when that process dies, even by SIGKILL, so no
 * stale lock file can outlive its owner. Derived from the folder's path unless given, in
 * 20000–31999: below every OS's ephemeral range (Linux from 32768, macOS and Windows from 49152),
 * since the local port of any outgoing connection blocks listening on it, and a lock port taken
 * that way would read as "another process owns the folder" until that connection closed.
 */
export function embeddedPorts(dir: string, port?: number): { lock: number; serve: number } {
  const lock =
    port ??
    20_000 + (parseInt(createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 8), 16) % 6_000) * 2;
  return { lock, serve: lock + 1 };
}

function listen(port: number): Promise<Server | undefined> {
  return new Promise((done, fail) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EADDRINUSE' ? done(undefined) : fail(err),
    );
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => done(server));
  });
}

/** Whether a process holds the embedded folder (backup and restore need it free). */
export async function embeddedInUse(dir: string, port?: number): Promise<boolean> {
  const lock = await listen(embeddedPorts(dir, port).lock);
  if (!lock) return true;
  await new Promise((r) => lock.close(r));
  return false;
}

const CONNECTION_LOST = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', '57P01', '57P03']);
const lostConnection = (err: unknown) => CONNECTION_LOST.has(String((err as { code?: unknown })?.code));

/**
 * The embedded record shared by every process on this machine that opens the same folder: the
 * first to claim the folder's lock port opens PGlite, migrates it and serves it over the
 * PostgreSQL protocol on the next port; every process, that one too, uses it through `pg`. When
 * the owner stops or dies, the next process whose query finds the server gone claims the folder
 * and serves it (that query fails and is retried like any database outage).
 */
export async function openEmbedded(
  dir: string,
  options: { port?: number; onPoolError?: (err: Error) => void; readyTimeoutMs?: number } = {},
): Promise<Db> {
  const ports = embeddedPorts(dir, options.port);
  let owned: { lock: Server; socket: SocketServer; pglite: PGlite } | undefined;
  let claiming: Promise<void> | undefined;
  const claim = async (): Promise<void> => {
    const lock = await listen(ports.lock);
    if (!lock) return;
    try {
      const pglite = await newPglite(dir);
      try {
        await migrate(wrapPglite(pglite));
        owned = { lock, pglite, socket: await serveOverSocket(pglite, { port: ports.serve }) };
      } catch (err) {
        await pglite.close();
        throw err;
      }
    } catch (err) {
      await new Promise((r) => lock.close(r));
      throw err;
    }
  };
  const reclaim = () => {
    claiming ??= claim().finally(() => (claiming = undefined));
    return claiming;
  };
  await claim();
  const url = `postgres://postgres@127.0.0.1:${ports.serve}/postgres`;
  const pool = postgresDb(url, { ...options, maxConnections: 8 });
  // another process owns the folder: wait for it to serve (it may be migrating), or take it over
  const until = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    try {
      await pool.query('SELECT 1');
      break;
    } catch (err) {
      if (!lostConnection(err) || Date.now() > until) {
        await pool.close();
        if (owned) await closeOwned(owned);
        throw new Error(
          `the embedded record in ${dir} is held by another process, which does not serve it on ` +
            `127.0.0.1:${ports.serve} (${(err as Error).message}); stop it, or set DUBAN_DATABASE_PORT ` +
            `to ports of your choice in every process, or use DUBAN_DATABASE_URL`,
        );
      }
      if (!owned) await reclaim();
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const guarded =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(...args);
      } catch (err) {
        if (lostConnection(err) && !owned) void reclaim().catch(() => undefined);
        throw err;
      }
    };
  // the owner migrated before serving; the owner may be an older duban than this process
  if (!owned) await migrate(pool);
  return {
    kind: 'pglite',
    get pglite() {
      return owned?.pglite;
    },
    query: guarded((sql: string, params?: readonly unknown[]) => pool.query(sql, params)) as Db['query'],
    exec: guarded((sql: string) => pool.exec(sql)),
    transaction: guarded((fn: Parameters<Db['transaction']>[0]) => pool.transaction(fn)) as Db['transaction'],
    async close() {
      await pool.close();
      if (owned) await closeOwned(owned);
      owned = undefined;
    },
  };
}

async function closeOwned(o: { lock: Server; socket: SocketServer; pglite: PGlite }): Promise<void> {
  await o.socket.close();
  await o.pglite.close();
  await new Promise((r) => o.lock.close(r));
}

/**
 * The record a process is configured for: DUBAN_DATABASE_URL, else the embedded PGlite folder,
 * shared with the other duban processes that open it (openEmbedded).
 */
export function openRecord(config: { database: { url?: string; dir: string; port?: number } }): Promise<Db> {
  if (config.database.url) return openDatabase({ url: config.database.url });
  return openEmbedded(
    config.database.dir,
    config.database.port !== undefined ? { port: config.database.port } : {},
  );
}
