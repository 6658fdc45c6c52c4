// verify-records reads an item's row once per round however many of its level cases it checks.
import type { Db } from '../../activities/record/db';
import { itemCaseIdsOnce } from '../../scripts/verify-records';

test('itemCaseIdsOnce reads each item once and hands every case the same answer', async () => {
  const asked: unknown[] = [];
  const record = {
    query: async (_sql: string, params: unknown[]) => {
      asked.push(params[0]);
      return { rows: [] };
    },
  } as unknown as Db;
  const caseIds = itemCaseIdsOnce(record);
  const answers = await Promise.all([
    caseIds('item-a'),
    caseIds('item-a'),
    caseIds('item-b'),
    caseIds('item-a'),
  ]);
  expect(answers).toEqual([undefined, undefined, undefined, undefined]); // neither is recorded
  expect(asked).toEqual(['item-a', 'item-b']);
  // a new round reads again: the second round of verify-records follows a settle
  await itemCaseIdsOnce(record)('item-a');
  expect(asked).toEqual(['item-a', 'item-b', 'item-a']);
});
