// npm test's two tiers and their one closing line (scripts/test-all.ts, test/reporters/closing-line.js).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closingLine } from '../../scripts/test-all';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Reporter = require('../reporters/closing-line.js') as new () => {
  onRunComplete(contexts: unknown, results: Record<string, number>): void;
};

const results = {
  numPassedTests: 7,
  numFailedTests: 1,
  numPendingTests: 2,
  numTodoTests: 1,
  numRuntimeErrorTestSuites: 1,
};

describe('the closing-line reporter', () => {
  const saved = process.env.DUBAN_JEST_COUNTS;
  afterEach(() => {
    if (saved === undefined) delete process.env.DUBAN_JEST_COUNTS;
    else process.env.DUBAN_JEST_COUNTS = saved;
  });

  it('hands its counts to the file DUBAN_JEST_COUNTS names, a suite that could not run as a failure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-counts-'));
    const file = join(dir, 'tier.json');
    process.env.DUBAN_JEST_COUNTS = file;
    new Reporter().onRunComplete([], results);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ passed: 7, failed: 2, skipped: 3 });
    rmSync(dir, { recursive: true });
  });
});

describe('closingLine', () => {
  it('sums the tiers', () => {
    expect(
      closingLine([
        { passed: 1254, failed: 0, skipped: 0, status: 0 },
        { passed: 5, failed: 0, skipped: 1, status: 0 },
      ]),
    ).toEqual({ line: 'jest: 1259 passed, 0 failed, 1 skipped\n', ok: true });
  });

  it('fails the run when a tier failed, even one that counted no failed test', () => {
    expect(closingLine([{ passed: 10, failed: 2, skipped: 0, status: 1 }]).line).toBe(
      'jest: 10 passed, 2 failed, 0 skipped\n',
    );
    expect(
      closingLine([
        { passed: 10, failed: 0, skipped: 0, status: 0 },
        { passed: 0, failed: 0, skipped: 0, status: 1 },
      ]),
    ).toEqual({ line: 'jest: 10 passed, 1 failed, 0 skipped\n', ok: false });
  });
});
