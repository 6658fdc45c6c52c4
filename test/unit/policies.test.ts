// The presets read the rule books right: every measure says whom it fits, the new S5 preset, the
// grounds catalogues with codes (S1 §三, S3 §四, S4 §四(四)).
import { MEASURE_CODES, MEASURE_SUBJECTS } from '../../domain/measure-codes';
import { MEASURE_NAMES, POLICY_PRESETS } from '../../domain/policies';
import { resolveGrounds, resolvePolicy, UnknownGroundError } from '../../domain/resolve-policy';
import { Policy } from '../../domain/schemas';

const presets = Object.values(POLICY_PRESETS);
const measuresOf = (p: (typeof presets)[number]) => [
  ...p.reminders.flatMap((l) => l.measures),
  ...(p.unitMeasures ?? []),
  ...(p.personMeasures ?? []),
];

describe('the presets', () => {
  it.each(presets.map((p) => [p.name, p] as const))(
    '%s: every measure says whether it fits a unit, a person or both, within its nature',
    (_name, p) => {
      for (const m of measuresOf(p)) {
        const entry = typeof m === 'string' ? { code: m } : m;
        expect(entry.appliesTo).toBeDefined();
        const nature = MEASURE_SUBJECTS[entry.code];
        if (nature !== 'both') expect(entry.appliesTo).toBe(nature);
      }
      expect(() => Policy.parse(p)).not.toThrow();
    },
  );

  it('S4 (three-urges): summary for levels 1–2, formal for 3 (§四(五)1–4)', () => {
    expect(POLICY_PRESETS['three-urges']!.reminders.map((l) => l.procedure)).toEqual([
      'summary',
      'summary',
      'formal',
    ]);
  });

  it('S5 (judicial-bureau): 组织批评, 诫勉谈话, 通报批评, 限期整改', () => {
    const codes = new Set(measuresOf(POLICY_PRESETS['judicial-bureau']!).map((m) => m.code));
    expect([...codes].sort()).toEqual(
      ['admonition_talk', 'organizational_criticism', 'public_criticism', 'rectify_within_deadline'].sort(),
    );
  });

  it('S3 (enterprise-key-work): fines reach 责任人 too (§三) and 降职/待岗 is available (§五)', () => {
    const p = POLICY_PRESETS['enterprise-key-work']!;
    expect(p.personMeasures!.find((m) => m.code === 'written_self_criticism')?.amount).toBe(500);
    expect(p.personMeasures!.some((m) => m.code === 'demotion')).toBe(true);
  });

  it('S1 (street-office) lists the sanction itself beside its recommendation (§二, §五)', () => {
    const codes = POLICY_PRESETS['street-office']!.personMeasures!.map((m) => m.code);
    expect(codes).toEqual(expect.arrayContaining(['disciplinary_recommendation', 'disciplinary_action']));
  });

  it('every code has a Chinese name', () => {
    for (const code of MEASURE_CODES) expect(MEASURE_NAMES[code]).toBeDefined();
    expect(MEASURE_NAMES.organizational_criticism).toBe('组织批评');
    expect(MEASURE_NAMES.disciplinary_action).toBe('党纪政纪处分');
  });
});

describe('grounds (问责情形) from the policy catalogue', () => {
  it.each([
    ['street-office', 11, 'S1 §三'],
    ['three-urges', 10, 'S4 §四(四)'],
    ['enterprise-key-work', 10, 'S3 §四'],
  ])('%s carries %i coded grounds (%s)', (name, n) => {
    const grounds = POLICY_PRESETS[name]!.grounds!;
    expect(grounds).toHaveLength(n);
    expect(grounds.every((g) => typeof g !== 'string' && g.code && g.text)).toBe(true);
  });

  it('every level of a preset cites grounds its catalogue has; a level citing an unknown code is refused at that field', () => {
    for (const p of presets) {
      for (const level of p.reminders) {
        for (const code of level.grounds ?? []) {
          expect([p.name, code, p.grounds?.some((g) => typeof g !== 'string' && g.code === code)]).toEqual([
            p.name,
            code,
            true,
          ]);
        }
      }
    }
    // S1, S3 and S4 cite theirs on every level; S2 and S5 have no catalogue to cite
    for (const name of ['street-office', 'enterprise-key-work', 'three-urges']) {
      expect(POLICY_PRESETS[name]!.reminders.every((l) => (l.grounds ?? []).length > 0)).toBe(true);
    }
    const bad = structuredClone(POLICY_PRESETS['three-urges']!);
    bad.reminders[1]!.grounds = ['S4-4', 'S1-3'];
    const r = Policy.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['reminders.1.grounds.1']);
  });

  it('codes become their Chinese text, with free text beside them; plain strings still accepted', () => {
    const policy = resolvePolicy('three-urges');
    const r = resolveGrounds([{ code: 'S4-4', text: '三次催办仍未落实' }, '群众投诉属实'], policy);
    expect(r).toEqual({
      grounds: ['办事拖拉、推诿扯皮（三次催办仍未落实）', '群众投诉属实'],
      codes: ['S4-4'],
    });
    expect(() => resolveGrounds(['x', { code: 'S1-3' }], policy)).toThrow(UnknownGroundError);
  });
});
