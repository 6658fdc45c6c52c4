// The API contract without a server: validation errors name the innermost wrong field (unions
// included), measures take bare codes, a preview computes past dates, and the OpenAPI document
// declares what the routes accept and answer.
import { officialCalendar } from '../../domain/calendar/official';
import type { ApiContext } from '../../api/context';
import { toProblem, zodIssues } from '../../api/errors';
import { buildOpenApiDocument } from '../../api/openapi';
import { OpenCaseRequest } from '../../api/routes/cases';
import { planItem, previewOf } from '../../api/routes/items';
import { resolvePolicy } from '../../domain/resolve-policy';
import {
  CaseReviewInput,
  CreateItem,
  DecisionInput,
  ExtensionRequestInput,
  ReportInput,
  type PolicyInput,
} from '../../domain/schemas';
import { ID_PATTERN } from '../../workflows/ids';

const item = {
  title: '推进老旧小区改造项目',
  source: { kind: 'leader_instruction' },
  leadUnit: { id: 'unit-housing', name: '市住建局' },
  responsible: { principal: { id: 'p-chief', name: '张局长' } },
};
const level = { after: { workingDays: 1 }, notice: { by: '督查室' }, measures: ['admonition_talk'] };
const policyWith = (lvl: Record<string, unknown>) => ({ name: 'x', reminders: [{ ...level, ...lvl }] });
const caseBody = {
  subjects: [{ kind: 'unit', id: 'unit-a', name: '某局' }],
  grounds: ['未按期办结'],
  source: { kind: 'inspection' },
};

function errorsOf(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, body: unknown) {
  const r = schema.safeParse(body);
  if (r.success) throw new Error(`accepted: ${JSON.stringify(body)}`);
  return zodIssues(r.error as Parameters<typeof zodIssues>[0]);
}

describe('validation errors name the innermost field', () => {
  const table: [string, unknown, string, RegExp][] = [
    [
      'due working days as a string',
      { ...item, due: { workingDays: '15' } },
      'due.workingDays',
      /expected number, received string/,
    ],
    ['due zero working days', { ...item, due: { workingDays: 0 } }, 'due.workingDays', /too small/i],
    ['due at not an instant', { ...item, due: { at: 'tomorrow' } }, 'due.at', /datetime/i],
    ['due duration malformed', { ...item, due: { duration: '5 seconds' } }, 'due.duration', /invalid/i],
    ['due of no known kind', { ...item, due: { weeks: 2 } }, 'due.workingDays', /received undefined/],
    [
      'stage due wrong',
      { ...item, stages: [{ name: '摸排', due: { workingDays: -1 } }] },
      'stages.0.due.workingDays',
      /too small/i,
    ],
    [
      'inline policy: a level with a bad interval',
      { ...item, policy: policyWith({ after: { workingDays: 'x' } }) },
      'policy.reminders.0.after.workingDays',
      /expected number/,
    ],
    [
      'inline policy: a level with an unknown bare measure',
      { ...item, policy: policyWith({ measures: ['flogging'] }) },
      'policy.reminders.0.measures.0',
      /expected one of/,
    ],
    [
      'inline policy: a level with an unknown measure object',
      { ...item, policy: policyWith({ measures: [{ code: 'flogging' }] }) },
      'policy.reminders.0.measures.0.code',
      /expected one of/,
    ],
    [
      'inline policy: a negative fine',
      { ...item, policy: policyWith({ measures: [{ code: 'fine', amount: -5 }] }) },
      'policy.reminders.0.measures.0.amount',
      /too small/i,
    ],
    [
      'inline policy: a level without notice',
      { ...item, policy: policyWith({ notice: undefined }) },
      'policy.reminders.0.notice',
      /expected object/,
    ],
    [
      'inline policy: no levels',
      { ...item, policy: { name: 'x', reminders: [] } },
      'policy.reminders',
      /at least one level/,
    ],
    ['policy neither name nor object', { ...item, policy: 42 }, 'policy', /expected/],
    ['source of unknown kind', { ...item, source: { kind: 'rumour' } }, 'source.kind', /expected one of/],
    [
      'source with an unknown field',
      { ...item, source: { kind: 'other', x: 1 } },
      'source',
      /Unrecognized key/,
    ],
    [
      'person with a bad e-mail',
      { ...item, responsible: { principal: { id: 'p', name: 'n', email: 'not-mail' } } },
      'responsible.principal.email',
      /email/i,
    ],
    [
      'person with a bad id',
      { ...item, responsible: { principal: { id: '-p', name: 'n' } } },
      'responsible.principal.id',
      /letters, digits/,
    ],
    [
      'liaison without a name',
      { ...item, leadUnit: { id: 'u', name: 'n', liaison: { id: 'p' } } },
      'leadUnit.liaison.name',
      /expected string/,
    ],
  ];
  test.each(table)('%s → %s', (_name, body, path, message) => {
    const errors = errorsOf(CreateItem, body);
    expect(errors[0]).toEqual({ path, message: expect.stringMatching(message) });
    expect(errors.every((e) => e.message !== 'Invalid input')).toBe(true);
  });

  const cases: [string, unknown, string][] = [
    [
      'a subject of unknown kind',
      { ...caseBody, subjects: [{ kind: 'robot', id: 'r', name: 'n' }] },
      'subjects.0.kind',
    ],
    ['no grounds', { ...caseBody, grounds: [] }, 'grounds'],
    [
      'an inline policy with a bad level',
      { ...caseBody, policy: policyWith({ after: { hours: 3 } }) },
      'policy.reminders.0.after',
    ],
    ['a bad client id', { ...caseBody, id: 'a b' }, 'id'],
    ['an unknown field', { ...caseBody, severity: 'high' }, ''],
  ];
  test.each(cases)('open case: %s → %s', (_name, body, path) => {
    const errors = errorsOf(OpenCaseRequest, body);
    expect(errors.map((e) => e.path)).toContain(path);
  });

  test('an action body: the union of an extension due, and a decision measure', () => {
    expect(errorsOf(ExtensionRequestInput, { reason: 'r', due: { at: 'soon' } })[0]!.path).toBe('due.at');
    const decision = { decision: 'impose', measures: [{ subjectId: 's', code: 'fine', amount: 'ten' }] };
    expect(errorsOf(DecisionInput, decision)[0]!.path).toBe('measures.0.amount');
  });

  test('the problem body keeps its shape: detail lists "path: message", errors the pairs', () => {
    const r = CreateItem.safeParse({ ...item, due: { workingDays: '15' } });
    const { problem } = toProblem(r.error);
    expect(problem).toMatchObject({
      type: 'urn:duban:problem:validation-error',
      title: 'Invalid request',
      status: 400,
      detail: 'due.workingDays: Invalid input: expected number, received string',
      errors: [{ path: 'due.workingDays', message: 'Invalid input: expected number, received string' }],
    });
  });
});

