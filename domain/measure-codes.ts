// The measure catalogue's codes (问责措施), plain data: the schemas validate with it at the API and
// the workflows check a hand-made start with it (no zod in the workflow bundle).
export const MEASURE_CODES = [
  'rectify_within_deadline', // 责令限期整改
  'written_explanation', // 书面说明
  'written_self_criticism', // 书面检查
  'public_criticism', // 通报批评
  'disqualify_awards', // 取消评优评先资格
  'admonition_talk', // 诫勉谈话
  'public_apology', // 公开道歉
  'reassignment', // 调整工作岗位
  'suspension', // 停职检查
  'resignation', // 引咎辞职/责令辞职
  'removal', // 免职
  'dismissal', // 辞退/解聘
  'demotion', // 降职/待岗 (S3 §五)
  'disciplinary_recommendation', // 建议党纪政纪处分 (a recommendation, not the sanction)
  'disciplinary_action', // 党纪政纪处分 (the sanction itself, S1 §五)
  'organizational_handling', // 组织处理
  'organizational_criticism', // 组织批评 (S5)
  'fine', // 罚款
] as const;

export type MeasureCodeName = (typeof MEASURE_CODES)[number];
export type MeasureSubjects = 'unit' | 'person' | 'both';

/**
 * Whom each measure can reach by its nature, whatever a policy says: a unit cannot be talked to
 * (诫勉谈话) or removed from office (免职); a person cannot be disqualified as an advanced unit but may
 * lose 评优评先 (S4 §四(五)1). A policy narrows this with `appliesTo`, never widens it.
 */
export const MEASURE_SUBJECTS: Readonly<Record<MeasureCodeName, MeasureSubjects>> = {
  rectify_within_deadline: 'both',
  written_explanation: 'both',
  written_self_criticism: 'both',
  public_criticism: 'both',
  disqualify_awards: 'both',
  admonition_talk: 'person',
  public_apology: 'both',
  reassignment: 'person',
  suspension: 'person',
  resignation: 'person',
  removal: 'person',
  dismissal: 'person',
  demotion: 'person',
  disciplinary_recommendation: 'person',
  disciplinary_action: 'person',
  organizational_handling: 'person',
  organizational_criticism: 'person',
  fine: 'both',
};

/** whether a measure may reach a subject of `kind` by its nature */
export const fitsKind = (code: string, kind: 'unit' | 'person'): boolean => {
  const fits = (MEASURE_SUBJECTS as Record<string, MeasureSubjects | undefined>)[code];
  return fits === 'both' || fits === kind;
};
