// Chinese texts for every notice kind (通知文本). Pure functions: the same notice always renders the
// same text, so a retried delivery carries exactly what the first attempt carried.
import { MEASURE_NAMES } from '../../domain/policies';
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
};

export function noticeTitle(notice: Notice): string {
  if (notice.kind === 'urge' && notice.level !== undefined)
    return `第${chineseOrdinal(notice.level)}次催办通知`;
  if (notice.kind === 'warning') return '预警提醒（黄灯）';
  return KIND_TITLES[notice.kind];
}

function parts(instant: Date, timeZone: string): Record<string, string> {
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(fmt.formatToParts(instant).map((p) => [p.type, p.value]));
}

/** "2026年10月23日 23:59（北京时间）" */
export function formatLocalTime(iso: string, timeZone: string = DEFAULT_TIME_ZONE): string {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso;
  const p = parts(instant, timeZone);
  const zone = timeZone === 'Asia/Shanghai' ? '北京时间' : timeZone;
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日 ${p.hour}:${p.minute}（${zone}）`;
}

/** "2026年10月24日" */
export function formatLocalDate(iso: string, timeZone: string = DEFAULT_TIME_ZONE): string {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso;
  const p = parts(instant, timeZone);
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
  const unitFirst = ['warning', 'urge', 'bulletin', 'item_event'].includes(notice.kind);
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

/** The opening paragraph: what this notice is about, by kind. */
function lead(notice: Notice, deadline: string | undefined): string {
  const item = itemRef(notice);
  const by = notice.office;
  const due = deadline ? `（${deadline}）` : '';
  switch (notice.kind) {
    case 'urge': {
      const n = notice.level !== undefined ? `第${chineseOrdinal(notice.level)}次` : '';
      return (
        `你单位承办的${item}已超过办理期限${due}，至今仍未办结。` +
        `${by ? `${by}` : ''}现对你单位进行${n}催办，请立即抓紧落实，并及时报送办理情况。`
      );
    }
    case 'bulletin': {
      const times = notice.level !== undefined ? `，已被催办${chineseCount(notice.level)}次` : '';
      const unit = notice.leadUnit ? `承办单位${notice.leadUnit.name}` : '承办单位';
      const within = deadline ? `未在办理期限（${deadline}）内办结` : '未按期办结';
      return `${by ?? '督查部门'}关于${item}办理情况的通报：${unit}${within}${times}，现予以通报。`;
    }
    case 'warning':
      return (
        `你单位承办的${item}即将到期${due}，现亮黄灯预警。请抓紧办理，按期报送办结报告；` +
        '确需延期办理的，须在期限届满前提出申请并说明原因。'
      );
    case 'case_opened':
      return `因${item}经催办后仍未落实，${by ? `${by}` : ''}决定启动问责程序，立案为${caseRef(notice)}。请有关单位和人员配合调查核实。`;
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
