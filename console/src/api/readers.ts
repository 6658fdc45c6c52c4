// The OpenAPI document declares the core of an item and a case and leaves the rest open
// (`additionalProperties`). The console reads those open fields here, checking each value's type,
// so a field the API drops or renames shows as "—" instead of breaking a page. When the document
// declares them, these readers become plain property accesses.
import type { components } from '../../generated/schema';

type Schemas = components['schemas'];

type Loose = Record<string, unknown>;

export const obj = (v: unknown): Loose =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {};
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
export const list = (v: unknown): Loose[] => (Array.isArray(v) ? v.map(obj) : []);
export const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export interface UnitView {
  id: string;
  name: string;
  liaison?: string;
}
export const unitOf = (v: unknown): UnitView | undefined => {
  const u = obj(v);
  const id = str(u.id);
  return id ? { id, name: str(u.name) ?? id, liaison: str(obj(u.liaison).name) } : undefined;
};

export interface ReceiptView {
  rule: string;
  summary: string;
  timeZone?: string;
  assignedAt?: string;
  countedDays: string[];
  skipped: { date: string; reason: string; name?: string }[];
  makeUpDays: string[];
  adjustments: { kind: string; at?: string; from?: string; to?: string; detail: string; by?: string }[];
}

export function receiptOf(v: unknown): ReceiptView | undefined {
  const r = obj(v);
  const rule = str(r.rule);
  if (!rule) return undefined;
  return {
    rule,
    summary: str(r.summary) ?? '',
    timeZone: str(r.timeZone),
    assignedAt: str(r.assignedAt),
    countedDays: strings(r.countedDays),
    skipped: list(r.skipped).map((s) => ({
      date: str(s.date) ?? '',
      reason: str(s.reason) ?? '',
      name: str(s.name),
    })),
    makeUpDays: strings(r.makeUpDays),
    adjustments: list(r.adjustments).map((a) => ({
      kind: str(a.kind) ?? '',
      at: str(a.at),
      from: str(a.from),
      to: str(a.to),
      detail: str(a.detail) ?? '',
      by: str(a.by),
    })),
  };
}

export type ItemState = Schemas['ItemState'];
export type CaseState = Schemas['CaseState'];

export interface ItemView {
  description?: string;
  source: { kind?: string; reference?: string };
  leadUnit?: UnitView;
  assistingUnits: UnitView[];
  responsible: { role: string; name: string }[];
  assignedAt?: string;
  timeZone: string;
  receipt?: ReceiptView;
  schedule: { warningAt?: string; levels: { level: number; name: string; dueAt: string }[] };
  completedAt?: string;
  cancelledAt?: string;
  pausedAt?: string;
  pauseReason?: string;
  clockStoppedAt?: string;
  policyTitle?: string;
}

/** the open fields of an item, read with their types checked */
export function itemView(item: ItemState): ItemView {
  const i = item as Loose;
  const deadline = obj(i.deadline);
  const receipt = receiptOf(deadline.receipt);
  const schedule = obj(i.schedule);
  const resp = obj(i.responsible);
  const roles: [string, string][] = [
    ['principal', '主要负责人'],
    ['inCharge', '分管负责人'],
    ['direct', '直接责任人'],
  ];
  return {
    description: str(i.description),
    source: { kind: str(obj(i.source).kind), reference: str(obj(i.source).reference) },
    leadUnit: unitOf(i.leadUnit),
    assistingUnits: list(i.assistingUnits)
      .map(unitOf)
      .filter((u): u is UnitView => !!u),
    responsible: roles.flatMap(([key, role]) => {
      const name = str(obj(resp[key]).name);
      return name ? [{ role, name }] : [];
    }),
    assignedAt: str(i.assignedAt),
    timeZone: receipt?.timeZone ?? 'Asia/Shanghai',
    receipt,
    schedule: {
      warningAt: str(schedule.warningAt),
      levels: list(schedule.levels).map((l) => ({
        level: num(l.level) ?? 0,
        name: str(l.name) ?? '',
        dueAt: str(l.dueAt) ?? '',
      })),
    },
    completedAt: str(i.completedAt),
    cancelledAt: str(i.cancelledAt),
    pausedAt: str(i.pausedAt),
    pauseReason: str(i.pauseReason),
    clockStoppedAt: str(i.clockStoppedAt),
    policyTitle: str(obj(i.policyDetail).title),
  };
}

