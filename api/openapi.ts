// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests and from
// the same action tables that mount the routes, so the document cannot drift from the code.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  CreateItem,
  ItemListQuery,
  ItemStatus,
  LedgerQuery,
  CaseListQuery,
  MeasureCode,
  Person,
  Policy,
  UnitInput,
  UnitListQuery,
} from '../domain/schemas';
import { ALL_ROLES, OFFICE_ROLES, type ApiRole } from './auth';
import { CASE_ACTIONS, OpenCaseRequest } from './routes/cases';
import { IdParam, ITEM_ACTIONS } from './routes/items';
import { AnnualQuery, SubjectParam } from './routes/ledger';
import { CalendarYearBody, CalendarYearParam } from '../domain/calendar/office-year';
import { UnitIdParam } from './routes/units';
import {
  BulletinQuery,
  ItemsExportQuery,
  LedgerExportQuery,
  LetterQuery,
  StatsQuery,
} from '../domain/overview';
import { DOCX_TYPE } from './routes/documents';
import { XLSX_TYPE } from './routes/exports';

const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    reason: z
      .string()
      .optional()
      .openapi({ description: 'for refused actions: InvalidState, TooLate, NotFound…' }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details' });

const Calendar = z
  .looseObject({ version: z.string(), coveredThrough: z.string(), warning: z.string().optional() })
  .openapi('CalendarInfo');

const Delivery = z.object({ dueAt: z.string(), deliverAt: z.string() });

const ItemState = z
  .looseObject({
    id: z.string(),
    title: z.string(),
    status: ItemStatus,
    light: z.enum(['green', 'yellow', 'red']),
    deadlineAt: z.string().optional(),
    urgeCount: z.int(),
    reminders: z.array(
      z.looseObject({ level: z.int(), at: z.string(), notice: z.object({ by: z.string() }) }),
    ),
    reports: z.array(z.looseObject({ id: z.string(), kind: z.enum(['progress', 'final']) })),
    extensions: z.array(z.looseObject({ id: z.string(), reason: z.string() })),
    caseIds: z.array(z.string()),
    policy: z.string(),
    calendar: Calendar.optional(),
    stages: z
      .array(
        z.looseObject({
          name: z.string(),
          deadlineAt: z.string().optional(),
          status: z.string(),
          urgeCount: z.int(),
        }),
      )
      .optional(),
    currentStage: z.string().optional(),
    schedule: z
      .looseObject({
        deadlineAt: z.string(),
        warning: Delivery.optional(),
        levels: z.array(
          z.looseObject({ level: z.int(), dueAt: z.string(), deliverAt: z.string().optional() }),
        ),
      })
      .optional()
      .openapi({ description: 'the current deadline’s warning and levels: dueAt reached, deliverAt sent' }),
    acknowledgement: z
      .looseObject({
        unit: z.looseObject({ id: z.string(), name: z.string() }),
        dueAt: z.string(),
        acknowledgedAt: z.string().optional(),
        late: z.boolean().optional(),
      })
      .optional()
      .openapi({ description: '签收: present when the item asks for it; late is 领办逾期' }),
    declines: z
      .array(z.looseObject({ id: z.string(), reason: z.string(), at: z.string() }))
      .optional()
      .openapi({ description: '退回交办, each with the office’s reassignment once made' }),
    history: z.array(z.looseObject({ at: z.string(), by: z.string(), action: z.string() })),
  })
  .openapi('ItemState', { description: 'the whole state of a supervision item, as its workflow reports it' });

const ItemList = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        title: z.string().optional(),
        status: z.string().optional(),
        light: z.string().optional(),
        leadUnit: z.string().optional(),
        leadUnitName: z.string().optional(),
        assistingUnits: z.array(z.string()).optional(),
        source: z.string().optional(),
        assignedAt: z.string().optional(),
        deadlineAt: z.string().optional(),
        urgeCount: z.int(),
        currentStage: z.string().optional(),
        completedAt: z.string().optional(),
        cancelledAt: z.string().optional(),
        link: z.string(),
      }),
    ),
    nextPageToken: z.string().optional(),
  })
  .openapi('ItemList');

