// The working-day calendar (工作日历) behind every deadline. Pure and synchronous, and driven by the
// data it is given (CalendarData: official holidays and 调休 make-up days, the law-based estimate for
// years past them), so the API, the activities and the workflows compute with the same code;
// `official.ts` builds the data from chinese-days, the office's loaded years and the overrides file.
// Instants are ISO strings in UTC; dates are YYYY-MM-DD in the request's IANA time zone.
import type {
  AddIntervalRequest,
  AddIntervalResult,
  CalendarInfo,
  ComputeDeadlineRequest,
  Deadline,
  DeadlineReceipt,
  ExtendDeadlineRequest,
  Interval,
  PlanScheduleRequest,
  ReceiptAdjustment,
  Schedule,
  ShiftDeadlineRequest,
  SkippedDay,
} from '../../workflows/types';
import { planSchedule } from './schedule';
import {
  CalendarInputError,
  addDays,
  assertTimeZone,
  formatLocal,
  formatSpan,
  localDateOf,
  parseDuration,
  parseInstant,
  parseTimeOfDay,
  toIso,
  weekdayOf,
  zonedInstant,
  type TimeOfDay,
} from './zoned-time';

import { calendarDataOf, packCalendar, type PackedCalendar } from './packed';

export { CalendarInputError } from './zoned-time';

/** Where a day's status comes from: official data, a local override, or the law-based estimate. */
export type DayBasis = 'package' | 'office' | 'override' | 'statutory' | 'compensatory' | 'customary';

export interface CalendarDay {
  /** "National Day,国庆节" (English and Chinese) or a local name */
  name?: string;
  basis: DayBasis;
}

/** Everything a WorkingCalendar knows; plain data, so it can travel in a workflow's input. */
export interface CalendarData {
  version: string;
  /** first and last date of official data (package, office-loaded years, overrides) */
  coveredFrom: string;
  coveredThrough: string;
  /** last date of the law-based estimate (法定节假日 + 补假 + customary bridges); past it, weekends only */
  estimatedThrough: string;
  /** a slice's last date (sliceCalendarData): past it the data is unknown here, weekends only */
  through?: string;
  holidays: Record<string, CalendarDay>;
  workdays: Record<string, CalendarDay>;
}

/**
 * The part of a calendar from one date through another: small enough to travel in a workflow's
 * input, so the workflow computes its deadlines with no activity and the history keeps the data.
 */
export function sliceCalendarData(data: CalendarData, from: string, through: string): CalendarData {
  // Every create slices the same loaded data for the same few windows: the slice is kept per window
  // (callers never change it; it only travels in a workflow's input).
  let kept = slices.get(data);
  if (!kept) slices.set(data, (kept = new Map()));
  const key = `${from} ${through}`;
  const known = kept.get(key);
  if (known) return known;
  const pick = (days: Record<string, CalendarDay>) =>
    Object.fromEntries(Object.entries(days).filter(([d]) => d >= from && d <= through));
  const slice: CalendarData = {
    version: data.version,
    coveredFrom: data.coveredFrom > from ? data.coveredFrom : from,
    coveredThrough: data.coveredThrough,
    estimatedThrough: data.estimatedThrough,
    through: data.through && data.through < through ? data.through : through,
    holidays: pick(data.holidays),
    workdays: pick(data.workdays),
  };
  if (kept.size >= 64) kept.clear();
  kept.set(key, slice);
  return slice;
}

const slices = new WeakMap<CalendarData, Map<string, CalendarData>>();

export interface WorkingCalendarOptions {
  /** local time a working-day deadline ends: "HH:mm", "HH:mm:ss" or "HH:mm:ss.SSS"; default 23:59:59.999 */
  closeTime?: string;
}

interface DayInfo {
  date: string;
  working: boolean;
  /** why a day off is off */
  reason?: SkippedDay['reason'];
  name?: string;
  /** a weekend day that is a working day (调休上班) */
  makeUp: boolean;
  /** no official data for this date: the law-based estimate, or weekends only past it */
  beyondCoverage: boolean;
  /** past even the estimate: weekends only */
  beyondEstimate: boolean;
}

interface Walk {
  last: string;
  counted: string[];
  skipped: SkippedDay[];
  makeUp: string[];
  /** first date looked at that has no official data */
  beyond?: string;
  /** years looked at on the law-based estimate */
  estimatedYears: number[];
  /** first date looked at past the estimate (weekends only) */
  unestimated?: string;
}

const REASONS: Record<DayBasis, SkippedDay['reason']> = {
  package: 'holiday',
  office: 'holiday',
  override: 'override_holiday',
  statutory: 'statutory',
  compensatory: 'statutory',
  customary: 'customary',
};

/** The Chinese part of a name, for one-line summaries. */
const shortName = (name: string | undefined) => {
  const parts = (name ?? '').split(',');
  return (parts.length > 1 ? parts[1] : parts[0])?.trim() || '节假日';
};

