// 日历更新: the office loaded a year's 放假安排 and the item re-plans on it. A working-day deadline
// keeps its number of working days from the assignment (so pauses and extensions it earned stay),
// counted on the new calendar; an instant deadline does not move. Levels already reached keep
// their instants and are never repeated; the receipt keeps both computations.
import { formatLocal } from '../format';
import type { CalendarData, Deadline, ReceiptAdjustment } from '../types';
import { setDeadline, stageOf } from './schedule';
import { addLine, iso, isTerminal, type Ctx, type ItemState } from './state';
import { notice, step, type Step } from './transitions';

export interface CalendarChange {
  calendar: CalendarData;
  year: number;
  version: number;
  reference: string;
}

/** `ctx.calendar` is already the new calendar (the shell builds it from `change.calendar`). */
export function calendarChanged(
  state: ItemState,
  change: CalendarChange,
  ctx: Ctx,
): Step<{ moved: boolean }> {
  return step(state, ctx, (s, fx) => {
    if (isTerminal(s) || s.deadline?.calendar.version === change.calendar.version) return { moved: false };
    const source = `日历更新：${change.year}年放假安排（${change.reference}）`;
    const recount = (d: Deadline): Deadline => {
      if (d.clock !== 'workingDays' || !d.workingDays) return d;
      const fresh = ctx.calendar.computeDeadline({
        from: d.receipt.assignedAt,
        due: { workingDays: d.workingDays },
        timeZone: ctx.timeZone,
      });
      const adjustment: ReceiptAdjustment = {
        kind: 'calendar',
        at: iso(ctx.now),
        from: d.at,
        to: fresh.at,
        detail: `${source}；截止由${formatLocal(d.at, ctx.timeZone)}${fresh.at === d.at ? '保持不变' : `改为${formatLocal(fresh.at, ctx.timeZone)}`}`,
      };
      return { ...fresh, receipt: { ...fresh.receipt, adjustments: [...d.receipt.adjustments, adjustment] } };
    };
    for (const st of s.stages ?? []) {
      if (st.deadline && st !== stageOf(s) && st.status === 'pending') {
        st.deadline = recount(st.deadline);
        st.deadlineAt = st.deadline.at;
      }
    }
    const before = s.deadlineAt;
    if (s.deadline) setDeadline(s, recount(s.deadline), ctx);
    const moved = before !== s.deadlineAt;
    addLine(
      s,
      'system',
      'calendar_updated',
      ctx.now,
      moved && before && s.deadlineAt
        ? `${source}：办理期限由${formatLocal(before, ctx.timeZone)}改为${formatLocal(s.deadlineAt, ctx.timeZone)}`
        : `${source}：办理期限不变`,
    );
    if (moved && s.deadlineAt) {
      fx.push(
        notice(
          s,
          ctx,
          'item_event',
          `calendar:${change.year}v${change.version}`,
          `办理期限调整：${s.title}`,
          {
            body: `${source}，办理期限调整为${formatLocal(s.deadlineAt, ctx.timeZone)}`,
          },
        ),
      );
    }
    return { moved };
  });
}
