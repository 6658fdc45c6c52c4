// The patches a run started since notices-in-task takes without a marker each must be exactly the
// patches that came before it: one missing would cost a new run a marker, one too many (a later
// patch) would send runs recorded without it down its path on replay.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { NO_LINK_BACK } from '../../workflows/case/children';
import { DELIVERIES_IN_BATCH } from '../../workflows/notify';
import { IMPLIED_BY_NOTICES_IN_TASK, NOTICES_IN_TASK } from '../../workflows/shared/patches';
import { RECORD_AFTER_TASK } from '../../workflows/shared/record-write';
import { ASSIGNMENT_NOTICE, REPORTING_CLOCK_STOP } from '../../workflows/supervision/patches';

const earlier = [
  NO_LINK_BACK,
  RECORD_AFTER_TASK,
  DELIVERIES_IN_BATCH,
  ASSIGNMENT_NOTICE,
  REPORTING_CLOCK_STOP,
];

test('notices-in-task implies every earlier patch and nothing else', () => {
  expect([...IMPLIED_BY_NOTICES_IN_TASK].sort()).toEqual([...earlier].sort());
  expect(IMPLIED_BY_NOTICES_IN_TASK).not.toContain(NOTICES_IN_TASK);
});

test('every patch id the workflow code declares is one of these', async () => {
  const root = path.resolve(__dirname, '../../workflows');
  const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts'));
  const declared: string[] = [];
  for (const f of files) {
    const text = await readFile(path.join(root, f), 'utf8');
    // a patch id is a kebab-case constant handed to patched() somewhere
    for (const m of text.matchAll(/export const (\w+) = '([a-z]+(?:-[a-z]+)+)';/g)) declared.push(m[2]!);
  }
  expect(declared.sort()).toEqual([...earlier, NOTICES_IN_TASK].sort());
});
