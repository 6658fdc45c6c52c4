// What changed between two views of a workflow's state, as the record wants it: top-level fields
// replaced, collection entries merged by id, history lines appended. Pure, so a workflow computes
// its record batch from its own state and never keeps a second, hand-maintained list of changes.
import type { RecordChanges, RecordEvent } from '../../domain/record';

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

  if (!prev) {
    const created = Object.fromEntries(Object.entries(next).filter(([k]) => !skip.has(k)));
    return { revision, created: withIds(created, options.collections), events };
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
  if (!events.length && !Object.keys(set).length && !Object.keys(upsert).length) return undefined;
  return {
    revision,
    ...(Object.keys(set).length ? { set } : {}),
    ...(Object.keys(upsert).length ? { upsert } : {}),
    events,
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
    return { revision: b.revision, created, events: [...a.events, ...b.events] };
  }
  return {
    revision: b.revision,
    ...(Object.keys(set).length ? { set } : {}),
    ...(Object.keys(upsert).length ? { upsert } : {}),
    events: [...a.events, ...b.events],
  };
}
