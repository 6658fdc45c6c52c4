// The API answers a create before its first record row is written; a GET of the same process
// waits for such writes, bounded, so whoever was answered reads what they made.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { PendingRecordWrites } from '../../api/record-writes';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('settled waits for every write pending, failed ones included, then nothing is pending', async () => {
  const w = new PendingRecordWrites();
  const a = deferred();
  const b = deferred();
  w.add(a.promise);
  w.add(b.promise);
  let done = false;
  const settled = w.settled().then(() => (done = true));
  a.resolve();
  await new Promise((r) => setImmediate(r));
  expect(done).toBe(false);
  b.reject(new Error('record down'));
  await settled;
  expect(done).toBe(true);
  expect(w.size).toBe(0);
});

test('settled gives up after its bound while a write hangs', async () => {
  const w = new PendingRecordWrites();
  w.add(new Promise(() => undefined));
  const t0 = Date.now();
  await w.settled(50);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
  expect(w.size).toBe(1);
});

test('a GET waits for a pending write and a POST does not', async () => {
  const w = new PendingRecordWrites();
  const app = express();
  const order: string[] = [];
  const arrived: string[] = [];
  app.use((req, _res, next) => {
    arrived.push(req.method);
    next();
  });
  app.use(w.readAfterWrite);
  app.all('/x', (req, res) => {
    order.push(req.method);
    res.sendStatus(204);
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  try {
    const write = deferred();
    w.add(write.promise.then(() => order.push('written')));
    const get = fetch(url);
    expect((await fetch(url, { method: 'POST' })).status).toBe(204);
    // the GET has reached the app and is held there; the POST went through
    while (!arrived.includes('GET')) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(['POST']);
    write.resolve();
    expect((await get).status).toBe(204);
    expect(order).toEqual(['POST', 'written', 'GET']);
  } finally {
    server.close();
  }
});

test('room: a create waits while the writes in flight reach the limit, and not below it', async () => {
  const w = new PendingRecordWrites();
  const a = deferred();
  const b = deferred();
  w.add(a.promise);
  let roomy = false;
  await w.room(2).then(() => (roomy = true));
  expect(roomy).toBe(true); // one in flight, limit two: no wait
  w.add(b.promise);
  let waited = false;
  const room = w.room(2).then(() => (waited = true));
  await new Promise((r) => setTimeout(r, 20));
  expect(waited).toBe(false);
  a.resolve();
  b.resolve();
  await room;
  expect(waited).toBe(true);
});

test('answerThenWrite answers first, then writes; a failed write goes to onFailure and ends the wait', async () => {
  const w = new PendingRecordWrites();
  const order: string[] = [];
  const failures: unknown[] = [];
  const write = deferred();
  await w.answerThenWrite(
    () => order.push('answered'),
    () => {
      order.push('writing');
      return write.promise;
    },
    (err) => failures.push(err),
  );
  expect(order).toEqual(['answered', 'writing']);
  expect(w.size).toBe(1);
  write.reject(new Error('record down'));
  await w.settled();
  expect(failures).toEqual([new Error('record down')]);
  expect(w.size).toBe(0);
});
