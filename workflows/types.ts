// Plain types shared by the workflows, the activities and the API. Payload shapes come from the zod
// schemas (types only: zod stays out of the workflow bundle); the rest describes workflow state.
import type {
  CreateItem,
  Due,
  ImposedMeasure,
  Interval,
  MeasureCode,
  Person,
  Policy,
  ProposedMeasure,
  Responsible,
  Source,
  Subject,
  Unit,
} from '../domain/schemas';
import type { CalendarData } from '../domain/calendar/working-calendar';
import type { PackedCalendar } from '../domain/calendar/packed';
import type { OfficeHours } from '../domain/calendar/office-hours';

export type { CalendarData, OfficeHours };
export type {
  Due,
  ImposedMeasure,
  Interval,
  MeasureCode,
  Person,
  Policy,
  ProposedMeasure,
  Responsible,
  Source,
  Subject,
  Unit,
};

export type Role = 'staff' | 'manager' | 'ops' | 'unit' | 'system';
/** Who did something; carried into every message so the history says who acted. */
export interface Actor {
  id: string;
  role: Role;
  /** for a unit account (联络员): the unit it acts for */
  unit?: string;
}

// ---------- working-day calendar ----------

export interface CalendarInfo {
  /** e.g. "chinese-days@1.5.7+overrides:3f2a…" */
  version: string;
  /** last date (YYYY-MM-DD) for which official holiday data exists */
  coveredThrough: string;
  /** set when a computation reached past coveredThrough (law-based estimate, or weekends only) */
  warning?: string;
  /** years past the official data whose days off were estimated by law (re-planned when loaded) */
  estimatedYears?: number[];
}

export interface SkippedDay {
  date: string; // YYYY-MM-DD
  /** holiday: official data; statutory / customary: the law-based estimate past it */
  reason: 'weekend' | 'holiday' | 'override_holiday' | 'statutory' | 'customary';
  name?: string; // e.g. "National Day,国庆节"
}

export interface ReceiptAdjustment {
  kind: 'extension' | 'pause' | 'review_clock_stop' | 'calendar' | 'reassignment';
  at: string; // when the deadline moved
  from: string; // old deadline instant
  to: string; // new deadline instant
  detail: string; // human text, Chinese
  by?: string; // actor id
}

/** 期限计算说明: why a deadline is where it is. */
export interface DeadlineReceipt {
  assignedAt: string;
  rule: string; // e.g. "15个工作日（不含交办当日）" or "指定时间"
  timeZone: string;
  /** the working days counted, in order (YYYY-MM-DD) */
  countedDays: string[];
  skipped: SkippedDay[];
  /** weekend days that counted because they are official 调休 make-up working days */
  makeUpDays: string[];
  adjustments: ReceiptAdjustment[];
  /** short Chinese explanation, one line */
  summary: string;
}

export interface Deadline {
  at: string; // ISO instant
  /** the local date of the last day (YYYY-MM-DD), for titles like "2026-10-23 23:59" */
  localDate: string;
  /** 'workingDays' deadlines move by working time when paused; 'elapsed' ones by wall time */
  clock: 'workingDays' | 'elapsed';
  /** for working-day deadlines: N, the ordinal of the last working day */
  workingDays?: number;
  receipt: DeadlineReceipt;
  calendar: CalendarInfo;
}

export interface ComputeDeadlineRequest {
  /** the assignment instant (the assignment day itself is not counted) */
  from: string;
  due: Due;
  timeZone: string;
}

export interface AddIntervalRequest {
  from: string; // ISO instant
  interval: Interval;
  /** -1 to go back (warnings before a deadline) */
  direction: 1 | -1;
  timeZone: string;
}

export interface AddIntervalResult {
  at: string;
  calendar: CalendarInfo;
}

export interface ShiftDeadlineRequest {
  deadline: Deadline;
  stoppedAt: string;
  resumedAt: string;
  kind: ReceiptAdjustment['kind'];
  detail: string;
  by?: string;
  timeZone: string;
}