describe('measures', () => {
  test('bare codes and objects both become objects', () => {
    const policy = resolvePolicy(
      policyWith({
        measures: ['admonition_talk', { code: 'public_criticism' }, { code: 'fine', amount: 500 }],
      }) as PolicyInput,
    );
    expect(policy.reminders[0]!.measures).toEqual([
      { code: 'admonition_talk' },
      { code: 'public_criticism' },
      { code: 'fine', amount: 500 },
    ]);
    const body = CreateItem.parse({
      ...item,
      policy: { ...policyWith({}), unitMeasures: ['public_criticism'] },
    });
    expect(body.policy).toMatchObject({ unitMeasures: [{ code: 'public_criticism' }] });
  });
});

describe('preview', () => {
  const ctx = {
    calendar: officialCalendar(),
    timeZone: 'Asia/Shanghai',
    now: () => new Date('2027-03-01T00:00:00Z'),
  } as unknown as ApiContext;

  test('computes a past assignment date (the README example); a create still refuses it', () => {
    const body = CreateItem.parse({ ...item, assignedAt: '2026-09-28T01:00:00Z' });
    const preview = previewOf(planItem(ctx, body, { pastAllowed: true }));
    expect(preview.deadlineAt).toBe('2026-10-23T15:59:59.999Z');
    expect(() => planItem(ctx, body)).toThrow(/already past/);
  });

  test('a deadline before the assignment is refused, past or not', () => {
    const body = CreateItem.parse({
      ...item,
      assignedAt: '2026-09-28T01:00:00Z',
      due: { at: '2026-09-01T00:00:00Z' },
    });
    expect(() => planItem(ctx, body, { pastAllowed: true })).toThrow(/not after the assignment/);
  });
});

