// A new run asks one run-level patch and takes every patch it implies without a marker each. What a
// run-level patch implies must be exactly the patches that came before it: one missing would cost a
// new run a marker, one too many (a later patch) would send runs recorded without it down its path.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { NO_LINK_BACK } from '../../workflows/case/children';
import { DELIVERIES_IN_BATCH } from '../../workflows/notify';
import {
  CASE_LINKED_WITH_URGE,
  CASE_STARTED_IN_TASK,
  IMPLIED_BY_NOTICES_IN_TASK,
  NOTICES_IN_TASK,
  RECORD_IN_TASK,
  RUN_LEVEL,
} from '../../workflows/shared/patch-ids';
import { RECORD_AFTER_TASK } from '../../workflows/shared/record-write';
import { ASSIGNMENT_NOTICE, REPORTING_CLOCK_STOP } from '../../workflows/supervision/patches';

// in the order they were added
const history = [
  NO_LINK_BACK,
  RECORD_AFTER_TASK,
  DELIVERIES_IN_BATCH,
  ASSIGNMENT_NOTICE,
  REPORTING_CLOCK_STOP,
  NOTICES_IN_TASK,
  CASE_LINKED_WITH_URGE,
  RECORD_IN_TASK,
  CASE_STARTED_IN_TASK,
];
const before = (id: string) => history.slice(0, history.indexOf(id));

test('each run-level patch implies every patch before it and nothing else; the newest comes first', () => {
  expect(RUN_LEVEL.map((r) => r.id)).toEqual([
    CASE_STARTED_IN_TASK,
    RECORD_IN_TASK,
    CASE_LINKED_WITH_URGE,
    NOTICES_IN_TASK,
  ]);
  for (const r of RUN_LEVEL) expect([...r.implies].sort()).toEqual(before(r.id).sort());
  expect([...IMPLIED_BY_NOTICES_IN_TASK].sort()).toEqual(before(NOTICES_IN_TASK).sort());
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
  expect(declared.sort()).toEqual([...history].sort());
});
