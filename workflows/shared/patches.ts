// How a run asks for its patches (docs/versioning.md). Every patch costs a new run two events (its
// marker and the TemporalChangeVersion upsert the SDK adds), so a run asks one run-level patch,
// once, and takes every path patched before it without asking again.
import { patched } from '@temporalio/workflow';
import { RUN_LEVEL } from './patch-ids';

export { CASE_LINKED_WITH_URGE, NOTICES_IN_TASK } from './patch-ids';

export type Patched = (id: string) => boolean;

/**
 * Called first thing in a run, so the answer is settled in its first activation. A new run records
 * the newest run-level marker only. A run recorded under an older one finds no newer marker on
 * replay (false, no command) and takes its own; one recorded before them all asks each patch where
 * it acts, as it did.
 */
export function runPatches(): Patched {
  const level = RUN_LEVEL.find((r) => patched(r.id));
  return (id) => (level !== undefined && (id === level.id || level.implies.includes(id))) || patched(id);
}
