// Each process's Prometheus endpoint, scraped once: the API's /metrics after a create and a refused
// create (409), and the built worker (dist/worker/main.js) started with DUBAN_WORKER_METRICS.
import { randomUUID } from 'node:crypto';
import { freePort } from '../../scripts/dev-server';
import { itemBody, startApiHarness, type ApiHarness } from '../helpers/api';
import { spawnWorker, type WorkerProcess } from '../helpers/reliability';

let api: ApiHarness;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  api = await startApiHarness({ worker: true });
});

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await api?.close();
});

/** the value of one sample line `name{labels} value`, or undefined */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]] as [string, string]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

test('the API counts requests by route and status, items created and actions refused', async () => {
  const id = `metrics-${randomUUID().slice(0, 8)}`;
  expect((await api.call('POST', '/v1/items', { as: 'staff', body: itemBody({ id }) })).status).toBe(201);
  const again = await api.call('POST', '/v1/items', {
    as: 'staff',
    body: itemBody({ id, title: '另一个标题' }),
  });
  expect(again.status).toBe(409);
  expect((await api.call('GET', `/v1/items/${id}`, { as: 'ops' })).status).toBe(200);

  const res = await fetch(`${api.baseUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await res.text();
  expect(sample(text, 'duban_api_items_created_total')).toBe(1);
  expect(sample(text, 'duban_api_actions_refused_total', { method: 'POST', route: '/v1/items' })).toBe(1);
  expect(sample(text, 'duban_api_requests_total', { route: '/v1/items', status: '201' })).toBe(1);
  expect(sample(text, 'duban_api_requests_total', { route: '/v1/items', status: '409' })).toBe(1);
  // the route pattern, never the id
  expect(sample(text, 'duban_api_requests_total', { route: '/v1/items/:id', status: '200' })).toBe(1);
  expect(text).not.toContain(id);
  expect(
    sample(text, 'duban_api_request_duration_seconds_count', { route: '/v1/items', status: '201' }),
  ).toBe(1);
});

test('the built worker serves the SDK metrics at DUBAN_WORKER_METRICS', async () => {
  const port = await freePort();
  worker = spawnWorker({
    address: api.env.address,
    taskQueue: `metrics-${randomUUID()}`,
    env: { DUBAN_WORKER_METRICS: `127.0.0.1:${port}` },
  });
  await worker.ready;
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  // the core's worker metrics, labelled with our task queue
  expect(text).toMatch(/^temporal_[a-z_]+\{[^}]*task_queue="metrics-/m);
  expect(worker.tail()).toContain(`"metrics":"http://127.0.0.1:${port}/metrics"`);
});
