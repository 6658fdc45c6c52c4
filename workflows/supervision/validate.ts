// The Updates' validators as pure functions: a refusal ({type, message}, mapped to HTTP 409 by the
// API) or undefined when the action may be taken. Same types and Chinese reasons as ever.
import type {
  CompleteInput,
  DeclineInput,
  ExtensionRequestInput,
  ReassignInput,
  ReportInput,
} from '../../domain/schemas';
import { MEASURE_CODES } from '../../domain/measure-codes';
import { formatLocal } from '../format';
import { REFUSAL } from '../refusals';
import type { Actor, SupervisionInput, SupervisionState } from '../types';
import { pendingDecline, pendingExtension, pendingFinal } from './schedule';

export interface Refusal {
  type: (typeof REFUSAL)[keyof typeof REFUSAL];
  message: string;
}

interface Clock {
  now: number;
  timeZone: string;
}

const refusal = (type: Refusal['type'], message: string): Refusal => ({ type, message });

export function notOpen(s: SupervisionState): Refusal | undefined {
  if (s.status === 'completed' || s.status === 'cancelled') {
    return refusal(REFUSAL.invalidState, `事项已${s.status === 'completed' ? '办结' : '撤销'}，不能再操作`);
  }
  return undefined;
}

/** Ended, or given back (退回交办) and waiting for the office: nobody works on it meanwhile. */
export function notActive(s: SupervisionState): Refusal | undefined {
  const other = notOpen(s);
  if (other || !pendingDecline(s)) return other;
  return refusal(REFUSAL.invalidState, '事项已退回交办，待督查室重新交办或撤销');
}

function wrongStage(s: SupervisionState, name?: string): Refusal | undefined {
  if (name && name !== s.currentStage) {
    return refusal(REFUSAL.invalidState, `当前节点是"${s.currentStage ?? '（无节点）'}"，不是"${name}"`);
  }
  return undefined;
}

/** The unit a report or 签收 is for: the one named, else a unit account's own, else the lead unit. */
export const unitOfAction = (s: SupervisionState, a: { unit?: string; actor?: Actor }): string =>
  a.unit ?? (a.actor?.role === 'unit' && a.actor.unit ? a.actor.unit : s.leadUnit.id);

/** The unit must be the item's (lead or assisting), and a unit account acts for its own only. */
function notItsUnit(s: SupervisionState, a: { unit?: string; actor?: Actor }): Refusal | undefined {
  const unit = unitOfAction(s, a);
  if (a.actor?.role === 'unit' && a.actor.unit !== unit) {
    return refusal(REFUSAL.invalidInput, `unit: 单位账号只能代表本单位（${a.actor.unit}）`);
  }
  if (unit !== s.leadUnit.id && !s.assistingUnits.some((u) => u.id === unit)) {
    return refusal(REFUSAL.invalidInput, `unit: "${unit}"不是本事项的牵头单位或协办单位`);
  }
  return undefined;
}

export function checkReport(s: SupervisionState, r: ReportInput & { actor?: Actor }): Refusal | undefined {
  const other = notActive(s) ?? wrongStage(s, r.stage) ?? notItsUnit(s, r);
  if (other || r.kind !== 'final') return other;
  if (unitOfAction(s, r) !== s.leadUnit.id) {
    return refusal(
      REFUSAL.invalidInput,
      `办结报告由牵头单位（${s.leadUnit.name}）报送，协办单位报送进展情况`,
    );
  }
  if (!r.signedBy) return refusal(REFUSAL.invalidInput, '办结报告须由承办单位主要负责人签发（signedBy）');
  if (pendingFinal(s)) return refusal(REFUSAL.invalidState, '已有办结报告待审核');
  if (s.pausedAt) return refusal(REFUSAL.invalidState, '事项已暂停，恢复后再报送办结报告');
  return undefined;
}

export function checkReview(s: SupervisionState): Refusal | undefined {
  return notOpen(s) ?? (pendingFinal(s) ? undefined : refusal(REFUSAL.invalidState, '没有待审核的办结报告'));
}

export function checkComplete(s: SupervisionState, c: CompleteInput): Refusal | undefined {
  const other = notActive(s) ?? wrongStage(s, c.stage);
  if (other) return other;
  if (pendingFinal(s)) return refusal(REFUSAL.invalidState, '有待审核的办结报告，请先审核（通过或退回）');
  return undefined;
}

export function checkExtensionRequest(
  s: SupervisionState,
  e: ExtensionRequestInput,
  clock: Clock,
): Refusal | undefined {
  const other = notActive(s);
  if (other) return other;
  if (s.pausedAt) return refusal(REFUSAL.invalidState, '事项已暂停，不能申请延期');
  const deadline = s.deadlineAt ? Date.parse(s.deadlineAt) : NaN;
  const local = s.deadlineAt ? formatLocal(s.deadlineAt, clock.timeZone) : '';
  if (!(clock.now < deadline)) {
    return refusal(
      REFUSAL.tooLate,
      `已超过办理期限（${local}），不能再申请延期：须在期限届满前提前报告原因（S4 §三(一)）`,
    );
  }
  if (pendingExtension(s)) return refusal(REFUSAL.invalidState, '已有延期申请待审批');
  if ('at' in e.due && Date.parse(e.due.at) <= deadline) {
    return refusal(REFUSAL.invalidInput, `申请的新期限须晚于当前期限（${local}）`);
  }
  return undefined;
}

