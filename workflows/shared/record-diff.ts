// What changed between two views of a workflow's state, as the record wants it: top-level fields
// replaced, collection entries merged by id, history lines appended. Pure, so a workflow computes
// its record batch from its own state and never keeps a second, hand-maintained list of changes.
import type { RecordChanges, RecordEvent } from '../../domain/record';
import type { NoticeRecord } from '../types';

/** How a collection's entries are identified (reports by id, reminders by stage and level, …). */
export type CollectionKeys = Record<string, (entry: never) => string>;

export interface HistoryLine {
  at: string;
  by: string;
  action: string;
  detail?: string;
  /** position in the whole history, across continue-as-new; gives the event its key */
  seq?: number;
}

export interface DiffOptions {
  collections: CollectionKeys;
  /** fields never written (live only, or derived again when read) */
  skip?: readonly string[];
  /**
   * Whose delivery rows the batch carries (patch deliveries-in-record-batch): each notice of
   * `next.notices` that `prev` does not hold as it is becomes one row per channel, so the delivery
   * activity never writes SQL and its results reach the record with the workflow's next batch.
   * Absent: the delivery activity records them itself (the runs before the patch).
   */
  deliveries?: DeliveryOwner;
}

/** the item and/or case a notice's delivery rows belong to */
export interface DeliveryOwner {
  itemId?: string;
  caseId?: string;
}

type DeliveryRow = NonNullable<RecordChanges['deliveries']>[number];

/** The record's rows for one notice's results: one per channel (not_configured, no_recipients: skipped). */
export function deliveryRows(r: NoticeRecord, owner: DeliveryOwner): DeliveryRow[] {
  return r.deliveries.map((d) => ({
    noticeKey: r.key,
    channel: d.channel,
    ...(owner.itemId ? { itemId: owner.itemId } : {}),
    ...(owner.caseId ? { caseId: owner.caseId } : {}),
    kind: r.kind,
    subject: r.subject,
    status: d.status === 'delivered' ? 'delivered' : d.status === 'failed' ? 'failed' : 'skipped',
    attempts: 1,
    ...(d.detail ? { detail: d.detail } : {}),
    at: r.at,
  }));
}

/** the rows of the notices `next` holds and `prev` does not (or holds with other results) */
function newDeliveries(
  prev: Record<string, unknown> | undefined,
  next: Record<string, unknown>,
  owner: DeliveryOwner,
): DeliveryRow[] {
  const after = (next.notices as NoticeRecord[] | undefined) ?? [];
  const before = (prev?.notices as NoticeRecord[] | undefined) ?? [];
  if (after === before) return [];
  const known = new Map(before.map((n) => [n.key, n]));
  return after.filter((n) => !same(known.get(n.key), n)).flatMap((n) => deliveryRows(n, owner));
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * The changes from `prev` to `next` (`prev` undefined: the first batch, everything is created).
 * History lines are matched by seq, so a compacted history after continue-as-new still diffs right.
 */
export function recordChanges(
  prev: Record<string, unknown> | undefined,
  next: Record<string, unknown>,
  revision: number,
  options: DiffOptions,
): RecordChanges | undefined {
  const skip = new Set(['history', ...(options.skip ?? [])]);
  const history = (next.history as HistoryLine[] | undefined) ?? [];
  const lastSeen = prev ? Math.max(0, ...((prev.history as HistoryLine[] | undefined) ?? []).map(seqOf)) : 0;
  const events: RecordEvent[] = history
    .filter((h) => seqOf(h) > lastSeen)
    .map((h) => ({
      key: `h${seqOf(h)}`,
      at: h.at,
      by: h.by,
      action: h.action,
      ...(h.detail !== undefined ? { detail: h.detail } : {}),
    }));

  const deliveries = options.deliveries ? newDeliveries(prev, next, options.deliveries) : [];
  const carried = deliveries.length ? { deliveries } : {};

  if (!prev) {
    const created = Object.fromEntries(Object.entries(next).filter(([k]) => !skip.has(k)));
    return { revision, created: withIds(created, options.collections), events, ...carried };
  }

  const set: Record<string, unknown> = {};
  const upsert: NonNullable<RecordChanges['upsert']> = {};
  for (const key of new Set([...Object.keys(prev), ...Object.keys(next)])) {
    if (skip.has(key) || same(prev[key], next[key])) continue;
    const idOf = options.collections[key] as ((entry: unknown) => string) | undefined;
    if (idOf && Array.isArray(next[key])) {
      const before = new Map(((prev[key] as unknown[]) ?? []).map((e) => [idOf(e), e]));
      const changed = (next[key] as Record<string, unknown>[])
        .filter((e) => !same(before.get(idOf(e)), e))
        .map((e) => ({ ...e, id: idOf(e) }));
      if (changed.length) upsert[key] = changed;
    } else {
      // A field that disappeared is written as null, so the record forgets it too.
      set[key] = next[key] === undefined ? null : next[key];
    }
  }
  if (!events.length && !Object.keys(set).length && !Object.keys(upsert).length && !deliveries.length)
    return undefined;
  return {
    revision,
    ...(Object.keys(set).length ? { set } : {}),
    ...(Object.keys(upsert).length ? { upsert } : {}),
    events,
    ...carried,
  };
}

const seqOf = (h: HistoryLine) => h.seq ?? 0;

function withIds(view: Record<string, unknown>, collections: CollectionKeys): Record<string, unknown> {
  const out = { ...view };
  for (const [key, idOf] of Object.entries(collections)) {
    const list = out[key];
    if (Array.isArray(list)) out[key] = list.map((e) => ({ ...e, id: (idOf as (e: unknown) => string)(e) }));
  }
  return out;
}

/** Folds later changes into earlier ones, so one activity call writes a whole run of steps. */
export function mergeChanges(a: RecordChanges, b: RecordChanges): RecordChanges {
  const upsert: NonNullable<RecordChanges['upsert']> = { ...(a.upsert ?? {}) };
  for (const [key, list] of Object.entries(b.upsert ?? {})) {
    const merged = new Map((upsert[key] ?? []).map((e) => [e.id, e]));
    for (const e of list) merged.set(e.id, e);
    upsert[key] = [...merged.values()];
  }
  let created = a.created;
  const set = { ...(a.set ?? {}), ...(b.set ?? {}) };
  // a later result for the same notice and channel replaces the earlier one
  const rows = new Map(
    [...(a.deliveries ?? []), ...(b.deliveries ?? [])].map((d) => [`${d.channel} ${d.noticeKey}`, d]),
  );
  const deliveries = rows.size ? { deliveries: [...rows.values()] } : {};
  if (created) {
    // Still unwritten: the later changes are simply part of what is created.
    created = { ...created };
    for (const [key, value] of Object.entries(set)) {
      if (value === null) delete created[key];
      else created[key] = value;
    }
    for (const [key, list] of Object.entries(upsert)) {
      const base = new Map(((created[key] as { id: string }[] | undefined) ?? []).map((e) => [e.id, e]));
      for (const e of list) base.set(e.id, e);
      created[key] = [...base.values()];
    }
    return { revision: b.revision, created, events: [...a.events, ...b.events], ...deliveries };
  }
  return {
    revision: b.revision,
    ...(Object.keys(set).length ? { set } : {}),
    ...(Object.keys(upsert).length ? { upsert } : {}),
    events: [...a.events, ...b.events],
    ...deliveries,
  };
}
