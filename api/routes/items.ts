// Supervision items (督办事项): create, list, read, preview, and the people's actions, each carried
// to the item's workflow as an Update so a refusal comes back as a 409 with the reason.
import { createHash, randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import { WorkflowIdReusePolicy, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { z } from 'zod';
import {
  CompleteInput,
  CreateItem,
  ExtensionDecisionInput,
  ExtensionRequestInput,
  InstructionInput,
  ItemListQuery,
  ReasonInput,
  ReportInput,
  ReviewInput,
  UrgeInput,
  id as idString,
} from '../../domain/schemas';
import { resolvePolicy, UnknownPolicyError } from '../../domain/resolve-policy';
import {
  cancelItem,
  completeItem,
  decideExtension,
  getItemState,
  pauseItem,
  recordInstruction,
  recordUrge,
  requestExtension,
  resumeItem,
  reviewReport,
  submitReport,
} from '../../workflows/messages';
import { itemWorkflowId } from '../../workflows/ids';
import { calendarWindow, stateAtStart } from '../../workflows/supervision/state';
import { notOpen } from '../../workflows/supervision/validate';
import { sliceCalendarData } from '../../domain/calendar/working-calendar';
import type {
  Deadline,
  Due,
  Policy,
  Schedule,
  SupervisionInput,
  SupervisionState,
} from '../../workflows/types';
import { listItems, InvalidQueryError } from '../../activities/record/store';
import { scopeItem, unitOf } from '../access';
import { actorOf, ALL_ROLES, OFFICE_ROLES, requireRole } from '../auth';
import { resolveUnits, type ResolvedItem } from '../directory';
import { conflict, HttpProblem, invalidField } from '../errors';
import { isTimeZone, localMinute, SA, type ApiContext } from '../context';
import { queryOr404, READ_TIMEOUT_MS, withTimeout } from '../temporal';
import { readItem } from '../read';
import { action, type ActionSpec } from '../actions';
import { jsonBody, validate } from '../validate';

export const DEFAULT_DUE: Due = { workingDays: 15 };
export const ITEM_WORKFLOW_TYPE = 'supervisionItem';
type SupervisionItemWorkflow = (input: SupervisionInput) => Promise<unknown>;

export const IdParam = z.strictObject({ id: idString });

export const ITEM_ACTIONS: ActionSpec[] = [
  // A unit account may take the actions whose roles name `unit`, on its own items only (api/access.ts).
  // 签收 (acknowledge) and 退回交办 (decline) join here with roles ['unit', 'staff'] / ['unit'].
  action({
    path: 'reports',
    roles: ['staff', 'unit'],
    schema: ReportInput,
    update: submitReport,
    summary: 'File a progress or final report (报送)',
    answer: (o) => o.report,
  }),
  action({
    path: 'review',
    roles: ['manager'],
    schema: ReviewInput,
    update: reviewReport,
    summary: 'Accept or return a final report (退回重办)',
  }),
  action({
    path: 'complete',
    roles: ['manager'],
    schema: CompleteInput,
    update: completeItem,
    summary: 'Mark the item or a stage complete (办结)',
  }),
  action({
    path: 'extension-request',
    roles: ['staff', 'unit'],
    schema: ExtensionRequestInput,
    update: requestExtension,
    summary: 'Ask for an extension before the deadline (申请延期)',
    answer: (o) => o.extension,
  }),
  action({
    path: 'extension-decision',
    roles: ['manager'],
    schema: ExtensionDecisionInput,
    update: decideExtension,
    summary: 'Approve or reject the pending extension',
  }),
  action({
    path: 'pause',
    roles: ['manager'],
    schema: ReasonInput,
    update: pauseItem,
    summary: 'Pause for force majeure (不可抗力)',
  }),
  action({
    path: 'resume',
    roles: ['manager'],
    schema: ReasonInput,
    update: resumeItem,
    summary: 'Resume a paused item',
  }),
  action({
    path: 'cancel',
    roles: ['manager'],
    schema: ReasonInput,
    update: cancelItem,
    summary: 'Cancel the item (撤销)',
  }),
  action({
    path: 'urge',
    roles: ['staff'],
    schema: UrgeInput,
    update: recordUrge,
    summary: 'Record a manual urge (电话催办、督办函, S2 §五1); it reaches the next level',
  }),
  action({
    path: 'instructions',
    roles: ['manager'],
    schema: InstructionInput,
    update: recordInstruction,
    summary: "Record a leader's instruction (批示, S4 §四(五)2), delivered to the unit",
  }),
];

/** JSON with object keys sorted at every level, so equal bodies hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const requestHashOf = (body: unknown): string =>
  createHash('sha256').update(canonicalJson(body)).digest('hex');

export interface ItemPlan {
  policy: Policy;
  timeZone: string;
  assignedAt: string;
  due: Due;
  /** the deadline the ladder runs against first (the first stage's, with stages) */
  deadline: Deadline;
  stages?: { name: string; due: Due; deadline: Deadline }[];
  schedule: Schedule;
}

/**
 * Resolves the policy and computes every deadline with the calendar before anything starts, so a
 * bad input is a 400 naming the field instead of a workflow that fails later. A preview computes
 * any assignment date (`pastAllowed`); a create refuses a deadline that has already passed. Either
 * refuses a deadline that does not come after the assignment.
 */
export function planItem(
  ctx: ApiContext,
  body: Pick<CreateItem, 'timeZone' | 'policy' | 'assignedAt' | 'due' | 'stages'>,
  opts: { pastAllowed?: boolean } = {},
): ItemPlan {
  const timeZone = body.timeZone ?? ctx.timeZone;
  if (!isTimeZone(timeZone)) throw invalidField('timeZone', `"${timeZone}" is not an IANA time zone`);
  let policy: Policy;
  try {
    policy = resolvePolicy(body.policy);
  } catch (err) {
    if (err instanceof UnknownPolicyError) throw invalidField('policy', err.message);
    throw err;
  }
  const now = ctx.now();
  const assignedAt = body.assignedAt ? new Date(body.assignedAt).toISOString() : now.toISOString();
  const due = body.due ?? DEFAULT_DUE;
  const compute = (d: Due, path: string): Deadline => {
    let deadline: Deadline;
    try {
      deadline = ctx.calendar.computeDeadline({ from: assignedAt, due: d, timeZone });
    } catch (err) {
      throw invalidField(path, (err as Error).message);
    }
    if (!opts.pastAllowed && Date.parse(deadline.at) <= now.getTime()) {
      throw invalidField(path, `the deadline ${deadline.at} is already past`);
    }
    if (Date.parse(deadline.at) <= Date.parse(assignedAt)) {
      throw invalidField(path, `the deadline ${deadline.at} is not after the assignment ${assignedAt}`);
    }
    return deadline;
  };
  const duePath = (d: Due, base: string): string => ('at' in d ? `${base}.at` : base);

  let stages: ItemPlan['stages'];
  let deadline: Deadline;
  if (body.stages) {
    stages = [];
    body.stages.forEach((s, i) => {
      const d = compute(s.due, duePath(s.due, `stages.${i}.due`));
      const prev = stages?.[i - 1];
      if (prev && Date.parse(d.at) <= Date.parse(prev.deadline.at)) {
        throw invalidField(
          `stages.${i}.due`,
          `stage "${s.name}" must end after stage "${prev.name}" (${prev.deadline.at}); it ends ${d.at}`,
        );
      }
      stages?.push({ name: s.name, due: s.due, deadline: d });
    });
    deadline = stages[0]!.deadline;
  } else {
    deadline = compute(due, duePath(due, 'due'));
  }
  let schedule: Schedule;
  try {
    schedule = ctx.calendar.planSchedule({ deadlineAt: deadline.at, policy, timeZone, reached: [] });
  } catch (err) {
    throw invalidField('policy', (err as Error).message);
  }
  return { policy, timeZone, assignedAt, due, deadline, stages, schedule };
}

function staticDetails(body: ResolvedItem, plan: ItemPlan): string {
  const lines = [`承办单位：${body.leadUnit.name}`];
  const last = plan.stages?.[plan.stages.length - 1]?.deadline ?? plan.deadline;
  lines.push(`办理期限：${localMinute(last.at, plan.timeZone)}（${last.receipt.rule}）`);
  if (plan.stages) {
    lines.push(
      `时间节点：${plan.stages.map((s) => `${s.name} ${localMinute(s.deadline.at, plan.timeZone)}`).join('；')}`,
    );
  }
  lines.push(`督办规则：${plan.policy.title ?? plan.policy.name}`);
  return lines.join('\n');
}

export function previewOf(plan: ItemPlan) {
  const last = plan.stages?.[plan.stages.length - 1]?.deadline ?? plan.deadline;
  return {
    policy: plan.policy.name,
    timeZone: plan.timeZone,
    assignedAt: plan.assignedAt,
    deadlineAt: plan.deadline.at,
    finalDeadlineAt: last.at,
    warningAt: plan.schedule.warningAt,
    reminders: plan.schedule.levels.map((l) => ({ level: l.level, name: l.name, at: l.dueAt })),
    receipt: plan.deadline.receipt,
    calendar: plan.deadline.calendar,
    ...(plan.stages
      ? {
          stages: plan.stages.map((s) => ({
            name: s.name,
            deadlineAt: s.deadline.at,
            receipt: s.deadline.receipt,
          })),
        }
      : {}),
  };
}

const quote = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The visibility query for GET /v1/items; values are quoted and escaped. */
export function listQuery(q: ItemListQuery, now: Date): string {
  const clauses = [`WorkflowType = ${quote(ITEM_WORKFLOW_TYPE)}`];
  if (q.status) clauses.push(`SupervisionStatus = ${quote(q.status)}`);
  if (q.leadUnit) clauses.push(`LeadUnit = ${quote(q.leadUnit)}`);
  if (q.overdue === 'true') {
    clauses.push(
      `(SupervisionStatus = 'overdue' OR (DeadlineAt < ${quote(now.toISOString())} AND SupervisionStatus IN ('open', 'warning')))`,
    );
  } else if (q.overdue === 'false') {
    clauses.push(`SupervisionStatus != 'overdue'`);
  }
  return clauses.join(' AND ');
}

export function itemsRouter(ctx: ApiContext): Router {
  const router = Router();
  const body = jsonBody();
  const stateOf = (id: string): Promise<SupervisionState> =>
    queryOr404(ctx.client, itemWorkflowId(id), getItemState, `item "${id}"`);

  // The list comes from the record: closed items of any age are in it, and `q` searches titles.
  router.get('/', requireRole(...ALL_ROLES), validate('query', ItemListQuery), async (_req, res) => {
    const q = res.locals.query as ItemListQuery;
    // a unit account sees only the items its unit leads or assists
    const unit = unitOf(actorOf(res.locals));
    if (unit !== undefined && q.unit !== undefined && q.unit !== unit) return void res.json({ items: [] });
    const page = await listItems(ctx.record, {
      ...(q.status ? { status: q.status } : {}),
      ...(q.light ? { light: q.light } : {}),
      ...(q.leadUnit ? { leadUnit: q.leadUnit } : {}),
      ...(unit !== undefined ? { unit } : q.unit ? { unit: q.unit } : {}),
      ...(q.source ? { sourceKind: q.source } : {}),
      ...(q.q ? { q: q.q } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
      ...(q.overdue ? { overdue: q.overdue === 'true', now: ctx.now().toISOString() } : {}),
      limit: q.pageSize ?? 50,
      ...(q.pageToken ? { cursor: q.pageToken } : {}),
    }).catch((err: unknown) => {
      if (err instanceof InvalidQueryError) throw invalidField('pageToken', err.message);
      throw err;
    });
    const items = page.items.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      light: r.light,
      leadUnit: r.leadUnit.id,
      leadUnitName: r.leadUnit.name,
      assistingUnits: r.assistingUnitIds,
      source: r.sourceKind,
      assignedAt: r.assignedAt,
      deadlineAt: r.deadlineAt,
      urgeCount: r.urgeCount,
      ...(r.currentStage ? { currentStage: r.currentStage } : {}),
      ...(r.completedAt ? { completedAt: r.completedAt } : {}),
      ...(r.cancelledAt ? { cancelledAt: r.cancelledAt } : {}),
      link: `/v1/items/${encodeURIComponent(r.id)}`,
    }));
    res.json({ items, ...(page.nextCursor ? { nextPageToken: page.nextCursor } : {}) });
  });

  router.post(
    '/preview',
    requireRole(...OFFICE_ROLES),
    body,
    validate('body', CreateItem),
    async (_req, res) => {
      // the units are checked as a create would check them, though nothing is kept
      await resolveUnits(ctx, res.locals.body as CreateItem);
      res.json(previewOf(planItem(ctx, res.locals.body as CreateItem, { pastAllowed: true })));
    },
  );

  /** the item with this client id when it was made by this very body, else undefined */
  const sameRequest = async (id: string | undefined, hash: string): Promise<SupervisionState | undefined> => {
    if (id === undefined) return undefined;
    try {
      const existing = await stateOf(id);
      return existing.requestHash === hash ? existing : undefined;
    } catch (err) {
      if (err instanceof HttpProblem && err.status === 404) return undefined;
      throw err;
    }
  };

  router.post('/', requireRole('staff', 'manager'), body, validate('body', CreateItem), async (req, res) => {
    const requestHash = requestHashOf(req.body);
    let input: ResolvedItem;
    let plan: ItemPlan;
    try {
      input = await resolveUnits(ctx, res.locals.body as CreateItem);
      plan = planItem(ctx, input);
    } catch (err) {
      // A retry of a create that already succeeded answers the item, even when the directory has
      // changed since or the deadline has passed: the item keeps what it was given.
      const existing = await sameRequest((res.locals.body as CreateItem).id, requestHash);
      if (existing) return sendState(res, 200, existing);
      throw err;
    }
    const id = input.id ?? randomUUID();
    const now = ctx.now();
    const window = calendarWindow(plan.assignedAt, plan.timeZone);
    const workflowInput: SupervisionInput = {
      itemId: id,
      title: input.title,
      description: input.description,
      source: input.source,
      leadUnit: input.leadUnit,
      assistingUnits: input.assistingUnits,
      responsible: input.responsible,
      assignedAt: plan.assignedAt,
      due: plan.due,
      stages: input.stages,
      policy: plan.policy,
      timeZone: plan.timeZone,
      calendar: sliceCalendarData(ctx.calendar.data, window.from, window.through),
      createdBy: actorOf(res.locals),
      createdAt: now.toISOString(),
      requestHash,
    };
    try {
      await withTimeout(ctx.client, READ_TIMEOUT_MS, () =>
        ctx.client.workflow.start<SupervisionItemWorkflow>(ITEM_WORKFLOW_TYPE, {
          workflowId: itemWorkflowId(id),
          taskQueue: ctx.taskQueue,
          args: [workflowInput],
          // a finished item's id is never reused: the same id always means the same item
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          staticSummary: input.title,
          staticDetails: staticDetails(input, plan),
          memo: { title: input.title },
          typedSearchAttributes: [
            { key: SA.status, value: 'open' },
            { key: SA.leadUnit, value: input.leadUnit.id },
            { key: SA.deadlineAt, value: new Date(plan.deadline.at) },
            { key: SA.urgeCount, value: 0 },
          ],
        }),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const existing = await stateOf(id);
      if (existing.requestHash !== requestHash) {
        throw conflict(`item id "${id}" is already used by a different request`);
      }
      return sendState(res, 200, existing);
    }
    res.location(`/v1/items/${encodeURIComponent(id)}`);
    // The state the workflow starts from, computed by the same pure code: what a query would answer.
    sendState(res, 201, stateAtStart(workflowInput, now.getTime()));
  });

  router.get(
    '/:id',
    requireRole(...ALL_ROLES),
    validate('params', IdParam),
    scopeItem(ctx),
    async (_req, res) => {
      const { id } = res.locals.params as { id: string };
      res.json(await readItem(ctx, id));
    },
  );

  for (const spec of ITEM_ACTIONS) {
    router.post(
      `/:id/${spec.path}`,
      requireRole(...spec.roles),
      validate('params', IdParam),
      // before the body: another unit's item is a 404 whatever is sent
      scopeItem(ctx),
      body,
      validate('body', spec.schema),
      async (_req, res) => {
        const { id } = res.locals.params as { id: string };
        const payload = res.locals.body as Record<string, unknown>;
        if (spec.path === 'extension-request') checkExtensionDue(payload, ctx.now());
        const outcome = await spec.run(
          ctx.client,
          itemWorkflowId(id),
          payload,
          actorOf(res.locals),
          `item "${id}"`,
          (final) => notOpen(final as SupervisionState)?.message,
        );
        // Updates answer a small outcome; the routes keep answering what clients rely on.
        res.json(spec.answer ? spec.answer(outcome) : await stateOf(id));
      },
    );
  }
  return router;
}

function checkExtensionDue(payload: Record<string, unknown>, now: Date): void {
  const due = payload.due as { at?: string } | undefined;
  if (due?.at && Date.parse(due.at) <= now.getTime()) {
    throw invalidField('due.at', 'the requested new deadline is already past');
  }
}

function sendState(res: Response, status: number, state: SupervisionState): void {
  res.status(status).json(state);
}