export interface ExtendDeadlineRequest {
  deadline: Deadline;
  due: { workingDays: number } | { at: string };
  at: string;
  by?: string;
  reason: string;
  timeZone: string;
}

// ---------- schedules ----------

export interface ScheduledLevel {
  level: number; // 1-based
  name: string;
  /** when the level is reached */
  dueAt: string;
  /** when its notices go out: the next opening of office hours (absent on a first-generation state) */
  deliverAt?: string;
}

export interface Schedule {
  deadlineAt: string;
  warningAt?: string;
  /** the warning's instant and when its notice goes out (office hours) */
  warning?: { dueAt: string; deliverAt: string };
  levels: ScheduledLevel[];
}

export interface PlanScheduleRequest {
  deadlineAt: string;
  policy: Policy;
  timeZone: string;
  /** levels already reached (e.g. a returned report counts as an urge), in order */
  reached: { level: number; at: string }[];
}

// ---------- notifications ----------

export type NoticeKind =
  | 'warning' // 预警提醒
  | 'urge' // 催办通知
  | 'bulletin' // 督查通报
  | 'case_opened' // 启动问责
  | 'case_step_overdue' // 问责程序节点逾期提醒
  | 'case_decision' // 问责决定
  | 'appeal_result' // 申诉（复议复查）结果
  | 'item_event' // 退回重办、延期决定等
  | 'assignment'; // 交办通知: the item is assigned (or reassigned) to the units

export interface Recipient {
  id: string;
  name: string;
  email?: string;
  phone?: string;
  /** liaison / principal / in_charge / direct / office / subject */
  role: string;
}

export interface Notice {
  /** idempotency key: the same notice always carries the same key (item id + level + kind …) */
  key: string;
  kind: NoticeKind;
  subject: string; // one-line Chinese title
  itemId?: string;
  caseId?: string;
  title?: string; // the item's title
  level?: number;
  office?: string; // 发文单位, e.g. 市政府督查室
  deadlineAt?: string;
  localDeadline?: string;
  receiptSummary?: string;
  measures?: ProposedMeasure[] | ImposedMeasure[];
  next?: string; // what happens next, Chinese
  body?: string; // free text (comment, reason)
  recipients: Recipient[];
  leadUnit?: { id: string; name: string };
  at: string; // when the workflow decided to send it
  /** held for office hours: when it goes out (absent: at once) */
  deliverAt?: string;
  /** why an urge (催办) or bulletin came; the text says so. Absent: the deadline passed. */
  reason?: NoticeReason;
  /**
   * Where it came from. A case opened by hand: the item's or case's source (`Source`, e.g.
   * `{ kind: 'inspection', reference: '第3号督查通报' }`). A manual urge: how it was made
   * (`'phone'` 电话催办, `'letter'` 督办函) and its note in `reference`.
   */
  origin?: { kind: string; reference?: string };
  /** a case's procedure (case notices): summary (简易程序, no investigation) or formal */
  procedure?: 'summary' | 'formal';
}

export type NoticeReason =
  | 'deadline' // 已超过办理期限
  | 'interval' // 上次催办后仍未办结
  | 'returned' // 办结报告被退回重办
  | 'missed_report' // 逾期未报送进展情况
  | 'manual' // 人工催办：电话催办、督办函
  | 'instruction'; // 根据领导批示催办

export type Channel = 'email' | 'webhook';

export interface DeliveryResult {
  channel: Channel;
  status: 'delivered' | 'not_configured' | 'no_recipients' | 'failed';
  recipients?: number;
  detail?: string;
}

/**
 * What a deliverNotices attempt has done so far: its heartbeat details (a retry skips these pairs)
 * and, when it fails for a temporary reason, the failure's details, so the workflow can tell which
 * pairs of a batch that finally failed were delivered anyway.
 */
export interface BatchProgress {
  /** finished (notice, channel) pairs: delivered, refused for good, not configured, no recipients */
  done: { key: string; result: DeliveryResult }[];
  /** pairs whose last try failed for a temporary reason, with that reason */
  pending?: { key: string; channel: Channel; detail: string }[];
}

