// 日历更新: one run per loaded version of a year's 放假安排, so ops see in the Temporal UI which
// items were re-planned and a repeated load starts nothing twice.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { replanItemsForYear } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', maximumAttempts: 20 },
});

export async function calendarRollout(input: {
  year: number;
  version: number;
  reference: string;
}): Promise<{ items: number; signalled: number }> {
  return replanItemsForYear.executeWithOptions(
    {
      startToCloseTimeout: '10 minutes',
      heartbeatTimeout: '1 minute',
      summary: `重新排期：${input.year}年放假安排（${input.reference}）`,
    },
    [input],
  );
}
