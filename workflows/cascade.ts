// S3 §三 连带问责: "在对责任单位进行处理的同时，可视情节轻重给予单位主要领导或分管领导相应的问责；在对
// 责任单位负责人和直接责任人处理的同时，可视情节轻重给予所在单位相应的问责；在对直接责任人处理的同时，
// 可视情节轻重给予所在单位主要领导或分管领导相应的问责". Pure: given the measures a manager imposed, the
// case's subjects and the policy's cascade switches, it returns the extra measures. A measure only
// reaches subjects who are parties to the case, cascades one step (never from a cascaded measure),
// and never duplicates a code a subject already has.
import type { Cascade } from '../domain/schemas';
import type { MeasureCode, Subject } from './types';

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

const isLeader = (s: Subject): boolean =>
  s.kind === 'person' && (s.role === 'principal' || s.role === 'in_charge');

export function cascadeMeasures(
  imposed: readonly CascadeSource[],
  subjects: readonly Subject[],
  cascade: Cascade | undefined,
): CascadedMeasure[] {
  if (!cascade) return [];
  const byId = new Map(subjects.map((s) => [s.id, s]));
  const has = new Set(imposed.map((m) => `${m.subjectId}|${m.code}`));
  const out: CascadedMeasure[] = [];
  const add = (target: Subject, from: CascadeSource): void => {
    const key = `${target.id}|${from.code}`;
    if (has.has(key)) return;
    has.add(key);
    out.push({
      subjectId: target.id,
      code: from.code,
      ...(from.amount !== undefined ? { amount: from.amount } : {}),
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