/** deliverNotices' input: one step's notices */
export interface DeliveryBatch {
  notices: Notice[];
  /** the workflow records the results in its record batch (deliveries-in-record-batch): no SQL here */
  inRecordBatch?: true;
  /** pairs an earlier attempt already finished (the in-task attempt, patch notices-in-task): not sent again */
  done?: BatchProgress['done'];
}

export interface NoticeRecord {
  key: string;
  kind: NoticeKind;
  subject: string;
  at: string;
  recipients: string[];
  deliveries: DeliveryResult[];
}

// ---------- supervision item ----------

export type ItemStatus =
  | 'awaiting_acknowledgement' // 待签收
  | 'declined' // 已退回交办
  | 'open'
  | 'warning'
  | 'overdue'
  | 'under_review'
  | 'paused'
  | 'completed'
  | 'cancelled';
export type Light = 'green' | 'yellow' | 'red';

export interface SupervisionInput {
  itemId: string;
  title: string;
  description?: string;
  source: Source;
  leadUnit: Unit;
  assistingUnits?: AssistingUnit[];
  responsible: Responsible;
  assignedAt: string;
  due: Due;
  stages?: { name: string; due: Due }[];
  /** resolved by the API (preset or inline), already validated */
  policy: Policy;
  timeZone: string;
  /** the working-day calendar the item computes on: a slice from before assignment to two years on */
  calendar?: CalendarData | PackedCalendar;
  createdBy: Actor;
  /** when the API created the item: the state at start is computed for that instant, so the
   * create response and the first query answer the same */
  createdAt?: string;
  /** S5 查→追→改: a rectification item links back to the case that ordered it */
  origin?: { caseId: string; measureId: string };
  /** the request body as given, kept for idempotent create (same id + same body) */
  requestHash?: string;
  /** 汇报频次: a progress report owed each period (resolved by the API: the item's, else the policy's) */
  reportEvery?: Interval;
  /** office hours for warnings, urges and bulletins (absent: at their instant, as drills are) */
  officeHours?: OfficeHours;
  /** 签收: present when the lead unit must acknowledge, within this (resolved by the API) */
  acknowledgeWithin?: Interval;
  /** continue-as-new once the run's history reaches this many events (default 10,000) */
  continueAsNewAfterEvents?: number;
  /** state carried over continue-as-new */
  carried?: SupervisionState;
}

export interface ReminderRecord {
  level: number;
  name: string;
  at: string;
  stage?: string;
  /** why the level was reached: the deadline, the interval since the last urge, a report returned,
   * or a manual urge (电话催办、督办函、上门督办, S2 §五1) */
  reason: 'deadline' | 'interval' | 'returned' | 'manual' | 'missed_report';
  notice: { by: string };
  measures: ProposedMeasure[];
  /** the case this level opened (S4 §四(五)4: each urge's accountability follows the 问责程序) */
  caseId?: string;
  /** for a manual urge: how it was made and its note */
  manual?: { channel: 'phone' | 'letter' | 'visit'; note: string };
}

/** 签收 by the lead unit: when it is due, and when and by whom it came (late: 领办逾期) */
export interface AcknowledgementRecord {
  /** the lead unit that owes it (a reassignment starts a new one for the new unit) */
  unit: { id: string; name: string };
  interval: Interval;
  /** from the assignment, or from the reassignment */
  since: string;
  dueAt: string;
  /** the one reminder, when the due instant passed without 签收 */
  remindedAt?: string;
  acknowledgedAt?: string;
  by?: string;
  note?: string;
  /** acknowledged after dueAt: 领办逾期 */
  late?: boolean;
}

/** 协办单位 (S2 §六2, S3 §四(十)): a unit helping the lead unit, with its duty and its own time */
export interface AssistingUnit extends Unit {
  duty?: string;
  due?: { workingDays: number } | { at: string };
  /** its own time, computed from the assignment */
  dueAt?: string;
  /** reminded once at dueAt when it had filed no report */
  remindedAt?: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  /** its last progress report */
  reportedAt?: string;
}

