// The one source of truth for every payload: zod schemas here give the API its validation, every
// module its TypeScript types (z.infer), and the OpenAPI document its components. Workflows import
import { MEASURE_CODES } from './measure-codes';
// these *types only* (`import type`), so zod never enters the workflow bundle.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ID_MAX_LENGTH, ID_PATTERN } from '../workflows/ids';
import { POLICY_PRESETS } from './policies';
import { catalogueOf } from './grounds';

extendZodWithOpenApi(z);

export const id = z
  .string()
  .min(1)
  .max(ID_MAX_LENGTH)
  .regex(ID_PATTERN, 'letters, digits and . _ : - only, starting with a letter or digit');
// not blank: the pattern lets the OpenAPI document say what trim-then-min(1) means
const text = (max: number) => z.string().regex(/\S/, 'must not be blank').trim().max(max);
// The document states zod's own e-mail grammar: JSON Schema's "format: email" admits more.
const email = z.email().max(254).openapi({ pattern: z.regexes.email.source });
const isoInstant = z.iso.datetime({ offset: true }).openapi({ example: '2026-10-23T15:59:59.999Z' });

// ---------- people and units ----------

export const Person = z
  .strictObject({
    id,
    name: text(100),
    email: email.optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9 -]{5,20}$/)
      .optional(),
  })
  .openapi('Person');
export type Person = z.infer<typeof Person>;

export const Unit = z
  .strictObject({
    id,
    name: text(200),
    liaison: Person.optional().openapi({
      description: '督查联络员: the unit liaison officer who receives urges',
    }),
  })
  .openapi('Unit');
export type Unit = z.infer<typeof Unit>;

// An item names a unit in full (as clients always could) or by id alone: then the directory
// (GET /v1/units) fills the name and people, copied into the item when it is created.
export const UnitRef = z
  .strictObject({
    id,
    name: text(200).optional().openapi({ description: 'absent: taken from the unit directory' }),
    liaison: Person.optional().openapi({ description: 'absent with no name: the directory’s liaison' }),
  })
  .openapi('UnitRef', {
    description: 'a unit in full, or by id alone (`{id}`): the directory supplies name and liaison',
  });
export type UnitRef = z.infer<typeof UnitRef>;

export const AssistingUnitRef = z
  .strictObject({
    ...UnitRef.shape,
    duty: text(500).optional().openapi({ description: '协办职责' }),
    due: z
      .union([z.strictObject({ workingDays: z.int().min(1).max(250) }), z.strictObject({ at: isoInstant })])
      .optional()
      .openapi({
        description: 'its own (earlier) time for its part: reminded then if it has filed no report',
      }),
  })
  .openapi('AssistingUnitRef');
export type AssistingUnitRef = z.infer<typeof AssistingUnitRef>;

/** PUT /v1/units/{id}: a unit of the directory (the id is the path's) */
export const UnitInput = z
  .strictObject({
    name: text(200),
    liaison: Person.optional().openapi({ description: '督查联络员' }),
    principal: Person.optional().openapi({ description: '主要领导' }),
    inCharge: Person.optional().openapi({ description: '分管领导' }),
    parent: id
      .optional()
      .openapi({ description: 'the parent unit’s id: it must exist, and not be below this unit' }),
  })
  .openapi('UnitInput');
export type UnitInput = z.infer<typeof UnitInput>;

const pageToken = z
  .string()
  .max(2000)
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$/, 'not a page token from this API')
  .optional()
  .openapi({ description: 'opaque: only a nextPageToken this API answered is accepted' });

export const UnitListQuery = z.strictObject({
  parent: id.optional().openapi({ description: 'only the units directly under this one' }),
  pageSize: z.coerce.number().int().min(1).max(200).optional(),
  pageToken,
});
export type UnitListQuery = z.infer<typeof UnitListQuery>;

export const Responsible = z
  .strictObject({
    principal: Person.openapi({ description: '主要领导 (first responsible person)' }),
    inCharge: Person.optional().openapi({ description: '分管领导' }),
    direct: Person.optional().openapi({ description: '直接责任人' }),
  })
  .openapi('Responsible');
export type Responsible = z.infer<typeof Responsible>;

export const SourceKind = z.enum([
  'leader_instruction', // 领导批示/交办
  'meeting_decision', // 会议决定事项
  'document', // 文件
  'deputy_proposal', // 人大代表建议、政协委员提案
  'inspection', // 明察暗访 / 巡视检查
  'complaint', // 检举控告、投诉
  'media', // 新闻媒体报道
  'case_rectification', // 问责决定的限期整改 (S5 查→追→改)
  'other',
]);
export const Source = z.strictObject({ kind: SourceKind, reference: text(500).optional() }).openapi('Source');
export type Source = z.infer<typeof Source>;

