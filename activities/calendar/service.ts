// The calendar in force for a process: the package, the overrides file, and the years the office
// loaded into the record (PUT /v1/calendar/{year}). Rebuilt when the record's years change, looked
// at no more than every few seconds, so every API replica and worker follows a load quickly.
import { buildCalendarData, packageYears, type OfficeYear } from '../../domain/calendar/official';
import { estimatedHolidays } from '../../domain/calendar/law';
import { WorkingCalendar } from '../../domain/calendar/working-calendar';
import type { CalendarOverrides } from './overrides';
import type { Queryable } from '../record/db';
import { officeCalendarYears, type CalendarYearRow } from '../record/store';
import chineseDaysData from 'chinese-days/dist/chinese-days.json';

export interface CalendarServiceOptions {
  /** where office-loaded years are kept; without it only the package and overrides count */
  record?: Queryable;
  overrides?: CalendarOverrides;
  closeTime?: string;
  /** how long a built calendar is trusted before the record is asked again */
  refreshMs?: number;
  now?: () => number;
}

/** GET /v1/calendar/{year}: what is in force for a year and where it came from. */
export interface CalendarYearView {
  year: number;
  version: string;
  basis: 'package' | 'office' | 'law';
  source?: {
    reference: string;
    publishedAt?: string;
    loadedBy?: string;
    loadedAt?: string;
    version?: number;
  };
  holidays: { date: string; name: string; kind?: string }[];
  workdays: { date: string; name: string }[];
  /**
   * An office year the package now carries too, where the two disagree: 休/班 and the date, on one
   * side only. The office's load stays in force until the office loads the year again.
   */
  packageDifference?: PackageDifference;
}

export interface PackageDifference {
  year: number;
  onlyOffice: string[];
  onlyPackage: string[];
}

const short = (name: string | undefined) => (name ?? '').split(',').slice(-1)[0] || '节假日';

export class CalendarService {
  private calendar: WorkingCalendar;
  private office: CalendarYearRow[] = [];
  private checkedAt = 0;
  private readonly refreshMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CalendarServiceOptions = {}) {
    this.refreshMs = options.refreshMs ?? 5_000;
    this.now = options.now ?? Date.now;
    this.calendar = this.build([]);
  }

  /** The calendar as last built (synchronous: the preview and create paths never wait on SQL). */
  get current(): WorkingCalendar {
    if (this.options.record && this.now() - this.checkedAt > this.refreshMs)
      void this.refresh().catch(() => {});
    return this.calendar;
  }

  /** Reads the office's years from the record and rebuilds the calendar when they changed. */
  async refresh(): Promise<WorkingCalendar> {
    if (!this.options.record) return this.calendar;
    this.checkedAt = this.now();
    const office = await officeCalendarYears(this.options.record);
    const key = (rows: CalendarYearRow[]) => rows.map((r) => `${r.year}v${r.version}`).join(',');
    if (key(office) !== key(this.office)) {
      this.office = office;
      this.calendar = this.build(office);
    }
    return this.calendar;
  }

  private build(office: CalendarYearRow[]): WorkingCalendar {
    const officeYears: OfficeYear[] = office.map((r) => ({
      year: r.year,
      version: r.version,
      source: { reference: r.source.reference, publishedAt: r.source.publishedAt },
      holidays: r.holidays,
      workdays: r.workdays,
    }));
    const data = buildCalendarData({ overrides: this.options.overrides, officeYears });
    return new WorkingCalendar(data, { closeTime: this.options.closeTime });
  }

  /** What is in force for a year: the office's load, else the package, else the law-based estimate. */
  yearView(year: number): CalendarYearView {
    const data = this.calendar.data;
    const office = this.office.find((r) => r.year === year);
    const inYear = (d: string) => d.startsWith(`${year}-`);
    if (office) {
      const packageDifference = this.differenceOf(office);
      return {
        year,
        version: data.version,
        basis: 'office',
        source: {
          ...office.source,
          loadedBy: office.loadedBy,
          loadedAt: office.loadedAt,
          version: office.version,
        },
        holidays: office.holidays.map((d) => ({ date: d.date, name: d.name })),
        workdays: office.workdays.map((d) => ({ date: d.date, name: d.name })),
        ...(packageDifference ? { packageDifference } : {}),
      };
    }
    if (packageYears().includes(year)) {
      const pick = (days: Record<string, string>) =>
        Object.entries(days)
          .filter(([d]) => inYear(d))
          .map(([date, name]) => ({ date, name: short(name.split(',').slice(0, 2).join(',')) }));
      return {
        year,
        version: data.version,
        basis: 'package',
        holidays: pick(chineseDaysData.holidays as Record<string, string>),
        workdays: pick(chineseDaysData.workdays as Record<string, string>),
      };
    }
    return {
      year,
      version: data.version,
      basis: 'law',
      holidays: estimatedHolidays(year)
        .filter((d) => inYear(d.date))
        .map((d) => ({ date: d.date, name: short(d.name), kind: d.kind })),
      workdays: [],
    };
  }

  /**
   * A package release that now carries a year the office loaded: the differences, so the process
   * can say them at start (the office's load stays in force until it is replaced).
   */
  packageDifferences(): PackageDifference[] {
    return this.office.flatMap((r) => this.differenceOf(r) ?? []);
  }

  private differenceOf(r: CalendarYearRow): PackageDifference | undefined {
    if (!packageYears().includes(r.year)) return undefined;
    const mine = new Set([...r.holidays.map((d) => `休${d.date}`), ...r.workdays.map((d) => `班${d.date}`)]);
    const theirs = new Set(
      [
        ...Object.keys(chineseDaysData.holidays).map((d) => `休${d}`),
        ...Object.keys(chineseDaysData.workdays).map((d) => `班${d}`),
      ].filter((d) => d.slice(1).startsWith(`${r.year}-`)),
    );
    const onlyOffice = [...mine].filter((d) => !theirs.has(d)).sort();
    const onlyPackage = [...theirs].filter((d) => !mine.has(d)).sort();
    return onlyOffice.length || onlyPackage.length ? { year: r.year, onlyOffice, onlyPackage } : undefined;
  }
}
