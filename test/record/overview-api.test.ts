// The overview routes on an embedded record: /v1/stats, the 督查通报 and 督办函 read back from their
// .docx, the exports read back with exceljs, and every period and filter validated. No Temporal: these
// routes read the record only, so the client is a stub that must never be called.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { openDatabase, type Db } from '../../activities/record/db';
import { createApp } from '../../api/app';
import { officialCalendar } from '../../domain/calendar/official';
import { TOKEN_ENTRIES, TOKENS } from '../helpers/api';
import { NOW, seedPeriod } from './overview-fixtures';

// the fixtures' two units: 乙局 leads i3 and i4 and assists i2; 甲局 leads the rest and its person 张三
// carries the period's measures
const UNIT_TOKENS = { 'unit-a': 'unit-a-token-0123456789abcdef', 'unit-b': 'unit-b-token-0123456789abcdef' };
const UNIT_ACCOUNTS = Object.entries(UNIT_TOKENS).map(([unit, token]) => ({
  token,
  actor: `liaison-${unit}`,
  role: 'unit' as const,
  unit,
}));

let db: Db;
const servers: Server[] = [];
let base = '';
let bare = '';

async function listen(record?: Db): Promise<string> {
  const app = createApp({
    client: {} as Client,
    calendar: officialCalendar(),
    tokens: [...TOKEN_ENTRIES, ...UNIT_ACCOUNTS],
    taskQueue: 'unused',
    timeZone: 'Asia/Shanghai',
    now: () => new Date(NOW),
    // the 503 tests have no record at all
    record: record as Db,
    office: { name: '市政府督查室' },
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  db = await openDatabase();
  await seedPeriod(db);
  base = await listen(db);
  bare = await listen(undefined);
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await db?.close();
});

const get = (path: string, root = base, token: string = TOKENS.staff) =>
  fetch(`${root}${path}`, { headers: { authorization: `Bearer ${token}` } });
const asUnit = (unit: keyof typeof UNIT_TOKENS, path: string) => get(path, base, UNIT_TOKENS[unit]);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (res: Response): Promise<any> => res.json();
const binary = async (path: string, token?: string) => {
  const res = await get(path, base, token);
  expect(res.status).toBe(200);
  return { res, buf: Buffer.from(await res.arrayBuffer()) };
};

/** the text of each paragraph and each table row of a .docx, as Word would show it */
async function docxText(buf: Buffer): Promise<{ paragraphs: string[]; rows: string[][] }> {
  const xml = await (await JSZip.loadAsync(buf)).file('word/document.xml')!.async('string');
  const texts = (s: string) => [...s.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
  const rows = [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((r) =>
    [...r[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) => texts(c[0])),
  );
  const outside = xml.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, '');
  const paragraphs = [...outside.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
    .map((p) => texts(p[0]))
    .filter(Boolean);
  return { paragraphs, rows };
}

const MARCH = 'from=2026-03-01&to=2026-03-31';

describe('GET /v1/stats', () => {
  it('answers the period’s figures per unit with the totals', async () => {
    const res = await get(`/v1/stats?${MARCH}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.period).toEqual({ from: '2026-03-01', to: '2026-03-31', timeZone: 'Asia/Shanghai' });
    expect(body.groups.map((g: { name: string; assigned: number }) => [g.name, g.assigned])).toEqual([
      ['甲局', 3],
      ['乙局', 2],
    ]);
    expect(body.totals).toMatchObject({ assigned: 5, completed: 2, completedOnTime: 1, overdueOpen: 1 });
  });

  it('groups by month and source, and filters by unit', async () => {
    const months = await json(await get('/v1/stats?from=2026-02-01&to=2026-04-30&groupBy=month'));
    expect(months.groups.map((g: { key: string }) => g.key)).toEqual(['2026-02', '2026-03', '2026-04']);
    const unit = await json(await get(`/v1/stats?${MARCH}&groupBy=source&unit=unit-b`));
    expect(unit.totals.assigned).toBe(3);
  });

  it.each([
    ['from=2026-04-01&to=2026-03-01', 'from'],
    ['groupBy=week', 'groupBy'],
    ['from=2026-02-30', 'from'],
    ['to=31.03.2026', 'to'],
    ['unit=' + encodeURIComponent('a b'), 'unit'],
  ])('refuses %s naming %s', async (query, field) => {
    const res = await get(`/v1/stats?${query}`);
    expect(res.status).toBe(400);
    expect((await json(res)).errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('refuses an unknown parameter, and answers 503 without a record', async () => {
    expect((await get('/v1/stats?year=2026')).status).toBe(400);
    expect((await get(`/v1/stats?${MARCH}`, bare)).status).toBe(503);
  });
});

describe('GET /v1/documents/bulletin', () => {
  it('is a .docx whose figures are /v1/stats’ for the same period', async () => {
    const all = await json(await get(`/v1/stats?${MARCH}`));
    const stats = all.totals;
    const { res, buf } = await binary(`/v1/documents/bulletin?${MARCH}&serial=7`);
    expect(res.headers.get('content-type')).toMatch(/wordprocessingml/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename=.*\.docx/);
    const { paragraphs, rows } = await docxText(buf);
    const text = paragraphs.join('\n');
    expect(text).toContain('督查工作通报');
    expect(text).toContain('督查通报〔2026〕7号');
    expect(text).toContain('关于2026年3月1日至2026年3月31日督办事项办理情况的通报');
    const summary = paragraphs.find((p) => p.includes('共交办督办事项'))!;
    const figure = (re: RegExp) => Number(re.exec(summary)![1]);
    expect(figure(/交办督办事项(\d+)件/)).toBe(stats.assigned);
    expect(figure(/办结(\d+)件（/)).toBe(stats.completed);
    expect(figure(/按期办结(\d+)件/)).toBe(stats.completedOnTime);
    expect(figure(/按期办结率([\d.]+)%/)).toBeCloseTo(stats.onTimeRate * 100, 1);
    expect(figure(/逾期未办结(\d+)件/)).toBe(stats.overdueOpen);
    expect(figure(/催办(\d+)次/)).toBe(stats.urges);
    expect(figure(/退回重办(\d+)件/)).toBe(stats.returned);
    // one row per unit, then the totals: each cell is /v1/stats' figure for that group
    type Figures = { name?: string; assigned: number; completed: number; completedOnTime: number };
    const cells = (name: string, f: Figures & Record<string, number | null>) =>
      [name, f.assigned, f.completed, f.completedOnTime]
        .map(String)
        .concat([
          f.onTimeRate === null ? '—' : `${(Number(f.onTimeRate) * 100).toFixed(1)}%`,
          ...[f.overdueOpen, f.urges, f.returned, f.cases].map(String),
        ]);
    expect(rows.slice(1)).toEqual([
      ...all.groups.map((g: Figures & Record<string, number>) => cells(g.name!, g)),
      cells('合计', stats),
    ]);
    expect(rows).toEqual([
      ['牵头单位', '交办', '办结', '按期办结', '按期办结率', '逾期未办结', '催办', '退回重办', '问责'],
      ['甲局', '3', '2', '1', '50.0%', '0', '1', '1', '0'],
      ['乙局', '2', '0', '0', '0.0%', '1', '2', '0', '1'],
      ['合计', '5', '2', '1', '33.3%', '1', '3', '1', '1'],
    ]);
    expect(text).toMatch(/1\. 督办重点项目开工（牵头单位：乙局；办理时限：2026-03-30 23:59；已催办2次）/);
    expect(text).toMatch(/1\. 张三：通报批评（“督办重点项目开工”，2026年3月31日决定）/);
    expect(text).toContain('市政府督查室');
    expect(text).toContain('2026年4月10日');
    expect(text).toMatch(/^抄送：/m);
  });

  it('lays out as a reader needs: room for the unit names, headings kept with their text', async () => {
    const { buf } = await binary(`/v1/documents/bulletin?${MARCH}`);
    const xml = await (await JSZip.loadAsync(buf)).file('word/document.xml')!.async('string');
    const cols = [...xml.matchAll(/<w:gridCol w:w="(\d+)"/g)].map((m) => Number(m[1]));
    expect(cols).toHaveLength(9);
    // 牵头单位 widest, then the rate ("100.0%" on one line), then the counts
    expect(cols[0]).toBeGreaterThan(2 * cols[1]!);
    expect(cols[4]).toBeGreaterThan(cols[1]!);
    const headings = [...xml.matchAll(/<w:p>(?:(?!<\/w:p>)[\s\S])*?<w:t[^>]*>[一二三四]、[\s\S]*?<\/w:p>/g)];
    expect(headings).toHaveLength(4);
    for (const h of headings) expect(h[0]).toContain('<w:keepNext/>');
  });

  it('says so when a period has nothing overdue and no accountability', async () => {
    const { buf } = await binary('/v1/documents/bulletin?from=2025-01-01&to=2025-01-31');
    const text = (await docxText(buf)).paragraphs.join('\n');
    expect(text).toContain('共交办督办事项0件');
    expect(text).toContain('按期办结率—');
    expect(text).toContain('本期无逾期未办结事项。');
    expect(text).toContain('本期未作出问责决定。');
  });

  it.each([
    ['from=2026-04-01&to=2026-03-31', 'from'],
    ['format=odt', 'format'],
    ['serial=0', 'serial'],
    ['from=2026-02-29', 'from'],
    ['to=2026-3-31', 'to'],
  ])('refuses %s naming %s', async (query, field) => {
    const res = await get(`/v1/documents/bulletin?${query}`);
    expect(res.status).toBe(400);
    expect((await json(res)).errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('answers 406 problem+json for PDF where LibreOffice is missing, naming docx', async () => {
    const before = process.env.DUBAN_SOFFICE;
    process.env.DUBAN_SOFFICE = '/nonexistent/soffice';
    try {
      const res = await get(`/v1/documents/bulletin?${MARCH}&format=pdf`);
      expect(res.status).toBe(406);
      const problem = await json(res);
      expect(problem.type).toMatch(/pdf-unavailable$/);
      expect(problem.detail).toMatch(/docx/);
    } finally {
      if (before === undefined) delete process.env.DUBAN_SOFFICE;
      else process.env.DUBAN_SOFFICE = before;
    }
  });
});

describe('GET /v1/items/{id}/documents/letter', () => {
  it('is addressed to the lead unit and cites the item, its deadline and what follows', async () => {
    const { buf } = await binary('/v1/items/i3/documents/letter?level=2');
    const { paragraphs } = await docxText(buf);
    const text = paragraphs.join('\n');
    expect(text).toContain('督 办 函');
    expect(text).toContain('督办函〔2026〕');
    expect(paragraphs).toContain('乙局：');
    expect(text).toContain('“督办重点项目开工”（事项编号：i3；来源：文件，丽政办〔2026〕3号）');
    expect(text).toContain('按照15个工作日（不含交办当日）的办理时限');
    expect(text).toContain('应于2026-03-30 23:59前办结（自2026-03-06起计15个工作日，至2026-03-30止）');
    expect(text).toContain('截至2026年4月3日，该事项经催办后仍未办结，已超过办理时限4天');
    expect(text).toContain('现对你单位进行第二次催办，由市政府办公室予以通报');
    expect(text).toContain('“责令作出书面检查”或“通报批评”');
    // the third level of the item's own policy
    expect(text).toContain('如第三次催办时仍未办结，将由市政府办公室进行通报');
    expect(text).toContain('“责令公开道歉”或“调整工作岗位”');
    expect(text).toContain('市政府督查室');
    expect(text).toContain('抄送：乙局主要负责人李四。');
  });

  it('defaults to the last level reached; refuses a level not reached, an unknown item, a bad level', async () => {
    const { buf } = await binary('/v1/items/i3/documents/letter');
    expect((await docxText(buf)).paragraphs.join('\n')).toContain('第二次催办');
    expect((await get('/v1/items/i3/documents/letter?level=3')).status).toBe(409);
    expect((await get('/v1/items/i1/documents/letter')).status).toBe(409);
    expect((await get('/v1/items/nope/documents/letter')).status).toBe(404);
    const bad = await get('/v1/items/i3/documents/letter?level=9');
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors[0].path).toBe('level');
  });
});

describe('exports', () => {
  it('items.xlsx: one row per item with the list’s columns, filtered like the list', async () => {
    const { res, buf } = await binary(`/v1/exports/items.xlsx?${MARCH}`);
    expect(res.headers.get('content-type')).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('督办事项')!;
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual([
      '事项编号',
      '事项名称',
      '来源',
      '牵头单位',
      '协办单位',
      '交办时间',
      '办理时限',
      '状态',
      '亮灯',
      '催办次数',
      '办结时间',
      '是否按期',
    ]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['i1', 'i2', 'i3', 'i5', 'i4']);
    expect(rows[2]).toEqual([
      'i2',
      '整治老旧小区供水',
      '领导批示 批示〔2026〕1号',
      '甲局',
      '乙局',
      '2026-03-03 09:00',
      '2026-03-20 23:59',
      '已办结',
      '绿灯',
      1,
      '2026-03-25 11:00',
      '否',
    ]);
    const { buf: only } = await binary(`/v1/exports/items.xlsx?${MARCH}&unit=unit-b&status=overdue`);
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(only as unknown as ArrayBuffer);
    expect(wb2.getWorksheet('督办事项')!.rowCount).toBe(2);
  });

  it('items.csv: UTF-8 with a BOM, the same rows', async () => {
    const { res, buf } = await binary('/v1/exports/items.csv');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = buf.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      '事项编号,事项名称,来源,牵头单位,协办单位,交办时间,办理时限,状态,亮灯,催办次数,办结时间,是否按期',
    );
    expect(lines).toHaveLength(1 + 7);
    expect(lines).toContain(
      'i1,推进城东片区征迁,领导批示 批示〔2026〕1号,甲局,,2026-03-02 09:00,2026-03-20 23:59,已办结,绿灯,0,2026-03-18 11:00,是',
    );
  });

  it('ledger.xlsx: the register and the annual assessment sheet', async () => {
    const { buf } = await binary('/v1/exports/ledger.xlsx?year=2026');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const values = (name: string) => {
      const out: unknown[][] = [];
      wb.getWorksheet(name)!.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
      return out;
    };
    const register = values('2026年问责台帐');
    expect(register.slice(1).map((r) => [r[0], r[3], r[9]])).toEqual([
      ['张三', '通报批评', '已执行'],
      ['张三', '诫勉谈话', '已撤销'],
    ]);
    const sheet = values('2026年度考核结果运用');
    expect(sheet[0]).toEqual(['对象', '类别', '问责次数', '考核等次上限', '可评先进单位', '依据']);
    const person = sheet.find((r) => r[0] === '张三')!;
    expect(person.slice(0, 4)).toEqual(['张三', '个人', 1, '称职']);
    expect(String(person[5])).toContain('通报批评');
    const unit = sheet.find((r) => r[1] === '单位')!;
    expect(unit.slice(0, 3)).toEqual(['unit-a', '单位', 1]);
    expect(unit[4]).toBe('是');
  });

  it.each([
    ['/v1/exports/items.xlsx?from=2026-04-01&to=2026-03-01', 'from'],
    ['/v1/exports/items.csv?status=finished', 'status'],
    ['/v1/exports/items.csv?leadUnit=' + encodeURIComponent('!'), 'leadUnit'],
    ['/v1/exports/items.csv?from=2026-04-01&to=2026-03-01', 'from'],
    ['/v1/exports/items.xlsx?to=2026-13-01', 'to'],
    ['/v1/exports/items.csv?unit=' + encodeURIComponent('a b'), 'unit'],
    ['/v1/exports/items.csv?q=' + 'x'.repeat(201), 'q'],
    ['/v1/exports/ledger.xlsx?year=1999', 'year'],
    ['/v1/exports/ledger.xlsx?year=2101', 'year'],
    ['/v1/exports/ledger.xlsx?year=2026.5', 'year'],
    ['/v1/exports/ledger.xlsx?unit=' + encodeURIComponent('a b'), 'unit'],
    ['/v1/exports/ledger.xlsx?year=abc', 'year'],
  ])('%s is refused naming %s', async (path, field) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect((await json(res)).errors.map((e: { path: string }) => e.path)).toContain(field);
  });
});

describe('a unit account', () => {
  const xlsxIds = async (buf: Buffer, sheet = '督办事项') => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const rows: unknown[][] = [];
    wb.getWorksheet(sheet)!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return rows.slice(1);
  };

  it('gets the statistics of its own unit’s items, the office’s figures for that unit', async () => {
    const office = await json(await get(`/v1/stats?${MARCH}`));
    const forB = await json(await get(`/v1/stats?${MARCH}&unit=unit-b`));
    const res = await asUnit('unit-b', `/v1/stats?${MARCH}`);
    expect(res.status).toBe(200);
    const own = await json(res);
    expect(own).toEqual(forB);
    expect(own.unit).toBe('unit-b');
    // i2 (assisted), i3 and i4 (led); 甲局's group is i2 alone, not its three items
    expect(own.totals).toMatchObject({ assigned: 3, completed: 1, overdueOpen: 1, urges: 3, cases: 1 });
    expect(office.totals.assigned).toBe(5);
    expect(own.groups.map((g: { name: string; assigned: number }) => [g.name, g.assigned])).toEqual([
      ['甲局', 1],
      ['乙局', 2],
    ]);
    const a = await json(await asUnit('unit-a', `/v1/stats?${MARCH}&groupBy=month`));
    expect(a.totals).toMatchObject({ assigned: 3, completed: 2, overdueOpen: 0, cancelled: 1 });
    // naming its own unit is the same question
    expect(await json(await asUnit('unit-a', `/v1/stats?${MARCH}&groupBy=month&unit=unit-a`))).toEqual(a);
  });

  it('gets the rows of its own unit’s items in both item exports, narrowed by the list’s filters', async () => {
    const csv = await binary('/v1/exports/items.csv', UNIT_TOKENS['unit-b']);
    expect([...csv.buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.buf.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['i2', 'i3', 'i4']);
    expect(lines[1]).toContain(',甲局,乙局,');
    const xlsx = await binary(`/v1/exports/items.xlsx?${MARCH}`, UNIT_TOKENS['unit-b']);
    expect((await xlsxIds(xlsx.buf)).map((r) => r[0])).toEqual(['i2', 'i3', 'i4']);
    // another unit's lead: only the items of it this unit assists
    const led = await binary('/v1/exports/items.xlsx?leadUnit=unit-a', UNIT_TOKENS['unit-b']);
    expect((await xlsxIds(led.buf)).map((r) => r[0])).toEqual(['i2']);
    const a = await binary('/v1/exports/items.csv', UNIT_TOKENS['unit-a']);
    const aIds = a.buf
      .toString('utf8')
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
    expect(aIds.sort()).toEqual(['i1', 'i2', 'i5', 'i6', 'i7']);
  });

  it('gets the ledger of its own unit and people only', async () => {
    const a = await binary('/v1/exports/ledger.xlsx?year=2026', UNIT_TOKENS['unit-a']);
    expect((await xlsxIds(a.buf, '2026年问责台帐')).map((r) => [r[0], r[2], r[3]])).toEqual([
      ['张三', 'unit-a', '通报批评'],
      ['张三', 'unit-a', '诫勉谈话'],
    ]);
    expect((await xlsxIds(a.buf, '2026年度考核结果运用')).map((r) => r.slice(0, 3))).toEqual([
      ['张三', '个人', 1],
      ['unit-a', '单位', 1],
    ]);
    // 张三's measure is about 乙局's item i3, but it is 甲局's person's: not 乙局's ledger
    const b = await binary('/v1/exports/ledger.xlsx?year=2026', UNIT_TOKENS['unit-b']);
    expect(b.res.headers.get('content-disposition')).toMatch(/-unit-b\.xlsx/);
    expect(await xlsxIds(b.buf, '2026年问责台帐')).toEqual([]);
    expect(await xlsxIds(b.buf, '2026年度考核结果运用')).toEqual([]);
  });

  it.each([
    `/v1/stats?${MARCH}&unit=unit-a`,
    '/v1/exports/items.xlsx?unit=unit-a',
    '/v1/exports/items.csv?unit=unit-a',
    '/v1/exports/ledger.xlsx?unit=unit-a',
  ])('%s naming another unit is a 403 on unit', async (path) => {
    const res = await asUnit('unit-b', path);
    expect(res.status).toBe(403);
    expect((await json(res)).errors).toEqual([{ path: 'unit', message: 'not unit unit-b' }]);
  });

  it('is refused the office’s documents: the bulletin names every unit, the letter is the office’s to send', async () => {
    expect((await asUnit('unit-b', `/v1/documents/bulletin?${MARCH}`)).status).toBe(403);
    expect((await asUnit('unit-b', '/v1/items/i3/documents/letter')).status).toBe(403);
  });

  it('still has its query validated first: a bad period is a 400 naming the field', async () => {
    const res = await asUnit('unit-b', '/v1/stats?from=2026-04-01&to=2026-03-01');
    expect(res.status).toBe(400);
    expect((await json(res)).errors.map((e: { path: string }) => e.path)).toEqual(['from']);
  });
});
