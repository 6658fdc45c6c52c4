// 督查通报 (S4 §三(一): 以《督查工作通报》等形式对重要督办事项进行通报): the period's figures, a table per
// unit, the overdue items by name and the accountability decided, built from the record only. The
// figures are the ones GET /v1/stats answers for the same period, from the same query.
import type { LedgerRecordRow, OverdueItemRow, StatsResult } from '../record/store';
import { MEASURE_NAMES } from '../../domain/policies';
import { formatLocal } from '../../workflows/format';
import {
  addressee,
  body,
  chineseDate,
  copyTo,
  docNumber,
  heading,
  masthead,
  percent,
  render,
  signature,
  table,
  title,
} from './layout';

export interface BulletinData {
  /** the issuing office, e.g. 市政府督查室 */
  office: string;
  /** the 文号's prefix, e.g. 督查通报 */
  numberPrefix: string;
  /** local dates, both included */
  period: { from: string; to: string };
  serial?: number;
  /** local date of issue */
  issuedOn: string;
  timeZone: string;
  stats: StatsResult;
  overdue: OverdueItemRow[];
  measures: (LedgerRecordRow & { itemTitle?: string })[];
  cc: readonly string[];
}

const periodText = (p: { from: string; to: string }) =>
  p.from === p.to ? chineseDate(p.from) : `${chineseDate(p.from)}至${chineseDate(p.to)}`;

/** The summary paragraph, written from the totals (exported: the tests read it back). */
export function bulletinSummary(d: Pick<BulletinData, 'period' | 'stats'>): string {
  const t = d.stats.totals;
  const measures = Object.values(t.measures).reduce((a, b) => a + b, 0);
  return (
    `${periodText(d.period)}，共交办督办事项${t.assigned}件、办结${t.completed}件（其中按期办结` +
    `${t.completedOnTime}件）、按期办结率${percent(t.onTimeRate)}、逾期未办结${t.overdueOpen}件；` +
    `期间催办${t.urges}次，退回重办${t.returned}件，启动问责${t.cases}起，落实问责措施${measures}项。` +
    `现将有关情况通报如下：`
  );
}

export const BULLETIN_TABLE_HEADERS = [
  '牵头单位',
  '交办',
  '办结',
  '按期办结',
  '按期办结率',
  '逾期未办结',
  '催办',
  '退回重办',
  '问责',
] as const;

export function buildBulletin(d: BulletinData): Promise<Buffer> {
  const year = d.issuedOn.slice(0, 4);
  const serial = d.serial === undefined ? '　　' : String(d.serial);
  const t = d.stats.totals;
  const row = (name: string, f: StatsResult['totals']) => [
    name,
    f.assigned,
    f.completed,
    f.completedOnTime,
    percent(f.onTimeRate),
    f.overdueOpen,
    f.urges,
    f.returned,
    f.cases,
  ];
  const overdue = d.overdue.length
    ? d.overdue.map((it, i) =>
        body(
          `${i + 1}. ${it.title}（牵头单位：${it.leadUnit.name}；办理时限：` +
            `${formatLocal(it.deadlineAt, d.timeZone)}；已催办${it.urgeCount}次）。`,
        ),
      )
    : [body('本期无逾期未办结事项。')];
  const measures = d.measures.length
    ? d.measures.map((m, i) =>
        body(
          `${i + 1}. ${m.subjectName}：${MEASURE_NAMES[m.code] ?? m.code}` +
            `${m.amount !== undefined ? `${m.amount}元` : ''}（${m.itemTitle ? `“${m.itemTitle}”，` : ''}` +
            `${chineseDate(m.date)}决定）。`,
        ),
      )
    : [body('本期未作出问责决定。')];
  return render(
    [
      masthead('督查工作通报'),
      docNumber(`${d.numberPrefix}〔${year}〕${serial}号`),
      title(`关于${periodText(d.period)}督办事项办理情况的通报`),
      addressee('各有关单位：'),
      body(bulletinSummary(d)),
      heading('一、各单位办理情况'),
      table(
        BULLETIN_TABLE_HEADERS,
        [...d.stats.groups.map((g) => row(g.name, g)), row('合计', t)],
        // 牵头单位, seven counts and the rate (the fifth column)
        [2.8, 1, 1, 1, 1.5, 1, 1, 1, 1],
      ),
      heading('二、逾期未办结事项'),
      ...overdue,
      heading('三、问责情况'),
      ...measures,
      heading('四、有关要求'),
      body(
        '请逾期未办结事项的承办单位主要负责人亲自过问，明确时限，抓紧办结，并将办理情况书面报送。' +
          '对逾期不报、被催办或退回重办的，将按照有关规定进行通报并启动问责程序。',
      ),
      ...signature(d.office, chineseDate(d.issuedOn)),
      copyTo(d.cc),
    ],
    { title: `督查工作通报 ${periodText(d.period)}`, creator: d.office },
  );
}