const Preview = z
  .object({
    policy: z.string(),
    timeZone: z.string(),
    assignedAt: z.string(),
    deadlineAt: z.string(),
    finalDeadlineAt: z.string(),
    warningAt: z.string().optional(),
    warning: Delivery.optional().openapi({ description: 'the warning: reached at dueAt, sent at deliverAt' }),
    reminders: z.array(
      z.object({
        level: z.int(),
        name: z.string(),
        at: z.string().openapi({ description: 'first generation: the same as dueAt' }),
        dueAt: z.string().openapi({ description: 'when the level is reached (the record keeps this)' }),
        deliverAt: z.string().openapi({ description: 'when its urge and bulletin go out (office hours)' }),
      }),
    ),
    officeHours: z
      .object({ open: z.string(), close: z.string() })
      .nullable()
      .openapi({ description: '办公时间 the item keeps; null for a drill (notices at their instant)' }),
    acknowledgeBy: z
      .string()
      .optional()
      .openapi({ description: '签收 due instant, when the item asks for it' }),
    reportEvery: z
      .looseObject({})
      .optional()
      .openapi({ description: '汇报频次, the item’s or the policy’s' }),
    firstReportDueAt: z
      .string()
      .optional()
      .openapi({ description: 'the first progress report is owed by then' }),
    receipt: z.looseObject({ rule: z.string(), summary: z.string() }),
    calendar: Calendar,
    stages: z.array(z.looseObject({ name: z.string(), deadlineAt: z.string() })).optional(),
  })
  .openapi('Preview');

const CaseState = z
  .looseObject({
    id: z.string(),
    stage: z.enum(['investigation', 'decision', 'appeal_window', 'review', 'closed']),
    subjects: z.array(z.looseObject({ id: z.string(), kind: z.enum(['person', 'unit']), name: z.string() })),
    measures: z.array(z.looseObject({ measureId: z.string(), subjectId: z.string(), code: MeasureCode })),
    appeals: z.array(z.looseObject({ subjectId: z.string(), reason: z.string() })),
    history: z.array(z.looseObject({ at: z.string(), by: z.string(), action: z.string() })),
  })
  .openapi('CaseState');

const Ledger = z
  .object({
    subjectId: z.string(),
    subjectKind: z.enum(['person', 'unit']).optional(),
    year: z.int(),
    events: z.array(
      z.looseObject({
        measureId: z.string(),
        caseId: z.string(),
        code: MeasureCode,
        date: z.string(),
        decidedBy: z.string(),
      }),
    ),
    restrictions: z.object({
      ratingCap: z.enum(['excellent', 'competent', 'basically_competent', 'incompetent']).optional(),
      advancedUnitEligible: z.boolean().optional(),
      reasons: z.array(z.object({ rule: z.string(), clause: z.string(), text: z.string() })),
    }),
  })
  .openapi('Ledger');

const DirectoryUnit = z
  .object({
    id: z.string(),
    name: z.string(),
    liaison: Person.optional(),
    principal: Person.optional(),
    inCharge: Person.optional(),
    parent: z.string().optional(),
    revision: z.int(),
    updatedAt: z.string(),
  })
  .openapi('DirectoryUnit', { description: 'a unit of the directory (单位名录)' });

const UnitList = z
  .object({ units: z.array(DirectoryUnit), nextPageToken: z.string().optional() })
  .openapi('UnitList');
const StatsFigures = {
  assigned: z.int().openapi({ description: '交办' }),
  completed: z.int().openapi({ description: '办结' }),
  completedOnTime: z.int().openapi({ description: '按期办结' }),
  onTimeRate: z.number().nullable().openapi({
    description: '按期办结率 = completedOnTime / (completed + overdueOpen); null when nothing fell due',
  }),
  overdueOpen: z.int().openapi({ description: '逾期未办结' }),
  open: z.int(),
  cancelled: z.int(),
  urges: z.int().openapi({ description: '催办, returned reports and manual urges included' }),
  returned: z.int().openapi({ description: '退回重办' }),
  cases: z.int().openapi({ description: '问责 cases about these items' }),
  measures: z.record(z.string(), z.int()).openapi({ description: 'executed measures by code' }),
};
const Stats = z
  .object({
    period: z.object({ from: z.string(), to: z.string(), timeZone: z.string() }),
    groupBy: z.enum(['unit', 'source', 'month']),
    unit: z.string().optional(),
    groups: z.array(z.object({ key: z.string(), name: z.string(), ...StatsFigures })),
    totals: z.object(StatsFigures),
  })
  .openapi('Stats');

