// Policy presets taken from the rule books in shared/seeds (S1–S5). A policy is data: the workflow
// interprets whatever validated policy it is given; these are only the named starting points.
import type { Policy } from './schemas';

/** S4 丽江市 §四(五): the default three-urge ladder. */
const threeUrges: Policy = {
  name: 'three-urges',
  title: '三次催办（丽江市加大督查问责力度的通知）',
  source: 'S4 §三(一) 15个工作日办结; §四(四) 问责内容; §四(五) 问责方式',
  warnBefore: { workingDays: 3 },
  clockStopsDuringReview: true,
  // S4 §四(四) 行政问责的主要内容
  grounds: [
    { code: 'S4-1', text: '有令不行、有禁不止' },
    { code: 'S4-2', text: '独断专行、决策失误' },
    { code: 'S4-3', text: '滥用职权、违法行政' },
    { code: 'S4-4', text: '办事拖拉、推诿扯皮' },
    { code: 'S4-5', text: '不求进取、平庸无为' },
    { code: 'S4-6', text: '欺上瞒下、弄虚作假' },
    { code: 'S4-7', text: '态度冷漠、作风粗暴' },
    { code: 'S4-8', text: '铺张浪费、攀比享受' },
    { code: 'S4-9', text: '暗箱操作、逃避监督' },
    { code: 'S4-10', text: '监管不力、处置不当' },
  ],
  reminders: [
    {
      name: '第一次催办',
      after: { workingDays: 0 },
      notice: { by: '市政府督查室' },
      // 视情节对责任人采用: the person measures; the unit is answered by the bulletin (通报)
      measures: [
        { code: 'admonition_talk', appliesTo: 'person' },
        { code: 'disqualify_awards', appliesTo: 'person' },
      ],
      procedure: 'summary',
      grounds: ['S4-4'],
      clause: 'S4 §四(五)1: 逾期不报、被催办一次或退回重办 → 督查室通报，诫勉谈话或取消当年评优评先资格',
    },
    {
      name: '第二次催办',
      // The seeds do not fix the interval between urges: three working days is our default.
      after: { workingDays: 3 },
      notice: { by: '市政府办公室' },
      measures: [
        { code: 'written_self_criticism', appliesTo: 'person' },
        { code: 'public_criticism', appliesTo: 'person' },
      ],
      procedure: 'summary',
      grounds: ['S4-4'],
      clause: 'S4 §四(五)2: 被催办两次仍落实不力 → 政府办公室通报，责令书面检查或通报批评',
    },
    {
      name: '第三次催办',
      after: { workingDays: 3 },
      notice: { by: '市政府办公室' },
      measures: [
        { code: 'public_apology', appliesTo: 'person' },
        { code: 'reassignment', appliesTo: 'person' },
      ],
      procedure: 'formal',
      // three urges ignored: 有令不行 as well as 办事拖拉
      grounds: ['S4-1', 'S4-4'],
      clause:
        'S4 §四(五)3: 催办三次仍没有落实 → 政府办公室通报，责令公开道歉或调整工作岗位; §四(六) 启动问责程序',
    },
  ],
};

