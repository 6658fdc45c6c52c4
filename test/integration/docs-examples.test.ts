// Every shell example of README.md and docs/*.md that calls the API runs as printed, on today's date,
// against a real API, worker, dev server and record: the project rule that docs examples work on any day.
//
// The rule for which blocks run (```sh, ```bash and ```shell fences only):
// - a block carrying a line `# example: not run (<reason>)` is not run, and says why;
// - otherwise a block that calls `curl` is an API example and is run;
// - a block whose every line only sets variables (`API=…; STAFF=…`, `export X=…`) is run too: later
//   blocks of the same file use what it sets;
// - any other block (installs, starts servers, runs tests, the cluster or the bench) is not an API
//   example and is not run.
// The blocks of one file run in document order in one bash session (`-euo pipefail`), against a fresh
// stack per file, so each file must be self-contained: ids a later block needs are captured into
// variables. What the test changes, and nothing else: `localhost:3000` becomes the harness's address;
// an assignment of a token variable the docs use (STAFF, MANAGER, MGR, OPS, UNIT, REVIEWER) gets the
// harness's token for that role; and `curl` without `-f`/`--fail` gets `--fail-with-body`, so an HTTP
// error fails the block (a line that shows a refusal prints the status with `-w` instead, and one
// that ends in `# 403` must answer 403).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApiHarness, TOKENS, type TestRole } from '../helpers/api';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');

interface DocBlock {
  file: string;
  /** 1-based line of the opening fence */
  line: number;
  text: string;
  kind: 'api' | 'setup' | 'skipped' | 'other';
  reason?: string;
}

const SKIP = /^\s*#\s*example:\s*not run\s*\((.*)\)\s*$/m;
const ASSIGNMENT = /^(export\s+)?[A-Za-z_][A-Za-z0-9_]*=/;

function isSetupOnly(text: string): boolean {
  const statements = text
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l && !l.startsWith('#'))
    .flatMap((l) => l.split(';').map((s) => s.trim()))
    .filter(Boolean);
  return statements.length > 0 && statements.every((s) => ASSIGNMENT.test(s));
}

function shellBlocks(file: string, markdown: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (!['sh', 'bash', 'shell'].includes(open[1]!)) continue;
    const text = body.join('\n') + '\n';
    const skip = SKIP.exec(text);
    const kind = skip ? 'skipped' : /\bcurl\b/.test(text) ? 'api' : isSetupOnly(text) ? 'setup' : 'other';
    blocks.push({ file, line: start + 1, text, kind, ...(skip ? { reason: skip[1]!.trim() } : {}) });
  }
  return blocks;
}

const TOKEN_VARS: Record<string, TestRole> = {
  STAFF: 'staff',
  MANAGER: 'manager',
  MGR: 'manager',
  OPS: 'ops',
  UNIT: 'unit',
  REVIEWER: 'reviewer',
};

/** the block as the harness runs it: its address, its tokens; everything else as printed */
function forHarness(text: string, hostPort: string): string {
  return (
    text
      .replaceAll('localhost:3000', hostPort)
      // a one-line curl that prints its status with -w and says `# 403` must answer that status
      .replace(
        /^(\s*)(curl [^\n]*-w '%\{http_code\}\\n'[^\n]*?)\s+#\s*(\d{3})\b(.*)$/gm,
        (_, indent: string, cmd: string, status: string, rest: string) =>
          `${indent}test "$(${cmd})" = ${status}   # ${status}${rest}`,
      )
      .replace(
        new RegExp(`(^|[\\s;])(${Object.keys(TOKEN_VARS).join('|')})=[^\\s;]*`, 'gm'),
        (_, before: string, name: string) => `${before}${name}=${TOKENS[TOKEN_VARS[name]!]}`,
      )
  );
}

// An HTTP error fails the example unless it says how it fails (-f) or prints the status itself (-w).
const PRELUDE = String.raw`
curl() {
  local a add=--fail-with-body
  for a in "$@"; do
    case "$a" in
      --fail | --fail-with-body | -w | --write-out | -f* | -[a-zA-Z]*f* | -[a-zA-Z]*w ) add= ; break ;;
    esac
  done
  if [ -n "$add" ]; then set -- "$add" "$@"; fi
  command curl "$@" || { local rc=$?; echo "docs example failed in $DOC_BLOCK: curl $*" >&2; return $rc; }
}
trap 'echo "docs example failed in $DOC_BLOCK: $BASH_COMMAND" >&2' ERR
`;

function sessionScript(blocks: DocBlock[], hostPort: string): string {
  return (
    PRELUDE +
    blocks
      .filter((b) => b.kind === 'api' || b.kind === 'setup')
      .map((b) => `DOC_BLOCK='${b.file}:${b.line}'\n${forHarness(b.text, hostPort)}`)
      .join('\n')
  );
}

const docFiles = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const all = docFiles.flatMap((f) => shellBlocks(f, readFileSync(join(ROOT, f), 'utf8')));
const withExamples = docFiles.filter((f) => all.some((b) => b.file === f && b.kind === 'api'));

test('the blocks are found and classified by the rule above', () => {
  const summary = all.map((b) => `${b.file}:${b.line} ${b.kind}${b.reason ? ` (${b.reason})` : ''}`);
  console.log(`docs shell blocks (${all.length}):\n${summary.join('\n')}`);
  // the README's overview examples are API examples; its quick start is not
  expect(all.find((b) => b.file === 'README.md' && b.text.includes('/v1/stats?'))?.kind).toBe('api');
  expect(all.find((b) => b.file === 'README.md' && b.text.includes('npm start'))?.kind).toBe('other');
  // a skip says why
  for (const b of all.filter((x) => x.kind === 'skipped')) expect(b.reason).toMatch(/\S/);
});

describe.each(withExamples)('%s', (file) => {
  const blocks = all.filter((b) => b.file === file);
  const runs = blocks.filter((b) => b.kind === 'api' || b.kind === 'setup');
  test(`its examples (lines ${runs.map((b) => b.line).join(', ')}) run as printed, in order, today`, async () => {
    const api = await startApiHarness({ worker: true, record: true });
    const dir = mkdtempSync(join(tmpdir(), 'duban-docs-examples-'));
    try {
      const script = sessionScript(blocks, api.baseUrl.replace('http://', ''));
      try {
        await run('bash', ['-euo', 'pipefail', '-c', script], {
          cwd: dir,
          env: { ...process.env, ...roleEnv() },
          timeout: 300_000,
          maxBuffer: 64 * 1024 * 1024,
        });
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string; message: string };
        throw new Error(
          `${e.stderr?.trim() || e.message}\n--- last output ---\n${(e.stdout ?? '').slice(-3000)}`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await api.close();
    }
  }, 360_000);
});

/** the token variables set beforehand too, for a file that uses one it never assigns */
function roleEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(TOKEN_VARS).map(([name, role]) => [name, TOKENS[role]]));
}
