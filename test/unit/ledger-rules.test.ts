import { deriveRestrictions, LEDGER_RULES } from '../../workflows/ledger-rules';
import type { LedgerEvent, MeasureCode } from '../../workflows/types';

let seq = 0;
const ev = (caseId: string, code: MeasureCode, extra: Partial<LedgerEvent> = {}): LedgerEvent => ({
  measureId: `${caseId}-m${++seq}`,
  caseId,
  subjectId: 'p1',
  subjectKind: 'person',
  subjectName: '张三',
  code,
  date: '2026-05-01',
  decidedBy: 'boss',
  ...extra,
});
const rules = (r: { reasons: { rule: string }[] }) => r.reasons.map((x) => x.rule);

describe('ledger rules (结果运用)', () => {
  it('every rule cites its clause and explains itself in Chinese', () => {
    for (const rule of LEDGER_RULES) {
      expect(rule.clause).toMatch(/^S\d §/);
      expect(rule.text).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('a person with no events may be rated 优秀', () => {
    expect(deriveRestrictions('person', [])).toEqual({ ratingCap: 'excellent', reasons: [] });
  });

  it('an admonition talk alone does not restrict the rating', () => {
    expect(deriveRestrictions('person', [ev('c1', 'admonition_talk')]).ratingCap).toBe('excellent');
  });

  it.each<MeasureCode>(['written_self_criticism', 'public_criticism'])(
    '%s caps the rating at 称职 (S1 §五 / S3 §五)',
    (code) => {
      const r = deriveRestrictions('person', [ev('c1', code)]);
      expect(r.ratingCap).toBe('competent');
      expect(rules(r)).toEqual(['criticism_not_excellent']);
    },
  );

  it('取消当年评优评先资格 caps a person at 称职 (S4 §四(五)1), and not a unit’s staff ledger copy', () => {
    const r = deriveRestrictions('person', [ev('c1', 'disqualify_awards')]);
    expect(r.ratingCap).toBe('competent');
    expect(r.reasons).toEqual([
      expect.objectContaining({ rule: 'disqualified_not_excellent', clause: 'S4 §四(五)1' }),
    ]);
    expect(deriveRestrictions('person', [ev('c1', 'disqualify_awards', { revoked: true })]).ratingCap).toBe(
      'excellent',
    );
  });

  it('a subject with nothing recorded: a person may be 优秀, a unit may be 先进单位', () => {
    expect(deriveRestrictions('unit', [])).toEqual({ advancedUnitEligible: true, reasons: [] });
  });

  it('one case is not two: several measures of the same case count once', () => {
    const r = deriveRestrictions('person', [ev('c1', 'admonition_talk'), ev('c1', 'written_explanation')]);
    expect(r.ratingCap).toBe('excellent');
  });

  it('two distinct cases in the year cap the rating at 基本称职', () => {
    const r = deriveRestrictions('person', [ev('c1', 'admonition_talk'), ev('c2', 'admonition_talk')]);
    expect(r.ratingCap).toBe('basically_competent');
    expect(rules(r)).toEqual(['two_cases_not_competent']);
  });

  it.each<MeasureCode>(['disciplinary_action', 'organizational_handling'])(
    '%s makes the rating 不称职 (S1 §五 受到党政纪处分或组织处理), the strictest rule winning',
    (code) => {
      const r = deriveRestrictions('person', [ev('c1', 'public_criticism'), ev('c1', code)]);
      expect(r.ratingCap).toBe('incompetent');
      expect(rules(r)).toEqual(['criticism_not_excellent', 'discipline_incompetent']);
    },
  );

  it('a recommendation (建议给予党纪政纪处分) is not a sanction: it does not rate 不称职 (S1 §五)', () => {
    const r = deriveRestrictions('person', [ev('c1', 'disciplinary_recommendation')]);
    expect(r).toEqual({ ratingCap: 'excellent', reasons: [] });
  });

  it('revoked events do not count', () => {
    const r = deriveRestrictions('person', [
      ev('c1', 'public_criticism', { revoked: true }),
      ev('c2', 'admonition_talk'),
    ]);
    expect(r).toEqual({ ratingCap: 'excellent', reasons: [] });
  });

  describe('a unit (S3 §五)', () => {
    const unit = (caseId: string, code: MeasureCode, viaStaff = false): LedgerEvent =>
      ev(caseId, code, { subjectId: 'u1', subjectKind: 'unit', subjectName: '城管科', viaStaff });

    it('two cases (own and staff) keep it eligible for 先进单位', () => {
      const r = deriveRestrictions('unit', [
        unit('c1', 'written_self_criticism'),
        unit('c2', 'admonition_talk', true),
      ]);
      expect(r).toEqual({ advancedUnitEligible: true, reasons: [] });
    });

    it('three distinct cases, counting its staff, make it ineligible', () => {
      const r = deriveRestrictions('unit', [
        unit('c1', 'written_self_criticism'),
        unit('c2', 'admonition_talk', true),
        unit('c3', 'public_criticism', true),
      ]);
      expect(r.advancedUnitEligible).toBe(false);
      expect(rules(r)).toEqual(['unit_three_cases_not_advanced']);
      expect(r.ratingCap).toBeUndefined();
    });

    it('three events from two cases are two cases', () => {
      const r = deriveRestrictions('unit', [
        unit('c1', 'written_self_criticism'),
        unit('c1', 'admonition_talk', true),
        unit('c2', 'public_criticism', true),
      ]);
      expect(r.advancedUnitEligible).toBe(true);
    });

    it('a staff member’s criticism does not cap anything on the unit, and a revoked third case does not count', () => {
      const r = deriveRestrictions('unit', [
        unit('c1', 'public_criticism', true),
        unit('c2', 'public_criticism', true),
        { ...unit('c3', 'public_criticism', true), revoked: true },
      ]);
      expect(r).toEqual({ advancedUnitEligible: true, reasons: [] });
    });

    it('取消年度评先资格 on the unit itself makes it ineligible', () => {
      expect(deriveRestrictions('unit', [unit('c1', 'disqualify_awards')]).advancedUnitEligible).toBe(false);
      expect(deriveRestrictions('unit', [unit('c1', 'disqualify_awards', true)]).advancedUnitEligible).toBe(
        true,
      );
    });
  });
});
