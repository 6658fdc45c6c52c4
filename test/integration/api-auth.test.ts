// The auth matrix: every route of the OpenAPI document × no token, an unknown token, each role, and
// for a unit token its own unit's item or case and another unit's. Allowed callers must get past
// auth and scope to the route's own answer (given on purpose: a 400 for an empty body…), refused
// roles a 403, a unit token on another unit's item or case a 404, strangers a 401.
import { buildOpenApiDocument } from '../../api/openapi';
import { withMeRoute } from '../../api/routes/me';
import { itemBody, OTHER_UNIT, startApiHarness, UNIT, type ApiHarness, type TestRole } from '../helpers/api';

let api: ApiHarness;
/** an item and a case of UNIT, and of OTHER_UNIT */
const ids = {
  own: { item: 'auth-own-item', case: 'auth-own-case' },
  other: { item: 'auth-other-item', case: 'auth-other-case' },
};

beforeAll(async () => {
  api = await startApiHarness({ worker: true, record: true });
  const put = await api.call('PUT', `/v1/units/${UNIT}`, { as: 'manager', body: { name: '市住建局' } });
  expect(put.status).toBe(201);
  const made = await Promise.all([
    api.call('POST', '/v1/items', { as: 'staff', body: itemBody({ id: ids.own.item }) }),
    api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({ id: ids.other.item, leadUnit: { id: OTHER_UNIT, name: '市水务局' } }),
    }),
    api.call('POST', '/v1/cases', {
      as: 'manager',
      body: {
        id: ids.own.case,
        subjects: [{ kind: 'person', id: 'p-chief', name: '张局长', unitId: UNIT }],
        grounds: ['明察暗访发现问题'],
        source: { kind: 'inspection' },
      },
    }),
    api.call('POST', '/v1/cases', {
      as: 'manager',
      body: {
        id: ids.other.case,
        subjects: [{ kind: 'unit', id: OTHER_UNIT, name: '市水务局' }],
        grounds: ['明察暗访发现问题'],
        source: { kind: 'inspection' },
      },
    }),
  ]);
  expect(made.map((r) => r.status)).toEqual([201, 201, 201, 201]);
}, 120_000);

afterAll(async () => {
  await api?.close();
});

type Who = 'none' | 'unknown' | Exclude<TestRole, 'otherUnit'>;
const OFFICE: Who[] = ['staff', 'manager', 'ops'];
const ANY: Who[] = [...OFFICE, 'unit'];

/**
 * The rule of each route: who may call it, what an allowed caller gets for the request sent (chosen
 * on purpose: a 400 for an empty body is past auth and scope, but changes nothing), and whether the
 * path's {id} is an item or a case a unit token reaches only when it is its unit's.
 */
interface Rule {
  roles: Who[] | 'public';
  allowed: number;
  body?: unknown;
  query?: string;
  scope?: 'item' | 'case';
}
const RULES: Record<string, Rule> = {
  'POST /v1/items': { roles: ['staff', 'manager'], body: {}, allowed: 400 },
  'GET /v1/items': { roles: ANY, allowed: 200 },
  'POST /v1/items/preview': { roles: OFFICE, body: {}, allowed: 400 },
  'GET /v1/items/{id}': { roles: ANY, scope: 'item', allowed: 200 },
  'POST /v1/items/{id}/reports': { roles: ['staff', 'unit'], scope: 'item', body: {}, allowed: 400 },
  'POST /v1/items/{id}/acknowledge': {
    roles: ['staff', 'unit'],
    scope: 'item',
    body: { note: 7 },
    allowed: 400,
  },
  'POST /v1/items/{id}/decline': { roles: ['unit'], scope: 'item', body: {}, allowed: 400 },
  'POST /v1/items/{id}/reassign': { roles: ['staff', 'manager'], scope: 'item', body: {}, allowed: 400 },
  'POST /v1/items/{id}/review': { roles: ['manager'], scope: 'item', body: {}, allowed: 400 },
  'POST /v1/items/{id}/complete': { roles: ['manager'], scope: 'item', body: { stage: 7 }, allowed: 400 },
  'POST /v1/items/{id}/extension-request': {
    roles: ['staff', 'unit'],
    scope: 'item',
    body: {},
    allowed: 400,
  },
  'POST /v1/items/{id}/extension-decision': { roles: ['manager'], scope: 'item', body: {}, allowed: 400 },
  'POST /v1/items/{id}/pause': { roles: ['manager'], scope: 'item', body: {}, allowed: 400 },
  'POST /v1/items/{id}/resume': { roles: ['manager'], scope: 'item', body: {}, allowed: 400 },
  'POST /v1/items/{id}/cancel': { roles: ['manager'], scope: 'item', body: {}, allowed: 400 },
  'POST /v1/items/{id}/urge': { roles: ['staff'], scope: 'item', body: {}, allowed: 400 },
  'POST /v1/items/{id}/instructions': { roles: ['manager'], scope: 'item', body: {}, allowed: 400 },
  // no urge reached yet: there is no letter to write
  'GET /v1/items/{id}/documents/letter': { roles: OFFICE, scope: 'item', allowed: 409 },
  // statistics and exports: a unit token's are its own unit's (test/record/overview-api.test.ts reads
  // them back); the bulletin names every unit's overdue items and measures, so it is the office's
  'GET /v1/stats': { roles: ANY, allowed: 200 },
  'GET /v1/documents/bulletin': { roles: OFFICE, allowed: 200 },
  'GET /v1/exports/items.xlsx': { roles: ANY, allowed: 200 },
  'GET /v1/exports/items.csv': { roles: ANY, allowed: 200 },
  'GET /v1/exports/ledger.xlsx': { roles: ANY, allowed: 200 },
  'GET /v1/cases': { roles: ANY, allowed: 200 },
  'GET /v1/ledger': { roles: OFFICE, allowed: 200 },
  // the path gets a word where the year goes: past auth, the year is refused
  'GET /v1/calendar/{year}': { roles: ANY, allowed: 400 },
  'PUT /v1/calendar/{year}': { roles: ['manager'], body: {}, allowed: 400 },
  'POST /v1/cases': { roles: ['manager'], body: {}, allowed: 400 },
  'GET /v1/cases/{id}': { roles: ANY, scope: 'case', allowed: 200 },
  'POST /v1/cases/{id}/investigation': { roles: ['staff', 'manager'], scope: 'case', body: {}, allowed: 400 },
  'POST /v1/cases/{id}/decision': { roles: ['manager'], scope: 'case', body: {}, allowed: 400 },
  'POST /v1/cases/{id}/appeal': {
    roles: ['staff', 'manager', 'unit'],
    scope: 'case',
    body: {},
    allowed: 400,
  },
  'POST /v1/cases/{id}/review': { roles: ['manager'], scope: 'case', body: {}, allowed: 400 },
  'GET /v1/ledger/{subjectId}': { roles: OFFICE, query: '?year=2026', allowed: 200 },
  'GET /v1/policies': { roles: ANY, allowed: 200 },
  'GET /v1/me': { roles: ANY, allowed: 200 },
  'GET /v1/units': { roles: ANY, allowed: 200 },
  'GET /v1/units/{id}': { roles: ANY, allowed: 200 },
  'PUT /v1/units/{id}': { roles: ['manager'], body: {}, allowed: 400 },
  'GET /healthz': { roles: 'public', allowed: 200 },
  'GET /readyz': { roles: 'public', allowed: 200 },
  'GET /openapi.json': { roles: 'public', allowed: 200 },
  'GET /docs': { roles: 'public', allowed: 200 },
};

