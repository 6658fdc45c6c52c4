import { POLICY_PRESETS } from '../../domain/policies';
import { cascadeMeasures, chooseCascade, kindCatalogue } from '../../workflows/cascade';
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

  it('a unit measure reaches its principal and in-charge leaders, its amount with it (S3 §三 单位和责任人的处罚金额)', () => {
    const out = cascadeMeasures(
      [{ measureId: 'm1', subjectId: 'u1', code: 'public_criticism', amount: 800 }],
      all,
      { unitToLeaders: true },
    );
    expect(out).toEqual([
      { subjectId: 'p1', code: 'public_criticism', amount: 800, cascadedFrom: 'm1' },
      { subjectId: 'p2', code: 'public_criticism', amount: 800, cascadedFrom: 'm1' },
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

    it('prices each target from its own catalogue: S3 fines reach 责任人 too (S3 §三)', () => {
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
      // the leaders' 通报批评 is priced by the person catalogue (800 元), not lost on the way
      expect(toLeaders.map((m) => [m.subjectId, m.amount])).toEqual([
        ['p1', 800],
        ['p2', 800],
      ]);
    });

    it('drops a unit-only code for persons; a fine keeps its amount across kinds (S3 §三)', () => {
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
        ).map((m) => [m.subjectId, m.amount]),
      ).toEqual([
        ['p1', 300],
        ['p2', 300],
      ]);
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
    const out = cascadeMeasures(
      [{ measureId: 'm1', subjectId: 'p3', code: 'written_explanation' }],
      all,
      full,
    );
    expect(out.map((m) => m.subjectId).sort()).toEqual(['p1', 'p2', 'u1']);
    expect(out.every((m) => m.cascadedFrom === 'm1' && m.code === 'written_explanation')).toBe(true);
  });

  it('by its nature 诫勉谈话 never lands on a unit, even without a catalogue', () => {
    const out = cascadeMeasures([{ measureId: 'm1', subjectId: 'p3', code: 'admonition_talk' }], all, full);
    expect(out.map((m) => m.subjectId).sort()).toEqual(['p1', 'p2']);
  });

  it('is a proposal (S3 §三 可视情节轻重): the decider keeps or drops parts; no choice keeps all', () => {
    const proposed = cascadeMeasures(
      [{ measureId: 'm1', subjectId: 'p3', code: 'written_explanation' }],
      all,
      full,
    );
    expect(chooseCascade(proposed, undefined).kept).toHaveLength(3);
    const dropped = chooseCascade(proposed, { drop: [{ subjectId: 'u1', code: 'written_explanation' }] });
    expect(dropped.kept.map((m) => m.subjectId)).toEqual(['p1', 'p2']);
    expect(dropped.dropped.map((m) => m.subjectId)).toEqual(['u1']);
    const kept = chooseCascade(proposed, { keep: [{ subjectId: 'p1', code: 'written_explanation' }] });
    expect(kept.kept.map((m) => m.subjectId)).toEqual(['p1']);
    expect(chooseCascade(proposed, { keep: [] }).kept).toEqual([]);
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
