// What every router needs: the one Temporal client, the calendar, and a few settings. The API keeps
// no state of its own; everything it answers comes from Temporal.
import type { Client } from '@temporalio/client';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ComputeDeadlineRequest, Deadline, PlanScheduleRequest, Schedule } from '../workflows/types';

/** The part of WorkingCalendar the API uses (synchronous, no I/O once loaded). */
export interface CalendarPort {
  computeDeadline(req: ComputeDeadlineRequest): Deadline;
  planSchedule(req: PlanScheduleRequest): Schedule;
}

export interface ApiContext {
  client: Client;
  calendar: CalendarPort;
  taskQueue: string;
  /** default organisation time zone (DUBAN_TIME_ZONE) */
  timeZone: string;
  now: () => Date;
  /** signs list page tokens, so a forged token is a 400 here, not an error deep in Temporal */
  pageTokenKey: Buffer;
}

export const SA = {
  status: defineSearchAttributeKey('SupervisionStatus', SearchAttributeType.KEYWORD),
  leadUnit: defineSearchAttributeKey('LeadUnit', SearchAttributeType.KEYWORD),
  deadlineAt: defineSearchAttributeKey('DeadlineAt', SearchAttributeType.DATETIME),
  urgeCount: defineSearchAttributeKey('UrgeCount', SearchAttributeType.INT),
  caseStage: defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD),
  caseSubjects: defineSearchAttributeKey('CaseSubjects', SearchAttributeType.KEYWORD_LIST),
};

/** "2026-10-23 23:59" in the given zone, for Chinese summaries. */
export function localMinute(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

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
