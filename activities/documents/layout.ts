// The usual layout of a Chinese official document (公文, after GB/T 9704), as `docx` building blocks:
// a red masthead over a red rule, the 文号, a title in 小标宋 二号, a body in 仿宋 三号 with two-character
// indents, the sender and date at the right, and 抄送 between two rules at the end. The fonts are the
// ones offices have; a machine without them substitutes (LibreOffice picks Noto CJK).
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type ISectionOptions,
} from 'docx';

const BODY_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '仿宋_GB2312' };
const TITLE_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '方正小标宋简体' };
const HEADING_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '黑体' };
const RED = 'C00000';
// sizes are half-points: 三号 16 pt, 二号 22 pt, 四号 14 pt, 五号 10.5 pt
const SIZE = { body: 32, title: 44, small: 28, table: 21, masthead: 64 };
const INDENT = { firstLine: 640 }; // two characters of 三号, in twips

export const masthead = (text: string): Paragraph =>
  new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { after: 240 },
    children: [new TextRun({ text, font: TITLE_FONT, size: SIZE.masthead, color: RED, bold: true })],
  });

/** the 文号, centred over the red rule */
export const docNumber = (text: string): Paragraph =>
  new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { after: 360 },
    border: { bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: 8 } },
    children: [new TextRun({ text, font: BODY_FONT, size: SIZE.body })],
  });

export const title = (text: string): Paragraph =>
  new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { before: 240, after: 360, line: 560 },
    children: [new TextRun({ text, font: TITLE_FONT, size: SIZE.title })],
  });

export const addressee = (text: string): Paragraph =>
  new Paragraph({
    spacing: { line: 560 },
    children: [new TextRun({ text, font: BODY_FONT, size: SIZE.body })],
  });

export const body = (text: string): Paragraph =>
  new Paragraph({
    indent: INDENT,
    spacing: { line: 560 },
    children: [new TextRun({ text, font: BODY_FONT, size: SIZE.body })],
  });

/** a level-one heading of the body: 一、二、… in 黑体, kept on the page of what it heads */
export const heading = (text: string): Paragraph =>
  new Paragraph({
    indent: INDENT,
    spacing: { line: 560 },
    keepNext: true,
    children: [new TextRun({ text, font: HEADING_FONT, size: SIZE.body })],
  });

/** the sender and the date, right-aligned, after a blank line */
export const signature = (sender: string, date: string): Paragraph[] => [
  new Paragraph({ spacing: { line: 560 }, children: [] }),
  new Paragraph({
    alignment: AlignmentType.RIGHT,
    indent: { right: 1280 },
    spacing: { line: 560 },
    children: [new TextRun({ text: sender, font: BODY_FONT, size: SIZE.body })],
  }),
  new Paragraph({
    alignment: AlignmentType.RIGHT,
    indent: { right: 1280 },
    spacing: { line: 560, after: 480 },
    children: [new TextRun({ text: date, font: BODY_FONT, size: SIZE.body })],
  }),
];

/** 抄送 between a thin rule above and below, in 四号 */
export const copyTo = (names: readonly string[]): Paragraph =>
  new Paragraph({
    spacing: { before: 240, line: 440 },
    border: {
      top: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 4 },
      bottom: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 4 },
    },
    children: [new TextRun({ text: `抄送：${names.join('，')}。`, font: BODY_FONT, size: SIZE.small })],
  });

const cell = (
  text: string,
  header: boolean,
  align: 'left' | 'center' | 'right',
  width: number | undefined,
): TableCell =>
  new TableCell({
    ...(width !== undefined ? { width: { size: width, type: WidthType.DXA } } : {}),
    children: [
      new Paragraph({
        alignment:
          align === 'center'
            ? AlignmentType.CENTER
            : align === 'right'
              ? AlignmentType.RIGHT
              : AlignmentType.LEFT,
        children: [new TextRun({ text, font: header ? HEADING_FONT : BODY_FONT, size: SIZE.table })],
      }),
    ],
  });

// the text block between the margins of render(): 210 − 28 − 26 mm, in twips
const TEXT_WIDTH = Math.round((156 / 25.4) * 1440);

/**
 * A full-width table; the first column reads left, the figures centred. `weights` share the width
 * out (a unit's name needs more room than a count; equal columns wrapped "市住建局" and "100.0%").
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  weights?: readonly number[],
): Table {
  const sum = weights?.reduce((a, b) => a + b, 0) ?? 0;
  const widths = weights?.map((w) => Math.floor((TEXT_WIDTH * w) / sum));
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    ...(widths ? { columnWidths: widths, layout: TableLayoutType.FIXED } : {}),
    rows: [
      new TableRow({
        tableHeader: true,
        children: headers.map((h, i) => cell(h, true, 'center', widths?.[i])),
      }),
      ...rows.map(
        (r) =>
          new TableRow({
            children: r.map((v, i) => cell(String(v), false, i === 0 ? 'left' : 'center', widths?.[i])),
          }),
      ),
    ],
  });
}

/** An A4 document with the 公文 margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm). */
export function render(children: ISectionOptions['children'], meta: { title: string; creator: string }) {
  const mm = (n: number) => Math.round((n / 25.4) * 1440);
  const doc = new Document({
    title: meta.title,
    creator: meta.creator,
    sections: [
      {
        properties: {
          page: {
            size: { width: mm(210), height: mm(297) },
            margin: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) },
          },
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** "2026年3月31日" */
export function chineseDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** 0.3333 → "33.3%"; no rate → "—" */
export const percent = (rate: number | null): string =>
  rate === null ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
