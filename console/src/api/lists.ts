// The record's list routes, each as one typed function the pages call: the item list page by page,
// the case list (GET /v1/cases), the annual sheet (GET /v1/ledger?year=) and the statistics
// (GET /v1/stats). Each is the API's answer; nothing here recomputes what the record already knows.
import { api, ok, type paths, type Schemas } from './client';
import type { ItemState } from './readers';

export type ItemRow = Schemas['ItemList']['items'][number];
export type ItemListQuery = NonNullable<paths['/v1/items']['get']['parameters']['query']>;
export type ItemFilter = Pick<ItemListQuery, 'status' | 'leadUnit' | 'overdue' | 'light'>;
export type CaseRow = Schemas['CaseList']['cases'][number];
export type CaseStage = NonNullable<NonNullable<paths['/v1/cases']['get']['parameters']['query']>['stage']>;
export type SheetRow = Schemas['AnnualSheet']['subjects'][number];
export type Stats = Schemas['Stats'];
export type StatsGroup = Stats['groups'][number];

/** every item the list gives (page after page), up to `max` */
export async function allItems(filter: ItemFilter = {}, max = 1000): Promise<ItemRow[]> {
  const rows: ItemRow[] = [];
  let pageToken: string | undefined;
  do {
    const page = await ok(
      api.GET('/v1/items', {
        params: {
          query: {
            ...(filter.status ? { status: filter.status } : {}),
            ...(filter.light ? { light: filter.light } : {}),
            ...(filter.leadUnit ? { leadUnit: filter.leadUnit } : {}),
            ...(filter.overdue ? { overdue: filter.overdue } : {}),
            pageSize: 200,
            ...(pageToken ? { pageToken } : {}),
          },
        },
      }),
    );
    rows.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken && rows.length < max);
  return rows.slice(0, max);
}

/** runs `fn` over `xs`, `width` at a time (each state is one Temporal query behind the API) */
async function pooled<T, R>(xs: T[], width: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(xs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, xs.length) }, async () => {
      while (next < xs.length) {
        const i = next++;
        out[i] = await fn(xs[i]!);
      }
    }),
  );
  return out;
}

/** the whole states of a few items (what waits in them: a pending extension is only there) */
export async function itemStates(ids: string[]): Promise<ItemState[]> {
  const states = await pooled(ids, 4, (id) =>
    ok(api.GET('/v1/items/{id}', { params: { path: { id } } })).catch(() => undefined),
  );
  return states.filter((s): s is ItemState => !!s);
}

/** the cases of the record, newest first (a unit account gets its own only), up to `max` */
export async function listCases(opts: { stage?: CaseStage; max?: number } = {}): Promise<CaseRow[]> {
  const max = opts.max ?? 500;
  const rows: CaseRow[] = [];
  let pageToken: string | undefined;
  do {
    const page = await ok(
      api.GET('/v1/cases', {
        params: {
          query: {
            ...(opts.stage ? { stage: opts.stage } : {}),
            pageSize: 200,
            ...(pageToken ? { pageToken } : {}),
          },
        },
      }),
    );
    rows.push(...page.cases);
    pageToken = page.nextPageToken;
  } while (pageToken && rows.length < max);
  return rows.slice(0, max);
}

/** the names of a case's subjects, for a list */
export const subjectNames = (c: CaseRow): string => (c.subjects ?? []).map((s) => s.name).join('、') || c.id;

/** 年度考核: every subject of the year with its measures and restrictions, the most measures first */
export async function annualSheet(year: number): Promise<SheetRow[]> {
  const sheet = await ok(api.GET('/v1/ledger', { params: { query: { year } } }));
  return [...sheet.subjects].sort(
    (a, b) =>
      (b.measures ?? 0) - (a.measures ?? 0) ||
      (a.name ?? a.subjectId).localeCompare(b.name ?? b.subjectId, 'zh'),
  );
}

/** the statistics of the items assigned in a period (local dates, both included), by unit and by month */
export async function loadStats(from: string, to: string): Promise<{ byUnit: Stats; byMonth: Stats }> {
  const [byUnit, byMonth] = await Promise.all(
    (['unit', 'month'] as const).map((groupBy) =>
      ok(api.GET('/v1/stats', { params: { query: { from, to, groupBy } } })),
    ),
  );
  return { byUnit: byUnit!, byMonth: byMonth! };
}
