// What people read about an item besides its state: the status and light derived from it, and the
// Chinese texts ops see in the Temporal UI (current details, timer summaries).
import { formatLocal } from '../format';
import type { ItemStatus, Light, SupervisionState } from '../types';
import { nextWakeUp, type WakeUp } from './next-wake-up';
import { awaitingAcknowledgement, pendingDecline, pendingFinal } from './schedule';

const terminal = (s: SupervisionState) => s.status === 'completed' || s.status === 'cancelled';

/** Status and light (红黄绿灯) at `now`; an ended item keeps what it has. */
export function derive(s: SupervisionState, now: number): void {
  if (terminal(s)) return;
  const deadlineMs = s.deadlineAt ? Date.parse(s.deadlineAt) : Infinity;
  // A paused or declined item keeps the light it had when its clock stopped.
  const declined = pendingDecline(s);
  const stoppedAt = s.pausedAt ?? declined?.at;
  const overdue = (stoppedAt ? Date.parse(stoppedAt) : now) >= deadlineMs;
  const warned = Boolean(s.warnedAt) && !overdue;
  const light: Light = overdue ? 'red' : warned ? 'yellow' : 'green';
  let status: ItemStatus = overdue ? 'overdue' : warned ? 'warning' : 'open';
  // 待签收 says more than 办理中, less than 临近期限 or 已逾期 (the deadline clock runs meanwhile)
  if (status === 'open' && awaitingAcknowledgement(s)) status = 'awaiting_acknowledgement';
  if (pendingFinal(s)) status = 'under_review';
  if (s.pausedAt) status = 'paused';
  if (declined) status = 'declined';
  s.status = status;
  s.light = light;
}

const LIGHT: Record<Light, string> = { green: '绿灯', yellow: '黄灯', red: '红灯' };
const STATUS: Record<ItemStatus, string> = {
  awaiting_acknowledgement: '待签收',
  declined: '已退回交办',
  open: '办理中',
  warning: '临近期限',
  overdue: '已逾期',
  under_review: '办结报告待审核',
  paused: '已暂停（不可抗力）',
  completed: '已办结',
  cancelled: '已撤销',
};

/** The workflow's current details: light and status, urges, stage, deadline, next step. */
export function currentDetails(s: SupervisionState, timeZone: string): string {
  const parts = [`${LIGHT[s.light]} · ${STATUS[s.status]}`, `已催办${s.urgeCount}次`];
  if (s.currentStage) parts.push(`当前节点：${s.currentStage}`);
  if (s.deadlineAt) parts.push(`期限：${formatLocal(s.deadlineAt, timeZone)}`);
  const ack = s.acknowledgement;
  if (ack && !ack.acknowledgedAt)
    parts.push(
      `待签收：${ack.unit.name}，签收期限 ${formatLocal(ack.dueAt, timeZone)}${ack.remindedAt ? '（领办逾期）' : ''}`,
    );
  const declined = pendingDecline(s);
  if (declined)
    parts.push(
      `已退回交办：${declined.unit.name}（${declined.reason.slice(0, 50)}），待督查室重新交办或撤销`,
    );
  const assisting = s.assistingUnits ?? [];
  if (assisting.length) {
    const names = assisting.map((u) => `${u.name}${u.acknowledgedAt ? '（已签收）' : ''}`);
    parts.push(`协办单位：${names.join('、')}`);
  }
  if (s.reporting) parts.push(`汇报频次：第${s.reporting.period}期，逾期不报${s.reporting.missed}次`);
  if (s.heldNotices?.length) parts.push(`待办公时间送达：${s.heldNotices.length}条通知`);
  const next = nextWakeUp(s);
  if (next) parts.push(`下一步：${next.label} ${formatLocal(new Date(next.at).toISOString(), timeZone)}`);
  return parts.join('\n');
}

/** The summary of the timer the item waits on, e.g. "等待截止 2026-10-23 23:59（第15个工作日）". */
export function timerSummary(s: SupervisionState, wake: WakeUp, timeZone: string): string {
  const when = formatLocal(new Date(wake.at).toISOString(), timeZone);
  const days = s.deadline?.workingDays;
  const deadline = `等待截止 ${when}${days ? `（第${days}个工作日）` : ''}`;
  if (wake.kind === 'deadline') return deadline;
  if (wake.kind === 'warning') return `等待预警 ${when}`;
  if (wake.kind === 'delivery') return `等待办公时间送达通知 ${when}`;
  if (wake.kind === 'report' || wake.kind === 'assisting') return `等待${wake.label} ${when}`;
  if (wake.kind === 'acknowledgement') return `等待签收 ${when}（${s.acknowledgement?.unit.name ?? ''}）`;
  // A level due at the deadline itself (after: 0) waits for the deadline: say so.
  if (s.deadlineAt && wake.at === Date.parse(s.deadlineAt)) return `${deadline}，届时${wake.label}`;
  return `等待${wake.label} ${when}`;
}
