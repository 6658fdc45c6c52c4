// The calendar examples of README.md and docs/calendar.md ("what to do each November"), run as
// printed with bash, curl and jq against a real API (dev server, record), localhost:3000 pointed
// at it and the dev tokens in $STAFF and $MANAGER, whatever today is.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiHarness, TOKENS, type ApiHarness } from '../helpers/api';

let api: ApiHarness;
let dir: string;

beforeAll(async () => {
  api = await startApiHarness({ worker: false });
  dir = mkdtempSync(join(tmpdir(), 'duban-docs-calendar-'));
});
afterAll(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The ```sh blocks of a markdown section (indented ones inside list items too), dedented. */
function shellBlocks(file: string, heading: string): string[] {
  const text = readFileSync(join(__dirname, '../..', file), 'utf8');
  const start = text.indexOf(heading);
  if (start < 0) throw new Error(`${file} has no section "${heading}"`);
  const rest = text.slice(start + heading.length);
  const next = rest.search(/^## /m);
  const section = next < 0 ? rest : rest.slice(0, next);
  return [...section.matchAll(/^( *)```sh\n([\s\S]*?)^\1```$/gm)].map(([, indent, body]) =>
    body!
      .split('\n')
      .map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l))
      .join('\n'),
  );
}

/** Runs a script in bash (asynchronously: the API it calls answers from this process). */
async function run(script: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    'bash',
    ['-euo', 'pipefail', '-c', script.replaceAll('localhost:3000', api.baseUrl)],
    {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, STAFF: TOKENS.staff, MANAGER: TOKENS.manager },
      timeout: 60_000,
    },
  );
  return stdout;
}

const json = (out: string) =>
  out
    .trim()
    .split(/\n(?=[[{\d])/)
    .map((chunk) => JSON.parse(chunk) as unknown);

test('README: next year’s calendar as it is in force', async () => {
  const blocks = shellBlocks('README.md', '## The calendar past its data');
  expect(blocks).toHaveLength(1);
  const [view] = json(await run(blocks[0]!)) as { year: number; basis: string; version: string }[];
  expect(view).toMatchObject({
    year: new Date().getFullYear() + 1,
    basis: expect.stringMatching(/law|package/),
  });
});

test('docs/calendar.md: what to do each November, step by step', async () => {
  const blocks = shellBlocks('docs/calendar.md', "## Next year's arrangement: what to do each November");
  expect(blocks).toHaveLength(5);
  const year = new Date().getFullYear() + 1;
  // every step as printed, in order, in one shell (YEAR is set in the first); one answer each
  const outputs = json(await run(blocks.join('\n')));
  expect(outputs).toHaveLength(5);
  const [inForce, count, errors, loaded, after] = outputs as [
    { basis: string },
    number,
    { path: string; message: string }[],
    { basis: string; loadedVersion: number; rollout: { workflowId: string } },
    { basis: string; version: string; source: { reference: string } },
  ];
  expect(inForce.basis).toMatch(/law|package/);
  expect(count).toBeGreaterThanOrEqual(11); // at least the statutory days
  expect(errors).toEqual([
    expect.objectContaining({
      path: expect.stringMatching(/^workdays\.\d+\.date$/),
      message: expect.stringMatching(/holiday/),
    }),
  ]);
  expect(loaded).toMatchObject({
    basis: 'office',
    loadedVersion: 1,
    rollout: { workflowId: `calendar-rollout-${year}-v1` },
  });
  expect(after).toMatchObject({ basis: 'office', version: expect.stringContaining(`+office:${year}v1`) });
  expect(after.source.reference).toMatch(/^国办发明电〔\d{4}〕7号$/);
});
