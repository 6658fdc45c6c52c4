// Supervision items (督办事项): create, list, read, preview, and the people's actions, each carried
// to the item's workflow as an Update so a refusal comes back as a 409 with the reason.
import { createHash, randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import { WorkflowIdReusePolicy, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { z } from 'zod';
import {
  AcknowledgeInput,
  CompleteInput,
  CreateItem,
  DeclineInput,
  ExtensionDecisionInput,
  ExtensionRequestInput,
  InstructionInput,
  ItemListQuery,
  ReasonInput,
  ReassignInput,
  ReportInput,
  ReviewInput,
  UrgeInput,
  id as idString,
} from '../../domain/schemas';
import { resolvePolicy, UnknownPolicyError } from '../../domain/resolve-policy';
import {
  acknowledgeItem,
  cancelItem,
  completeItem,
  decideExtension,
  declineItem,
  getItemState,
  pauseItem,
  reassignItem,
  recordInstruction,
  recordUrge,
  requestExtension,
  resumeItem,
  reviewReport,
  submitReport,
} from '../../workflows/messages';
import { itemWorkflowId } from '../../workflows/ids';
import { calendarWindow, stateAtStart } from '../../workflows/supervision/state';
import { firstBatch } from '../../workflows/supervision/record-view';
import { notOpen } from '../../workflows/supervision/validate';
import { sliceCalendarData } from '../../domain/calendar/working-calendar';
import { packCalendar } from '../../domain/calendar/packed';
import { nextOpening, withDelivery, type OfficeHours } from '../../domain/calendar/office-hours';
import type {
  Deadline,
  Due,
  Interval,
  Policy,
  Schedule,
  SupervisionInput,
  SupervisionState,
} from '../../workflows/types';
import { applyItemBatch, listItems, InvalidQueryError } from '../../activities/record/store';
import { scopeItem, unitOf } from '../access';
import { actorOf, ALL_ROLES, OFFICE_ROLES, requireRole } from '../auth';
import { resolveReassignment, resolveUnits, type ResolvedItem } from '../directory';
import { conflict, HttpProblem, invalidField } from '../errors';
import { isTimeZone, itemStartAttributes, localMinute, type ApiContext } from '../context';
import { queryOr404, READ_TIMEOUT_MS, whileStarting, withTimeout } from '../temporal';
import { readItem } from '../read';
import { timingOf } from '../server-timing';
import { action, type ActionSpec } from '../actions';
import { jsonBody, validate } from '../validate';

export const DEFAULT_DUE: Due = { workingDays: 15 };
/** 签收 within one working day unless the policy says otherwise (DESIGN: 签收) */
export const DEFAULT_ACKNOWLEDGE_WITHIN: Interval = { workingDays: 1 };
export const ITEM_WORKFLOW_TYPE = 'supervisionItem';
type SupervisionItemWorkflow = (input: SupervisionInput) => Promise<unknown>;

export const IdParam = z.strictObject({ id: idString });

export const ITEM_ACTIONS: ActionSpec[] = [
  // A unit account may take the actions whose roles name `unit`, on its own items only (api/access.ts).
  action({
    path: 'acknowledge',
    roles: ['unit', 'staff'],
    schema: AcknowledgeInput,
    update: acknowledgeItem,
    summary: 'Acknowledge the item as its lead unit (签收; staff may do it on the unit’s behalf)',
    answer: (o) => o.acknowledgement,
  }),
  action({
    path: 'decline',
    roles: ['unit'],
    schema: DeclineInput,
    update: declineItem,
    summary: 'Give the item back before 签收, with the reason (退回交办); the office reassigns or cancels',
    answer: (o) => o.decline,
  }),
  action({
    path: 'reassign',
    roles: ['staff', 'manager'],
    schema: ReassignInput,
    update: reassignItem,
    summary: 'Name a new lead unit for an item given back (重新交办); the clock restarts from now',
    prepare: resolveReassignment,
  }),
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
  /** 签收: the interval the lead unit has, and its due instant; absent when the item does not ask */
  acknowledge?: { within: Interval; dueAt: string };
  /** 办公时间 the item keeps; absent for a drill (every notice at its instant) */
  officeHours?: OfficeHours;
  /** 汇报频次: the item's own, else the policy's */
  reportEvery?: Interval;
  /** the first period's report is due then */
  firstReportDueAt?: string;
}

/** A drill counts in durations somewhere (due, a stage, the policy): it ignores office hours. */
export function isDrill(policy: Policy, dues: Due[]): boolean {
  const intervals = [
    policy.warnBefore,
    policy.acknowledgeWithin,
    policy.reportEvery,
    ...policy.reminders.map((l) => l.after),
  ];
  return [...dues, ...intervals].some((i) => i !== undefined && 'duration' in i);
}

/**
 * Resolves the policy and computes every deadline with the calendar before anything starts, so a
 * bad input is a 400 naming the field instead of a workflow that fails later. A preview computes
 * any assignment date (`pastAllowed`); a create refuses a deadline that has already passed. Either
 * refuses a deadline that does not come after the assignment.
 */
export function planItem(
  ctx: ApiContext,
  body: Pick<
    CreateItem,
    'timeZone' | 'policy' | 'assignedAt' | 'due' | 'stages' | 'acknowledge' | 'reportEvery'
  >,
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
  const reportEvery = body.reportEvery ?? policy.reportEvery;
  const dues: Due[] = [due, ...(body.stages ?? []).map((s) => s.due), ...(reportEvery ? [reportEvery] : [])];
  const officeHours = ctx.officeHours && !isDrill(policy, dues) ? ctx.officeHours : undefined;
  let schedule: Schedule;
  try {
    schedule = withDelivery(
      ctx.calendar.planSchedule({ deadlineAt: deadline.at, policy, timeZone, reached: [] }),
      officeHours && ((ms) => nextOpening(ms, ctx.calendar, timeZone, officeHours)),
    );
  } catch (err) {
    throw invalidField('policy', (err as Error).message);
  }
  // the item asks for 签收 when it says so, or when its policy gives a window and it does not refuse
  const within =
    body.acknowledge === false
      ? undefined
      : body.acknowledge
        ? (policy.acknowledgeWithin ?? DEFAULT_ACKNOWLEDGE_WITHIN)
        : policy.acknowledgeWithin;
  let acknowledge: ItemPlan['acknowledge'];
  if (within) {
    try {
      const { at } = ctx.calendar.addInterval({ from: assignedAt, interval: within, direction: 1, timeZone });
      acknowledge = { within, dueAt: at };
    } catch (err) {
      throw invalidField('policy.acknowledgeWithin', (err as Error).message);
    }
  }
  return {
    policy,
    timeZone,
    assignedAt,
    due,
    deadline,
    stages,
    schedule,
    ...(acknowledge ? { acknowledge } : {}),
    ...(officeHours ? { officeHours } : {}),
    ...(reportEvery
      ? {
          reportEvery,
          firstReportDueAt: ctx.calendar.addInterval({
            from: assignedAt,
            interval: reportEvery,
            direction: 1,
            timeZone,
          }).at,
        }
      : {}),
  };
}

const intervalText = (i: Interval): string =>
  'workingDays' in i ? `每${i.workingDays}个工作日` : `每${i.duration}`;

function staticDetails(body: ResolvedItem, plan: ItemPlan): string {
  const lines = [`承办单位：${body.leadUnit.name}`];
  if (body.assistingUnits?.length)
    lines.push(
      `协办单位：${body.assistingUnits.map((u) => (u.duty ? `${u.name}（${u.duty}）` : u.name)).join('、')}`,
    );
  if (plan.acknowledge) lines.push(`签收期限：${localMinute(plan.acknowledge.dueAt, plan.timeZone)}`);
  if (plan.reportEvery) lines.push(`汇报频次：${intervalText(plan.reportEvery)}报送一次进展情况`);
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
    // dueAt: when it is reached; deliverAt: when its notices go out (office hours)
    ...(plan.schedule.warning ? { warning: plan.schedule.warning } : {}),
    reminders: plan.schedule.levels.map((l) => ({
      level: l.level,
      name: l.name,
      at: l.dueAt,
      dueAt: l.dueAt,
      deliverAt: l.deliverAt ?? l.dueAt,
    })),
    officeHours: plan.officeHours ?? null,
    ...(plan.acknowledge ? { acknowledgeBy: plan.acknowledge.dueAt } : {}),
    ...(plan.reportEvery ? { reportEvery: plan.reportEvery, firstReportDueAt: plan.firstReportDueAt } : {}),
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
    const timing = timingOf(res);
    timing.mark('accept'); // parsing, authentication, validation
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
    checkAssistingDues(ctx, input, plan);
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
      ...(plan.acknowledge ? { acknowledgeWithin: plan.acknowledge.within } : {}),
      ...(plan.officeHours ? { officeHours: plan.officeHours } : {}),
      ...(plan.reportEvery ? { reportEvery: plan.reportEvery } : {}),
      timeZone: plan.timeZone,
      calendar: packCalendar(sliceCalendarData(ctx.calendar.data, window.from, window.through)),
      createdBy: actorOf(res.locals),
      createdAt: now.toISOString(),
      requestHash,
    };
    timing.mark('plan');
    let started: SupervisionState;
    let batch: ReturnType<typeof firstBatch>;
    try {
      ({ started, batch } = await whileStarting(
        withTimeout(ctx.client, READ_TIMEOUT_MS, () =>
          ctx.client.workflow.start<SupervisionItemWorkflow>(ITEM_WORKFLOW_TYPE, {
            workflowId: itemWorkflowId(id),
            taskQueue: ctx.taskQueue,
            args: [workflowInput],
            // a finished item's id is never reused: the same id always means the same item
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            staticSummary: input.title,
            staticDetails: staticDetails(input, plan),
            memo: { title: input.title },
            typedSearchAttributes: itemStartAttributes(input.leadUnit.id, new Date(plan.deadline.at)),
          }),
        ),
        // The state the workflow starts from, computed by the same pure code (what a query would
        // answer), and its first record batch, while the start is in flight.
        () => {
          const state = stateAtStart(workflowInput, now.getTime());
          return { started: state, batch: firstBatch(state) };
        },
      ));
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const existing = await stateOf(id);
      if (existing.requestHash !== requestHash) {
        throw conflict(`item id "${id}" is already used by a different request`);
      }
      return sendState(res, 200, existing);
    }
    timing.mark('start');
    res.location(`/v1/items/${encodeURIComponent(id)}`);
    // The first batch, written once the item exists and just after the answer (api/record-writes.ts:
    // this process's reads wait for it), so the item is listed at once; the workflow's own write of
    // the same batch then changes nothing. A record that is down only delays the listing.
    await ctx.recordWrites.answerThenWrite(
      () => {
        timing.send(res);
        sendState(res, 201, started);
      },
      () => applyItemBatch(ctx.record, batch),
      (err) =>
        req.log?.warn({ itemId: id, err: String(err) }, 'the new item waits for its workflow to record it'),
    );
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
        const given = res.locals.body as Record<string, unknown>;
        if (spec.path === 'extension-request') checkExtensionDue(given, ctx.now());
        const payload = spec.prepare ? await spec.prepare(ctx, given) : given;
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

/** An assisting unit's own time comes after the assignment and no later than the item's last deadline. */
function checkAssistingDues(ctx: ApiContext, input: ResolvedItem, plan: ItemPlan): void {
  const last = plan.stages?.[plan.stages.length - 1]?.deadline ?? plan.deadline;
  (input.assistingUnits ?? []).forEach((u, i) => {
    if (!u.due) return;
    const path = `assistingUnits.${i}.due${'at' in u.due ? '.at' : ''}`;
    let at: string;
    try {
      at = ctx.calendar.computeDeadline({ from: plan.assignedAt, due: u.due, timeZone: plan.timeZone }).at;
    } catch (err) {
      throw invalidField(path, (err as Error).message);
    }
    if (Date.parse(at) > Date.parse(last.at))
      throw invalidField(
        path,
        `${at} is after the item's deadline ${last.at}: an assisting unit's time is earlier`,
      );
    if (Date.parse(at) <= Date.parse(plan.assignedAt))
      throw invalidField(path, `${at} is not after the assignment ${plan.assignedAt}`);
  });
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
