// deliverAll's records when the batch activity finally failed: what the last attempt finished
// stands, every other pair is failed with its reason (from the failure's details, or the last
// heartbeat of an attempt that timed out).
import {
  ActivityFailure,
  ApplicationFailure,
  RetryState,
  TimeoutFailure,
  TimeoutType,
} from '@temporalio/common';
import { afterFailure } from '../../workflows/notify';
import type { BatchProgress, Notice } from '../../workflows/types';

const notice = (key: string): Notice => ({
  key,
  kind: 'urge',
  subject: '第一次催办：x',
  recipients: [{ id: 'p1', name: '李联络', role: 'liaison' }],
  at: '2026-10-26T01:00:00.000Z',
});
const notices = [notice('a'), notice('b')];
const progress: BatchProgress = {
  done: [
    { key: 'a', result: { channel: 'email', status: 'delivered', recipients: 1 } },
    { key: 'b', result: { channel: 'webhook', status: 'failed', detail: 'HTTP 404' } },
  ],
  pending: [{ key: 'a', channel: 'webhook', detail: 'HTTP 503' }],
};
const activityFailure = (cause: Error) =>
  new ActivityFailure(
    'activity failed',
    'deliverNotices',
    '1',
    RetryState.MAXIMUM_ATTEMPTS_REACHED,
    'w',
    cause,
  );

test('after the last retry: done pairs kept, pending ones failed with their own reason', () => {
  const cause = ApplicationFailure.create({
    type: 'TransientDeliveryFailure',
    message: '2 of 4 failed',
    details: [progress],
  });
  const records = afterFailure(notices, activityFailure(cause));
  expect(records.map((r) => r.deliveries)).toEqual([
    [
      { channel: 'email', status: 'delivered', recipients: 1 },
      { channel: 'webhook', status: 'failed', detail: 'HTTP 503' },
    ],
    [
      { channel: 'email', status: 'failed', detail: '2 of 4 failed' },
      { channel: 'webhook', status: 'failed', detail: 'HTTP 404' },
    ],
  ]);
});

test('an attempt that timed out: the last heartbeat tells what was done', () => {
  const cause = new TimeoutFailure('activity Heartbeat timeout', progress, TimeoutType.HEARTBEAT);
  const [a, b] = afterFailure(notices, activityFailure(cause));
  expect(a?.deliveries[0]?.status).toBe('delivered');
  expect(b?.deliveries[0]).toEqual({
    channel: 'email',
    status: 'failed',
    detail: 'activity Heartbeat timeout',
  });
});

test('nothing known (no details): every pair failed with the failure message', () => {
  const cause = ApplicationFailure.create({
    type: 'InvalidInput',
    message: 'invalid batch: x',
    nonRetryable: true,
  });
  const records = afterFailure(notices, activityFailure(cause));
  expect(records.flatMap((r) => r.deliveries.map((d) => [d.channel, d.status, d.detail]))).toEqual([
    ['email', 'failed', 'invalid batch: x'],
    ['webhook', 'failed', 'invalid batch: x'],
    ['email', 'failed', 'invalid batch: x'],
    ['webhook', 'failed', 'invalid batch: x'],
  ]);
});