// ---------- time ----------

export const Interval = z
  .union([
    z.strictObject({ workingDays: z.int().min(0).max(250) }),
    z.strictObject({
      duration: z
        .string()
        .regex(
          /^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/,
          'an ISO 8601 duration such as PT5S, PT2H or P1D',
        ),
    }),
  ])
  .openapi('Interval', { description: 'working days on the calendar, or an ISO 8601 duration (drills)' });
export type Interval = z.infer<typeof Interval>;

/** an interval that must pass some time: at least one working day (a `{duration}` is a drill) */
export const PositiveInterval = z
  .union([z.strictObject({ workingDays: z.int().min(1).max(250) }), Interval.options[1]])
  .openapi('PositiveInterval', {
    description: 'at least one working day, or an ISO 8601 duration (drills, may be seconds)',
  });

export const Due = z
  .union([
    z.strictObject({ workingDays: z.int().min(1).max(250) }),
    z.strictObject({ at: isoInstant }),
    z.strictObject({
      duration: z.string().regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/),
    }),
  ])
  .openapi('Due', {
    description: 'N working days after the assignment day, an explicit instant, or a duration (drills)',
  });
export type Due = z.infer<typeof Due>;

// ---------- policies ----------

export const MeasureCode = z.enum(MEASURE_CODES).openapi('MeasureCode');
export type MeasureCode = z.infer<typeof MeasureCode>;

export const ProposedMeasure = z
  .strictObject({
    code: MeasureCode,
    amount: z.number().positive().max(1_000_000).optional().openapi({ description: 'yuan, for fines' }),
    appliesTo: z.enum(['unit', 'person', 'both']).optional().openapi({
      description: "whom the measure fits: a unit, a person or both (the code's nature bounds it)",
    }),
  })
  .openapi('ProposedMeasure');
export type ProposedMeasure = z.infer<typeof ProposedMeasure>;

// A policy may name a measure by its bare code; the workflows always receive objects.
const MeasureEntry = z
  .union([MeasureCode, ProposedMeasure])
  .transform((m): ProposedMeasure => (typeof m === 'string' ? { code: m } : m))
  .openapi({ description: 'a measure code, or a measure with its amount and whom it applies to' });
const measureList = z.array(MeasureEntry).max(20);

const groundCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.()-]{0,19}$/, 'letters, digits and . ( ) - only');

export const Level = z
  .strictObject({
    name: text(50).optional().openapi({ example: '第一次催办' }),
    after: Interval,
    notice: z.strictObject({ by: text(100) }),
    measures: measureList,
    procedure: z
      .enum(['summary', 'formal'])
      .optional()
      .openapi({
        description:
          'the case this level opens: summary (decision → execution → appeal window) or formal ' +
          '(with investigation); default formal where openCase is true, else summary',
      }),
    openCase: z
      .boolean()
      .optional()
      .openapi({ description: 'first generation: a formal case even without measures' }),
    clause: text(200).optional().openapi({ description: 'the rule-book clause this level comes from' }),
    grounds: z.array(groundCode).max(10).optional().openapi({
      description: "the codes of the policy's grounds the level's case cites (S1 §三, S3 §四, S4 §四(四))",
    }),
  })
  .openapi('Level');
export type Level = z.infer<typeof Level>;

export const Cascade = z
  .strictObject({
    unitToLeaders: z
      .boolean()
      .optional()
      .openapi({ description: 'S3 §三: a unit measure may reach 主要领导/分管领导' }),
    directToUnit: z
      .boolean()
      .optional()
      .openapi({ description: 'S3 §三: a 直接责任人 measure may reach the unit' }),
    directToLeaders: z.boolean().optional(),
  })
  .openapi('Cascade');
export type Cascade = z.infer<typeof Cascade>;

/** a ground of accountability (问责情形) in a policy's catalogue: a code and its text */
export const GroundEntry = z
  .union([text(200), z.strictObject({ code: groundCode, text: text(200) })])
  .openapi('GroundEntry');
export type GroundEntry = z.infer<typeof GroundEntry>;

const stepDays = z.int().min(1).max(250);
/** working days of each step of a case (问责程序); the appeal window is 申诉期 */
export const CaseSteps = z
  .strictObject({
    investigation: stepDays.optional(),
    decision: stepDays.optional(),
    appealWindow: stepDays.optional().openapi({ description: '申诉期, working days from the decision' }),
    review: stepDays.optional(),
  })
  .openapi('CaseSteps', { description: 'working days for each step (defaults 10, 5, 5, 10)' });