const PolicyList = z.object({ default: z.string(), policies: z.array(Policy) }).openapi('PolicyList');

const idParams = z.object({
  id: IdParam.shape.id.openapi({ param: { name: 'id', in: 'path' }, example: 'item-2026-001' }),
});

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});
const json = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema } },
});

const PROBLEMS = {
  400: 'invalid request: the innermost wrong field is named in errors[].path',
  401: 'missing or unknown bearer token',
  403: 'the token’s role may not do this',
  404: 'no such item, case or unit (for a unit token also: not its unit’s)',
  409: 'refused by the workflow (reason in detail), id taken, or a unit parent that makes a cycle',
  413: 'body too large',
  415: 'body is not application/json',
  500: 'an unexpected error (no internals in the body)',
  503: 'Temporal (or the record) is not reachable; retry after the Retry-After seconds',
} as const;
type ProblemStatus = keyof typeof PROBLEMS;

/**
 * Every problem a route can answer. Each /v1 route can answer 401, 431 and 500; a role check adds 403,
 * a JSON body 400/413/415, a path id or query 400, a call to Temporal 503.
 */
function errorResponses(opts: {
  body?: boolean;
  params?: boolean;
  query?: boolean;
  roles?: readonly ApiRole[];
  notFound?: boolean;
  conflict?: boolean;
  temporal?: boolean;
}) {
  const statuses: ProblemStatus[] = [401, 500];
  if (opts.body || opts.params || opts.query) statuses.push(400);
  if (opts.roles && opts.roles.length < ALL_ROLES.length) statuses.push(403);
  if (opts.notFound) statuses.push(404);
  if (opts.conflict) statuses.push(409);
  if (opts.body) statuses.push(413, 415);
  if (opts.temporal ?? true) statuses.push(503);
  return {
    ...Object.fromEntries(statuses.sort().map((s) => [s, problem(PROBLEMS[s])])),
    // Node's HTTP parser answers this itself, before Express, with an empty body
    431: { description: 'the request line or headers exceed the server’s limit (16 KiB)' },
  };
}

const rolesText = (roles: readonly ApiRole[]): string =>
  roles.length === ALL_ROLES.length ? 'Roles: any.' : `Roles: ${roles.join(', ')}.`;
/** what a unit token meets on a route it may call about items or cases */
const UNIT_SCOPE =
  ' A unit token reaches only what concerns its unit (lead or assisting unit, its people); anything else answers 404, as an unknown id does.';

