// A private PostgreSQL server for one test file: initdb into a temporary folder, pg_ctl start on a
// free loopback port, and stop in afterAll. It uses Debian's `postgresql` package, which `npm install`
// installs (scripts/install-postgres.mjs). As root the server runs as the `postgres` OS user, since
// PostgreSQL refuses to run as root. DUBAN_TEST_DATABASE_URL points the tests at an existing server
// instead; each test file then works in databases of its own there.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** the URL of a database created for this file */
  url: string;
  /** a further, empty database on the same server */
  createDatabase(): Promise<string>;
  /**
   * Stops the server (fast shutdown: open connections are cut) and keeps its data, for an outage;
   * undefined on DUBAN_TEST_DATABASE_URL, a server the tests do not own.
   */
  halt?: () => void;
  /** starts a halted server again on the same port and data */
  resume?: () => void;
  stop(): Promise<void>;
}

function binDir(): string {
  if (process.env.DUBAN_POSTGRES_BIN) return process.env.DUBAN_POSTGRES_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0])
    throw new Error(
      'no PostgreSQL server binaries in /usr/lib/postgresql/*/bin: run `npm install` as root (it installs ' +
        "Debian's postgresql), or set DUBAN_POSTGRES_BIN or DUBAN_TEST_DATABASE_URL",
    );
  return join(root, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

function serverOn(adminUrl: string, stopServer: () => void): TestPostgres & { init(): Promise<void> } {
  const created: string[] = [];
  const createDatabase = async () => {
    const name = `duban_test_${randomBytes(6).toString('hex')}`;
    await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    created.push(name);
    return databaseUrl(adminUrl, name);
  };
  const self = {
    url: '',
    createDatabase,
    async init() {
      self.url = await createDatabase();
    },
    async stop() {
      if (process.env.DUBAN_TEST_DATABASE_URL) {
        await withClient(adminUrl, async (c) => {
          for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        });
      }
      stopServer();
    },
  };
  return self;
}

/** Starts the server (or connects to DUBAN_TEST_DATABASE_URL) and creates this file's database. */
export async function startPostgres(): Promise<TestPostgres> {
  const external = process.env.DUBAN_TEST_DATABASE_URL;
  if (external) {
    const server = serverOn(external, () => undefined);
    await server.init();
    return server;
  }
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'duban-pg-'));
  const data = join(dir, 'data');
  const root = process.getuid?.() === 0;
  const asUser = root ? ['runuser', '-u', 'postgres', '--'] : [];
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const run = (cmd: string, args: string[]) => {
    const [file, ...rest] = [...asUser, join(bin, cmd), ...args];
    execFileSync(file!, rest, { stdio: 'pipe', timeout: 120_000 });
  };
  const stopServer = () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    let port = 0;
    const optionsFor = (p: number) =>
      [
        '-c listen_addresses=127.0.0.1',
        `-p ${p}`,
        `-k ${dir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
      ].join(' ');
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = optionsFor(port);
      try {
        run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options, 'start']);
        break;
      } catch (err) {
        // Another process may have taken the port between the probe and the start.
        if (attempt >= 3) {
          const log = existsSync(join(dir, 'server.log'))
            ? readFileSync(join(dir, 'server.log'), 'utf8')
            : '';
          throw new Error(`pg_ctl start failed: ${(err as Error).message}\n${log}`);
        }
      }
    }
    const server = serverOn(`postgres://postgres@127.0.0.1:${port}/postgres`, stopServer);
    await server.init();
    return Object.assign(server, {
      halt: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
      resume: () =>
        run('pg_ctl', [
          '-D',
          data,
          '-l',
          join(dir, 'server.log'),
          '-w',
          '-t',
          '60',
          '-o',
          optionsFor(port),
          'start',
        ]),
    });
  } catch (err) {
    stopServer();
    throw err;
  }
}