const isWeekend = (date: string) => {
  const d = weekdayOf(date);
  return d === 0 || d === 6;
};

export class WorkingCalendar {
  readonly version: string;
  readonly coveredThrough: string;
  /** the first date with official data; earlier dates are treated like dates past coveredThrough */
  readonly coveredFrom: string;
  readonly estimatedThrough: string;
  private readonly close: TimeOfDay;
  private readonly closeLabel: string;

  readonly data: CalendarData;

  /** Either form of the data: a workflow's input carries it packed (packed.ts). */
  constructor(data: CalendarData | PackedCalendar, options: WorkingCalendarOptions = {}) {
    this.data = calendarDataOf(data);
    this.version = data.version;
    this.coveredFrom = data.coveredFrom;
    this.coveredThrough = data.coveredThrough;
    this.estimatedThrough = data.estimatedThrough;
    this.close = parseTimeOfDay(options.closeTime ?? '23:59:59.999');
    this.closeLabel = `${String(this.close.hour).padStart(2, '0')}:${String(this.close.minute).padStart(2, '0')}`;
  }

  /** the data in the form a workflow's input carries */
  packed(): PackedCalendar {
    return packCalendar(this.data);
  }

  /** What kind of day a local date is. */
  dayInfo(date: string): DayInfo {
    const beyondCoverage = date > this.coveredThrough || date < this.coveredFrom;
    const beyondEstimate =
      date > this.estimatedThrough ||
      date < this.coveredFrom ||
      (this.data.through !== undefined && date > this.data.through);
    const base = { date, beyondCoverage, beyondEstimate };
    const weekend = isWeekend(date);
    const workday = this.data.workdays[date];
    if (workday) return { ...base, working: true, name: workday.name, makeUp: weekend };
    const holiday = this.data.holidays[date];
    if (holiday) {
      const reason = REASONS[holiday.basis];
      return {
        ...base,
        working: false,
        reason,
        makeUp: false,
        ...(holiday.name ? { name: holiday.name } : {}),
      };
    }
    return weekend
      ? { ...base, working: false, reason: 'weekend', makeUp: false }
      : { ...base, working: true, makeUp: false };
  }

  isWorkingDay(date: string): boolean {
    return this.dayInfo(date).working;
  }

  /** Number of working days in (after, through]; 0 when through is not after `after`. */
  countWorkingDays(after: string, through: string): number {
    let n = 0;
    for (let d = addDays(after, 1); d <= through; d = addDays(d, 1)) if (this.isWorkingDay(d)) n++;
    return n;
  }

  /** Walks n working days from a local date (not counted) forward or backward. */
  private walk(from: string, n: number, direction: 1 | -1): Walk {
    const w: Walk = { last: from, counted: [], skipped: [], makeUp: [], estimatedYears: [] };
    let d = from;
    while (w.counted.length < n) {
      d = addDays(d, direction);
      const info = this.dayInfo(d);
      if (info.beyondCoverage) {
        w.beyond ??= d;
        if (info.beyondEstimate) w.unestimated ??= d;
        else if (!w.estimatedYears.includes(Number(d.slice(0, 4))))
          w.estimatedYears.push(Number(d.slice(0, 4)));
      }
      if (info.working) {
        w.counted.push(d);
        if (info.makeUp) w.makeUp.push(d);
      } else {
        w.skipped.push({
          date: d,
          reason: info.reason ?? 'weekend',
          ...(info.name ? { name: info.name } : {}),
        });
      }
    }
    w.last = d;
    return w;
  }

  /** The instant a working day closes in the zone. */
  closeOf(date: string, timeZone: string): number {
    return zonedInstant(date, this.close, timeZone);
  }

  /** The calendar facts behind a computation; a walk past the official data carries a warning. */
  private info(w?: Walk): CalendarInfo {
    const info: CalendarInfo = { version: this.version, coveredThrough: this.coveredThrough };
    if (w?.estimatedYears.length) {
      info.estimatedYears = [...w.estimatedYears];
      info.warning = `${w.estimatedYears.join('、')}年放假安排尚未公布（日历数据截至${this.coveredThrough}）：已按《全国年节及纪念日放假办法》计入法定节假日及补假，并按惯例预留放假日，调休上班日未计；公布后由督查室加载，期限随之更新`;
    }
    if (w?.unestimated) {
      const last =
        this.data.through && this.data.through < this.estimatedThrough
          ? this.data.through
          : this.estimatedThrough;
      info.warning = `日期${w.unestimated}超出节假日数据范围（${this.coveredFrom}至${last}），已仅按周末计算工作日，请核对当年放假安排`;
    }
    return info;
  }

