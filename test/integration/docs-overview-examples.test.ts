// The README's overview examples as printed: the shell block of "Statistics, documents and exports"
// runs with bash and curl against a real API, worker and dev server, on today's date, and each file
// it saves is opened and read back (the unit's are its own unit's).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { startApiHarness, TOKENS, UNIT, type ApiHarness } from '../helpers/api';

const run = promisify(execFile);
let api: ApiHarness;
let dir: string;

beforeAll(async () => {
  api = await startApiHarness({ worker: true, record: true });
  dir = mkdtempSync(join(tmpdir(), 'duban-readme-overview-'));
  // the README's directory example comes first: the item names its unit by id, the principal with it
  const put = await api.call('PUT', `/v1/units/${UNIT}`, {
    as: 'manager',
    body: { name: '市住建局', principal: { id: 'li', name: '李局长' } },
  });
  expect(put.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** the first ```sh block after the heading */
function shellBlock(markdown: string, heading: string): string {
  const at = markdown.indexOf(`\n## ${heading}\n`);
  expect(at).toBeGreaterThan(0);
  const block = /```sh\n([\s\S]*?)```/.exec(markdown.slice(at));
  return block![1]!;
}

const docxText = async (file: string): Promise<string> =>
  (await (await JSZip.loadAsync(readFileSync(file))).file('word/document.xml')!.async('string')).replace(
    /<[^>]+>/g,
    '',
  );

test('the README’s statistics, documents and exports lines save what they say', async () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const script = shellBlock(readme, 'Statistics, documents and exports').replaceAll(
    'localhost:3000',
    api.baseUrl.replace('http://', ''),
  );
  // every line a curl that saves or changes something, and -f makes an HTTP error fail the script
  expect(script.match(/^curl -fsS /gm)).toHaveLength(9);
  await run('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: dir,
    env: { ...process.env, STAFF: TOKENS.staff, UNIT: TOKENS.unit },
    timeout: 120_000,
  });
  const file = (name: string) => join(dir, name);

  const stats = JSON.parse(readFileSync(file('stats.json'), 'utf8'));
  expect(stats.groupBy).toBe('unit');
  const unitStats = JSON.parse(readFileSync(file('stats-unit.json'), 'utf8'));
  expect(unitStats.unit).toBe(UNIT);

  expect(await docxText(file('bulletin.docx'))).toContain('督查工作通报');
  const letter = await docxText(file('letter.docx'));
  expect(letter).toContain('督 办 函');
  expect(letter).toContain('市住建局：');
  expect(letter).toContain('整治背街小巷环境');
  expect(letter).toContain('第一次催办');

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync(file('items.xlsx')) as unknown as ArrayBuffer);
  const ids: unknown[] = [];
  wb.getWorksheet('督办事项')!.eachRow((row, n) => n > 1 && ids.push(row.getCell(1).value));
  expect(ids).toContain('2026-003');

  const csv = readFileSync(file('items-unit.csv'));
  expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(csv.toString('utf8')).toMatch(/\r\n2026-003,整治背街小巷环境,明察暗访,市住建局,/);

  const ledger = new ExcelJS.Workbook();
  await ledger.xlsx.load(readFileSync(file('ledger.xlsx')) as unknown as ArrayBuffer);
  expect(ledger.getWorksheet(`${new Date().getFullYear()}年问责台帐`)).toBeDefined();
}, 180_000);