/** What an assisting unit contributed, listed in the lead unit's final report. */
export interface Contribution {
  unit: { id: string; name: string };
  duty?: string;
  reports: number;
  lastReportAt?: string;
  /** the summaries of its reports, newest last (each cut to 200 characters) */
  summaries: string[];
}

/** 汇报频次: the period a progress report is owed in now, and what came of the ones before */
export interface ReportingState {
  every: Interval;
  /** 1-based number of the current period */
  period: number;
  /** the current period runs from `from` to `dueAt` */
  from: string;
  dueAt: string;
  /** a progress report of this period came (the period closes at dueAt without a reminder) */
  reportedAt?: string;
  /** the period's report did not come by dueAt: reminded then, and urged at graceUntil */
  remindedAt?: string;
  graceUntil?: string;
  /** periods missed so far (each an urge, S4 §四(五)1 逾期不报) */
  missed: number;
}

/** 退回交办: a lead unit gave the item back, and what the office did with it */
export interface DeclineRecord {
  id: string;
  unit: { id: string; name: string };
  reason: string;
  at: string;
  by: string;
  /** the office's answer: a new lead unit (the clock restarts) */
  reassigned?: { leadUnit: { id: string; name: string }; at: string; by: string; comment?: string };
}

/** 领导批示 recorded on an item (S4 §四(五)2) */
export interface InstructionRecord {
  id: string;
  text: string;
  at: string;
  by: string;
}

export interface ReportRecord {
  id: string;
  kind: 'progress' | 'final';
  summary: string;
  signedBy?: string;
  stage?: string;
  /** whose report: the lead unit or an assisting unit (absent on a first-generation record: the lead) */
  unit?: string;
  /** a final report: what each assisting unit contributed */
  contributions?: Contribution[];
  at: string;
  by: string;
  review?: { decision: 'accept' | 'return'; comment: string; at: string; by: string };
}

export interface ExtensionRecord {
  id: string;
  reason: string;
  due: { workingDays: number } | { at: string };
  requestedAt: string;
  requestedBy: string;
  stage?: string;
  decision?: {
    decision: 'approve' | 'reject';
    comment?: string;
    at: string;
    by: string;
    newDeadlineAt?: string;
  };
}

export interface HistoryEntry {
  at: string;
  by: string;
  action: string;
  detail?: string;
  /** position in the item's whole history, across continue-as-new: the record's event key */
  seq?: number;
}

export interface StageState {
  name: string;
  due: Due;
  status: 'pending' | 'active' | 'completed' | 'cancelled';
  deadline?: Deadline;
  deadlineAt?: string;
  urgeCount: number;
  completedAt?: string;
}

/**
 * What a closed item returns: how it ended, small, so the history's last event stays small. The
 * whole state is in the record (and the getItemState query answers while the run is kept).
 */
export interface ItemEnd {
  id: string;
  status: ItemStatus;
  revision: number;
  urgeCount: number;
  caseIds: string[];
  completedAt?: string;
  cancelledAt?: string;
}

export interface SupervisionState {
  id: string;
  title: string;
  description?: string;
  source: Source;
  leadUnit: Unit;
  assistingUnits: AssistingUnit[];
  responsible: Responsible;
  assignedAt: string;
  status: ItemStatus;
  light: Light;
  deadlineAt?: string;
  deadline?: Deadline;
  schedule?: Schedule;
  urgeCount: number;
  reminders: ReminderRecord[];
  reports: ReportRecord[];
  extensions: ExtensionRecord[];
  /** the cases the ladder opened, in order of level */
  caseIds: string[];
  /** 汇报频次: the current period of progress reports (absent where the item has none) */
  reporting?: ReportingState;
  /** warnings, urges and bulletins decided outside office hours, until their deliverAt */
  heldNotices?: Notice[];
  /** 签收 (absent where the item does not ask for it) */
  acknowledgement?: AcknowledgementRecord;
  /** 退回交办, in order; the last one without `reassigned` holds the item `declined` */
  declines?: DeclineRecord[];
  /** 领导批示 (absent on a first-generation state) */
  instructions?: InstructionRecord[];
  policy: string;
  policyDetail: Policy;
  calendar?: CalendarInfo;
  warnedAt?: string;
  pausedAt?: string;
  pauseReason?: string;
  clockStoppedAt?: string;
  stages?: StageState[];
  currentStage?: string;
  notices: NoticeRecord[];
  deliveryFailures: number;
  origin?: { caseId: string; measureId: string };
  history: HistoryEntry[];
  completedAt?: string;
  cancelledAt?: string;
  requestHash?: string;
  /** the last record batch written (strictly increasing, carried over continue-as-new) */
  revision?: number;
  /** the last history line's seq */
  seq?: number;
}