/** S2 九江市 §五: efficiency supervision → bulletin → accountability → assessment. */
const efficiencySupervision: Policy = {
  name: 'efficiency-supervision',
  title: '效能督办（九江市重大项目跟踪督查问责办法）',
  source: 'S2 §四 报批、开工、实施三个环节; §五 督查问责方式',
  warnBefore: { workingDays: 3 },
  clockStopsDuringReview: true,
  reminders: [
    {
      name: '效能督办',
      after: { workingDays: 0 },
      notice: { by: '市效能办' },
      measures: [{ code: 'rectify_within_deadline', appliesTo: 'unit' }],
      clause: 'S2 §五1: 以电话催办或督办函的形式督促整改',
    },
    {
      name: '效能通报',
      after: { workingDays: 5 },
      notice: { by: '市效能办（必要时媒体公开曝光）' },
      measures: [{ code: 'public_criticism', appliesTo: 'unit' }],
      clause: 'S2 §五2: 经督办仍未作出实质性整改 → 效能通报，必要时通过媒体公开曝光',
    },
    {
      name: '效能问责',
      after: { workingDays: 5 },
      notice: { by: '重大项目跟踪督查问责领导小组办公室' },
      measures: [
        { code: 'written_self_criticism', appliesTo: 'both' },
        { code: 'admonition_talk', appliesTo: 'person' },
        { code: 'public_criticism', appliesTo: 'both' },
        { code: 'public_apology', appliesTo: 'both' },
        { code: 'suspension', appliesTo: 'person' },
        { code: 'resignation', appliesTo: 'person' },
        { code: 'removal', appliesTo: 'person' },
        { code: 'dismissal', appliesTo: 'person' },
      ],
      procedure: 'formal',
      clause: 'S2 §五3: 效能通报后仍整改不力 → 效能问责; §五4 效能考评记入台帐',
    },
  ],
};

/** S3 企业重点工作 §三: unit measures carry fines; accountability cascades. */
const enterpriseFines = [
  { code: 'rectify_within_deadline', amount: 100, appliesTo: 'unit' },
  { code: 'written_explanation', amount: 200, appliesTo: 'unit' },
  { code: 'written_self_criticism', amount: 500, appliesTo: 'unit' },
  { code: 'public_criticism', amount: 800, appliesTo: 'unit' },
  { code: 'disqualify_awards', amount: 1000, appliesTo: 'unit' },
] as const satisfies Policy['unitMeasures'];

const enterpriseKeyWork: Policy = {
  name: 'enterprise-key-work',
  title: '企业重点工作督办问责（试行）',
  source: 'S3 §三 问责形式; §五 结果运用',
  warnBefore: { workingDays: 3 },
  clockStopsDuringReview: true,
  unitMeasures: [...enterpriseFines],
  // 对责任单位和责任人的处罚金额: the same form carries the same amount for a person (诫勉谈话 is unpriced)
  personMeasures: [
    { code: 'admonition_talk', appliesTo: 'person' },
    { code: 'written_explanation', amount: 200, appliesTo: 'person' },
    { code: 'written_self_criticism', amount: 500, appliesTo: 'person' },
    { code: 'public_criticism', amount: 800, appliesTo: 'person' },
    // S3 §五: 按照干部管理权限，由有关部门降职或待岗
    { code: 'demotion', appliesTo: 'person' },
  ],
  cascade: { unitToLeaders: true, directToUnit: true, directToLeaders: true },
  // S3 §四 问责内容
  grounds: [
    { code: 'S3-1', text: '决策不当，思路不清，举措不力，造成工作局面难以打开或无法正常开展的' },
    { code: 'S3-2', text: '对党政联席会部署的工作和主要负责同志指示、专题会议纪要等拒不执行、消极应付的' },
    { code: 'S3-3', text: '遇到问题不及时沟通、协调、请示、报告，造成工作延误的' },
    { code: 'S3-4', text: '面对问题不敢担当，回避退让，问题迟迟得不到解决，影响工作进展的' },
    { code: 'S3-5', text: '明确牵头负责的，组织协调不力或推诿扯皮，影响工作推进的' },
    { code: 'S3-6', text: '弄虚作假、虚报浮夸，或瞒报、漏报、迟报重要情况，产生不良影响的' },
    {
      code: 'S3-7',
      text: '工作效率低下，未能按计划进度和时间节点要求有序推进的（受不可抗力因素影响的除外）',
    },
    { code: 'S3-8', text: '管理中存在严重问题，完成工作质量达不到要求和标准的' },
    { code: 'S3-9', text: '督办后整改不力或不予整改落实的' },
    { code: 'S3-10', text: '需要进行问责追究的其他行为（含协办单位不作为、慢作为、推诿扯皮）' },
  ],
  reminders: [
    {
      name: '第一次督办',
      after: { workingDays: 0 },
      notice: { by: '党政办' },
      measures: [enterpriseFines[0], enterpriseFines[1]],
      grounds: ['S3-7'],
      clause: 'S3 §六: 党政办负责督办; §三 责令限期执行整改 100元、书面说明 200元',
    },
    {
      name: '第二次督办',
      after: { workingDays: 3 },
      notice: { by: '党政办' },
      measures: [enterpriseFines[2], { code: 'admonition_talk', appliesTo: 'person' }],
      grounds: ['S3-9'],
      clause: 'S3 §三 书面检查 500元; 个人诫勉谈话',
    },
    {
      name: '问责',
      after: { workingDays: 3 },
      notice: { by: '党政办' },
      measures: [
        enterpriseFines[3],
        enterpriseFines[4],
        { code: 'public_criticism', amount: 800, appliesTo: 'person' },
      ],
      procedure: 'formal',
      grounds: ['S3-9'],
      clause: 'S3 §四(九) 督办后整改不力; §三 通报批评 800元、取消评先资格 1000元',
    },
  ],
};