export type CaseSteps = z.infer<typeof CaseSteps>;

export const Policy = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and dashes'),
    title: text(100).optional(),
    source: text(300).optional(),
    warnBefore: Interval.optional(),
    acknowledgeWithin: PositiveInterval.optional().openapi({
      description: '签收: the lead unit acknowledges within this; set, every item on the policy asks for it',
    }),
    reportEvery: PositiveInterval.optional().openapi({
      description: '汇报频次: a progress report is owed each period (S4 §三(一) 适时报告进展)',
    }),
    reminders: z.array(Level).min(1, 'a policy needs at least one level').max(5),
    clockStopsDuringReview: z.boolean().optional(),
    unitMeasures: measureList.optional(),
    personMeasures: measureList.optional(),
    cascade: Cascade.optional(),
    grounds: z.array(GroundEntry).max(30).optional(),
    caseSteps: CaseSteps.optional(),
  })
  // a level cites only grounds its policy's catalogue has, so its cases read them in Chinese
  .superRefine((p, ctx) => {
    const known = new Set(catalogueOf(p.grounds).map((g) => g.code));
    p.reminders.forEach((level, i) =>
      level.grounds?.forEach((code, j) => {
        if (!known.has(code))
          ctx.addIssue({
            code: 'custom',
            path: ['reminders', i, 'grounds', j],
            message: `"${code}" is not a code of this policy's grounds (${[...known].join(', ') || 'none'})`,
          });
      }),
    );
  })
  .openapi('Policy');
export type Policy = z.infer<typeof Policy>;
/** a preset's name, or a whole policy */
const PolicyChoice = z.union([
  z
    .enum(Object.keys(POLICY_PRESETS) as [string, ...string[]])
    .openapi({ description: 'a preset (GET /v1/policies)' }),
  Policy,
]);
/** a policy as a client may write it: measures as bare codes or objects */
export type PolicyInput = z.input<typeof Policy>;

// ---------- items ----------

export const StageInput = z.strictObject({ name: text(50), due: Due }).openapi('StageInput');
export type StageInput = z.infer<typeof StageInput>;

export const CreateItem = z
  .strictObject({
    id: id.optional().openapi({ description: 'client id; the same id with the same body is idempotent' }),
    title: text(200),
    description: text(5000).optional(),
    source: Source,
    leadUnit: UnitRef,
    assistingUnits: z.array(AssistingUnitRef).max(20).optional(),
    responsible: Responsible.optional().openapi({
      description: 'absent: the lead unit’s principal and inCharge from the directory',
    }),
    assignedAt: isoInstant.optional(),
    due: Due.optional(),
    stages: z
      .array(StageInput)
      .min(1)
      .max(10)
      .refine((s) => new Set(s.map((x) => x.name)).size === s.length, 'stage names must be unique')
      .optional(),
    policy: PolicyChoice.optional(),
    reportEvery: PositiveInterval.optional().openapi({
      description:
        '汇报频次: a progress report is owed each period from the assignment; a missed one is reminded when ' +
        'due and, still missing a working day later, counts as an urge (S4 §四(五)1 逾期不报); absent: the policy’s',
    }),
    acknowledge: z
      .boolean()
      .optional()
      .openapi({
        description:
          '签收: true asks the lead unit to acknowledge within the policy’s acknowledgeWithin (default 1 working ' +
          'day), false does not even when the policy sets it; absent, the policy decides',
      }),
    timeZone: z
      .string()
      .min(1)
      .max(64)
      .optional()
      // the zones every runtime knows; the API also takes their aliases (checked with Intl)
      .openapi({ enum: ['UTC', ...Intl.supportedValuesOf('timeZone')], example: 'Asia/Shanghai' }),
  })
  .openapi('CreateItem');
export type CreateItem = z.infer<typeof CreateItem>;

// Unions on the discriminating field rather than refinements, so the OpenAPI document states
// each rule (a final report is signed, an impose decision names measures) and errors name the field.
const signedBy = text(100).openapi({ description: '签发人: required for a final report (S4)' });
const reportUnit = id.optional().openapi({
  description:
    'whose report: the lead unit (default) or an assisting unit (协办单位) of the item; a unit account files its own',
});
export const ReportInput = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('progress'),
      summary: text(10_000),
      signedBy: signedBy.optional(),
      stage: text(50).optional(),
      unit: reportUnit,
    }),
    z.strictObject({
      kind: z.literal('final'),
      summary: text(10_000),
      signedBy,
      stage: text(50).optional(),
      unit: reportUnit,
    }),
  ])
  .openapi('ReportInput');
