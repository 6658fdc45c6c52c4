// Replays every recorded history (supervision items, cases, ledgers) against the current workflow
// code: an edit that changes the commands a past run issued fails here with a
// DeterminismViolationError. Record new ones with DUBAN_RECORD_HISTORIES=1 and commit them.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { HISTORIES_DIR, readHistory } from '../helpers/histories';

const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json') && f !== 'MANIFEST.json')
  .sort();

let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  // one replay worker per history: its state changes at INFO would bury the suite's output
  Runtime.install({ logger: new DefaultLogger('WARN') });
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
}, 180_000);

describe('replay of recorded workflow histories', () => {
  it('has histories of every workflow to replay', () => {
    for (const prefix of ['supervision-', 'case-']) {
      expect(files.filter((f) => f.startsWith(prefix)).length).toBeGreaterThan(0);
    }
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history = await readHistory(path.join(HISTORIES_DIR, file));
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, file.replace(/\.json$/, ''));
  });
});