export interface ReportView {
  id: string;
  kind: 'progress' | 'final';
  summary: string;
  signedBy?: string;
  stage?: string;
  at?: string;
  by?: string;
  review?: { decision: string; comment: string; at?: string; by?: string };
}
export const reportsOf = (item: ItemState): ReportView[] =>
  item.reports.map((r) => {
    const review = r.review === undefined ? undefined : obj(r.review);
    return {
      id: r.id,
      kind: r.kind,
      summary: str(r.summary) ?? '',
      signedBy: str(r.signedBy),
      stage: str(r.stage),
      at: str(r.at),
      by: str(r.by),
      review: review
        ? {
            decision: str(review.decision) ?? '',
            comment: str(review.comment) ?? '',
            at: str(review.at),
            by: str(review.by),
          }
        : undefined,
    };
  });

/** a final report that waits for the office's review */
export const pendingFinalReport = (item: ItemState): ReportView | undefined =>
  reportsOf(item).find((r) => r.kind === 'final' && !r.review);

export interface ExtensionView {
  id: string;
  reason: string;
  due: string;
  requestedAt?: string;
  requestedBy?: string;
  decision?: { decision: string; comment?: string; at?: string; by?: string; newDeadlineAt?: string };
}
export const extensionsOf = (item: ItemState): ExtensionView[] =>
  item.extensions.map((e) => {
    const due = obj(e.due);
    const d = e.decision === undefined ? undefined : obj(e.decision);
    return {
      id: e.id,
      reason: e.reason,
      due: num(due.workingDays) !== undefined ? `延长${num(due.workingDays)}个工作日` : (str(due.at) ?? ''),
      requestedAt: str(e.requestedAt),
      requestedBy: str(e.requestedBy),
      decision: d
        ? {
            decision: str(d.decision) ?? '',
            comment: str(d.comment),
            at: str(d.at),
            by: str(d.by),
            newDeadlineAt: str(d.newDeadlineAt),
          }
        : undefined,
    };
  });

export const pendingExtension = (item: ItemState): ExtensionView | undefined =>
  extensionsOf(item).find((e) => !e.decision);

export interface ReminderView {
  level: number;
  name: string;
  at: string;
  reason?: string;
  by: string;
  stage?: string;
  caseId?: string;
  measures: string[];
}
export const remindersOf = (item: ItemState): ReminderView[] =>
  item.reminders.map((r) => ({
    level: r.level,
    name: str(r.name) ?? `第${r.level}次催办`,
    at: r.at,
    reason: str(r.reason),
    by: r.notice.by,
    stage: str(r.stage),
    caseId: str(r.caseId),
    measures: list(r.measures)
      .map((m) => str(m.code))
      .filter((c): c is string => !!c),
  }));

export const detailOf = (entry: { [key: string]: unknown }): string | undefined => str(entry.detail);

export interface CaseView {
  grounds: string[];
  source: { kind?: string; reference?: string };
  itemId?: string;
  policy?: string;
  openedAt?: string;
  closedAt?: string;
  stepDueAt?: string;
  appealDeadlineAt?: string;
  investigation?: { findings: string; evidence: string[]; at?: string; by?: string };
  decision?: { decision: string; comment?: string; at?: string; by?: string };
  escalationLevel?: number;
  /** the measures the escalation's level proposed */
  proposed: { code: string; appliesTo?: string }[];
}
export function caseView(c: CaseState): CaseView {
  const k = c as Loose;
  const inv = k.investigation === undefined ? undefined : obj(k.investigation);
  const dec = k.decision === undefined ? undefined : obj(k.decision);
  return {
    grounds: strings(k.grounds),
    source: { kind: str(obj(k.source).kind), reference: str(obj(k.source).reference) },
    itemId: str(k.itemId),
    policy: str(k.policy),
    openedAt: str(k.openedAt),
    closedAt: str(k.closedAt),
    stepDueAt: str(k.stepDueAt),
    appealDeadlineAt: str(k.appealDeadlineAt),
    investigation: inv
      ? {
          findings: str(inv.findings) ?? '',
          evidence: strings(inv.evidence),
          at: str(inv.at),
          by: str(inv.by),
        }
      : undefined,
    decision: dec
      ? { decision: str(dec.decision) ?? '', comment: str(dec.comment), at: str(dec.at), by: str(dec.by) }
      : undefined,
    escalationLevel: num(obj(k.escalation).level),
    proposed: list(obj(k.escalation).proposed).flatMap((m) => {
      const code = str(m.code);
      return code ? [{ code, appliesTo: str(m.appliesTo) }] : [];
    }),
  };
}
