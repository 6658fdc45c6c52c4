// Chinese texts for every notice kind (通知文本). Pure functions: the same notice always renders the
// same text, so a retried delivery carries exactly what the first attempt carried.
import { MEASURE_NAMES } from '../../domain/policies';
import { localParts } from '../../workflows/format';
import type { Notice, NoticeKind } from '../../workflows/types';

export interface RenderedNotice {
  subject: string;
  text: string;
  html: string;
}

export interface RenderOptions {
  /** for deadlines given only as an instant; the organisation's zone */
  timeZone?: string;
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

type NoticeMeasure = NonNullable<Notice['measures']>[number];

const NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 1 → 一, 2 → 二 … for "第二次催办"; beyond ten the digits are kept. */
export function chineseOrdinal(n: number): string {
  return Number.isInteger(n) && n >= 0 && n <= 10 ? (NUMERALS[n] as string) : String(n);
}

/** A count: 2 → 两 ("催办两次"), otherwise as chineseOrdinal. */
export const chineseCount = (n: number): string => (n === 2 ? '两' : chineseOrdinal(n));

const KIND_TITLES: Record<NoticeKind, string> = {
  warning: '预警提醒',
  urge: '催办通知',
  bulletin: '督查通报',
  case_opened: '启动问责通知',
  case_step_overdue: '问责程序节点逾期提醒',
  case_decision: '问责决定',
  appeal_result: '申诉复查结果',
  item_event: '事项动态',
  assignment: '交办通知',
};

export function noticeTitle(notice: Notice): string {
  if (notice.kind === 'urge' && notice.level !== undefined)
    return `第${chineseOrdinal(notice.level)}次催办通知`;
  if (notice.kind === 'warning') return '预警提醒（黄灯）';
  return KIND_TITLES[notice.kind];
}

/** "2026年10月23日 23:59（北京时间）" */
export function formatLocalTime(iso: string, timeZone: string = DEFAULT_TIME_ZONE): string {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso;
  const p = localParts(instant, timeZone);
  const zone = timeZone === 'Asia/Shanghai' ? '北京时间' : timeZone;
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日 ${p.hour}:${p.minute}（${zone}）`;
}

/** "2026年10月24日" */
export function formatLocalDate(iso: string, timeZone: string = DEFAULT_TIME_ZONE): string {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso;
  const p = localParts(instant, timeZone);
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日`;
}

function deadlineText(notice: Notice, timeZone: string): string | undefined {
  if (notice.localDeadline) return notice.localDeadline;
  return notice.deadlineAt ? formatLocalTime(notice.deadlineAt, timeZone) : undefined;
}

const yuan = (amount: number): string => `${amount}元`;

/** One measure in Chinese: "张三：诫勉谈话", "责令作出书面检查（单位，罚款500元）", "罚款800元". */
export function describeMeasure(m: NoticeMeasure, names: ReadonlyMap<string, string> = new Map()): string {
  const name = MEASURE_NAMES[m.code] ?? m.code;
  let text: string;
  if (m.code === 'fine') {
    text = m.amount !== undefined ? `罚款${yuan(m.amount)}` : name;
  } else {
    const notes: string[] = [];
    if ('appliesTo' in m && m.appliesTo) notes.push(m.appliesTo === 'unit' ? '单位' : '个人');
    if (m.amount !== undefined) notes.push(`罚款${yuan(m.amount)}`);
    text = notes.length > 0 ? `${name}（${notes.join('，')}）` : name;
  }
  if ('subjectId' in m && m.subjectId) return `${names.get(m.subjectId) ?? m.subjectId}：${text}`;
  return text;
}

function addressee(notice: Notice): string {
  const people = notice.recipients.map((r) => r.name);
  const unitFirst = ['warning', 'urge', 'bulletin', 'item_event', 'assignment'].includes(notice.kind);
  if (unitFirst && notice.leadUnit) return notice.leadUnit.name;
  if (people.length === 0) return notice.leadUnit?.name ?? '有关单位和人员';
  return people.length > 5 ? `${people.slice(0, 5).join('、')}等` : people.join('、');
}

function itemRef(notice: Notice): string {
  if (notice.title) return `督办事项“${notice.title}”`;
  if (notice.itemId) return `督办事项（编号：${notice.itemId}）`;
  return '督办事项';
}

function caseRef(notice: Notice): string {
  return notice.caseId ? `问责案件（编号：${notice.caseId}）` : '问责案件';
}

/** How a manual urge (人工催办) was made, from `origin.kind`. */
export const URGE_METHODS: Record<string, string> = {
  phone: '电话催办',
  letter: '督办函',
  visit: '上门督办',
  on_site: '现场督办',
  interview: '约谈督办',
};

/** Where a case opened by hand came from (线索来源), from `origin.kind` (the `Source` kinds). */
export const ORIGIN_NAMES: Record<string, string> = {
  inspection: '督查检查发现',
  complaint: '群众投诉',
  media: '媒体曝光',
  leader_instruction: '领导批示',
  meeting_decision: '会议决定',
  document: '文件交办',
  deputy_proposal: '人大代表建议、政协委员提案',
  case_rectification: '问责整改落实情况',
  other: '其他途径',
};

/**
 * A case opened by a ladder level carries that level (and, for a manual urge, how it was made in
 * `origin`); a case without a level but with an origin was opened by hand.
 */
const openedByHand = (notice: Notice): boolean =>
  notice.kind === 'case_opened' &&
  notice.level === undefined &&
  notice.origin !== undefined &&
  notice.origin.kind !== 'escalation';

/** Why a level's case was opened: what the unit failed to do, and which urge (S4 §四(五)1–3). */
function escalationCause(notice: Notice, item: string): string {
  const n = `第${chineseOrdinal(notice.level ?? 0)}次催办`;
  switch (notice.reason) {
    case 'returned':
      return `${item}办结报告被退回重办（${n}）`;
    case 'missed_report':
      return `${item}逾期未报送进展情况（${n}）`;
    case 'manual':
      return `${item}尚未办结（${n}，${urgeMethod(notice)}）`;
    case 'deadline':
      return `${item}逾期未办结（${n}）`;
    default:
      return `${item}经催办后仍未落实（${n}）`;
  }
}

const withRef = (label: string, reference: string | undefined): string =>
  reference ? `${label}（${reference}）` : label;

function originText(notice: Notice): string | undefined {
  if (!notice.origin) return undefined;
  return withRef(ORIGIN_NAMES[notice.origin.kind] ?? '其他途径', notice.origin.reference);
}

function urgeMethod(notice: Notice): string {
  const label = URGE_METHODS[notice.origin?.kind ?? ''] ?? '人工催办';
  const note = notice.origin?.reference ?? notice.body;
  return note ? `${label}：${note}` : label;
}

/**
 * True unless the notice says it was decided before the deadline: an urge from a returned report or
 * a missed progress report may come long before it, and must not claim "已超过办理期限".
 */
function pastDeadline(notice: Notice): boolean {
  if (!notice.deadlineAt) return notice.reason === undefined || notice.reason === 'deadline';
  return Date.parse(notice.at) >= Date.parse(notice.deadlineAt);
}

/** Why the unit is urged: the first sentence of an urge, by reason. */
function urgeCause(notice: Notice, item: string, due: string): string {
  const late = pastDeadline(notice);
  const overdue = `已超过办理期限${due}`;
  const andLate = late ? `，且${overdue}` : '';
  switch (notice.reason) {
    case 'returned':
      return `你单位承办的${item}，所报办结报告经审核不符合办结要求，办结报告被退回重办${andLate}。`;
    case 'missed_report':
      return `你单位承办的${item}逾期未报送进展情况${andLate}。`;
    case 'interval': {
      const level = notice.level ?? 0;
      const previous = level > 1 ? `第${chineseOrdinal(level - 1)}次` : '前次';
      return `你单位承办的${item}${late ? `${overdue}，` : ''}经${previous}催办后仍未办结。`;
    }
    case 'manual':
      return `你单位承办的${item}${late ? `${overdue}，至今仍未办结` : '尚未办结'}。`;
    case 'instruction': {
      const instruction = withRef('领导批示', notice.origin?.reference);
      return `根据${instruction}要求，你单位承办的${item}须加快办理${late ? `，现已超过办理期限${due}` : ''}。`;
    }
    case 'deadline':
    case undefined:
      return `你单位承办的${item}${late ? `${overdue}，至今仍未办结` : '尚未办结'}。`;
  }
}

/** What the bulletin (通报) says the unit failed to do, by reason. */
function bulletinCause(notice: Notice, deadline: string | undefined): string {
  switch (notice.reason) {
    case 'returned':
      return '报送的办结报告被退回重办';
    case 'missed_report':
      return '逾期未报送进展情况';
    default:
      if (!pastDeadline(notice)) return '经催办后仍未办结';
      return deadline ? `未在办理期限（${deadline}）内办结` : '未按期办结';
  }
}

/** The opening paragraph: what this notice is about, by kind. */
function lead(notice: Notice, deadline: string | undefined): string {
  const item = itemRef(notice);
  const by = notice.office;
  const due = deadline ? `（${deadline}）` : '';
  switch (notice.kind) {
    case 'urge': {
      const n = notice.level !== undefined ? `第${chineseOrdinal(notice.level)}次` : '';
      const how = notice.reason === 'manual' ? `（${urgeMethod(notice)}）` : '';
      return (
        urgeCause(notice, item, due) +
        `${by ? `${by}` : ''}现对你单位进行${n}催办${how}，请立即抓紧落实，并及时报送办理情况。`
      );
    }
    case 'bulletin': {
      const times = notice.level !== undefined ? `，已被催办${chineseCount(notice.level)}次` : '';
      const unit = notice.leadUnit ? `承办单位${notice.leadUnit.name}` : '承办单位';
      return `${by ?? '督查部门'}关于${item}办理情况的通报：${unit}${bulletinCause(notice, deadline)}${times}，现予以通报。`;
    }
    case 'warning':
      return (
        `你单位承办的${item}即将到期${due}，现亮黄灯预警。请抓紧办理，按期报送办结报告；` +
        '确需延期办理的，须在期限届满前提出申请并说明原因。'
      );
    case 'case_opened': {
      const tail = `启动问责程序，立案为${caseRef(notice)}。请有关单位和人员配合调查核实。`;
      if (openedByHand(notice)) {
        const about = notice.title || notice.itemId ? `就${item}有关问题` : '';
        return `根据${originText(notice)}，${by ?? ''}决定${about}${tail}`;
      }
      if (notice.level === undefined) return `因${item}经催办后仍未落实，${by ?? ''}决定${tail}`;
      // a summary case (简易程序) goes straight to the decision: nothing to investigate
      const how =
        notice.procedure === 'summary'
          ? `启动本级问责（简易程序），立案为${caseRef(notice)}。问责决定作出前，有关单位和人员可说明情况。`
          : `启动本级问责程序，立案为${caseRef(notice)}。请有关单位和人员配合调查核实。`;
      return `因${escalationCause(notice, item)}，${by ?? ''}决定${how}`;
    }
    case 'case_step_overdue':
      return `${caseRef(notice)}的当前程序节点已超过规定期限${deadline ? `（${deadline}）` : ''}，请尽快办理。`;
    case 'case_decision':
      return notice.measures && notice.measures.length > 0
        ? `经调查核实，对${caseRef(notice)}作出问责决定如下。`
        : `经调查核实，对${caseRef(notice)}决定不予问责。`;
    case 'appeal_result':
      return `关于${caseRef(notice)}的申诉，复查结果如下。`;
    case 'item_event':
      return `${item}有新的办理动态：${notice.subject}。`;
    case 'assignment': {
      const lead = notice.leadUnit ? `由${notice.leadUnit.name}牵头办理` : '请你单位办理';
      return `现将${item}交办，${lead}${due ? `，办理期限${due}` : ''}。协办单位按分工配合，并及时报送协办情况。`;
    }
  }
}

function measuresLabel(kind: NoticeKind): string {
  return kind === 'case_decision' || kind === 'appeal_result' ? '问责措施' : '拟采取的问责措施';
}

interface Field {
  label: string;
  value: string;
}

function fields(notice: Notice, deadline: string | undefined): Field[] {
  const out: Field[] = [];
  if (notice.title || notice.itemId) {
    const id = notice.itemId ? `（编号：${notice.itemId}）` : '';
    out.push({ label: '督办事项', value: `${notice.title ?? ''}${id}` });
  }
  if (notice.caseId) out.push({ label: '问责案件', value: notice.caseId });
  if (notice.leadUnit) out.push({ label: '承办单位', value: notice.leadUnit.name });
  if (deadline) out.push({ label: '办理期限', value: deadline });
  if (notice.receiptSummary) out.push({ label: '期限说明', value: notice.receiptSummary });
  if (notice.kind === 'urge' && notice.level !== undefined) {
    out.push({ label: '催办次数', value: `第${chineseOrdinal(notice.level)}次` });
  }
  if (notice.kind === 'urge' && notice.reason === 'manual') {
    out.push({ label: '催办方式', value: URGE_METHODS[notice.origin?.kind ?? ''] ?? '人工催办' });
  }
  if (openedByHand(notice)) out.push({ label: '线索来源', value: originText(notice) as string });
  if (notice.body) out.push({ label: '说明', value: notice.body });
  return out;
}

function measureLines(notice: Notice): string[] {
  const names = new Map(notice.recipients.map((r) => [r.id, r.name]));
  if (notice.leadUnit) names.set(notice.leadUnit.id, notice.leadUnit.name);
  return (notice.measures ?? []).map((m) => describeMeasure(m, names));
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);

/** Renders a notice as an e-mail/webhook text: subject line, plain text and simple escaped HTML. */
export function renderNotice(notice: Notice, options: RenderOptions = {}): RenderedNotice {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const title = noticeTitle(notice);
  const deadline = deadlineText(notice, timeZone);
  const opening = lead(notice, deadline);
  const facts = fields(notice, deadline);
  const measures = measureLines(notice);
  const signature = [notice.office ?? '督查室', formatLocalDate(notice.at, timeZone)];
  const subject =
    notice.subject.trim() || `${title}：${notice.title ?? notice.caseId ?? notice.itemId ?? ''}`;

  const text = [
    title,
    '',
    `${addressee(notice)}：`,
    `    ${opening}`,
    '',
    ...facts.map((f) => `${f.label}：${f.value}`),
    ...(measures.length > 0
      ? ['', `${measuresLabel(notice.kind)}：`, ...measures.map((m, i) => `  ${i + 1}. ${m}`)]
      : []),
    ...(notice.next ? ['', `下一步：${notice.next}`] : []),
    '',
    ...signature,
  ].join('\n');

  const e = escapeHtml;
  const html = [
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>',
    `<h2>${e(title)}</h2>`,
    `<p>${e(addressee(notice))}：</p>`,
    `<p>${e(opening)}</p>`,
    facts.length > 0
      ? `<table>${facts.map((f) => `<tr><th align="left">${e(f.label)}</th><td>${e(f.value)}</td></tr>`).join('')}</table>`
      : '',
    measures.length > 0
      ? `<p>${e(measuresLabel(notice.kind))}：</p><ol>${measures.map((m) => `<li>${e(m)}</li>`).join('')}</ol>`
      : '',
    notice.next ? `<p><strong>下一步：</strong>${e(notice.next)}</p>` : '',
    `<p align="right">${signature.map(e).join('<br>')}</p>`,
    '</body></html>',
  ].join('');

  return { subject, text, html };
}
