// When the item must next act on its own: the 签收 reminder, the warning, the deadline, or the next
// level of the current stage's ladder. Nothing while the clock stands still, while a 退回交办 waits
// for the office, or once the item has ended.
import type { SupervisionState } from '../types';
import { clockStopped, pendingDecline, pendingFinal, remindersOfStage } from './schedule';

export type WakeKind =
  'delivery' | 'acknowledgement' | 'report' | 'assisting' | 'warning' | 'deadline' | 'level';

export interface WakeUp {
  at: number;
  kind: WakeKind;
  /** Chinese, for the timer summary and the current details */
  label: string;
}

export function nextWakeUp(s: SupervisionState): WakeUp | undefined {
  if (s.status === 'completed' || s.status === 'cancelled') return undefined;
  const acting = actingWakeUp(s);
  // notices held for office hours go out even while the clock stands still
  const held = s.heldNotices?.length ? Math.min(...s.heldNotices.map((n) => Date.parse(n.deliverAt!))) : NaN;
  if (!(held <= (acting?.at ?? Infinity))) return acting;
  return { at: held, kind: 'delivery', label: '通知送达（办公时间）' };
}

function actingWakeUp(s: SupervisionState): WakeUp | undefined {
  if (clockStopped(s) || pendingDecline(s)) return undefined;
  const candidates = [acknowledgementWakeUp(s), reportWakeUp(s), assistingWakeUp(s), ladderWakeUp(s)];
  return candidates.reduce<WakeUp | undefined>((a, b) => (b && (!a || b.at < a.at) ? b : a), undefined);
}

/** 协办单位: the earliest own time of an assisting unit not yet looked at */
function assistingWakeUp(s: SupervisionState): WakeUp | undefined {
  const due = (s.assistingUnits ?? [])
    .filter((u) => u.dueAt && !u.remindedAt)
    .map((u) => Date.parse(u.dueAt!));
  return due.length ? { at: Math.min(...due), kind: 'assisting', label: '协办期限' } : undefined;
}

/** 签收 is reminded once; it never stops the deadline clock (DESIGN: 签收) */
function acknowledgementWakeUp(s: SupervisionState): WakeUp | undefined {
  const ack = s.acknowledgement;
  if (!ack || ack.acknowledgedAt || ack.remindedAt) return undefined;
  return { at: Date.parse(ack.dueAt), kind: 'acknowledgement', label: '签收提醒' };
}

/** 汇报频次: the end of the current period, or of its grace; no period is owed past the deadline
 * (the ladder urges then) nor while a final report waits for review. */
function reportWakeUp(s: SupervisionState): WakeUp | undefined {
  const r = s.reporting;
  if (!r || pendingFinal(s)) return undefined;
  if (r.remindedAt && r.graceUntil)
    return { at: Date.parse(r.graceUntil), kind: 'report', label: '逾期不报' };
  if (s.deadlineAt && Date.parse(r.dueAt) >= Date.parse(s.deadlineAt)) return undefined;
  return { at: Date.parse(r.dueAt), kind: 'report', label: `第${r.period}期进展报送` };
}

function ladderWakeUp(s: SupervisionState): WakeUp | undefined {
  const schedule = s.schedule;
  if (!schedule) return undefined;
  const deadline = Date.parse(schedule.deadlineAt);
  // The light turns red only once the deadline has been acted on (or moved behind us).
  const passed = s.light === 'red';
  if (schedule.warningAt && !s.warnedAt && !passed) {
    return { at: Date.parse(schedule.warningAt), kind: 'warning', label: '预警' };
  }
  const level = schedule.levels[remindersOfStage(s).length];
  if (!passed && (!level || Date.parse(level.dueAt) > deadline)) {
    return { at: deadline, kind: 'deadline', label: '截止' };
  }
  return level ? { at: Date.parse(level.dueAt), kind: 'level', label: level.name } : undefined;
}
