// S3 §三 连带问责: "在对责任单位进行处理的同时，可视情节轻重给予单位主要领导或分管领导相应的问责；在对
// 责任单位负责人和直接责任人处理的同时，可视情节轻重给予所在单位相应的问责；在对直接责任人处理的同时，
// 可视情节轻重给予所在单位主要领导或分管领导相应的问责". Pure: given the measures a manager imposed, the
// case's subjects, the policy's cascade switches and the catalogue, it returns the extra measures. A
// measure only reaches subjects who are parties to the case, cascades one step (never from a cascaded
// measure), never duplicates a code a subject already has, and only reaches a subject whose kind the
// catalogue allows the code for (诫勉谈话 never lands on a unit). The amount goes with the measure
// (S3 §三: 对责任单位和责任人的处罚金额): the target's own price in the catalogue wins, else the source's.
// The result is a proposal: the decider may keep or drop any part of it (可视情节轻重, `chooseCascade`).
import { fitsKind } from '../domain/measure-codes';
import type { Cascade, CascadeChoice } from '../domain/schemas';
import type { MeasureCode, Policy, ProposedMeasure, Subject } from './types';

export interface CascadeSource {
  measureId: string;
  subjectId: string;
  code: MeasureCode;
  amount?: number;
}

export interface CascadedMeasure {
  subjectId: string;
  code: MeasureCode;
  amount?: number;
  cascadedFrom: string;
}

/** the catalogue entry that allows `code` for a subject of `kind`, or undefined when it is not allowed */
export type MeasureCatalogue = (code: MeasureCode, kind: Subject['kind']) => ProposedMeasure | undefined;

/**
 * The catalogue of one kind: the policy's `unitMeasures` / `personMeasures` when it has that list,
 * otherwise every entry the case knows (`fallback`: proposed measures and the ladder's), always
 * respecting `appliesTo`. A priced entry (S3 fines) wins over an unpriced one.
 */
export function kindCatalogue(
  policy: Pick<Policy, 'unitMeasures' | 'personMeasures'>,
  fallback: readonly ProposedMeasure[],
): MeasureCatalogue {
  return (code, kind) => {
    const list = (kind === 'unit' ? policy.unitMeasures : policy.personMeasures) ?? fallback;
    if (!fitsKind(code, kind)) return undefined;
    const fits = list.filter(
      (c) => c.code === code && (!c.appliesTo || c.appliesTo === 'both' || c.appliesTo === kind),
    );
    return fits.find((c) => c.amount !== undefined) ?? fits[0];
  };
}

const isLeader = (s: Subject): boolean =>
  s.kind === 'person' && (s.role === 'principal' || s.role === 'in_charge');

export function cascadeMeasures(
  imposed: readonly CascadeSource[],
  subjects: readonly Subject[],
  cascade: Cascade | undefined,
  catalogue: MeasureCatalogue = (code, kind) => (fitsKind(code, kind) ? { code } : undefined),
): CascadedMeasure[] {
  if (!cascade) return [];
  const byId = new Map(subjects.map((s) => [s.id, s]));
  const has = new Set(imposed.map((m) => `${m.subjectId}|${m.code}`));
  const out: CascadedMeasure[] = [];
  const add = (target: Subject, from: CascadeSource): void => {
    const key = `${target.id}|${from.code}`;
    if (has.has(key)) return;
    const entry = catalogue(from.code, target.kind);
    if (!entry) return;
    const amount = entry.amount ?? from.amount;
    // a fine with no price for the target's kind cannot be executed
    if (from.code === 'fine' && amount === undefined) return;
    has.add(key);
    out.push({
      subjectId: target.id,
      code: from.code,
      ...(amount !== undefined ? { amount } : {}),
      cascadedFrom: from.measureId,
    });
  };
  const leadersOf = (unitId: string): Subject[] => subjects.filter((s) => isLeader(s) && s.unitId === unitId);

  for (const m of imposed) {
    const subject = byId.get(m.subjectId);
    if (!subject) continue;
    if (subject.kind === 'unit') {
      if (cascade.unitToLeaders) for (const leader of leadersOf(subject.id)) add(leader, m);
      continue;
    }
    // S3 puts the unit's 负责人 beside the 直接责任人 for the unit-level cascade.
    if (!subject.unitId) continue;
    const unit = byId.get(subject.unitId);
    if (cascade.directToUnit && unit?.kind === 'unit' && (subject.role === 'direct' || isLeader(subject))) {
      add(unit, m);
    }
    if (cascade.directToLeaders && subject.role === 'direct') {
      for (const leader of leadersOf(subject.unitId)) add(leader, m);
    }
  }
  return out;
}

/** The proposed cascade after the decider's choice: `keep` only those parts, or `drop` those. */
export function chooseCascade(
  proposed: readonly CascadedMeasure[],
  choice: CascadeChoice | undefined,
): { kept: CascadedMeasure[]; dropped: CascadedMeasure[] } {
  if (!choice) return { kept: [...proposed], dropped: [] };
  const named = (m: CascadedMeasure, list: readonly { subjectId: string; code: string }[]) =>
    list.some((x) => x.subjectId === m.subjectId && x.code === m.code);
  const keep = (m: CascadedMeasure) => ('keep' in choice ? named(m, choice.keep) : !named(m, choice.drop));
  return { kept: proposed.filter(keep), dropped: proposed.filter((m) => !keep(m)) };
}
