// Replays every recorded case and ledger history against the current workflow code: an edit that
// changes the commands a past run issued fails here with a DeterminismViolationError.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { HISTORIES_DIR, readHistory } from '../workflow/record-history';

const files = readdirSync(HISTORIES_DIR)
  .filter((f) => /^(case|ledger)-.*\.json$/.test(f))
  .sort();

let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
}, 180_000);

describe('replay of recorded case and ledger histories', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history = await readHistory(path.join(HISTORIES_DIR, file));
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, file.replace(/\.json$/, ''));
  });
});
