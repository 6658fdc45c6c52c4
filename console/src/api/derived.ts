// Stand-ins for the record's list routes that the API does not have yet (GET /v1/cases, /v1/stats,
// GET /v1/ledger?year=): each is computed here from routes that exist (the item list, the item and
// case states, a subject's ledger). Every page reads these functions only, so when a route lands,
// its function here becomes one typed call and no page changes.
import { api, ok, type paths, type Schemas } from './client';
import type { CaseState, ItemState } from './readers';
import { caseView } from './readers';
import { computeStats, type Stats } from '../stats';

export type ItemRow = Schemas['ItemList']['items'][number];
export type ItemListQuery = NonNullable<paths['/v1/items']['get']['parameters']['query']>;
export type ItemFilter = Pick<ItemListQuery, 'status' | 'leadUnit' | 'overdue'>;

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

/** runs `fn` over `xs`, `width` at a time (the API is one Temporal query per state) */
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

export async function itemStates(ids: string[]): Promise<ItemState[]> {
  const states = await pooled(ids, 6, (id) =>
    ok(api.GET('/v1/items/{id}', { params: { path: { id } } })).catch(() => undefined),
  );
  return states.filter((s): s is ItemState => !!s);
}

export async function caseStates(ids: string[]): Promise<CaseState[]> {
  const states = await pooled(ids, 6, (id) =>
    ok(api.GET('/v1/cases/{id}', { params: { path: { id } } })).catch(() => undefined),
  );
  return states.filter((s): s is CaseState => !!s);
}

export interface CaseRow {
  id: string;
  stage: CaseState['stage'];
  subjects: string;
  itemId?: string;
  openedAt?: string;
  state: CaseState;
}

/** GET /v1/cases until it exists: the cases of the listed items (cases opened by hand without an
 * item are reached by their id) */
export async function listCases(opts: { stage?: CaseState['stage'] } = {}): Promise<CaseRow[]> {
  const items = await itemStates((await allItems({}, 300)).map((r) => r.id));
  const ids = [...new Set(items.flatMap((i) => i.caseIds))];
  const cases = await caseStates(ids);
  return cases
    .filter((c) => !opts.stage || c.stage === opts.stage)
    .map((c) => {
      const v = caseView(c);
      return {
        id: c.id,
        stage: c.stage,
        subjects: c.subjects.map((s) => s.name).join('、'),
        itemId: v.itemId,
        openedAt: v.openedAt,
        state: c,
      };
    })
    .sort((a, b) => (b.openedAt ?? '').localeCompare(a.openedAt ?? ''));
}

export interface SheetRow {
  subjectId: string;
  subjectName: string;
  kind: 'person' | 'unit';
  events: number;
  ratingCap?: string;
  advancedUnitEligible?: boolean;
  reasons: string[];
}

/** GET /v1/ledger?year= until it exists: the ledgers of every subject of the known cases */
export async function annualSheet(year: number): Promise<SheetRow[]> {
  const cases = await listCases();
  const subjects = new Map<string, { id: string; name: string; kind: 'person' | 'unit' }>();
  for (const c of cases) for (const s of c.state.subjects) subjects.set(`${s.kind}:${s.id}`, s);
  const rows = await pooled([...subjects.values()], 6, async (s) => {
    const l = await ok(
      api.GET('/v1/ledger/{subjectId}', {
        params: { path: { subjectId: s.id }, query: { year, kind: s.kind } },
      }),
    );
    return {
      subjectId: s.id,
      subjectName: s.name,
      kind: s.kind,
      events: l.events.length,
      ratingCap: l.restrictions.ratingCap,
      advancedUnitEligible: l.restrictions.advancedUnitEligible,
      reasons: l.restrictions.reasons.map((r) => r.text),
    };
  });
  return rows.sort((a, b) => b.events - a.events || a.subjectName.localeCompare(b.subjectName, 'zh'));
}

/** GET /v1/stats until it exists: computed from the states of the listed items */
export async function loadStats(): Promise<Stats> {
  const rows = await allItems({}, 500);
  return computeStats(await itemStates(rows.map((r) => r.id)));
}
