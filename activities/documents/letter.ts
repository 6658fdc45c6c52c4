// 督办函 / 催办单 (S2 §五1 以电话催办或督办函的形式; S4 §四(五)): addressed to the lead unit, citing the
// item, its source, the deadline and how it was computed (the receipt), what is overdue, and the
// measures that follow if it stays undone (the next level of the item's own policy).
import { MEASURE_NAMES } from '../../domain/policies';
import { SOURCE_NAMES } from '../../domain/overview';
import { formatLocal, nth } from '../../workflows/format';
import {
  addressee,
  body,
  chineseDate,
  copyTo,
  docNumber,
  masthead,
  render,
  signature,
  title,
} from './layout';

export interface LetterLevel {
  level: number;
  name: string;
  noticeBy: string;
  measures: string[];
}

export interface LetterData {
  office: string;
  numberPrefix: string;
  serial?: number;
  issuedOn: string;
  timeZone: string;
  item: {
    id: string;
    title: string;
    source: { kind?: string; reference?: string };
    leadUnit: string;
    principal?: string;
    assignedAt: string;
    deadlineAt?: string;
    receipt?: { rule?: string; summary?: string };
  };
  /** the urge this letter carries */
  urge: LetterLevel & { at: string; reason: string };
  /** the level after it, if the policy has one */
  next?: LetterLevel;
}

const measureList = (codes: readonly string[]) => codes.map((c) => `“${MEASURE_NAMES[c] ?? c}”`).join('或');

/** The body's paragraphs (exported: the tests read them back). */
export function letterParagraphs(d: LetterData): string[] {
  const it = d.item;
  const source = [SOURCE_NAMES[it.source.kind ?? 'other'] ?? it.source.kind, it.source.reference]
    .filter(Boolean)
    .join('，');
  const deadline = it.deadlineAt ? formatLocal(it.deadlineAt, d.timeZone) : '规定时限';
  const receipt = it.receipt?.summary ? `（${it.receipt.summary}）` : '';
  const rule = it.receipt?.rule ? `按照${it.receipt.rule}的办理时限，` : '';
  const urgeDate = chineseDate(formatLocal(d.urge.at, d.timeZone).slice(0, 10));
  const late =
    it.deadlineAt && Date.parse(d.urge.at) > Date.parse(it.deadlineAt)
      ? `已超过办理时限${Math.ceil((Date.parse(d.urge.at) - Date.parse(it.deadlineAt)) / 86_400_000)}天`
      : '';
  const why =
    d.urge.reason === 'returned'
      ? '因报送的办理情况质量不高被退回重办，'
      : d.urge.reason === 'interval'
        ? '经催办后'
        : '';
  const proposed = d.urge.measures.length
    ? `依照规定，本次视情节对责任人采用${measureList(d.urge.measures)}方式进行问责。`
    : '';
  const next = d.next
    ? `如${d.next.name}时仍未办结，将由${d.next.noticeBy}进行通报，` +
      (d.next.measures.length
        ? `并视情节对责任人采用${measureList(d.next.measures)}方式进行问责`
        : '并启动问责程序') +
      '。'
    : '如仍未办结，将按照问责程序严肃追究相关单位和人员的责任。';
  return [
    `${chineseDate(formatLocal(it.assignedAt, d.timeZone).slice(0, 10))}，交由你单位牵头办理“${it.title}”` +
      `（事项编号：${it.id}；来源：${source}）。${rule}该事项应于${deadline}前办结${receipt}。`,
    `截至${urgeDate}，该事项${why}仍未办结${late ? `，${late}` : ''}。现对你单位进行${d.urge.name}，由${d.urge.noticeBy}予以通报。${proposed}`,
    `请你单位接函后高度重视，主要负责人亲自督促，立即组织办理，并于3个工作日内将办理情况书面报送${d.office}。${next}`,
  ];
}

export function buildLetter(d: LetterData): Promise<Buffer> {
  const year = d.issuedOn.slice(0, 4);
  const serial = d.serial === undefined ? '　　' : String(d.serial);
  return render(
    [
      masthead('督 办 函'),
      docNumber(`${d.numberPrefix}〔${year}〕${serial}号`),
      title(`关于督促办理“${d.item.title}”的函`),
      addressee(`${d.item.leadUnit}：`),
      ...letterParagraphs(d).map(body),
      ...signature(d.office, chineseDate(d.issuedOn)),
      copyTo(
        d.item.principal
          ? [`${d.item.leadUnit}主要负责人${d.item.principal}`]
          : [`${d.item.leadUnit}主要负责人`],
      ),
    ],
    { title: `督办函 ${d.item.id} ${nth(d.urge.level)}催办`, creator: d.office },
  );
}