export function checkExtensionDecision(s: SupervisionState): Refusal | undefined {
  return (
    notOpen(s) ?? (pendingExtension(s) ? undefined : refusal(REFUSAL.invalidState, '没有待审批的延期申请'))
  );
}

export function checkPause(s: SupervisionState): Refusal | undefined {
  return notActive(s) ?? (s.pausedAt ? refusal(REFUSAL.invalidState, '事项已处于暂停状态') : undefined);
}

export function checkResume(s: SupervisionState): Refusal | undefined {
  return notOpen(s) ?? (s.pausedAt ? undefined : refusal(REFUSAL.invalidState, '事项未暂停'));
}

export const checkCancel = (s: SupervisionState): Refusal | undefined => notOpen(s);

/** a manual urge (S2 §五1) needs a running clock: a paused item (不可抗力) is not urged */
export function checkUrge(s: SupervisionState): Refusal | undefined {
  return (
    notActive(s) ??
    (s.pausedAt ? refusal(REFUSAL.invalidState, '事项已暂停（不可抗力），不能催办') : undefined)
  );
}

/** A unit account acts for its own unit only; staff act on the lead unit's behalf. */
function notLead(s: SupervisionState, actor: Actor, what: string): Refusal | undefined {
  if (actor.role !== 'unit' || actor.unit === s.leadUnit.id) return undefined;
  return refusal(REFUSAL.invalidState, `只有牵头单位（${s.leadUnit.name}）可以${what}`);
}

/** 签收: once, by the lead unit that owes it (a late one is taken and recorded as 领办逾期). */
export function checkAcknowledge(
  s: SupervisionState,
  a: { actor: Actor; unit?: string },
  clock: Clock,
): Refusal | undefined {
  const other = notActive(s) ?? notItsUnit(s, a);
  if (other) return other;
  // an assisting unit acknowledges its own part (协办单位签收), whether or not the lead must
  const assisting = s.assistingUnits.find((u) => u.id === unitOfAction(s, a));
  if (assisting) {
    if (!assisting.acknowledgedAt) return undefined;
    const when = formatLocal(assisting.acknowledgedAt, clock.timeZone);
    return refusal(REFUSAL.invalidState, `协办单位${assisting.name}已于${when}签收，不能重复签收`);
  }
  const ack = s.acknowledgement;
  if (!ack) return refusal(REFUSAL.invalidState, '本事项未要求签收');
  if (ack.acknowledgedAt) {
    return refusal(
      REFUSAL.invalidState,
      `${ack.unit.name}已于${formatLocal(ack.acknowledgedAt, clock.timeZone)}签收，不能重复签收`,
    );
  }
  return undefined;
}

/** 退回交办: only before 签收, and before anything has been done or urged on the item. */
export function checkDecline(s: SupervisionState, d: DeclineInput & { actor: Actor }): Refusal | undefined {
  const other = notActive(s) ?? notLead(s, d.actor, '退回交办');
  if (other) return other;
  const ack = s.acknowledgement;
  if (!ack) return refusal(REFUSAL.invalidState, '本事项未要求签收，不能退回交办');
  if (ack.acknowledgedAt) return refusal(REFUSAL.invalidState, '已签收，不能再退回交办');
  if (s.reminders.length) return refusal(REFUSAL.invalidState, '事项已被催办，不能再退回交办');
  if (s.pausedAt) return refusal(REFUSAL.invalidState, '事项已暂停，不能退回交办');
  if (pendingFinal(s) || pendingExtension(s))
    return refusal(REFUSAL.invalidState, '有待审核的报告或延期申请，不能退回交办');
  return undefined;
}

/** 重新交办: only an item given back, and to another unit than the one that gave it back. */
export function checkReassign(s: SupervisionState, r: ReassignInput): Refusal | undefined {
  const other = notOpen(s);
  if (other) return other;
  const declined = pendingDecline(s);
  if (!declined) return refusal(REFUSAL.invalidState, '事项未被退回交办，不能重新交办');
  if (r.leadUnit.id === declined.unit.id) {
    return refusal(REFUSAL.invalidInput, `不能重新交办给退回交办的原承办单位（${declined.unit.name}）`);
  }
  return undefined;
}

export const checkInstruction = (s: SupervisionState): Refusal | undefined => notOpen(s);

/**
 * The API validates every field with zod; this only stops a hand-made start with a missing part
 * from failing the workflow task forever (a TypeError is retried) instead of failing the item once.
 */
export function missingParts(input: SupervisionInput): string[] {
  return [
    !input?.itemId && 'itemId',
    !input?.title && 'title',
    !input?.leadUnit?.id && 'leadUnit.id',
    !input?.responsible?.principal && 'responsible.principal',
    !input?.assignedAt && 'assignedAt',
    !input?.due && !input?.stages?.length && 'due',
    !input?.policy?.reminders?.length && 'policy.reminders',
    !input?.timeZone && 'timeZone',
    !input?.createdBy && 'createdBy',
  ].filter((x): x is string => Boolean(x));
}

/** Measure codes the catalogue does not know, by field (a policy the API's schema would refuse). */
export function unknownMeasures(input: SupervisionInput): string[] {
  const known = new Set<string>(MEASURE_CODES);
  return input.policy.reminders.flatMap((level, i) =>
    level.measures.flatMap((m, j) => {
      const code = typeof m === 'string' ? m : m.code;
      return known.has(code) ? [] : [`policy.reminders.${i}.measures.${j}.code: unknown measure "${code}"`];
    }),
  );
}