export type ReportInput = z.infer<typeof ReportInput>;

export const ReviewInput = z
  .strictObject({ decision: z.enum(['accept', 'return']), comment: text(5000) })
  .openapi('ReviewInput');
export type ReviewInput = z.infer<typeof ReviewInput>;

export const CompleteInput = z
  .strictObject({ comment: text(5000).optional(), stage: text(50).optional() })
  .openapi('CompleteInput');
export type CompleteInput = z.infer<typeof CompleteInput>;

export const ExtensionRequestInput = z
  .strictObject({
    reason: text(5000),
    due: z
      .union([z.strictObject({ workingDays: z.int().min(1).max(250) }), z.strictObject({ at: isoInstant })])
      .openapi({ description: 'extra working days after the current deadline, or a new instant' }),
  })
  .openapi('ExtensionRequestInput');
export type ExtensionRequestInput = z.infer<typeof ExtensionRequestInput>;

export const ExtensionDecisionInput = z
  .strictObject({ decision: z.enum(['approve', 'reject']), comment: text(5000).optional() })
  .openapi('ExtensionDecisionInput');
export type ExtensionDecisionInput = z.infer<typeof ExtensionDecisionInput>;

export const ReasonInput = z.strictObject({ reason: text(5000) }).openapi('ReasonInput');
export type ReasonInput = z.infer<typeof ReasonInput>;

/** 签收: the lead unit (or staff on its behalf) says it has received the item */
export const AcknowledgeInput = z.strictObject({ note: text(2000).optional() }).openapi('AcknowledgeInput');
export type AcknowledgeInput = z.infer<typeof AcknowledgeInput>;

/** 退回交办: not the unit's responsibility, with the reason */
export const DeclineInput = z.strictObject({ reason: text(5000) }).openapi('DeclineInput');
export type DeclineInput = z.infer<typeof DeclineInput>;

/** after a 退回交办: the office names the new lead unit (by id alone: from the directory) */
export const ReassignInput = z
  .strictObject({
    leadUnit: UnitRef,
    responsible: Responsible.optional().openapi({
      description: 'absent: the new lead unit’s principal and inCharge from the directory',
    }),
    comment: text(5000).optional(),
  })
  .openapi('ReassignInput');
export type ReassignInput = z.infer<typeof ReassignInput>;

/** An item's status, as the record, the list's filter and the API's answers name it. */
export const ItemStatus = z.enum([
  'awaiting_acknowledgement',
  'declined',
  'open',
  'warning',
  'overdue',
  'under_review',
  'paused',
  'completed',
  'cancelled',
]);
export type ItemStatus = z.infer<typeof ItemStatus>;

export const ItemListQuery = z
  .strictObject({
    status: ItemStatus.optional(),
    light: z.enum(['green', 'yellow', 'red']).optional(),
    leadUnit: id.optional(),
    unit: id.optional().openapi({ description: 'lead or assisting unit' }),
    source: z
      .string()
      .regex(/^[a-z_]{1,40}$/)
      .optional()
      .openapi({ description: 'source kind, e.g. leader_instruction' }),
    q: z
      .string()
      .max(200)
      .refine((v) => !v.includes('\0'), 'must not contain NUL')
      .optional()
      .openapi({ description: 'a substring of the title or description (case-insensitive)' }),
    from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'assigned at or after' }),
    to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'assigned before' }),
    overdue: z.enum(['true', 'false']).optional(),
    pageSize: z.coerce.number().int().min(1).max(200).optional(),
    pageToken: z
      .string()
      .max(2000)
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$/, 'not a page token from this API')
      .optional()
      .openapi({ description: 'opaque: only a nextPageToken this API answered is accepted' }),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: '`to` must be later than `from`',
    path: ['to'],
  });
export type ItemListQuery = z.infer<typeof ItemListQuery>;

// ---------- accountability cases ----------

export const CaseListQuery = z.strictObject({
  stage: z.enum(['investigation', 'decision', 'appeal_window', 'review', 'closed']).optional(),
  subject: id.optional().openapi({ description: 'a subject id (person or unit)' }),
  itemId: id.optional(),
  pageSize: z.coerce.number().int().min(1).max(200).optional(),
  pageToken,
});
export type CaseListQuery = z.infer<typeof CaseListQuery>;

export const Subject = z
  .strictObject({
    kind: z.enum(['person', 'unit']),
    id,
    name: text(200),
    unitId: id.optional().openapi({ description: 'for a person: the unit they belong to (S3 cascade)' }),
    role: z.enum(['principal', 'in_charge', 'direct']).optional(),
    email: email.optional(),
    unitName: text(200)
      .optional()
      .openapi({ description: "for a person: the unit's name, when the unit is not itself a subject" }),
  })
  .openapi('Subject');
