// The exports: the item list as .xlsx and CSV, and the year's accountability register with the annual
// assessment sheet as .xlsx. Rows are written as the record's pages arrive and each is committed at
// once (exceljs' streaming WorkbookWriter), so a 10,000-item export never holds the whole list; the
// writer waits whenever the client reads slower than the record answers.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ExportItemRow, LedgerRecordRow } from '../record/store';
import { toLedgerEvent } from '../record/store';
import { LIGHT_NAMES, SOURCE_NAMES, STATUS_NAMES } from '../../domain/overview';
import { MEASURE_NAMES } from '../../domain/policies';
import { deriveRestrictions, RATING_NAMES } from '../../workflows/ledger-rules';
import { formatLocal } from '../../workflows/format';

export const ITEM_COLUMNS = [
  { header: '事项编号', key: 'id', width: 22 },
  { header: '事项名称', key: 'title', width: 40 },
  { header: '来源', key: 'source', width: 24 },
  { header: '牵头单位', key: 'lead', width: 18 },
  { header: '协办单位', key: 'assisting', width: 24 },
  { header: '交办时间', key: 'assigned', width: 18 },
  { header: '办理时限', key: 'deadline', width: 18 },
  { header: '状态', key: 'status', width: 10 },
  { header: '亮灯', key: 'light', width: 8 },
  { header: '催办次数', key: 'urges', width: 10 },
  { header: '办结时间', key: 'completed', width: 18 },
  { header: '是否按期', key: 'onTime', width: 10 },
] as const;

function itemCells(r: ExportItemRow, timeZone: string): (string | number)[] {
  const local = (iso?: string) => (iso ? formatLocal(iso, timeZone) : '');
  const source = [SOURCE_NAMES[r.sourceKind ?? 'other'] ?? r.sourceKind, r.sourceReference].filter(Boolean);
  return [
    r.id,
    r.title,
    source.join(' '),
    r.leadUnitName,
    r.assistingUnitNames.join('、'),
    local(r.assignedAt),
    local(r.deadlineAt),
    STATUS_NAMES[r.status] ?? r.status,
    LIGHT_NAMES[r.light] ?? r.light,
    r.urgeCount,
    local(r.completedAt),
    r.onTime === undefined ? '' : r.onTime ? '是' : '否',
  ];
}

async function drained(out: Writable): Promise<void> {
  if (out.writableNeedDrain) await once(out, 'drain');
}

export async function writeItemsXlsx(
  pages: AsyncIterable<ExportItemRow[]>,
  out: Writable,
  timeZone: string,
): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const ws = wb.addWorksheet('督办事项', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = ITEM_COLUMNS.map((c) => ({ ...c }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  let n = 0;
  for await (const page of pages) {
    for (const r of page) ws.addRow(itemCells(r, timeZone)).commit();
    n += page.length;
    await drained(out);
  }
  ws.commit();
  await wb.commit();
  return n;
}

// RFC 4180 quoting; a leading = + - @ is prefixed with ' so a spreadsheet never runs a cell as a formula.
function csvField(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function writeItemsCsv(
  pages: AsyncIterable<ExportItemRow[]>,
  out: Writable,
  timeZone: string,
): Promise<number> {
  // the BOM is what makes Excel read the file as UTF-8 instead of the system's code page
  out.write(`\uFEFF${ITEM_COLUMNS.map((c) => csvField(c.header)).join(',')}\r\n`);
  let n = 0;
  for await (const page of pages) {
    out.write(page.map((r) => `${itemCells(r, timeZone).map(csvField).join(',')}\r\n`).join(''));
    n += page.length;
    await drained(out);
  }
  return n;
}

const RATING_TEXT = (cap: string | undefined) => (cap ? (RATING_NAMES as Record<string, string>)[cap] : '');

/**
 * The year's register (台帐: one row per measure, revoked ones marked) and the assessment sheet (考核结果运用:
 * each subject with its restrictions, by the same pure rules as the ledger; a unit counts its staff's cases).
 */
export async function writeLedgerXlsx(rows: readonly LedgerRecordRow[], out: Writable, year: number) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const register = wb.addWorksheet(`${year}年问责台帐`, { views: [{ state: 'frozen', ySplit: 1 }] });
  register.columns = [
    { header: '问责对象', key: 'subject', width: 16 },
    { header: '类别', key: 'kind', width: 8 },
    { header: '所在单位', key: 'unit', width: 14 },
    { header: '问责措施', key: 'code', width: 20 },
    { header: '金额（元）', key: 'amount', width: 12 },
    { header: '决定日期', key: 'date', width: 12 },
    { header: '决定人', key: 'by', width: 14 },
    { header: '案件编号', key: 'case', width: 24 },
    { header: '督办事项', key: 'item', width: 22 },
    { header: '状态', key: 'status', width: 10 },
  ];
  register.getRow(1).font = { bold: true };
  register.getRow(1).commit();
  const STATUS = { executed: '已执行', revoked: '已撤销', amended: '已变更' } as const;
  for (const r of rows) {
    register
      .addRow([
        r.subjectName,
        r.subjectKind === 'person' ? '个人' : '单位',
        r.unitId ?? '',
        MEASURE_NAMES[r.code] ?? r.code,
        r.amount ?? '',
        r.date,
        r.decidedBy,
        r.caseId,
        r.itemId ?? '',
        STATUS[r.status],
      ])
      .commit();
  }
  register.commit();

  const sheet = wb.addWorksheet(`${year}年度考核结果运用`, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { header: '对象', key: 'subject', width: 16 },
    { header: '类别', key: 'kind', width: 8 },
    { header: '问责次数', key: 'cases', width: 10 },
    { header: '考核等次上限', key: 'cap', width: 14 },
    { header: '可评先进单位', key: 'advanced', width: 14 },
    { header: '依据', key: 'reasons', width: 70 },
  ];
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const subjects = new Map<string, { kind: 'person' | 'unit'; id: string; name: string }>();
  for (const r of rows)
    subjects.set(`${r.subjectKind}:${r.subjectId}`, {
      kind: r.subjectKind,
      id: r.subjectId,
      name: r.subjectName,
    });
  // a unit's staff count for it (S3 §五) even when the unit itself has no row of its own
  for (const r of rows)
    if (r.subjectKind === 'person' && r.unitId && !subjects.has(`unit:${r.unitId}`))
      subjects.set(`unit:${r.unitId}`, { kind: 'unit', id: r.unitId, name: r.unitId });
  for (const s of subjects.values()) {
    const own = rows.filter((r) => r.subjectKind === s.kind && r.subjectId === s.id).map(toLedgerEvent);
    const staff =
      s.kind === 'unit'
        ? rows
            .filter((r) => r.subjectKind === 'person' && r.unitId === s.id)
            .map((r) => ({ ...toLedgerEvent(r), viaStaff: true }))
        : [];
    const events = [...own, ...staff];
    const restrictions = deriveRestrictions(s.kind, events);
    const cases = new Set(events.filter((e) => !e.revoked).map((e) => e.caseId)).size;
    sheet
      .addRow([
        s.name,
        s.kind === 'person' ? '个人' : '单位',
        cases,
        s.kind === 'person' ? RATING_TEXT(restrictions.ratingCap) : '',
        s.kind === 'unit' ? (restrictions.advancedUnitEligible === false ? '否' : '是') : '',
        restrictions.reasons.map((r) => `${r.text}（${r.clause}）`).join('；'),
      ])
      .commit();
  }
  sheet.commit();
  await wb.commit();
}
