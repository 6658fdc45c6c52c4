// Policy presets taken from the rule books in shared/seeds (S1–S5). A policy is data: the workflow
// interprets whatever validated policy it is given; these are only the named starting points.
import type { Policy } from './schemas';

/** S4 丽江市 §四(五): the default three-urge ladder. */
const threeUrges: Policy = {
  name: 'three-urges',
  title: '三次催办（丽江市加大督查问责力度的通知）',
  source: 'S4 §三(一) 15个工作日办结; §四(五) 问责方式',
  warnBefore: { workingDays: 3 },
  clockStopsDuringReview: true,
  reminders: [
    {
      name: '第一次催办',
      after: { workingDays: 0 },
      notice: { by: '市政府督查室' },
      measures: [{ code: 'admonition_talk' }, { code: 'disqualify_awards' }],
      clause: 'S4 §四(五)1: 逾期不报、被催办一次或退回重办 → 督查室通报，诫勉谈话或取消当年评优评先资格',
    },
    {
      name: '第二次催办',
      // The seeds do not fix the interval between urges: three working days is our default.
      after: { workingDays: 3 },
      notice: { by: '市政府办公室' },
      measures: [{ code: 'written_self_criticism' }, { code: 'public_criticism' }],
      clause: 'S4 §四(五)2: 被催办两次仍落实不力 → 政府办公室通报，责令书面检查或通报批评',
    },
    {
      name: '第三次催办',
      after: { workingDays: 3 },
      notice: { by: '市政府办公室' },
      measures: [{ code: 'public_apology' }, { code: 'reassignment' }],
      openCase: true,
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
      measures: [{ code: 'rectify_within_deadline' }],
      clause: 'S2 §五1: 以电话催办或督办函的形式督促整改',
    },
    {
      name: '效能通报',
      after: { workingDays: 5 },
      notice: { by: '市效能办（必要时媒体公开曝光）' },
      measures: [{ code: 'public_criticism' }],
      clause: 'S2 §五2: 经督办仍未作出实质性整改 → 效能通报，必要时通过媒体公开曝光',
    },
    {
      name: '效能问责',
      after: { workingDays: 5 },
      notice: { by: '重大项目跟踪督查问责领导小组办公室' },
      measures: [
        { code: 'written_self_criticism' },
        { code: 'admonition_talk' },
        { code: 'public_criticism' },
        { code: 'public_apology' },
        { code: 'suspension' },
        { code: 'resignation' },
        { code: 'removal' },
        { code: 'dismissal' },
      ],
      openCase: true,
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
  personMeasures: [
    { code: 'admonition_talk', appliesTo: 'person' },
    { code: 'written_explanation', appliesTo: 'person' },
    { code: 'written_self_criticism', appliesTo: 'person' },
    { code: 'public_criticism', appliesTo: 'person' },
  ],
  cascade: { unitToLeaders: true, directToUnit: true, directToLeaders: true },
  reminders: [
    {
      name: '第一次督办',
      after: { workingDays: 0 },
      notice: { by: '党政办' },
      measures: [enterpriseFines[0], enterpriseFines[1]],
      clause: 'S3 §六: 党政办负责督办; §三 责令限期执行整改 100元、书面说明 200元',
    },
    {
      name: '第二次督办',
      after: { workingDays: 3 },
      notice: { by: '党政办' },
      measures: [enterpriseFines[2], { code: 'admonition_talk', appliesTo: 'person' }],
      clause: 'S3 §三 书面检查 500元; 个人诫勉谈话',
    },
    {
      name: '问责',
      after: { workingDays: 3 },
      notice: { by: '党政办' },
      measures: [enterpriseFines[3], enterpriseFines[4], { code: 'public_criticism', appliesTo: 'person' }],
      openCase: true,
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
  ],
  grounds: [
    '1、对上级指示精神阳奉阴违、拒不执行、消极应付的',
    '2、决策不当，思路不清，措施不力，造成工作局面难以打开或无法正常开展的',
    '3、效率低下，未能按计划进度和时间节点要求有序推进的（受不可抗力因素影响的除外）',
    '4、面对问题不敢担当，回避矛盾和困难，相互推诿，影响工作进展的',
    '5、遇到问题不及时沟通、协调、请示、报告，造成工作延误的',
    '6、工作懈怠，协调不力，经督查督办后不整改或整改不力的',
    '7、弄虚作假、虚报浮夸，或瞒报、漏报、迟报重要情况，产生不良影响的',
    '8、因工作效率、服务质量等问题，多次受到同类问题投诉，经核查属实的',
    '9、监管存在严重问题，完成工作质量达不到要求和标准的',
    '10、工作推进中，引发群体性越级上访，处理失当，导致矛盾激化的',
    '11、按规定应进行问责的其他事项',
  ],
  reminders: [
    {
      name: '第一次督办',
      after: { workingDays: 0 },
      notice: { by: '街道督查办' },
      measures: [{ code: 'rectify_within_deadline', appliesTo: 'unit' }],
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
      openCase: true,
      clause: 'S1 §二 通报批评、取消年度评先资格、建议党纪政纪处分或组织处理',
    },
  ],
};

export const POLICY_PRESETS: Readonly<Record<string, Policy>> = {
  [threeUrges.name]: threeUrges,
  [efficiencySupervision.name]: efficiencySupervision,
  [enterpriseKeyWork.name]: enterpriseKeyWork,
  [streetOffice.name]: streetOffice,
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
  organizational_handling: '组织处理',
  fine: '罚款',
};