export type Subject = z.infer<typeof Subject>;

/** a case's ground: free text, or a code of the policy's catalogue with optional text beside it */
export const CaseGround = z
  .union([
    text(500),
    z.strictObject({
      code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.()-]{0,19}$/, 'a ground code of the policy'),
      text: text(500).optional(),
    }),
  ])
  .openapi('CaseGround');
export type CaseGround = z.infer<typeof CaseGround>;

export const OpenCaseInput = z
  .strictObject({
    subjects: z.array(Subject).min(1).max(50),
    grounds: z.array(CaseGround).min(1).max(20),
    source: Source,
    itemId: id.optional(),
    policy: PolicyChoice.optional().openapi({
      description: "without one the case may use every measure of the catalogue that fits its subject's kind",
    }),
    evidence: z.array(text(2000)).max(50).optional(),
    stepDue: CaseSteps.optional(),
  })
  .openapi('OpenCaseInput');
export type OpenCaseInput = z.infer<typeof OpenCaseInput>;

export const InvestigationInput = z
  .strictObject({ findings: text(20_000), evidence: z.array(text(2000)).max(50).optional() })
  .openapi('InvestigationInput');
export type InvestigationInput = z.infer<typeof InvestigationInput>;

export const ImposedMeasure = z
  .strictObject({
    subjectId: id,
    code: MeasureCode,
    amount: z.number().positive().max(1_000_000).optional(),
    within: z
      .strictObject({ workingDays: z.int().min(1).max(250) })
      .optional()
      .openapi({
        description: '责令限期整改: the time limit of the rectification item (default 15 working days)',
      }),
  })
  .openapi('ImposedMeasure');
export type ImposedMeasure = z.infer<typeof ImposedMeasure>;

const CascadePart = z.strictObject({ subjectId: id, code: MeasureCode });
/** S3 §三 可视情节轻重: the decider keeps or drops parts of the proposed cascade (default: all of it) */
export const CascadeChoice = z
  .union([
    z.strictObject({ keep: z.array(CascadePart).max(50) }),
    z.strictObject({ drop: z.array(CascadePart).max(50) }),
  ])
  .openapi('CascadeChoice', {
    description: 'keep only these cascaded measures, or drop these; absent: every proposed one cascades',
  });
export type CascadeChoice = z.infer<typeof CascadeChoice>;

export const DecisionInput = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('impose'),
      measures: z.array(ImposedMeasure).min(1, 'an impose decision needs at least one measure').max(50),
      cascade: CascadeChoice.optional(),
      comment: text(5000).optional(),
    }),
    z.strictObject({
      decision: z.literal('dismiss'),
      measures: z.array(ImposedMeasure).max(50),
      comment: text(5000).optional(),
    }),
  ])
  .openapi('DecisionInput');
export type DecisionInput = z.infer<typeof DecisionInput>;

/** 电话催办 / 督办函 / 上门督办 recorded by hand (S2 §五1): it counts as the next urge */
export const UrgeInput = z
  .strictObject({ channel: z.enum(['phone', 'letter', 'visit']), note: text(2000) })
  .openapi('UrgeInput');
export type UrgeInput = z.infer<typeof UrgeInput>;

/** 领导批示 on an item (S4 §四(五)2): kept and delivered to the unit */
export const InstructionInput = z.strictObject({ text: text(5000) }).openapi('InstructionInput');
export type InstructionInput = z.infer<typeof InstructionInput>;

export const AppealInput = z.strictObject({ subjectId: id, reason: text(5000) }).openapi('AppealInput');
export type AppealInput = z.infer<typeof AppealInput>;

const reviewedSubject = id
  .optional()
  .openapi({ description: 'whose appeal is reviewed; required when several appeals are pending' });
export const CaseReviewInput = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.enum(['uphold', 'revoke']),
      subjectId: reviewedSubject,
      measures: z.array(ImposedMeasure).max(50).optional(),
      comment: text(5000).optional(),
    }),
    z.strictObject({
      decision: z.literal('amend'),
      subjectId: reviewedSubject,
      measures: z.array(ImposedMeasure).min(1, 'an amend decision names the new measures').max(50),
      comment: text(5000).optional(),
    }),
  ])
  .openapi('CaseReviewInput');
export type CaseReviewInput = z.infer<typeof CaseReviewInput>;

export const LedgerQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  kind: z
    .enum(['person', 'unit'])
    .optional()
    .openapi({ description: 'the subject kind: a person and a unit may share an id (default person)' }),
});
