// The embedded record in several processes (`npm run worker` and `npm run api` on the default
// PGlite folder): the first to open the folder serves it, the others use it through `pg`, and when
// the owner stops, the next one to need it takes it over. First within one process (the election is
// the same), then as the real worker and API processes on a dev server.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedInUse, embeddedPorts, openEmbedded, type Db } from '../../activities/record/db';
import { applyItemBatch, getItem } from '../../activities/record/store';
import { freePort, startDevServer, type DevServer } from '../../scripts/dev-server';
import { itemBody, TOKEN_ENTRIES, TOKENS } from '../helpers/api';
import { spawnApi, type ApiProcess } from '../helpers/cluster';
import { pollUntil, spawnWorker, type WorkerProcess } from '../helpers/reliability';
import { itemBatch } from './fixtures';

jest.setTimeout(120_000);

const dirs: string[] = [];
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'duban-embedded-'));
  dirs.push(d);
  return join(d, 'record');
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// The local port of any outgoing connection blocks listening on it: a derived lock port inside the
// OS's ephemeral range once read as "another process owns the folder" for a minute in CI.
test('derived ports lie below the ephemeral range, where no outgoing connection takes them', () => {
  const range = '/proc/sys/net/ipv4/ip_local_port_range';
  const ephemeralFrom = existsSync(range)
    ? Number(readFileSync(range, 'utf8').trim().split(/\s+/)[0])
    : 32_768;
  const seen = new Set<number>();
  for (let i = 0; i < 2_000; i++) {
    const { lock, serve } = embeddedPorts(join(tmpdir(), `duban-${randomUUID()}`, 'record'));
    expect(serve).toBe(lock + 1);
    expect(lock).toBeGreaterThanOrEqual(20_000);
    expect(serve).toBeLessThan(Math.min(ephemeralFrom, 32_768));
    seen.add(lock);
  }
  expect(seen.size).toBeGreaterThan(1_500); // spread, so two folders rarely share ports
  expect(embeddedPorts('/any', 24_680)).toEqual({ lock: 24_680, serve: 24_681 });
});

test('the first opener serves the folder; another uses it and takes it over when the owner stops', async () => {
  const dir = newDir();
  const owner = await openEmbedded(dir);
  let other: Db | undefined;
  try {
    expect(owner.pglite).toBeDefined();
    expect(await embeddedInUse(dir)).toBe(true);
    other = await openEmbedded(dir);
    expect(other.pglite).toBeUndefined();
    expect((await applyItemBatch(owner, itemBatch('emb-1', 1))).applied).toBe(true);
    // the same batch through the other connection is a duplicate: one database behind both
    expect((await applyItemBatch(other, itemBatch('emb-1', 1))).applied).toBe(false);
    expect((await applyItemBatch(other, itemBatch('emb-1', 2))).applied).toBe(true);
    expect((await getItem(owner, 'emb-1'))?.revision).toBe(2);

    await owner.close();
    // the first query after the owner left fails like an outage and the folder is claimed meanwhile
    const back = await pollUntil(async () => {
      try {
        return (await getItem(other!, 'emb-1'))?.revision === 2;
      } catch {
        return false;
      }
    }, 30_000);
    expect(back).toBe(true);
    expect(other.pglite).toBeDefined();
    expect((await applyItemBatch(other, itemBatch('emb-1', 3))).applied).toBe(true);
  } finally {
    await owner.close().catch(() => undefined);
    await other?.close();
  }
  expect(await embeddedInUse(dir)).toBe(false);
});

describe('npm run worker and npm run api on one embedded folder', () => {
  let server: DevServer | undefined;
  let worker: WorkerProcess | undefined;
  let api: ApiProcess | undefined;
  afterAll(async () => {
    await api?.kill('SIGTERM');
    await worker?.kill('SIGTERM');
    await server?.stop();
  });

  test('both start, and the API reads what the worker wrote', async () => {
    server = await startDevServer({ port: 0, headless: true, logLevel: 'error' });
    const env = { DUBAN_DATABASE_DIR: newDir() };
    const taskQueue = `embedded-${randomUUID()}`;
    worker = spawnWorker({ address: server.address, taskQueue, env });
    await worker.ready;
    api = await spawnApi({
      address: server.address,
      namespace: 'default',
      taskQueue,
      port: await freePort(),
      tokens: TOKEN_ENTRIES,
      env,
    });
    const id = `emb-${randomUUID().slice(0, 8)}`;
    const created = await fetch(`${api.url}/v1/items`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.staff}`, 'content-type': 'application/json' },
      body: JSON.stringify(itemBody({ id })),
    });
    expect(created.status).toBe(201);
    // the list answers from the record only: the worker's write reached the API's process
    const listed = await pollUntil(async () => {
      const r = await fetch(`${api!.url}/v1/items?pageSize=10`, {
        headers: { authorization: `Bearer ${TOKENS.ops}` },
      });
      const body = (await r.json()) as { items: { id: string }[] };
      return body.items.some((i) => i.id === id);
    }, 30_000);
    expect(listed).toBe(true);
    expect(worker.child.exitCode).toBeNull();
    expect(api.child.exitCode).toBeNull();
  });
});