describe('the OpenAPI document', () => {
  const doc = buildOpenApiDocument();
  type Op = {
    parameters?: { in: string; name: string; schema: { pattern?: string } }[];
    responses: Record<string, unknown>;
    requestBody?: unknown;
    security?: unknown;
  };
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Op>).map(([method, op]) => ({ path, method, op })),
  );

  test('every path parameter declares the id grammar', () => {
    const params = operations.flatMap(({ op }) => (op.parameters ?? []).filter((p) => p.in === 'path'));
    expect(params.length).toBeGreaterThan(10);
    // every id in a path has the id grammar; a calendar year is a bounded integer
    for (const p of params) {
      if (p.name === 'year')
        expect(p.schema).toMatchObject({ type: 'integer', minimum: 2004, maximum: 2099 });
      else expect(p.schema.pattern).toBe(ID_PATTERN.source);
    }
  });

  test('every /v1 route declares 400/401/500 as it may answer, and 403, 404, 409, 413, 415, 503 where they apply', () => {
    for (const { path, method, op } of operations.filter((o) => o.path.startsWith('/v1'))) {
      const statuses = Object.keys(op.responses);
      const where = `${method} ${path}`;
      expect([where, statuses]).toEqual([where, expect.arrayContaining(['401', '500'])]);
      if (op.requestBody) {
        expect([where, statuses]).toEqual([where, expect.arrayContaining(['400', '413', '415'])]);
      }
      if (path.includes('{')) expect([where, statuses]).toEqual([where, expect.arrayContaining(['400'])]);
      if (path !== '/v1/items/preview' && path !== '/v1/policies') {
        expect([where, statuses]).toEqual([where, expect.arrayContaining(['503'])]);
      }
    }
    const statusesOf = (m: string, p: string) =>
      Object.keys(operations.find((o) => o.method === m && o.path === p)!.op.responses);
    expect(statusesOf('post', '/v1/items/{id}/review')).toEqual(
      expect.arrayContaining(['403', '404', '409']),
    );
    expect(statusesOf('post', '/v1/cases')).toEqual(expect.arrayContaining(['403', '409']));
  });

  test('OpenCaseRequest is one satisfiable object that takes the client id', () => {
    const schemas = doc.components?.schemas as Record<string, Record<string, unknown>>;
    const req = schemas.OpenCaseRequest!;
    expect(req.allOf).toBeUndefined();
    expect(req.additionalProperties).toBe(false);
    expect(Object.keys(req.properties as object)).toEqual(
      expect.arrayContaining(['id', 'subjects', 'grounds', 'source', 'itemId', 'policy', 'evidence']),
    );
    // an allOf may only annotate a $ref; one that adds properties to a closed object contradicts it
    const allOfs = JSON.stringify(doc).match(/"allOf":\[[^\]]*\]/g) ?? [];
    for (const a of allOfs) expect(a).not.toMatch(/"properties"/);
  });

  test('a level’s measures show the union of a bare code and a measure object', () => {
    const schemas = doc.components?.schemas as Record<string, { properties?: Record<string, unknown> }>;
    const measures = JSON.stringify(schemas.Level!.properties!.measures);
    expect(measures).toMatch(/MeasureCode/);
    expect(measures).toMatch(/ProposedMeasure/);
    expect(measures).toMatch(/anyOf/);
  });
});

describe('rules the document states as discriminated unions', () => {
  test('a final report is signed; an impose decision and an amend review name measures', () => {
    expect(errorsOf(ReportInput, { kind: 'final', summary: '已办结' })[0]!.path).toBe('signedBy');
    expect(ReportInput.safeParse({ kind: 'progress', summary: '推进中' }).success).toBe(true);
    expect(errorsOf(ReportInput, { kind: 'draft', summary: 's' })[0]!.path).toBe('kind');
    expect(errorsOf(DecisionInput, { decision: 'impose', measures: [] })[0]).toEqual({
      path: 'measures',
      message: 'an impose decision needs at least one measure',
    });
    expect(DecisionInput.safeParse({ decision: 'dismiss', measures: [] }).success).toBe(true);
    expect(errorsOf(CaseReviewInput, { decision: 'amend' })[0]!.path).toBe('measures');
    expect(CaseReviewInput.safeParse({ decision: 'revoke' }).success).toBe(true);
  });

  test('blank text is refused before trimming, so the document can say so', () => {
    expect(errorsOf(ReportInput, { kind: 'progress', summary: '   ' })[0]).toEqual({
      path: 'summary',
      message: 'must not be blank',
    });
    expect(ReportInput.parse({ kind: 'progress', summary: ' 推进中 ' })).toMatchObject({ summary: '推进中' });
  });

  test('an unknown preset name lists the presets', () => {
    const [error] = errorsOf(CreateItem, { ...item, policy: 'no-such-rules' });
    expect(error!.path).toBe('policy');
    expect(error!.message).toMatch(/three-urges/);
  });
});