// the route table is the document the API serves: a route added there without a rule here fails
const doc = withMeRoute(buildOpenApiDocument());
const documented = Object.entries(doc.paths ?? {}).flatMap(([path, ops]) =>
  Object.keys(ops as object)
    .filter((m) => ['get', 'put', 'post', 'patch', 'delete'].includes(m))
    .map((m) => `${m.toUpperCase()} ${path}`),
);

test('every documented route has an auth rule, and every rule a documented route', () => {
  expect(documented.filter((r) => !RULES[r])).toEqual([]);
  expect(Object.keys(RULES).filter((r) => !documented.includes(r))).toEqual([]);
});

const pathOf = (template: string, rule: Rule, target: 'own' | 'other'): string => {
  const id = rule.scope ? ids[target][rule.scope] : template.startsWith('/v1/units/') ? UNIT : 'p-nobody';
  const path = template.replace(/\{[^}]+\}/, id) + (rule.query ?? '');
  return path === '/docs' ? '/docs/' : path;
};

const matrix = documented.flatMap((route) => {
  const [method, template] = route.split(' ') as [string, string];
  const rule = RULES[route];
  if (!rule) return [];
  const targets = rule.scope ? (['own', 'other'] as const) : (['own'] as const);
  const who: Who[] = ['none', 'unknown', ...ANY];
  return targets.flatMap((target) =>
    who.map((w) => {
      let expected: number;
      if (rule.roles === 'public') expected = rule.allowed;
      else if (w === 'none' || w === 'unknown') expected = 401;
      else if (!rule.roles.includes(w)) expected = 403;
      // a unit token meets another unit's item or case as if it did not exist
      else if (w === 'unit' && target === 'other') expected = 404;
      else expected = rule.allowed;
      return {
        route,
        method,
        path: pathOf(template, rule, target),
        body: rule.body,
        who: w,
        target,
        expected,
      };
    }),
  );
});

test.each(matrix)('$route ($target) as $who → $expected', async ({ method, path, body, who, expected }) => {
  const res = await api.call(method, path, { as: who === 'none' ? undefined : who, body });
  expect({ status: res.status, detail: res.body?.detail }).toMatchObject({ status: expected });
  if (expected >= 400) {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(expected);
  }
  if (expected === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  if (expected === 403) expect(res.body.detail).toMatch(/needs the role/);
});

test('another unit’s item or case answers exactly what an unknown id answers', async () => {
  for (const kind of ['item', 'case'] as const) {
    const other = await api.call('GET', `/v1/${kind}s/${ids.other[kind]}`, { as: 'unit' });
    const missing = await api.call('GET', `/v1/${kind}s/no-such-id`, { as: 'unit' });
    expect([other.status, missing.status]).toEqual([404, 404]);
    expect(other.body.detail).toBe(String(missing.body.detail).replace('no-such-id', ids.other[kind]));
    expect(Object.keys(other.body).sort()).toEqual(Object.keys(missing.body).sort());
  }
});

test.each(['/v1/stats', '/v1/exports/items.xlsx', '/v1/exports/items.csv', '/v1/exports/ledger.xlsx'])(
  '%s: a unit token naming another unit is a 403 on `unit`, naming its own a 200',
  async (path) => {
    const other = await api.call('GET', `${path}?unit=${OTHER_UNIT}`, { as: 'unit' });
    expect(other.status).toBe(403);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(other.body.errors).toEqual([{ path: 'unit', message: `not unit ${UNIT}` }]);
    expect((await api.call('GET', `${path}?unit=${UNIT}`, { as: 'unit' })).status).toBe(200);
    // the office names any unit
    expect((await api.call('GET', `${path}?unit=${OTHER_UNIT}`, { as: 'staff' })).status).toBe(200);
  },
);

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
