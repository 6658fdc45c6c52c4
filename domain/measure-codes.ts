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
  'demotion', // 降职/待岗
  'disciplinary_recommendation', // 建议党纪政纪处分
  'organizational_handling', // 组织处理
  'fine', // 罚款
] as const;