export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'a token from DUBAN_API_TOKENS',
  });
  const security = [{ [bearer.name]: [] }];
  const components = {
    Problem,
    ItemState,
    ItemList,
    Preview,
    CaseState,
    Ledger,
    PolicyList,
    DirectoryUnit,
    UnitList,
    UnitInput,
    Stats,
    CreateItem,
    OpenCaseRequest,
  };
  for (const [name, schema] of Object.entries(components)) registry.register(name, schema);

  registry.registerPath({
    method: 'post',
    path: '/v1/items',
    summary: 'Create a supervision item (交办督办事项)',
    description: `${rolesText(['staff', 'manager'])} The same client id with the same body answers 200 with the existing item; with a different body 409.`,
    security,
    request: { body: { content: { 'application/json': { schema: CreateItem } }, required: true } },
    responses: {
      200: json('the item already exists with this very body', ItemState),
      201: json('created; Location names the item', ItemState),
      ...errorResponses({ body: true, roles: ['staff', 'manager'], conflict: true }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/items',
    summary: 'List items (a unit token: its own, from the record)',
    description: `${rolesText(ALL_ROLES)}${UNIT_SCOPE}`,
    security,
    request: { query: ItemListQuery },
    responses: {
      200: json('one page of items', ItemList),
      ...errorResponses({ query: true }),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/items/preview',
    summary: 'The schedule an input would get; nothing is started',
    description: rolesText(OFFICE_ROLES),
    security,
    request: { body: { content: { 'application/json': { schema: CreateItem } }, required: true } },
    responses: {
      200: json('deadline, warning and reminder instants', Preview),
      // 503: units by id alone need the record
      ...errorResponses({ body: true, roles: OFFICE_ROLES }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/items/{id}',
    summary: 'The full state of an item',
    description: `${rolesText(ALL_ROLES)}${UNIT_SCOPE}`,
    security,
    request: { params: idParams },
    responses: { 200: json('the item', ItemState), ...errorResponses({ params: true, notFound: true }) },
  });
  for (const a of ITEM_ACTIONS) {
    registry.registerPath({
      method: 'post',
      path: `/v1/items/{id}/${a.path}`,
      summary: a.summary,
      description: `${rolesText(a.roles)} Sent to the workflow as the Update \`${a.update}\`.${a.roles.includes('unit') ? UNIT_SCOPE : ''}`,
      security,
      request: {
        params: idParams,
        body: { content: { 'application/json': { schema: a.schema } }, required: true },
      },
      responses: {
        200: json(
          'the Update’s result',
          a.path === 'reports' || a.path === 'extension-request' || a.path === 'decline'
            ? z.looseObject({ id: z.string() })
            : a.path === 'acknowledge'
              ? z.looseObject({ unit: z.looseObject({ id: z.string() }), acknowledgedAt: z.string() })
              : ItemState,
        ),
        ...errorResponses({ body: true, params: true, roles: a.roles, notFound: true, conflict: true }),
      },
    });
  }
  registry.registerPath({
    method: 'post',
    path: '/v1/cases',
    summary: 'Open an accountability case by hand (启动问责)',
    description: rolesText(['manager']),
    security,
    request: { body: { content: { 'application/json': { schema: OpenCaseRequest } }, required: true } },
    responses: {
      201: json('opened', CaseState),
      ...errorResponses({ body: true, roles: ['manager'], conflict: true }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/cases/{id}',
    summary: 'The state of a case',
    description: `${rolesText(ALL_ROLES)}${UNIT_SCOPE}`,
    security,
    request: { params: idParams },
    responses: { 200: json('the case', CaseState), ...errorResponses({ params: true, notFound: true }) },
  });
  for (const a of CASE_ACTIONS) {
    registry.registerPath({
      method: 'post',
      path: `/v1/cases/{id}/${a.path}`,
      summary: a.summary,
      description: `${rolesText(a.roles)} Sent to the workflow as the Update \`${a.update}\`.${a.roles.includes('unit') ? UNIT_SCOPE : ''}`,
      security,
      request: {
        params: idParams,
        body: { content: { 'application/json': { schema: a.schema } }, required: true },
      },
      responses: {
        200: json('the case after the step', CaseState),
        ...errorResponses({ body: true, params: true, roles: a.roles, notFound: true, conflict: true }),
      },
    });
  }
  registry.registerPath({
    method: 'get',
    path: '/v1/ledger/{subjectId}',
    summary: 'A subject’s yearly ledger (台帐) and rating restrictions',
    description: rolesText(OFFICE_ROLES),
    security,
    request: {
      params: z.object({
        subjectId: SubjectParam.shape.subjectId.openapi({ param: { name: 'subjectId', in: 'path' } }),
      }),
      query: LedgerQuery,
    },
    responses: {
      200: json('events and restrictions (empty when nothing was recorded)', Ledger),
      ...errorResponses({ params: true, query: true, roles: OFFICE_ROLES }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/cases',
    summary: 'Accountability cases from the record (any age), newest first',
    description: `${rolesText(ALL_ROLES)} A unit account sees its unit's and its people's cases only.`,
    security,
    request: { query: CaseListQuery },
    responses: {
      200: json(
        'one page of cases',
        z
          .object({
            cases: z.array(
              z.looseObject({
                id: z.string(),
                stage: z.string(),
                procedure: z.string().optional(),
                itemId: z.string().optional(),
                level: z.int().optional(),
                sourceKind: z.string().optional(),
                subjectIds: z.array(z.string()).optional(),
                subjects: z
                  .array(
                    z.looseObject({ id: z.string(), kind: z.enum(['person', 'unit']), name: z.string() }),
                  )
                  .optional(),
                openedAt: z.string().optional(),
                decidedAt: z.string().optional(),
                closedAt: z.string().optional(),
                link: z.string(),
              }),
            ),
            nextPageToken: z.string().optional(),
          })
          .openapi('CaseList'),
      ),
      ...errorResponses({ query: true }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/ledger',
    summary: 'The annual sheet (年度考核): every subject of a year with its restrictions',
    description: rolesText(OFFICE_ROLES),
    security,
    request: { query: AnnualQuery },
    responses: {
      200: json(
        'the subjects of the year',
        z
          .object({
            year: z.int(),
            subjects: z.array(
              z.looseObject({
                subjectId: z.string(),
                subjectKind: z.enum(['person', 'unit']),
                name: z.string().optional(),
                measures: z.int().optional().openapi({ description: 'the measures of the year' }),
                restrictions: z
                  .object({
                    ratingCap: z
                      .enum(['excellent', 'competent', 'basically_competent', 'incompetent'])
                      .optional(),
                    advancedUnitEligible: z.boolean().optional(),
                    reasons: z.array(z.object({ rule: z.string(), clause: z.string(), text: z.string() })),
                  })
                  .optional(),
              }),
            ),
          })
          .openapi('AnnualSheet'),
      ),
      ...errorResponses({ query: true, roles: OFFICE_ROLES }),
    },
  });
  const CalendarYearView = z
    .looseObject({
      year: z.int(),
      version: z.string(),
      basis: z.enum(['package', 'office', 'law']),
      source: z.looseObject({ reference: z.string() }).optional(),
      holidays: z.array(z.looseObject({ date: z.string(), name: z.string() })),
      workdays: z.array(z.looseObject({ date: z.string(), name: z.string() })),
      packageDifference: z
        .looseObject({ year: z.int(), onlyOffice: z.array(z.string()), onlyPackage: z.array(z.string()) })
        .optional()
        .openapi({
          description:
            'an office year the installed chinese-days release also carries, where they disagree (休/班 and the date); the office’s load stays in force',
        }),
    })
    .openapi('CalendarYear');
  registry.registerPath({
    method: 'get',
    path: '/v1/calendar/{year}',
    summary: 'The working-day calendar of a year: what is in force and where it came from',
    description: rolesText(ALL_ROLES),
    security,
    request: { params: CalendarYearParam },
    responses: { 200: json('the year', CalendarYearView), ...errorResponses({ params: true }) },
  });
  registry.registerPath({
    method: 'put',
    path: '/v1/calendar/{year}',
    summary: 'Load a year’s 放假安排 (a new version); re-plans the open items that reach into it',
    description: `${rolesText(['manager'])} Every statutory day of the year must be among the holidays; a date may appear once; a make-up working day is a Saturday or Sunday and never a holiday.`,
    security,
    request: {
      params: CalendarYearParam,
      body: { content: { 'application/json': { schema: CalendarYearBody } }, required: true },
    },
    responses: {
      200: json('the year now in force, with the version loaded and the rollout started', CalendarYearView),
      ...errorResponses({ body: true, params: true, roles: ['manager'] }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/policies',
    summary: 'The policy presets',
    description: rolesText(ALL_ROLES),
    security,
    responses: { 200: json('presets', PolicyList), ...errorResponses({ temporal: false }) },
  });
  const unitParams = z.object({
    id: UnitIdParam.shape.id.openapi({ param: { name: 'id', in: 'path' }, example: 'unit-housing' }),
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/units',
    summary: 'The unit directory (单位名录), in id order',
    description: rolesText(ALL_ROLES),
    security,
    request: { query: UnitListQuery },
    responses: { 200: json('one page of units', UnitList), ...errorResponses({ query: true }) },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/units/{id}',
    summary: 'One unit of the directory',
    description: rolesText(ALL_ROLES),
    security,
    request: { params: unitParams },
    responses: {
      200: json('the unit', DirectoryUnit),
      ...errorResponses({ params: true, notFound: true }),
    },
  });
  registry.registerPath({
    method: 'put',
    path: '/v1/units/{id}',
    summary: 'Create or replace a unit of the directory',
    description: `${rolesText(['manager'])} \`parent\` must name a unit of the directory (else 400) that is not this unit or below it (else 409). Items already created keep the names and people they were given.`,
    security,
    request: {
      params: unitParams,
      body: { content: { 'application/json': { schema: UnitInput } }, required: true },
    },
    responses: {
      200: json('replaced', DirectoryUnit),
      201: json('created; Location names the unit', DirectoryUnit),
      ...errorResponses({ body: true, params: true, roles: ['manager'], conflict: true }),
    },
  });
  const file = (description: string, ...types: string[]) => ({
    description: `${description}; Content-Disposition names the file`,
    content: Object.fromEntries(types.map((t) => [t, { schema: z.string().openapi({ format: 'binary' }) }])),
  });
  // 503: an API started without the record; these routes never call Temporal. The documents are
  // the office's (a unit token: 403); statistics and exports answer a unit token for its own unit,
  // and its `unit=` naming another unit is a 403 on `unit` (api/access.ts ownUnitFilter)
  const recordErrors = ({
    ownUnit,
    ...opts
  }: { params?: boolean; notFound?: boolean; conflict?: boolean; ownUnit?: boolean } = {}) => ({
    ...errorResponses({ query: true, temporal: true, roles: ownUnit ? ALL_ROLES : OFFICE_ROLES, ...opts }),
    ...(ownUnit ? { 403: problem('a unit token’s `unit` names another unit (errors[0].path `unit`)') } : {}),
    503: problem('the record is not configured'),
  });
  const OWN_UNIT =
    ' A unit token gets the items its unit leads or assists only; its `unit`, when given, must be its own (else 403).';
  registry.registerPath({
    method: 'get',
    path: '/v1/stats',
    summary: 'Statistics of the items assigned in a period (统计), per unit, source or month',
    description: `${rolesText(ALL_ROLES)} From the record.${OWN_UNIT}`,
    security,
    request: { query: StatsQuery },
    responses: { 200: json('figures per group and their totals', Stats), ...recordErrors({ ownUnit: true }) },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/documents/bulletin',
    summary: '督查通报 for a period (.docx; PDF where LibreOffice is installed)',
    description: `${rolesText(OFFICE_ROLES)} Its figures are /v1/stats' for the same period.`,
    security,
    request: { query: BulletinQuery },
    responses: {
      200: file('the bulletin', DOCX_TYPE, 'application/pdf'),
      406: problem('PDF asked for and LibreOffice is not installed on this server: ask for format=docx'),
      ...recordErrors(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/items/{id}/documents/letter',
    summary: '督办函 / 催办单 of one of the item’s urges (.docx)',
    description: rolesText(OFFICE_ROLES),
    security,
    request: { params: idParams, query: LetterQuery },
    responses: {
      200: file('the letter', DOCX_TYPE),
      ...recordErrors({ params: true, notFound: true, conflict: true }),
    },
  });
  for (const [path, summary, type, query] of [
    ['/v1/exports/items.xlsx', 'The item list for Excel, streamed', XLSX_TYPE, ItemsExportQuery],
    [
      '/v1/exports/items.csv',
      'The item list as CSV (UTF-8 with BOM), streamed',
      'text/csv',
      ItemsExportQuery,
    ],
    ['/v1/exports/ledger.xlsx', 'The year’s 问责台帐 and 年度考核 sheet', XLSX_TYPE, LedgerExportQuery],
  ] as const) {
    registry.registerPath({
      method: 'get',
      path,
      summary,
      description:
        rolesText(ALL_ROLES) +
        (path.endsWith('ledger.xlsx')
          ? ' A unit token gets the measures on its own unit and its people only; its `unit`, when given, must be its own (else 403).'
          : OWN_UNIT),
      security,
      request: { query },
      responses: { 200: file('the export', type), ...recordErrors({ ownUnit: true }) },
    });
  }
  const status = z.object({ status: z.string() });
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process answers',
    responses: { 200: json('up', status) },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: Temporal is reachable',
    responses: { 200: json('ready', status), 503: problem('Temporal is not reachable') },
  });
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    responses: {
      200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: z.looseObject({}) } } },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/docs',
    summary: 'Interactive documentation (Swagger UI, served locally)',
    responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } } },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'duban 督办 API',
      version: '1.0.0',
      description: 'Supervision items, accountability cases and ledgers, each a Temporal workflow.',
    },
    servers: [{ url: '/' }],
  });
}
