// What every router needs: the one Temporal client, the record, the calendar, and a few settings.
// The API keeps no state of its own: it reads the record (PostgreSQL) and, for an open item or case,
// its workflow's live state; it acts through Temporal.
import type { OfficeHours } from '../domain/calendar/office-hours';
import type { Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { Db } from '../activities/record/db';
import type { PendingRecordWrites } from './record-writes';
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  CaseStageKey,
  CaseSubjectsKey,
  DeadlineAtKey,
  LeadUnitKey,
  SupervisionStatusKey,
  UrgeCountKey,
} from '../workflows/search-attributes';
import { formatLocal } from '../workflows/format';
import type { CalendarService } from '../activities/calendar/service';
import type { CalendarData } from '../domain/calendar/working-calendar';
import type {
  AddIntervalRequest,
  AddIntervalResult,
  ComputeDeadlineRequest,
  Deadline,
  PlanScheduleRequest,
  Schedule,
} from '../workflows/types';

/** The part of WorkingCalendar the API uses (synchronous, no I/O once loaded). */
export interface CalendarPort {
  /** the data behind it: an item carries a slice of it (sliceCalendarData) */
  readonly data: CalendarData;
  computeDeadline(req: ComputeDeadlineRequest): Deadline;
  planSchedule(req: PlanScheduleRequest): Schedule;
  addInterval(req: AddIntervalRequest): AddIntervalResult;
  isWorkingDay(date: string): boolean;
}

export interface ApiContext {
  client: Client;
  /** the record: every item, case, measure and notice, for as long as the office must keep them */
  record: Db;
  /** the first record batches of creates already answered, still being written */
  recordWrites: PendingRecordWrites;
  /** the calendar in force (package, office-loaded years, overrides), rebuilt when a year is loaded */
  calendars: CalendarService;
  /** the calendar to compute with now: `calendars.current` */
  readonly calendar: CalendarPort;
  /** re-plans the open items computed on the law-based estimate for a year the office just loaded */
  replanForYear(
    year: number,
    version: number,
    reference: string,
  ): Promise<{ workflowId: string } | undefined>;
  taskQueue: string;
  /** default organisation time zone (DUBAN_TIME_ZONE) */
  timeZone: string;
  now: () => Date;
  /** signs list page tokens, so a forged token is a 400 here, not an error deep in Temporal */
  pageTokenKey: Buffer;
  /** who signs the documents */
  office: OfficeInfo;
  /** 办公时间 the items it starts keep (absent: every notice at its instant) */
  officeHours?: OfficeHours;
}

/** The issuing office as the documents name it. */
export interface OfficeInfo {
  /** e.g. 市人民政府督查室 */
  name: string;
  /** the 文号 prefixes of the bulletin and the letter */
  bulletinPrefix: string;
  letterPrefix: string;
  /** the bulletin's 抄送 */
  bulletinCc: readonly string[];
}

export const DEFAULT_OFFICE: OfficeInfo = {
  name: '督查室',
  bulletinPrefix: '督查通报',
  letterPrefix: '督办函',
  bulletinCc: ['本级人民政府主要领导、分管领导', '纪检监察机关'],
};

/** The typed search-attribute keys, defined once beside the workflows that keep them current. */
export const SA = {
  status: SupervisionStatusKey,
  leadUnit: LeadUnitKey,
  deadlineAt: DeadlineAtKey,
  urgeCount: UrgeCountKey,
  caseStage: CaseStageKey,
  caseSubjects: CaseSubjectsKey,
};

/** What a new item is indexed with from its start, so its first task has nothing to upsert. */
export function itemStartAttributes(leadUnitId: string, deadlineAt: Date): SearchAttributePair[] {
  return [
    { key: SA.status, value: 'open' },
    { key: SA.leadUnit, value: leadUnitId },
    { key: SA.deadlineAt, value: deadlineAt },
    { key: SA.urgeCount, value: 0 },
  ];
}

/** "2026-10-23 23:59" in the given zone, for Chinese summaries (the workflows' own formatter). */
export const localMinute = formatLocal;

/** an IANA zone name: the calendar's check, whose formatter per zone is kept */
export { isTimeZone } from '../domain/calendar/zoned-time';

/** "<server token>.<mac>", both base64url */
export function signPageToken(key: Buffer, serverToken: Uint8Array): string {
  const mac = createHmac('sha256', key).update(serverToken).digest().subarray(0, 16);
  return `${Buffer.from(serverToken).toString('base64url')}.${mac.toString('base64url')}`;
}

/** the server's token, or undefined when the token was not issued by an API with this key */
export function openPageToken(key: Buffer, token: string): Buffer | undefined {
  const [body, mac] = token.split('.');
  if (!body || !mac || token.split('.').length !== 2) return undefined;
  const serverToken = Buffer.from(body, 'base64url');
  const expected = createHmac('sha256', key).update(serverToken).digest().subarray(0, 16);
  const given = Buffer.from(mac, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected) ? serverToken : undefined;
}