// ---------- accountability case ----------

export type CaseStage = 'investigation' | 'decision' | 'appeal_window' | 'review' | 'closed';

export interface CaseInput {
  caseId: string;
  subjects: Subject[];
  grounds: string[];
  source: Source;
  itemId?: string;
  /** set when an item's escalation opened the case */
  escalation?: {
    level: number;
    proposed: ProposedMeasure[];
    itemTitle: string;
    /** why the level was reached (its case's notice says so: 退回重办 is not 逾期) */
    reason?: ReminderRecord['reason'];
    /** a manual urge: how it was made and its note */
    manual?: ReminderRecord['manual'];
  };
  /** summary: decision → execution → appeal window (no investigation); formal: the whole procedure.
   * Absent: formal (the first generation's cases) */
  procedure?: 'summary' | 'formal';
  /** opened by hand without a policy: every measure of the catalogue that fits the subject's kind */
  wholeCatalogue?: boolean;
  /** the codes of the policy's grounds the case cites (S1 §三, S3 §四, S4 §四(四)) */
  groundCodes?: string[];
  policy: Policy;
  timeZone: string;
  openedBy: Actor;
  openedAt: string;
  evidence?: string[];
  /**
   * The working-day calendar the case counts on: a slice (sliceCalendarData) from a month before
   * the opening through two years after it. Every starter passes it; a first-generation item that
   * does not is counted on weekends only (and the case says so in its details).
   */
  calendar?: CalendarData | PackedCalendar;
  /** working days (or, for drills, an Interval) for each human step; defaults in the workflow */
  stepDue?: {
    investigation?: number | Interval;
    decision?: number | Interval;
    appealWindow?: number | Interval;
    review?: number | Interval;
  };
  /** 汇报频次: a progress report owed each period (resolved by the API: the item's, else the policy's) */
  reportEvery?: Interval;
  /** office hours for warnings, urges and bulletins (absent: at their instant, as drills are) */
  officeHours?: OfficeHours;
  /** 签收: present when the lead unit must acknowledge, within this (resolved by the API) */
  acknowledgeWithin?: Interval;
  /** continue-as-new once the run's history reaches this many events (default 10,000) */
  continueAsNewAfterEvents?: number;
  carried?: CaseState;
}

export interface CaseMeasure extends ImposedMeasure {
  /** unique and stable: the ledger deduplicates on it */
  measureId: string;
  subjectKind: 'person' | 'unit';
  subjectName: string;
  status: 'executed' | 'revoked';
  cascadedFrom?: string; // measureId of the measure that caused this one (S3)
  executedAt: string;
  /** who decided it (the ledger row's decidedBy) */
  decidedBy?: string;
  revokedAt?: string;
  revokedBy?: string;
  /** how it left force: revoked by a review, or replaced by an amended decision (the ledger row's status) */
  revocation?: 'revoked' | 'amended';
  rectificationItemId?: string;
  /** set when the rectification item reports back (S5 查→追→改); `failed`: it ended without 办结
   * (failed, terminated or timed out) */
  rectificationStatus?: 'completed' | 'cancelled' | 'failed';
}

export interface CaseReview {
  decision: 'uphold' | 'revoke' | 'amend';
  comment?: string;
  at: string;
  by: string;
  /** whose appeal it answered */
  subjectId?: string;
}

/** one subject's appeal (申诉, S4 §四(六)5) and its review (复议/复查, §四(六)6) */
export interface CaseAppeal {
  subjectId: string;
  reason: string;
  at: string;
  by: string;
  /** the review is due by then (working days from the appeal) */
  reviewDueAt?: string;
  review?: CaseReview;
}

