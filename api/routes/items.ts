// Supervision items (督办事项): create, list, read, preview, and the people's actions, each carried
// to the item's workflow as an Update so a refusal comes back as a 409 with the reason.
import { createHash, randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import { WorkflowIdReusePolicy, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { defaultPayloadConverter } from '@temporalio/common';
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
import { sliceCalendarData } from '../../domain/calendar/working-calendar';
import type {
  Deadline,
  Due,
  Policy,
  Schedule,
  SupervisionInput,
  SupervisionState,
} from '../../workflows/types';
import { actorOf, ALL_ROLES, requireRole } from '../auth';
import { conflict, invalidField } from '../errors';
import { isTimeZone, localMinute, openPageToken, SA, signPageToken, type ApiContext } from '../context';
import { queryOr404, READ_TIMEOUT_MS, withTimeout } from '../temporal';
import { action, type ActionSpec } from '../actions';
import { jsonBody, validate } from '../validate';

export const DEFAULT_DUE: Due = { workingDays: 15 };
export const ITEM_WORKFLOW_TYPE = 'supervisionItem';
type SupervisionItemWorkflow = (input: SupervisionInput) => Promise<unknown>;

export const IdParam = z.strictObject({ id: idString });

export const ITEM_ACTIONS: ActionSpec[] = [
  action({
    path: 'reports',
    roles: ['staff'],
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
    roles: ['staff'],
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
export function planItem(ctx: ApiContext, body: CreateItem, opts: { pastAllowed?: boolean } = {}): ItemPlan {
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

function staticDetails(body: CreateItem, plan: ItemPlan): string {
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

  router.get('/', requireRole(...ALL_ROLES), validate('query', ItemListQuery), async (_req, res) => {
    const q = res.locals.query as ItemListQuery;
    let nextPageToken: Uint8Array | undefined;
    if (q.pageToken) {
      nextPageToken = openPageToken(ctx.pageTokenKey, q.pageToken);
      if (!nextPageToken) throw invalidField('pageToken', 'not a page token from this API');
    }
    const resp = await withTimeout(ctx.client, READ_TIMEOUT_MS, () =>
      ctx.client.workflowService.listWorkflowExecutions({
        namespace: ctx.client.options.namespace,
        query: listQuery(q, ctx.now()),
        pageSize: q.pageSize ?? 50,
        nextPageToken,
      }),
    );
    const items = (resp.executions ?? []).map((e) => {
      const id = (e.execution?.workflowId ?? '').replace(/^supervision-/, '');
      const sa = decodeTypedSearchAttributes(e.searchAttributes?.indexedFields);
      const titlePayload = e.memo?.fields?.title;
      const deadline = sa.get(SA.deadlineAt);
      return {
        id,
        title: titlePayload ? defaultPayloadConverter.fromPayload<string>(titlePayload) : undefined,
        status: sa.get(SA.status),
        leadUnit: sa.get(SA.leadUnit),
        deadlineAt: deadline ? deadline.toISOString() : undefined,
        urgeCount: sa.get(SA.urgeCount) ?? 0,
        link: `/v1/items/${encodeURIComponent(id)}`,
      };
    });
    const token =
      resp.nextPageToken && resp.nextPageToken.length
        ? signPageToken(ctx.pageTokenKey, resp.nextPageToken)
        : undefined;
    res.json({ items, ...(token ? { nextPageToken: token } : {}) });
  });

  router.post('/preview', requireRole(...ALL_ROLES), body, validate('body', CreateItem), (_req, res) => {
    res.json(previewOf(planItem(ctx, res.locals.body as CreateItem, { pastAllowed: true })));
  });

  router.post('/', requireRole('staff', 'manager'), body, validate('body', CreateItem), async (req, res) => {
    const input = res.locals.body as CreateItem;
    const plan = planItem(ctx, input);
    const id = input.id ?? randomUUID();
    const requestHash = requestHashOf(req.body);
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

  router.get('/:id', requireRole(...ALL_ROLES), validate('params', IdParam), async (_req, res) => {
    const { id } = res.locals.params as { id: string };
    res.json(await stateOf(id));
  });

  for (const spec of ITEM_ACTIONS) {
    router.post(
      `/:id/${spec.path}`,
      requireRole(...spec.roles),
      validate('params', IdParam),
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
