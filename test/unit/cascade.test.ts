import { POLICY_PRESETS } from '../../domain/policies';
import { cascadeMeasures, kindCatalogue } from '../../workflows/cascade';
import type { Subject } from '../../workflows/types';

const unit: Subject = { kind: 'unit', id: 'u1', name: '生产部' };
const principal: Subject = { kind: 'person', id: 'p1', name: '主要领导', unitId: 'u1', role: 'principal' };
const inCharge: Subject = { kind: 'person', id: 'p2', name: '分管领导', unitId: 'u1', role: 'in_charge' };
const direct: Subject = { kind: 'person', id: 'p3', name: '直接责任人', unitId: 'u1', role: 'direct' };
const elsewhere: Subject = { kind: 'person', id: 'p4', name: '他部门领导', unitId: 'u2', role: 'principal' };
const all = [unit, principal, inCharge, direct, elsewhere];
const full = { unitToLeaders: true, directToUnit: true, directToLeaders: true };

describe('S3 cascade (连带问责)', () => {
  it('does nothing without a cascade policy', () => {
    expect(
      cascadeMeasures([{ measureId: 'm1', subjectId: 'u1', code: 'public_criticism' }], all, undefined),
    ).toEqual([]);
  });

  it('a unit measure reaches its principal and in-charge leaders, without the unit’s fine', () => {
    const out = cascadeMeasures(
      [{ measureId: 'm1', subjectId: 'u1', code: 'public_criticism', amount: 800 }],
      all,
      { unitToLeaders: true },
    );
    expect(out).toEqual([
      { subjectId: 'p1', code: 'public_criticism', cascadedFrom: 'm1' },
      { subjectId: 'p2', code: 'public_criticism', cascadedFrom: 'm1' },
    ]);
  });

  it('between persons an amount is kept', () => {
    const out = cascadeMeasures([{ measureId: 'm1', subjectId: 'p3', code: 'fine', amount: 50 }], all, {
      directToLeaders: true,
    });
    expect(out.map((m) => [m.subjectId, m.amount])).toEqual([
      ['p1', 50],
      ['p2', 50],
    ]);
  });

  describe('with the S3 catalogue (enterprise-key-work: unitMeasures / personMeasures)', () => {
    const policy = POLICY_PRESETS['enterprise-key-work']!;
    const catalogue = kindCatalogue(policy, []);

    it('never puts a person-only code (诫勉谈话) on the unit', () => {
      const out = cascadeMeasures(
        [{ measureId: 'm1', subjectId: 'p3', code: 'admonition_talk' }],
        all,
        full,
        catalogue,
      );
      expect(out.map((m) => m.subjectId)).toEqual(['p1', 'p2']);
    });

    it('prices the unit from its own catalogue and never carries the unit’s fine to its leaders', () => {
      const toUnit = cascadeMeasures(
        [{ measureId: 'm1', subjectId: 'p3', code: 'written_explanation' }],
        all,
        { directToUnit: true },
        catalogue,
      );
      expect(toUnit).toEqual([
        { subjectId: 'u1', code: 'written_explanation', amount: 200, cascadedFrom: 'm1' },
      ]);
      const toLeaders = cascadeMeasures(
        [{ measureId: 'm1', subjectId: 'u1', code: 'public_criticism', amount: 800 }],
        all,
        { unitToLeaders: true },
        catalogue,
      );
      expect(toLeaders.every((m) => m.amount === undefined)).toBe(true);
      expect(toLeaders.map((m) => m.subjectId)).toEqual(['p1', 'p2']);
    });

    it('drops a unit-only code for persons and a fine nobody prices', () => {
      const rectify = cascadeMeasures(
        [{ measureId: 'm1', subjectId: 'u1', code: 'rectify_within_deadline' }],
        all,
        full,
        catalogue,
      );
      expect(rectify).toEqual([]);
      const withFine = kindCatalogue({ personMeasures: [{ code: 'fine' }] }, []);
      expect(
        cascadeMeasures(
          [{ measureId: 'm1', subjectId: 'u1', code: 'fine', amount: 300 }],
          all,
          full,
          withFine,
        ),
      ).toEqual([]);
    });

    it('without kind lists, falls back to the given entries and their appliesTo', () => {
      const fallback = kindCatalogue({}, [
        { code: 'admonition_talk', appliesTo: 'person' },
        { code: 'public_criticism' },
      ]);
      const out = cascadeMeasures(
        [
          { measureId: 'm1', subjectId: 'p3', code: 'admonition_talk' },
          { measureId: 'm2', subjectId: 'p3', code: 'public_criticism' },
        ],
        all,
        { directToUnit: true },
        fallback,
      );
      expect(out).toEqual([{ subjectId: 'u1', code: 'public_criticism', cascadedFrom: 'm2' }]);
    });
  });

  it('a direct-responsible person’s measure reaches the unit and its leaders', () => {
    const out = cascadeMeasures([{ measureId: 'm1', subjectId: 'p3', code: 'admonition_talk' }], all, full);
    expect(out.map((m) => m.subjectId).sort()).toEqual(['p1', 'p2', 'u1']);
    expect(out.every((m) => m.cascadedFrom === 'm1' && m.code === 'admonition_talk')).toBe(true);
  });

  it('reaches only parties to the case', () => {
    const out = cascadeMeasures(
      [{ measureId: 'm1', subjectId: 'p3', code: 'admonition_talk' }],
      [direct, principal],
      full,
    );
    expect(out).toEqual([{ subjectId: 'p1', code: 'admonition_talk', cascadedFrom: 'm1' }]);
  });

  it('never duplicates a measure the subject already has, and never cascades twice', () => {
    const out = cascadeMeasures(
      [
        { measureId: 'm1', subjectId: 'u1', code: 'public_criticism' },
        { measureId: 'm2', subjectId: 'p1', code: 'public_criticism' },
      ],
      all,
      full,
    );
    // p1 already has it; p2 gets it once from the unit; p1's own measure reaching the unit is a duplicate
    expect(out).toEqual([{ subjectId: 'p2', code: 'public_criticism', cascadedFrom: 'm1' }]);
  });

  it('respects each switch', () => {
    const m = [{ measureId: 'm1', subjectId: 'p3', code: 'written_explanation' as const }];
    expect(cascadeMeasures(m, all, { directToUnit: true }).map((x) => x.subjectId)).toEqual(['u1']);
    expect(cascadeMeasures(m, all, { directToLeaders: true }).map((x) => x.subjectId)).toEqual(['p1', 'p2']);
    expect(cascadeMeasures(m, all, { unitToLeaders: true })).toEqual([]);
  });
});