  computeDeadline(req: ComputeDeadlineRequest): Deadline {
    assertTimeZone(req.timeZone);
    const fromMs = parseInstant(req.from, 'from');
    const tz = req.timeZone;
    const due = req.due;

    if ('workingDays' in due) {
      const n = due.workingDays;
      if (!Number.isInteger(n) || n < 1)
        throw new CalendarInputError(`workingDays must be a positive integer, got ${n}`);
      const start = localDateOf(fromMs, tz);
      const w = this.walk(start, n, 1);
      const at = this.closeOf(w.last, tz);
      return {
        at: toIso(at),
        localDate: w.last,
        clock: 'workingDays',
        workingDays: n,
        receipt: {
          assignedAt: toIso(fromMs),
          rule: `${n}个工作日（不含交办当日）`,
          timeZone: tz,
          countedDays: w.counted,
          skipped: w.skipped,
          makeUpDays: w.makeUp,
          adjustments: [],
          summary: this.summary(start, n, w),
        },
        calendar: this.info(w),
      };
    }

    if ('at' in due) {
      const at = parseInstant(due.at, 'due.at');
      return {
        at: toIso(at),
        localDate: localDateOf(at, tz),
        clock: 'elapsed',
        receipt: {
          assignedAt: toIso(fromMs),
          rule: '指定时间',
          timeZone: tz,
          countedDays: [],
          skipped: [],
          makeUpDays: [],
          adjustments: [],
          summary: `指定截止时间${formatLocal(at, tz)}（${tz}）`,
        },
        calendar: this.info(),
      };
    }

    const at = fromMs + parseDuration(due.duration);
    return {
      at: toIso(at),
      localDate: localDateOf(at, tz),
      clock: 'elapsed',
      receipt: {
        assignedAt: toIso(fromMs),
        rule: `时长${due.duration}（演练）`,
        timeZone: tz,
        countedDays: [],
        skipped: [],
        makeUpDays: [],
        adjustments: [],
        summary: `自${formatLocal(fromMs, tz, true)}起${due.duration}（${formatSpan(at - fromMs)}），截止${formatLocal(at, tz, true)}`,
      },
      calendar: this.info(),
    };
  }

  private summary(start: string, n: number, w: Walk): string {
    const group = (reason: SkippedDay['reason']) => w.skipped.filter((s) => s.reason === reason);
    const names = (days: SkippedDay[]) => [...new Set(days.map((s) => shortName(s.name)))].join('、');
    const weekends = group('weekend');
    const holidays = group('holiday');
    const local = group('override_holiday');
    const statutory = group('statutory');
    const customary = group('customary');
    const parts: string[] = [];
    if (weekends.length) parts.push(`周末${weekends.length}天`);
    if (holidays.length) parts.push(`法定节假日${holidays.length}天（${names(holidays)}）`);
    if (statutory.length) parts.push(`依法定节假日推算${statutory.length}天（${names(statutory)}）`);
    if (customary.length) parts.push(`按惯例预留放假${customary.length}天（${names(customary)}）`);
    if (local.length) parts.push(`本地放假${local.length}天（${names(local)}）`);
    let text = `自${start}（不计当日）起算${n}个工作日，`;
    text += parts.length ? `跳过${parts.join('、')}` : '期间无休息日';
    if (w.makeUp.length)
      text += `，调休上班${w.makeUp.length}天（${w.makeUp.map((d) => d.slice(5)).join('、')}）`;
    text += `，截止${w.last} ${this.closeLabel}`;
    if (w.estimatedYears.length)
      text += `（${w.estimatedYears.join('、')}年放假安排未公布，按《全国年节及纪念日放假办法》推算，调休上班日未计）`;
    if (w.unestimated) text += `（${w.unestimated}起超出节假日数据范围，仅按周末计算）`;
    return text;
  }

  addInterval(req: AddIntervalRequest): AddIntervalResult {
    assertTimeZone(req.timeZone);
    const fromMs = parseInstant(req.from, 'from');
    const sign = req.direction === -1 ? -1 : 1;
    const interval: Interval = req.interval;
    if ('duration' in interval) {
      return { at: toIso(fromMs + sign * parseDuration(interval.duration)), calendar: this.info() };
    }
    const n = interval.workingDays;
    if (!Number.isInteger(n) || n < 0)
      throw new CalendarInputError(`workingDays must be a whole number ≥ 0, got ${n}`);
    if (n === 0) return { at: toIso(fromMs), calendar: this.info() };
    const w = this.walk(localDateOf(fromMs, req.timeZone), n, sign);
    return { at: toIso(this.closeOf(w.last, req.timeZone)), calendar: this.info(w) };
  }

