// The shape issue #11 asks of every workflow folder: a pure core that a test can call without
// Temporal, and a thin shell a reader takes in at once. The shell's own helpers (its Updates, its
// children, its activities) are the only other files that may touch the SDK.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..', 'workflows');
const SHELL_FILES = new Set(['workflow.ts', 'updates.ts', 'children.ts', 'effects.ts']);
const folders = ['supervision', 'case'];

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').length - 1;
/** the modules a file imports for their values (type-only imports vanish from the bundle) */
const valueImports = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);

describe.each(folders)('workflows/%s', (folder) => {
  const dir = path.join(root, folder);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it('has its shell under 200 lines', () => {
    expect(lines(path.join(dir, 'workflow.ts'))).toBeLessThan(200);
  });

  it.each(files.filter((f) => !SHELL_FILES.has(f)))('core file %s imports nothing of the SDK', (file) => {
    const sdk = valueImports(path.join(dir, file)).filter((m) => m.startsWith('@temporalio/'));
    expect(sdk).toEqual([]);
  });
});
