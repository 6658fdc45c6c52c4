// The Dockerfile's build stage, checked and replayed without Docker (there is no engine here): its
// COPY/ENV/RUN lines are parsed, every file a RUN step needs must have been COPYed before it, and
// the dependency step's install scripts run in a clean temp folder holding only what was copied,
// with the stage's ENV. That is where the image broke before: postinstall gained a script that the
// Dockerfile did not copy. DUBAN_DOCKERFILE_FULL=1 replays the whole `npm ci` (about a minute on a
// warm npm cache) instead of its lifecycle scripts alone.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');

type Step =
  | { kind: 'COPY'; sources: string[]; dest: string; from?: string }
  | { kind: 'ENV'; vars: Record<string, string> }
  | { kind: 'RUN'; command: string };

/** The steps of the stage named `name`, continuation lines joined, comments dropped. */
function parseStage(text: string, name: string): Step[] {
  const lines = text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const steps: Step[] = [];
  let inStage = false;
  for (const line of lines) {
    const [word, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (word?.toUpperCase() === 'FROM') {
      inStage = new RegExp(`\\bAS\\s+${name}$`, 'i').test(line);
      continue;
    }
    if (!inStage) continue;
    switch (word?.toUpperCase()) {
      case 'COPY': {
        const parts = args.split(/\s+/);
        const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
        const paths = parts.filter((p) => !p.startsWith('--'));
        steps.push({
          kind: 'COPY',
          sources: paths.slice(0, -1),
          dest: paths.at(-1)!,
          ...(from ? { from } : {}),
        });
        break;
      }
      case 'ENV': {
        const vars: Record<string, string> = {};
        for (const m of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) vars[m[1]!] = m[2]!.replace(/^"|"$/g, '');
        steps.push({ kind: 'ENV', vars });
        break;
      }
      case 'RUN':
        steps.push({ kind: 'RUN', command: args });
        break;
      default:
        break;
    }
  }
  return steps;
}

/** Files of the repository a COPY source names: a path or a glob on the last segment. */
function expand(source: string): string[] {
  if (!source.includes('*')) return [source];
  const dir = dirname(source);
  const re = new RegExp(
    `^${source
      .slice(dir.length + 1)
      .replace(/[.]/g, '\\.')
      .replace(/\*/g, '[^/]*')}$`,
  );
  return readdirSync(join(root, dir))
    .filter((f) => re.test(f))
    .map((f) => join(dir, f));
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
// what `npm ci` runs of the package's own scripts, in order
const LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepare'].filter((s) => pkg.scripts[s]);
/** the project files a script line runs: `node scripts/x.mjs` */
const scriptFiles = (line: string): string[] =>
  [...line.matchAll(/\bnode\s+([\w./-]+\.(?:m?js|cjs))/g)].map((m) => m[1]!);

const steps = parseStage(readFileSync(join(root, 'Dockerfile'), 'utf8'), 'build');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** Files copied into /app before step `index`, relative to the context. `COPY . .` copies all. */
function copiedBefore(index: number): { all: boolean; files: Set<string> } {
  const files = new Set<string>();
  let all = false;
  for (const s of steps.slice(0, index)) {
    if (s.kind !== 'COPY' || s.from) continue;
    for (const src of s.sources) {
      if (src === '.') all = true;
      else for (const f of expand(src)) files.add(f);
    }
  }
  return { all, files };
}

test('the build stage parses: a dependency step, then the whole context, then the build', () => {
  const kinds = steps.map((s) => (s.kind === 'RUN' ? `RUN ${s.command}` : s.kind));
  expect(kinds).toContain('RUN npm ci');
  const ci = kinds.indexOf('RUN npm ci');
  const all = steps.findIndex((s) => s.kind === 'COPY' && s.sources.includes('.'));
  expect(all).toBeGreaterThan(ci);
  expect(steps.slice(all).some((s) => s.kind === 'RUN' && s.command.includes('npm run build'))).toBe(true);
});

test('every file a RUN step needs was COPYed before it, and none of them is dockerignored', () => {
  const missing: string[] = [];
  steps.forEach((s, i) => {
    if (s.kind !== 'RUN') return;
    const { all, files } = copiedBefore(i);
    if (all) return;
    const needs = s.command.includes('npm ci')
      ? ['package.json', 'package-lock.json', ...LIFECYCLE.flatMap((l) => scriptFiles(pkg.scripts[l]!))]
      : [];
    for (const f of needs) if (!files.has(f)) missing.push(`${s.command}: ${f}`);
  });
  expect(missing).toEqual([]);
  for (const f of copiedBefore(steps.length).files) {
    const top = f.split('/')[0]!;
    expect({ f, ignored: dockerignore.includes(top) || dockerignore.includes(f) }).toEqual({
      f,
      ignored: false,
    });
  }
});

test('the dependency step replays in a clean folder with the stage ENV and no browser', () => {
  const ci = steps.findIndex((s) => s.kind === 'RUN' && s.command === 'npm ci');
  const env: Record<string, string> = {};
  for (const s of steps.slice(0, ci)) if (s.kind === 'ENV') Object.assign(env, s.vars);
  expect(env).toMatchObject({ DUBAN_SKIP_TEMPORAL_INSTALL: '1', DUBAN_SKIP_BROWSER: '1' });

  const app = mkdtempSync(join(tmpdir(), 'duban-dockerfile-'));
  try {
    for (const f of copiedBefore(ci).files) {
      mkdirSync(dirname(join(app, f)), { recursive: true });
      cpSync(join(root, f), join(app, f));
    }
    // nothing of the work tree leaked in: only what the COPY lines name
    const present = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) =>
        statSync(join(dir, n)).isDirectory() ? present(join(dir, n)) : [relative(app, join(dir, n))],
      );
    expect(present(app).sort()).toEqual([...copiedBefore(ci).files].sort());

    const base = { ...process.env };
    for (const k of Object.keys(base)) if (k.startsWith('DUBAN_') || k.startsWith('npm_')) delete base[k];
    const run = (args: string[], timeout: number) =>
      spawnSync('npm', args, {
        cwd: app,
        encoding: 'utf8',
        timeout,
        env: { ...base, ...env, npm_config_update_notifier: 'false' },
      });
    if (process.env.DUBAN_DOCKERFILE_FULL === '1') {
      const res = run(['ci', '--ignore-scripts=false', '--prefer-offline'], 600_000);
      expect({ status: res.status, stderr: res.stderr.slice(-2000) }).toMatchObject({ status: 0 });
      expect(res.stdout + res.stderr).toContain('DUBAN_SKIP_BROWSER=1: skipped');
    } else {
      for (const script of LIFECYCLE) {
        const res = run(['run', script, '--ignore-scripts=false'], 60_000);
        expect({ script, status: res.status, stderr: res.stderr.slice(-2000) }).toMatchObject({
          script,
          status: 0,
        });
        if (script === 'postinstall') {
          expect(res.stdout + res.stderr).toContain('DUBAN_SKIP_TEMPORAL_INSTALL=1: skipped');
          expect(res.stdout + res.stderr).toContain('DUBAN_SKIP_BROWSER=1: skipped');
        }
      }
    }
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});
