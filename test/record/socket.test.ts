// The embedded record shared between processes: a PGlite served over the PostgreSQL protocol and
// used through `pg`, as a separate worker or API process would, with the same exactly-once writes.
import { newPglite, openDatabase, serveOverSocket, wrapPglite, type Db } from '../../activities/record/db';
import { applyItemBatch, getItem, listItems } from '../../activities/record/store';
import { itemBatch } from './fixtures';

it('serves a PGlite over the socket; two pg pools write to it exactly once', async () => {
  const pglite = await newPglite();
  const server = await serveOverSocket(pglite, { host: '127.0.0.1', port: 0 });
  const dbs: Db[] = [];
  try {
    expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(server.port).toBeGreaterThan(0);
    // migrations over the socket, from two "processes" at once
    const [a, b] = await Promise.all([openDatabase({ url: server.url }), openDatabase({ url: server.url })]);
    dbs.push(a!, b!);
    const create = itemBatch('sock-1', 1);
    const results = await Promise.all([1, 2, 3, 4].map((i) => applyItemBatch(i % 2 ? a! : b!, create)));
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    await Promise.all(
      [2, 3, 2, 3].map((rev, i) => applyItemBatch(i % 2 ? a! : b!, itemBatch('sock-1', rev))),
    );
    expect((await getItem(b!, 'sock-1'))?.history.map((h) => h.action)).toEqual([
      'step 1',
      'step 2',
      'step 3',
    ]);
    expect((await listItems(a!, { limit: 10 })).items.map((i) => i.id)).toEqual(['sock-1']);
  } finally {
    for (const d of dbs) await d.close();
    await server.close();
  }
  // what was written over the socket is in the embedded database itself
  const direct = wrapPglite(pglite);
  expect((await getItem(direct, 'sock-1'))?.revision).toBe(3);
  await direct.close();
});