/** S1 夫子庙街道 §二: unit and individual forms; §三 the eleven grounds. */
const streetOffice: Policy = {
  name: 'street-office',
  title: '街道问责办法（夫子庙街道）',
  source: 'S1 §二 问责形式; §三 问责内容; §五 结果运用',
  warnBefore: { workingDays: 3 },
  clockStopsDuringReview: true,
  unitMeasures: [
    { code: 'rectify_within_deadline', appliesTo: 'unit' },
    { code: 'written_self_criticism', appliesTo: 'unit' },
    { code: 'public_criticism', appliesTo: 'unit' },
    { code: 'disqualify_awards', appliesTo: 'unit' },
  ],
  personMeasures: [
    { code: 'admonition_talk', appliesTo: 'person' },
    { code: 'written_self_criticism', appliesTo: 'person' },
    { code: 'public_criticism', appliesTo: 'person' },
    { code: 'disciplinary_recommendation', appliesTo: 'person' },
    { code: 'organizational_handling', appliesTo: 'person' },
    // S1 §五 受到党政纪处分: recorded when the sanction itself is given (the street only recommends it)
    { code: 'disciplinary_action', appliesTo: 'person' },
  ],
  grounds: [
    { code: 'S1-1', text: '对上级指示精神阳奉阴违、拒不执行、消极应付的' },
    { code: 'S1-2', text: '决策不当，思路不清，措施不力，造成工作局面难以打开或无法正常开展的' },
    { code: 'S1-3', text: '效率低下，未能按计划进度和时间节点要求有序推进的（受不可抗力因素影响的除外）' },
    { code: 'S1-4', text: '面对问题不敢担当，回避矛盾和困难，相互推诿，影响工作进展的' },
    { code: 'S1-5', text: '遇到问题不及时沟通、协调、请示、报告，造成工作延误的' },
    { code: 'S1-6', text: '工作懈怠，协调不力，经督查督办后不整改或整改不力的' },
    { code: 'S1-7', text: '弄虚作假、虚报浮夸，或瞒报、漏报、迟报重要情况，产生不良影响的' },
    { code: 'S1-8', text: '因工作效率、服务质量等问题，多次受到同类问题投诉，经核查属实的' },
    { code: 'S1-9', text: '监管存在严重问题，完成工作质量达不到要求和标准的' },
    { code: 'S1-10', text: '工作推进中，引发群体性越级上访，处理失当，导致矛盾激化的' },
    { code: 'S1-11', text: '按规定应进行问责的其他事项' },
  ],
  reminders: [
    {
      name: '第一次督办',
      after: { workingDays: 0 },
      notice: { by: '街道督查办' },
      measures: [{ code: 'rectify_within_deadline', appliesTo: 'unit' }],
      grounds: ['S1-3'],
      clause: 'S1 §三3 未能按时间节点要求有序推进 → 责令限期整改',
    },
    {
      name: '第二次督办',
      after: { workingDays: 3 },
      notice: { by: '街道办事处' },
      measures: [
        { code: 'written_self_criticism', appliesTo: 'unit' },
        { code: 'admonition_talk', appliesTo: 'person' },
      ],
      grounds: ['S1-6'],
      clause: 'S1 §三6 经督查督办后不整改或整改不力 → 书面检查、诫勉谈话',
    },
    {
      name: '问责',
      after: { workingDays: 3 },
      notice: { by: '街道办事处' },
      measures: [
        { code: 'public_criticism', appliesTo: 'unit' },
        { code: 'disqualify_awards', appliesTo: 'unit' },
        { code: 'public_criticism', appliesTo: 'person' },
        { code: 'disciplinary_recommendation', appliesTo: 'person' },
      ],
      procedure: 'formal',
      grounds: ['S1-6'],
      clause: 'S1 §二 通报批评、取消年度评先资格、建议党纪政纪处分或组织处理',
    },
  ],
};

