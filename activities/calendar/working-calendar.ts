// The working-day calendar (工作日历) behind every deadline: statutory holidays and 调休 make-up
// working days from the chinese-days package, then local overrides on top. Pure and synchronous
// (no Temporal), so the activities and the API's preview call the same code. Instants are ISO
// strings in UTC; dates are YYYY-MM-DD in the request's IANA time zone.
import { createHash } from 'node:crypto';
import chineseDaysData from 'chinese-days/dist/chinese-days.json';
import chineseDaysPackage from 'chinese-days/package.json';
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
import type { CalendarOverrides } from './overrides';
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

export { CalendarInputError } from './zoned-time';

export interface WorkingCalendarOptions {
  overrides?: CalendarOverrides;
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
  /** no holiday data for this date: weekends only */
  beyondCoverage: boolean;
}

interface Walk {
  last: string;
  counted: string[];
  skipped: SkippedDay[];
  makeUp: string[];
  /** first date looked at that has no holiday data */
  beyond?: string;
}

// The package's entries read "National Day,国庆节,3"; we keep "National Day,国庆节".
const packageName = (entry: string) => entry.split(',').slice(0, 2).join(',');
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
  private readonly close: TimeOfDay;
  private readonly closeLabel: string;
  private readonly holidays: Record<string, string>;
  private readonly workdays: Record<string, string>;
  private readonly overrideHolidays = new Map<string, string | undefined>();
  private readonly overrideWorkdays = new Map<string, string | undefined>();

  constructor(options: WorkingCalendarOptions = {}) {
    this.holidays = chineseDaysData.holidays as Record<string, string>;
    this.workdays = chineseDaysData.workdays as Record<string, string>;
    const years = Object.keys(this.holidays)
      .map((d) => d.slice(0, 4))
      .sort();
    this.coveredFrom = `${years[0]}-01-01`;
    const packageThrough = `${years[years.length - 1]}-12-31`;

    const o = options.overrides;
    for (const d of o?.holidays ?? []) this.overrideHolidays.set(d.date, d.name);
    for (const d of o?.workdays ?? []) this.overrideWorkdays.set(d.date, d.name);
    this.coveredThrough =
      o?.coveredThrough && o.coveredThrough > packageThrough ? o.coveredThrough : packageThrough;

    let version = `chinese-days@${chineseDaysPackage.version}`;
    if (o && (o.coveredThrough || o.holidays?.length || o.workdays?.length)) {
      const hash = createHash('sha256').update(JSON.stringify(o)).digest('hex').slice(0, 8);
      version += `+overrides:${hash}`;
    }
    this.version = version;

    this.close = parseTimeOfDay(options.closeTime ?? '23:59:59.999');
    this.closeLabel = `${String(this.close.hour).padStart(2, '0')}:${String(this.close.minute).padStart(2, '0')}`;
  }

  /** What kind of day a local date is. */
  dayInfo(date: string): DayInfo {
    const beyondCoverage = date > this.coveredThrough || date < this.coveredFrom;
    const weekend = isWeekend(date);
    if (this.overrideWorkdays.has(date)) {
      return { date, working: true, name: this.overrideWorkdays.get(date), makeUp: weekend, beyondCoverage };
    }
    if (this.overrideHolidays.has(date)) {
      const name = this.overrideHolidays.get(date);
      return { date, working: false, reason: 'override_holiday', name, makeUp: false, beyondCoverage };
    }
    const workday = this.workdays[date];
    if (workday) return { date, working: true, name: packageName(workday), makeUp: weekend, beyondCoverage };
    const holiday = this.holidays[date];
    if (holiday) {
      return {
        date,
        working: false,
        reason: 'holiday',
        name: packageName(holiday),
        makeUp: false,
        beyondCoverage,
      };
    }
    return weekend
      ? { date, working: false, reason: 'weekend', makeUp: false, beyondCoverage }
      : { date, working: true, makeUp: false, beyondCoverage };
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
    const w: Walk = { last: from, counted: [], skipped: [], makeUp: [] };
    let d = from;
    while (w.counted.length < n) {
      d = addDays(d, direction);
      const info = this.dayInfo(d);
      if (info.beyondCoverage && !w.beyond) w.beyond = d;
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

  private info(beyond?: string): CalendarInfo {
    const info: CalendarInfo = { version: this.version, coveredThrough: this.coveredThrough };
    if (beyond) {
      info.warning = `日期${beyond}超出节假日数据范围（${this.coveredFrom}至${this.coveredThrough}），已仅按周末计算工作日，请核对当年放假安排`;
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
        calendar: this.info(w.beyond),
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
    const parts: string[] = [];
    if (weekends.length) parts.push(`周末${weekends.length}天`);
    if (holidays.length) parts.push(`法定节假日${holidays.length}天（${names(holidays)}）`);
    if (local.length) parts.push(`本地放假${local.length}天（${names(local)}）`);
    let text = `自${start}（不计当日）起算${n}个工作日，`;
    text += parts.length ? `跳过${parts.join('、')}` : '期间无休息日';
    if (w.makeUp.length)
      text += `，调休上班${w.makeUp.length}天（${w.makeUp.map((d) => d.slice(5)).join('、')}）`;
    text += `，截止${w.last} ${this.closeLabel}`;
    if (w.beyond) text += `（${w.beyond}起超出节假日数据范围，仅按周末计算）`;
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
    return { at: toIso(this.closeOf(w.last, req.timeZone)), calendar: this.info(w.beyond) };
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
      return this.adjusted(req.deadline, at, tz, w.beyond, {
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
        w.beyond,
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
    beyond: string | undefined,
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
      calendar: beyond ? this.info(beyond) : { ...this.info(), ...pickWarning(deadline.calendar) },
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

const pickWarning = (c: CalendarInfo | undefined) => (c?.warning ? { warning: c.warning } : {});