/** a line of a case's history; seq numbers it across continue-as-new */
export type CaseHistoryLine = HistoryEntry & { seq: number };

/** What a closed case returns (the whole state is in the record and the getCaseState query). */
export interface CaseEnd {
  id: string;
  revision: number;
  stage: CaseStage;
  decision?: CaseState['decision'];
  closedAt?: string;
}

export interface CaseState {
  id: string;
  /** bumped by every change; the record applies each batch once, by revision */
  revision: number;
  stage: CaseStage;
  subjects: Subject[];
  grounds: string[];
  source: Source;
  itemId?: string;
  policy: string;
  escalation?: CaseInput['escalation'];
  procedure?: 'summary' | 'formal';
  groundCodes?: string[];
  /** S3 §三 可视情节轻重: what the proposed measures would cascade to (shown while the decision waits),
   * then what the decider kept and dropped */
  cascade?: {
    wouldCascade?: { subjectId: string; code: MeasureCode; amount?: number; from: string }[];
    kept?: { subjectId: string; code: MeasureCode; amount?: number; cascadedFrom: string }[];
    dropped?: { subjectId: string; code: MeasureCode; amount?: number; cascadedFrom: string }[];
  };
  investigation?: { findings: string; evidence: string[]; at: string; by: string };
  decision?: { decision: 'impose' | 'dismiss'; comment?: string; at: string; by: string };
  measures: CaseMeasure[];
  appeals: CaseAppeal[];
  /** the latest review (each appeal keeps its own in `appeals[].review`) */
  review?: CaseReview;
  stepDueAt?: string;
  /** end of the appeal window (申诉期); an appeal after it is refused */
  appealDeadlineAt?: string;
  /** `dueAt`: the due date the reminder was about (a step may have several, e.g. one review per appeal) */
  remindersSent: { step: CaseStage; at: string; dueAt?: string }[];
  /** the latest lines (the record keeps them all; a continued run carries a bounded tail) */
  history: CaseHistoryLine[];
  /** the latest notices sent (bounded the same way) */
  notices: NoticeRecord[];
  openedAt: string;
  closedAt?: string;
}

/** What each case Update answers: the stage after it and what the action recorded (not the whole state). */
export interface InvestigationOutcome {
  stage: CaseStage;
  investigation: NonNullable<CaseState['investigation']>;
}
export interface DecisionOutcome {
  stage: CaseStage;
  decision: NonNullable<CaseState['decision']>;
  /** the measures it executed, cascaded ones included */
  measures: CaseMeasure[];
}
export interface AppealOutcome {
  stage: CaseStage;
  appeal: CaseAppeal;
}
export interface ReviewOutcome {
  stage: CaseStage;
  review: CaseReview;
  /** the measures it revoked or executed, as they now stand */
  measures: CaseMeasure[];
}

// ---------- ledger ----------

export interface LedgerEvent {
  measureId: string;
  caseId: string;
  subjectId: string;
  subjectKind: 'person' | 'unit';
  subjectName: string;
  /** for a person: their unit, so the unit's ledger counts its staff's events (S3 §五) */
  unitId?: string;
  code: MeasureCode;
  amount?: number;
  date: string; // YYYY-MM-DD, local
  decidedBy: string;
  revoked?: boolean;
  /** true when this entry is a staff member's event copied to their unit's ledger */
  viaStaff?: boolean;
}

export type RatingCap = 'excellent' | 'competent' | 'basically_competent' | 'incompetent';

export interface LedgerRestrictions {
  ratingCap?: RatingCap;
  advancedUnitEligible?: boolean;
  reasons: { rule: string; clause: string; text: string }[];
}

export interface LedgerState {
  subjectId: string;
  subjectKind: 'person' | 'unit';
  year: number;
  events: LedgerEvent[];
  restrictions: LedgerRestrictions;
}

export interface LedgerInput {
  subjectId: string;
  subjectKind: 'person' | 'unit';
  year: number;
  carried?: { events: LedgerEvent[] };
}

export type { CreateItem };