  shiftDeadline(req: ShiftDeadlineRequest): Deadline {
    assertTimeZone(req.timeZone);
    const tz = req.timeZone;
    const stopped = parseInstant(req.stoppedAt, 'stoppedAt');
    const resumed = parseInstant(req.resumedAt, 'resumedAt');
    if (resumed < stopped) throw new CalendarInputError('resumedAt is earlier than stoppedAt');
    const oldAt = parseInstant(req.deadline.at, 'deadline.at');
    const stopText = `${formatLocal(stopped, tz)}至${formatLocal(resumed, tz)}停止计时`;

    if (req.deadline.clock === 'workingDays') {
      const lost = this.countWorkingDays(localDateOf(stopped, tz), localDateOf(resumed, tz));
      const w = this.walk(req.deadline.localDate, lost, 1);
      const at = lost === 0 ? oldAt : this.closeOf(w.last, tz);
      const gave = lost === 0 ? '期间无整工作日损失，截止时间不变' : `顺延${lost}个工作日`;
      return this.adjusted(req.deadline, at, tz, w, {
        kind: req.kind,
        at: toIso(resumed),
        detail: `${prefix(req.detail)}${stopText}，${gave}`,
        by: req.by,
      });
    }

    const lostMs = resumed - stopped;
    return this.adjusted(req.deadline, oldAt + lostMs, tz, undefined, {
      kind: req.kind,
      at: toIso(resumed),
      detail: `${prefix(req.detail)}${stopText}，顺延${formatSpan(lostMs)}`,
      by: req.by,
    });
  }

  extendDeadline(req: ExtendDeadlineRequest): Deadline {
    assertTimeZone(req.timeZone);
    const tz = req.timeZone;
    const decidedAt = parseInstant(req.at, 'at');
    const oldAt = parseInstant(req.deadline.at, 'deadline.at');
    const adjustment = { kind: 'extension' as const, at: toIso(decidedAt), by: req.by };
    const reason = prefix(req.reason, '延期');

    if ('workingDays' in req.due) {
      const n = req.due.workingDays;
      if (!Number.isInteger(n) || n < 1)
        throw new CalendarInputError(`workingDays must be a positive integer, got ${n}`);
      const w = this.walk(req.deadline.localDate, n, 1);
      return this.adjusted(
        req.deadline,
        this.closeOf(w.last, tz),
        tz,
        w,
        { ...adjustment, detail: `${reason}延长${n}个工作日` },
        'workingDays',
      );
    }

    const at = parseInstant(req.due.at, 'due.at');
    if (at <= oldAt) {
      throw new CalendarInputError(
        `the new deadline ${formatLocal(at, tz)} must be later than the current one ${formatLocal(oldAt, tz)}（延期后的截止时间必须晚于原截止时间）`,
      );
    }
    return this.adjusted(
      req.deadline,
      at,
      tz,
      undefined,
      { ...adjustment, detail: `${reason}延至指定时间` },
      'elapsed',
    );
  }

  /** A copy of the deadline moved to `at`, with the adjustment appended to its receipt. */
  private adjusted(
    deadline: Deadline,
    at: number,
    tz: string,
    walk: Walk | undefined,
    change: Omit<ReceiptAdjustment, 'from' | 'to'>,
    clock: Deadline['clock'] = deadline.clock,
  ): Deadline {
    const oldAt = parseInstant(deadline.at, 'deadline.at');
    const localDate = localDateOf(at, tz);
    const moved = `截止由${formatLocal(oldAt, tz)}${at === oldAt ? '保持不变' : `改为${formatLocal(at, tz)}`}`;
    const adjustment: ReceiptAdjustment = {
      kind: change.kind,
      at: change.at,
      from: toIso(oldAt),
      to: toIso(at),
      detail: `${change.detail}；${moved}`,
      ...(change.by ? { by: change.by } : {}),
    };
    const receipt: DeadlineReceipt = {
      ...deadline.receipt,
      adjustments: [...(deadline.receipt.adjustments ?? []), adjustment],
    };
    const next: Deadline = {
      at: toIso(at),
      localDate,
      clock,
      receipt,
      calendar: walk?.beyond ? this.info(walk) : { ...this.info(), ...pickEstimate(deadline.calendar) },
    };
    if (clock === 'workingDays') {
      const assigned = parseInstant(deadline.receipt.assignedAt, 'deadline.receipt.assignedAt');
      next.workingDays = this.countWorkingDays(localDateOf(assigned, tz), localDate);
    }
    return next;
  }

  planSchedule(req: PlanScheduleRequest): Schedule {
    return planSchedule(this, req);
  }
}

const prefix = (text: string | undefined, fallback = '') => {
  const t = (text ?? '').trim() || fallback;
  return t ? `${t}：` : '';
};

/** A moved deadline keeps what its first computation said about estimated years. */
const pickEstimate = (c: CalendarInfo | undefined) => ({
  ...(c?.warning ? { warning: c.warning } : {}),
  ...(c?.estimatedYears ? { estimatedYears: c.estimatedYears } : {}),
});
