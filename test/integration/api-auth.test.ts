// The auth matrix: every route × no token, an unknown token, and each role. Allowed roles must get
// past auth to the route's own answer (given on purpose: a 400 for an empty body, a 404 for an
// unknown id…), refused roles a 403, strangers a 401 with WWW-Authenticate.
import { startApiHarness, type ApiHarness, type TestRole } from '../helpers/api';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness({ worker: false });
});

afterAll(async () => {
  await api?.close();
});

interface RouteCase {
  method: 'GET' | 'POST';
  path: string;
  roles: TestRole[];
  body?: unknown;
  /** what an allowed role gets for this request */
  allowed: number;
}

const ANY: TestRole[] = ['staff', 'manager', 'ops'];
const ROUTES: RouteCase[] = [
  { method: 'POST', path: '/v1/items', roles: ['staff', 'manager'], body: {}, allowed: 400 },
  { method: 'GET', path: '/v1/items', roles: ANY, allowed: 200 },
  { method: 'GET', path: '/v1/items/no-such-item', roles: ANY, allowed: 404 },
  { method: 'POST', path: '/v1/items/preview', roles: ANY, body: {}, allowed: 400 },
  { method: 'POST', path: '/v1/items/x/reports', roles: ['staff'], body: {}, allowed: 400 },
  { method: 'POST', path: '/v1/items/x/review', roles: ['manager'], body: {}, allowed: 400 },
  { method: 'POST', path: '/v1/items/no-such-item/complete', roles: ['manager'], body: {}, allowed: 404 },
  { method: 'POST', path: '/v1/items/x/extension-request', roles: ['staff'], body: {}, allowed: 400 },
  { method: 'POST', path: '/v1/items/x/extension-decision', roles: ['manager'], body: {}, allowed: 400 },
  { method: 'POST', path: '/v1/items/x/pause', roles: ['manager'], body: {}, allowed: 400 },
  { method: 'POST', path: '/v1/items/x/resume', roles: ['manager'], body: {}, allowed: 400 },
  { method: 'POST', path: '/v1/items/x/cancel', roles: ['manager'], body: {}, allowed: 400 },
  { method: 'POST', path: '/v1/cases', roles: ['manager'], body: {}, allowed: 400 },
  { method: 'GET', path: '/v1/cases/no-such-case', roles: ANY, allowed: 404 },
  { method: 'POST', path: '/v1/cases/x/investigation', roles: ['staff', 'manager'], body: {}, allowed: 400 },
  { method: 'POST', path: '/v1/cases/x/decision', roles: ['manager'], body: {}, allowed: 400 },
  { method: 'POST', path: '/v1/cases/x/appeal', roles: ['staff', 'manager'], body: {}, allowed: 400 },
  { method: 'POST', path: '/v1/cases/x/review', roles: ['manager'], body: {}, allowed: 400 },
  { method: 'GET', path: '/v1/ledger/p-nobody?year=2026', roles: ANY, allowed: 200 },
  { method: 'GET', path: '/v1/policies', roles: ANY, allowed: 200 },
];

const matrix = ROUTES.flatMap((r) =>
  (['none', 'unknown', 'staff', 'manager', 'ops'] as const).map((who) => ({
    ...r,
    who,
    expected: who === 'none' || who === 'unknown' ? 401 : r.roles.includes(who) ? r.allowed : 403,
  })),
);

test.each(matrix)('$method $path as $who → $expected', async ({ method, path, body, who, expected }) => {
  const res = await api.call(method, path, { as: who === 'none' ? undefined : who, body });
  expect(res.status).toBe(expected);
  if (expected >= 400) {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(expected);
  }
  if (expected === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  if (expected === 403) expect(res.body.detail).toMatch(/needs the role/);
});

test.each(['/healthz', '/readyz', '/openapi.json', '/docs/'])('%s is public', async (path) => {
  const res = await api.call('GET', path);
  expect(res.status).toBe(200);
});

test('a malformed Authorization header is a 401, and the scheme is case-insensitive', async () => {
  const basic = await api.call('GET', '/v1/policies', { headers: { authorization: 'Basic abc' } });
  expect(basic.status).toBe(401);
  const empty = await api.call('GET', '/v1/policies', { headers: { authorization: 'Bearer ' } });
  expect(empty.status).toBe(401);
  const lower = await api.call('GET', '/v1/policies', {
    headers: { authorization: 'bearer ops-token-0123456789abcdef' },
  });
  expect(lower.status).toBe(200);
});

test('a prefix of a valid token is not a valid token', async () => {
  const res = await api.call('GET', '/v1/policies', {
    headers: { authorization: 'Bearer ops-token-0123456789abcde' },
  });
  expect(res.status).toBe(401);
});

test('auth comes before body parsing: a stranger gets 401 even for malformed JSON', async () => {
  const res = await api.call('POST', '/v1/items', { rawBody: '{"title":' });
  expect(res.status).toBe(401);
});
