// Chinese words for the API's codes. An unknown code is shown as it is, never hidden.
import type { Schemas } from './api/client';
export const STATUS: Record<string, string> = {
  open: '办理中',
  warning: '临期预警',
  overdue: '已逾期',
  under_review: '待审核',
  paused: '已暂停',
  completed: '已办结',
  cancelled: '已撤销',
  awaiting_acknowledgement: '待签收',
  declined: '已退回交办',
};

export const LIGHT: Record<string, string> = { green: '绿灯', yellow: '黄灯', red: '红灯', grey: '已结束' };

/** the list rows carry the status only; the light follows from it as the workflow sets it */
export function lightOf(status: string | undefined): 'green' | 'yellow' | 'red' | 'grey' {
  if (status === 'overdue') return 'red';
  if (status === 'warning') return 'yellow';
  if (status === 'completed' || status === 'cancelled') return 'grey';
  return 'green';
}

export const ROLE: Record<string, string> = {
  staff: '督查室工作人员',
  manager: '督查室主任（领导）',
  ops: '运维',
  unit: '承办单位联络员',
};

export const SOURCE: Record<string, string> = {
  leader_instruction: '领导批示',
  meeting_decision: '会议决定事项',
  document: '文件',
  deputy_proposal: '人大建议、政协提案',
  inspection: '明察暗访',
  complaint: '检举控告、投诉',
  media: '媒体报道',
  case_rectification: '问责整改',
  other: '其他',
};

export const MEASURE: Record<string, string> = {
  rectify_within_deadline: '责令限期整改',
  written_explanation: '书面说明',
  written_self_criticism: '书面检查',
  public_criticism: '通报批评',
  disqualify_awards: '取消评优评先资格',
  admonition_talk: '诫勉谈话',
  public_apology: '公开道歉',
  reassignment: '调整工作岗位',
  suspension: '停职检查',
  resignation: '引咎辞职、责令辞职',
  removal: '免职',
  dismissal: '辞退、解聘',
  demotion: '降职、待岗',
  disciplinary_recommendation: '建议党纪政纪处分',
  disciplinary_action: '党纪政纪处分',
  organizational_handling: '组织处理',
  organizational_criticism: '组织批评',
  fine: '罚款',
};

/**
 * Every measure code the API accepts, exactly: a code the document adds or drops fails the
 * console's type check until this list follows (the fallback catalogue of the decision form).
 */
const MEASURE_CODE_SET = {
  rectify_within_deadline: true,
  written_explanation: true,
  written_self_criticism: true,
  public_criticism: true,
  disqualify_awards: true,
  admonition_talk: true,
  public_apology: true,
  reassignment: true,
  suspension: true,
  resignation: true,
  removal: true,
  dismissal: true,
  demotion: true,
  disciplinary_recommendation: true,
  disciplinary_action: true,
  organizational_handling: true,
  organizational_criticism: true,
  fine: true,
} satisfies Record<Schemas['MeasureCode'], true>;
export const MEASURE_CODES = Object.keys(MEASURE_CODE_SET) as Schemas['MeasureCode'][];

export const CASE_STAGE: Record<string, string> = {
  investigation: '调查核实',
  decision: '待决定',
  appeal_window: '申诉期',
  review: '复议复查',
  closed: '已结案',
};

export const RATING: Record<string, string> = {
  excellent: '优秀',
  competent: '称职',
  basically_competent: '基本称职',
  incompetent: '不称职',
};

export const ACTION: Record<string, string> = {
  created: '交办',
  warned: '临期预警',
  overdue: '逾期',
  urged: '催办',
  stage_started: '进入节点',
  stage_completed: '节点办结',
  completed: '办结',
  progress_report: '报送进展',
  final_report: '报送办结报告',
  report_accepted: '审核通过',
  report_returned: '退回重办',
  extension_requested: '申请延期',
  extension_approved: '同意延期',
  extension_rejected: '不同意延期',
  paused: '暂停',
  resumed: '恢复',
  cancelled: '撤销',
  case_opened: '启动问责',
  opened: '启动问责',
  investigation_submitted: '调查核实',
  decided_impose: '作出问责决定',
  decided_dismiss: '决定不予问责',
  measure_executed: '执行问责措施',
  measure_revoked: '撤销问责措施',
  appeal_filed: '提出申诉',
  reviewed_uphold: '复查：维持',
  reviewed_revoke: '复查：撤销',
  reviewed_amend: '复查：变更',
  rectification_started: '启动限期整改',
  rectification_finished: '整改结束',
  step_overdue_reminded: '程序节点逾期提醒',
  closed: '结案',
  ledger_write_failed: '台帐写入失败',
  instruction: '领导批示',
  delivery_failed: '通知发送失败',
  system: '系统',
};

export const REMINDER_REASON: Record<string, string> = {
  deadline: '逾期',
  interval: '逾期未改',
  returned: '退回重办',
};

export const word = (table: Record<string, string>, code: string | undefined): string =>
  code === undefined ? '—' : (table[code] ?? code);
