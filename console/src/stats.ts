// 统计 computed in the browser from item states, until GET /v1/stats exists. Pure: loadStats() in
// api/derived.ts hands it the states and the page draws what comes back, so swapping in the route
// changes only loadStats().
import type { ItemState } from './api/readers';
import { itemView } from './api/readers';
import { month } from './format';

export interface UnitStats {
  unit: string;
  unitName: string;
  assigned: number;
  completed: number;
  completedOnTime: number;
  /** completedOnTime / completed, 0..1; undefined with nothing completed */
  onTimeRate?: number;
  overdueOpen: number;
  urges: number;
}

export interface MonthStats {
  month: string;
  assigned: number;
  completed: number;
  completedOnTime: number;
}

export interface Stats {
  byUnit: UnitStats[];
  byMonth: MonthStats[];
  total: { assigned: number; completed: number; onTimeRate?: number; urges: number };
  /** where the figures come from, for the page to say */
  basis: string;
}

/** the instant an item was done: the last 办结 entry of its history */
function completedAt(item: ItemState): string | undefined {
  const v = itemView(item);
  if (v.completedAt) return v.completedAt;
  return [...item.history].reverse().find((h) => h.action === 'completed')?.at;
}

export function computeStats(items: ItemState[], now = new Date()): Stats {
  const units = new Map<string, UnitStats>();
  const months = new Map<string, MonthStats>();
  const monthOf = (m: string) => {
    let s = months.get(m);
    if (!s) months.set(m, (s = { month: m, assigned: 0, completed: 0, completedOnTime: 0 }));
    return s;
  };
  for (const item of items) {
    const v = itemView(item);
    const unitId = v.leadUnit?.id ?? '—';
    let u = units.get(unitId);
    if (!u) {
      u = {
        unit: unitId,
        unitName: v.leadUnit?.name ?? unitId,
        assigned: 0,
        completed: 0,
        completedOnTime: 0,
        overdueOpen: 0,
        urges: 0,
      };
      units.set(unitId, u);
    }
    u.assigned++;
    u.urges += item.urgeCount;
    if (v.assignedAt) monthOf(month(v.assignedAt, v.timeZone)).assigned++;
    const done = item.status === 'completed' ? completedAt(item) : undefined;
    if (done) {
      const onTime = !item.deadlineAt || Date.parse(done) <= Date.parse(item.deadlineAt);
      u.completed++;
      if (onTime) u.completedOnTime++;
      const m = monthOf(month(done, v.timeZone));
      m.completed++;
      if (onTime) m.completedOnTime++;
    } else if (
      item.status !== 'cancelled' &&
      item.status !== 'completed' &&
      (item.status === 'overdue' || (item.deadlineAt && Date.parse(item.deadlineAt) < now.getTime()))
    ) {
      u.overdueOpen++;
    }
  }
  const byUnit = [...units.values()]
    .map((u) => ({ ...u, onTimeRate: u.completed ? u.completedOnTime / u.completed : undefined }))
    .sort((a, b) => b.assigned - a.assigned || a.unitName.localeCompare(b.unitName, 'zh'));
  const completed = byUnit.reduce((n, u) => n + u.completed, 0);
  const onTime = byUnit.reduce((n, u) => n + u.completedOnTime, 0);
  return {
    byUnit,
    byMonth: [...months.values()].sort((a, b) => a.month.localeCompare(b.month)),
    total: {
      assigned: items.length,
      completed,
      onTimeRate: completed ? onTime / completed : undefined,
      urges: byUnit.reduce((n, u) => n + u.urges, 0),
    },
    basis: `由浏览器根据 ${items.length} 个事项的状态计算（统计接口上线后改由服务端提供）`,
  };
}