/** S5 孝南区司法局 查、追、改: 组织批评, 诫勉谈话, 通报批评 of the department, 限期整改. */
const judicialBureau: Policy = {
  name: 'judicial-bureau',
  title: '督查问责“查、追、改”（孝南区司法局）',
  source: 'S5 三 追责问责: 组织批评、诫勉谈话、通报批评、限期整改',
  warnBefore: { workingDays: 3 },
  clockStopsDuringReview: true,
  unitMeasures: [
    { code: 'public_criticism', appliesTo: 'unit' },
    { code: 'rectify_within_deadline', appliesTo: 'unit' },
  ],
  personMeasures: [
    { code: 'organizational_criticism', appliesTo: 'person' },
    { code: 'admonition_talk', appliesTo: 'person' },
  ],
  reminders: [
    {
      name: '第一次督办',
      after: { workingDays: 0 },
      notice: { by: '局治庸问责专班' },
      measures: [{ code: 'organizational_criticism', appliesTo: 'person' }],
      clause: 'S5 三: 完成工作不按时 → 组织批评',
    },
    {
      name: '第二次督办',
      after: { workingDays: 3 },
      notice: { by: '局治庸问责专班' },
      measures: [{ code: 'admonition_talk', appliesTo: 'person' }],
      clause: 'S5 三: 戒勉谈话',
    },
    {
      name: '追责问责',
      after: { workingDays: 3 },
      notice: { by: '局党组' },
      measures: [
        { code: 'public_criticism', appliesTo: 'unit' },
        { code: 'rectify_within_deadline', appliesTo: 'unit' },
      ],
      procedure: 'formal',
      clause: 'S5 三: 对存在内庸的部门通报批评，追查问责主要负责人，并要求限期整改',
    },
  ],
};

export const POLICY_PRESETS: Readonly<Record<string, Policy>> = {
  [threeUrges.name]: threeUrges,
  [efficiencySupervision.name]: efficiencySupervision,
  [enterpriseKeyWork.name]: enterpriseKeyWork,
  [streetOffice.name]: streetOffice,
  [judicialBureau.name]: judicialBureau,
};

export const DEFAULT_POLICY = threeUrges.name;

/** Measure names in Chinese, for notices and the UI. */
export const MEASURE_NAMES: Readonly<Record<string, string>> = {
  rectify_within_deadline: '责令限期整改',
  written_explanation: '责令作出书面说明',
  written_self_criticism: '责令作出书面检查',
  public_criticism: '通报批评',
  disqualify_awards: '取消评优评先资格',
  admonition_talk: '诫勉谈话',
  public_apology: '责令公开道歉',
  reassignment: '调整工作岗位',
  suspension: '停职检查',
  resignation: '引咎辞职/责令辞职',
  removal: '免职',
  dismissal: '辞退/解聘',
  demotion: '降职/待岗',
  disciplinary_recommendation: '建议给予党纪政纪处分',
  disciplinary_action: '党纪政纪处分',
  organizational_handling: '组织处理',
  organizational_criticism: '组织批评',
  fine: '罚款',
};
