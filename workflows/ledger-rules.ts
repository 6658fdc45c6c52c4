// 结果运用: the rules that turn a subject's yearly ledger (台帐) into rating restrictions. The rules are
// data, each citing its clause; `deriveRestrictions` is a pure interpreter, so the ledger workflow and
// the API derive the same answer from the same events. Revoked events never count.
import type { LedgerEvent, LedgerRestrictions, MeasureCode, RatingCap } from './types';

export type LedgerCondition =
  /** the subject received at least one of these measures (its own events, not its staff's) */
  | { kind: 'anyMeasure'; codes: MeasureCode[] }
  /** events from at least this many distinct cases; `includeStaff` counts a unit's staff too */
  | { kind: 'distinctCases'; atLeast: number; includeStaff: boolean };

export interface LedgerRule {
  id: string;
  clause: string;
  appliesTo: 'person' | 'unit';
  when: LedgerCondition;
  effect: { ratingCap?: RatingCap; advancedUnitEligible?: false };
  /** the reason shown to people, in Chinese */
  text: string;
}

export const LEDGER_RULES: readonly LedgerRule[] = [
  {
    id: 'criticism_not_excellent',
    clause: 'S1 §五; S3 §五',
    appliesTo: 'person',
    when: { kind: 'anyMeasure', codes: ['written_self_criticism', 'public_criticism'] },
    effect: { ratingCap: 'competent' },
    text: '受到责令作出书面检查或通报批评处理，当年考核不得评为“优秀”（先进）',
  },
  {
    id: 'disqualified_not_excellent',
    clause: 'S4 §四(五)1',
    appliesTo: 'person',
    when: { kind: 'anyMeasure', codes: ['disqualify_awards'] },
    effect: { ratingCap: 'competent' },
    text: '被取消当年评优评先资格，当年考核不得评为“优秀”',
  },
  {
    id: 'two_cases_not_competent',
    clause: 'S1 §五; S3 §五',
    appliesTo: 'person',
    when: { kind: 'distinctCases', atLeast: 2, includeStaff: false },
    effect: { ratingCap: 'basically_competent' },
    text: '一年内受到两次以上（含两次）问责处理，当年考核不得评为“称职（合格）”以上等次',
  },
  {
    id: 'discipline_incompetent',
    clause: 'S1 §五',
    appliesTo: 'person',
    // the sanction itself, never 建议给予党纪政纪处分: a recommendation is not yet a punishment
    when: { kind: 'anyMeasure', codes: ['disciplinary_action', 'organizational_handling'] },
    effect: { ratingCap: 'incompetent' },
    text: '受到党政纪处分或组织处理，当年考核直接评为“不称职（不合格）”',
  },
  {
    id: 'unit_three_cases_not_advanced',
    clause: 'S3 §五',
    appliesTo: 'unit',
    when: { kind: 'distinctCases', atLeast: 3, includeStaff: true },
    effect: { advancedUnitEligible: false },
    text: '一年之内单位或单位工作人员三次以上（含三次）被问责处理，不得评为目标绩效考核先进单位',
  },
  {
    id: 'unit_disqualified',
    clause: 'S1 §二; S3 §三',
    appliesTo: 'unit',
    when: { kind: 'anyMeasure', codes: ['disqualify_awards'] },
    effect: { advancedUnitEligible: false },
    text: '单位被取消年度评先资格，当年不得评为先进单位',
  },
];

/** from the highest rating to the lowest: a cap lower in this list is stricter */
export const RATING_ORDER: readonly RatingCap[] = [
  'excellent',
  'competent',
  'basically_competent',
  'incompetent',
];

export const RATING_NAMES: Readonly<Record<RatingCap, string>> = {
  excellent: '优秀',
  competent: '称职',
  basically_competent: '基本称职',
  incompetent: '不称职',
};

const stricter = (a: RatingCap, b: RatingCap): RatingCap =>
  RATING_ORDER.indexOf(a) >= RATING_ORDER.indexOf(b) ? a : b;

function holds(cond: LedgerCondition, events: readonly LedgerEvent[]): boolean {
  switch (cond.kind) {
    case 'anyMeasure':
      return events.some((e) => !e.viaStaff && cond.codes.includes(e.code));
    case 'distinctCases': {
      const counted = cond.includeStaff ? events : events.filter((e) => !e.viaStaff);
      return new Set(counted.map((e) => e.caseId)).size >= cond.atLeast;
    }
  }
}

/** The restrictions a year's events impose on a person (ratingCap) or a unit (advancedUnitEligible). */
export function deriveRestrictions(
  subjectKind: 'person' | 'unit',
  events: readonly LedgerEvent[],
  rules: readonly LedgerRule[] = LEDGER_RULES,
): LedgerRestrictions {
  const live = events.filter((e) => !e.revoked);
  const restrictions: LedgerRestrictions =
    subjectKind === 'person'
      ? { ratingCap: 'excellent', reasons: [] }
      : { advancedUnitEligible: true, reasons: [] };
  for (const rule of rules) {
    if (rule.appliesTo !== subjectKind || !holds(rule.when, live)) continue;
    if (rule.effect.ratingCap)
      restrictions.ratingCap = stricter(restrictions.ratingCap ?? 'excellent', rule.effect.ratingCap);
    if (rule.effect.advancedUnitEligible === false) restrictions.advancedUnitEligible = false;
    restrictions.reasons.push({ rule: rule.id, clause: rule.clause, text: rule.text });
  }
  return restrictions;
}
