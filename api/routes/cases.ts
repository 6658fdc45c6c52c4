// Accountability cases (问责): opened by hand here (inspection, complaint, media…) or by an item's
// escalation inside Temporal; every step is an Update on the case workflow.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { z } from 'zod';
import {
  AppealInput,
  CaseListQuery,
  CaseReviewInput,
  DecisionInput,
  InvestigationInput,
  OpenCaseInput,
} from '../../domain/schemas';
import {
  resolveGrounds,
  resolvePolicy,
  UnknownGroundError,
  UnknownPolicyError,
} from '../../domain/resolve-policy';
import {
  decideCase,
  fileAppeal,
  getCaseState,
  reviewAppeal,
  submitInvestigation,
} from '../../workflows/messages';
import { caseWorkflowId } from '../../workflows/ids';
import { caseCalendarWindow, startStage, stateAtStart } from '../../workflows/case/state';
import { sliceCalendarData } from '../../domain/calendar/working-calendar';
import { packCalendar } from '../../domain/calendar/packed';
import type { CaseInput, CaseState, Policy } from '../../workflows/types';
import { ownSubjectOnly, scopeCase } from '../access';
import { actorOf, ALL_ROLES, requireRole } from '../auth';
import { conflict, invalidField } from '../errors';
import { SA, type ApiContext } from '../context';
import { queryOr404, READ_TIMEOUT_MS, whileStarting, withTimeout } from '../temporal';
import { timingOf } from '../server-timing';
import { readCase } from '../read';
import { unitOf } from '../access';
import { applyCaseBatch, InvalidQueryError, listCases } from '../../activities/record/store';
import { caseRecordBatch } from '../../workflows/case/record';
import { action, type ActionSpec } from '../actions';
import { jsonBody, validate } from '../validate';
import { IdParam } from './items';

export const CASE_WORKFLOW_TYPE = 'accountabilityCase';
type AccountabilityCaseWorkflow = (input: CaseInput) => Promise<unknown>;

/**
 * The create body: OpenCaseInput plus an optional client id. A fresh object rather than extend():
 * an extended registered schema becomes allOf [OpenCaseInput, {id}], which additionalProperties
 * false on OpenCaseInput makes unsatisfiable as soon as id is sent.
 */
export const OpenCaseRequest = z
  .strictObject({
    ...OpenCaseInput.shape,
    id: IdParam.shape.id.optional().openapi({ description: 'client case id; a new UUID when absent' }),
  })
  .openapi('OpenCaseRequest');
export type OpenCaseRequest = z.infer<typeof OpenCaseRequest>;

export const CASE_ACTIONS: ActionSpec[] = [
  action({
    path: 'investigation',
    roles: ['staff', 'manager'],
    schema: InvestigationInput,
    update: submitInvestigation,
    summary: 'File the investigation report (调查核实)',
  }),
  action({
    path: 'decision',
    roles: ['manager'],
    schema: DecisionInput,
    update: decideCase,
    summary: 'Impose measures or dismiss (问责决定)',
  }),
  action({
    path: 'appeal',
    // a unit appeals for itself and its own people (ownSubjectOnly)
    roles: ['staff', 'manager', 'unit'],
    schema: AppealInput,
    update: fileAppeal,
    summary: 'File an appeal for a subject (申诉)',
  }),
  action({
    path: 'review',
    roles: ['manager'],
    schema: CaseReviewInput,
    update: reviewAppeal,
    summary: 'Decide the appeal: uphold, revoke or amend (复议/复查)',
  }),
];

