import { cascadeMeasures } from '../../workflows/cascade';
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

  it('a unit measure reaches its principal and in-charge leaders, keeping the fine', () => {
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
