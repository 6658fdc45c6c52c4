// What a person sees of a running case in the Temporal UI: the current details and the summary of
// the timer it waits on, in Chinese. Pure.
import { formatLocal } from '../format';
import type { CaseState } from '../types';
import { STEP_NAMES, type CaseContext } from './state';
import { nextReminderAt, waitingStep } from './transitions';

const WAITING_FOR: Record<string, string> = {
  investigation: '调查报告',
  decision: '问责决定',
  review: '复议复查决定',
};

/** e.g. "调查核实，截止 2026-10-23 23:59，已逾期提醒 1 次；执行中措施 2 项" */
export function currentDetails(state: CaseState, ctx: CaseContext): string {
  const local = (at: string) => formatLocal(at, ctx.timeZone);
  const due = state.stage !== 'closed' && state.stepDueAt ? `，截止 ${local(state.stepDueAt)}` : '';
  const overdue = state.remindersSent.filter((r) => r.step === state.stage).length;
  const live = state.measures.filter((m) => m.status === 'executed').length;
  const pending = state.appeals.filter((a) => !a.review).length;
  const rectifying = state.measures.filter(
    (m) => m.rectificationItemId && m.status === 'executed' && !m.rectificationStatus,
  ).length;
  return [
    `${STEP_NAMES[state.stage]}${due}${overdue ? `，已逾期提醒 ${overdue} 次` : ''}`,
    ...(live ? [`执行中措施 ${live} 项`] : []),
    ...(pending ? [`待复查申诉 ${pending} 项`] : []),
    ...(state.stage === 'closed' && rectifying ? [`待整改事项办结 ${rectifying} 项`] : []),
    ...(ctx.setup.calendar ? [] : ['未收到节假日数据，仅按周末计算工作日']),
  ].join('；');
}

/** the summary of the wait the case is in, shown on its timer */
export function timerSummary(state: CaseState, ctx: CaseContext): string {
  const local = (at: string) => formatLocal(at, ctx.timeZone);
  if (state.stage === 'closed') return '等待整改事项办结';
  if (state.stage === 'appeal_window' && state.appealDeadlineAt)
    return `申诉期（至 ${local(state.appealDeadlineAt)}）`;
  const waiting = waitingStep(state);
  const at = nextReminderAt(state, ctx);
  if (!waiting || !at) return STEP_NAMES[state.stage];
  const what = WAITING_FOR[waiting.step] ?? STEP_NAMES[waiting.step];
  return at === waiting.dueAt
    ? `等待${what}（截止 ${local(waiting.dueAt)}）`
    : `${what}已逾期，等待（下次提醒 ${local(at)}）`;
}