export function casesRouter(ctx: ApiContext): Router {
  const router = Router();
  const body = jsonBody();
  const stateOf = (id: string): Promise<CaseState> =>
    queryOr404(ctx.client, caseWorkflowId(id), getCaseState, `case "${id}"`);

  router.post('/', requireRole('manager'), body, validate('body', OpenCaseRequest), async (req, res) => {
    const timing = timingOf(res);
    timing.mark('accept'); // parsing, authentication, validation
    const input = res.locals.body as OpenCaseRequest;
    let policy: Policy;
    try {
      policy = resolvePolicy(input.policy);
    } catch (err) {
      if (err instanceof UnknownPolicyError) throw invalidField('policy', err.message);
      throw err;
    }
    let grounds: ReturnType<typeof resolveGrounds>;
    try {
      grounds = resolveGrounds(input.grounds, policy);
    } catch (err) {
      if (err instanceof UnknownGroundError) throw invalidField(`grounds.${err.index}.code`, err.message);
      throw err;
    }
    const caseId = input.id ?? randomUUID();
    const now = ctx.now();
    // the case counts its working days itself, on the slice it carries
    const window = caseCalendarWindow(now.getTime(), ctx.timeZone);
    const calendar = packCalendar(sliceCalendarData(ctx.calendar.data, window.from, window.through));
    const caseInput: CaseInput = {
      caseId,
      subjects: input.subjects,
      grounds: grounds.grounds,
      ...(grounds.codes.length ? { groundCodes: grounds.codes } : {}),
      source: input.source,
      itemId: input.itemId,
      policy,
      // no policy named: the case may use every measure that fits its subjects (not the default ladder's)
      ...(input.policy === undefined ? { wholeCatalogue: true } : {}),
      ...(input.stepDue ? { stepDue: input.stepDue } : {}),
      timeZone: ctx.timeZone,
      openedBy: actorOf(res.locals),
      openedAt: now.toISOString(),
      evidence: input.evidence,
      calendar,
    };
    timing.mark('plan');
    let started: ReturnType<typeof stateAtStart>;
    let batch: ReturnType<typeof caseRecordBatch>;
    try {
      ({ started, batch } = await whileStarting(
        withTimeout(ctx.client, READ_TIMEOUT_MS, () =>
          ctx.client.workflow.start<AccountabilityCaseWorkflow>(CASE_WORKFLOW_TYPE, {
            workflowId: caseWorkflowId(caseId),
            taskQueue: ctx.taskQueue,
            args: [caseInput],
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            staticSummary: `问责：${input.subjects.map((s) => s.name).join('、')}`,
            staticDetails: [
              `问责事由：${grounds.grounds.join('；')}`,
              `启动人：${actorOf(res.locals).id}`,
            ].join('\n'),
            memo: { subjects: input.subjects.map((s) => s.name).join('、') },
            typedSearchAttributes: [
              { key: SA.caseStage, value: startStage(caseInput) },
              { key: SA.caseSubjects, value: input.subjects.map((s) => s.id) },
            ],
          }),
        ),
        // the state the workflow starts from, computed by the same pure code while the start is in
        // flight (no round trip to it), and its first record batch
        () => {
          const state = stateAtStart(caseInput, now.getTime());
          return { started: state, batch: caseRecordBatch(undefined, state, caseInput) };
        },
      ));
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw conflict(`case id "${caseId}" is already taken`);
      throw err;
    }
    timing.mark('start');
    res.location(`/v1/cases/${encodeURIComponent(caseId)}`);
    // its first record batch, just after the answer, as for an item
    await ctx.recordWrites.answerThenWrite(
      () => {
        timing.send(res);
        res.status(201).json(started);
      },
      () => applyCaseBatch(ctx.record, batch!),
      (err) =>
        req.log?.warn({ caseId, err: String(err) }, 'the new case waits for its workflow to record it'),
    );
  });

  // From the record: closed cases of any age, filtered by stage, subject or item.
  router.get('/', requireRole(...ALL_ROLES), validate('query', CaseListQuery), async (_req, res) => {
    const q = res.locals.query as CaseListQuery;
    // a unit account lists only the cases of its unit, its people and its items
    const unit = unitOf(actorOf(res.locals));
    const page = await listCases(ctx.record, {
      ...(unit !== undefined ? { unit } : {}),
      ...(q.stage ? { stage: q.stage } : {}),
      ...(q.subject ? { subject: q.subject } : {}),
      ...(q.itemId ? { itemId: q.itemId } : {}),
      limit: q.pageSize ?? 50,
      ...(q.pageToken ? { cursor: q.pageToken } : {}),
    }).catch((err: unknown) => {
      if (err instanceof InvalidQueryError) throw invalidField('pageToken', err.message);
      throw err;
    });
    const cases = page.cases.map((c) => ({ ...c, link: `/v1/cases/${encodeURIComponent(c.id)}` }));
    res.json({ cases, ...(page.nextCursor ? { nextPageToken: page.nextCursor } : {}) });
  });

  router.get(
    '/:id',
    requireRole(...ALL_ROLES),
    validate('params', IdParam),
    scopeCase(ctx),
    async (_req, res) => {
      res.json(await readCase(ctx, (res.locals.params as { id: string }).id));
    },
  );

  for (const spec of CASE_ACTIONS) {
    router.post(
      `/:id/${spec.path}`,
      requireRole(...spec.roles),
      validate('params', IdParam),
      scopeCase(ctx),
      body,
      validate('body', spec.schema),
      ...(spec.path === 'appeal' ? [ownSubjectOnly] : []),
      async (_req, res) => {
        const { id } = res.locals.params as { id: string };
        // the Update answers its small outcome; the route answers the case as it stands after it
        await spec.run(
          ctx.client,
          caseWorkflowId(id),
          res.locals.body,
          actorOf(res.locals),
          `case "${id}"`,
          (final) => ((final as CaseState).stage === 'closed' ? `案件 ${id} 已结案，不能再操作` : undefined),
        );
        res.json(await stateOf(id));
      },
    );
  }
  return router;
}
