// Recorded histories: tests save the histories of their runs here only when asked
// (DUBAN_RECORD_HISTORIES=1), so the committed files stay the real runs of an earlier version and
// the replay test can catch a non-deterministic change to the workflow code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';

export const HISTORIES_DIR = join(__dirname, '..', 'histories');

export async function saveHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.DUBAN_RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), JSON.stringify(history, null, 1) + '\n');
}
