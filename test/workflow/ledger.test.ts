// The yearly ledger (台帐) entity workflow and the activities that write to it.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createLedgerActivities } from '../../activities/ledger';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { ledgerWorkflowId } from '../../workflows/ids';
import { getLedger, recordLedgerEvent, revokeLedgerEvent } from '../../workflows/messages';
import type { ledger } from '../../workflows/ledger';
import type { LedgerEvent, LedgerState } from '../../workflows/types';
import { recordHistory } from '../helpers/histories';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
}, 180_000);

afterAll(async () => {
  await env?.teardown();
});

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `ledger-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: createLedgerActivities(env.client),
  });
  return worker.runUntil(fn(taskQueue));
}

const tag = () => randomUUID().slice(0, 8);
const event = (
  subjectId: string,
  caseId: string,
  n: number,
  extra: Partial<LedgerEvent> = {},
): LedgerEvent => ({
  measureId: `${caseId}-m${n}`,
  caseId,
  subjectId,
  subjectKind: 'person',
  subjectName: '李四',
  code: 'admonition_talk',
  date: '2026-03-02',
  decidedBy: 'director',
  ...extra,
});

/** what the ledger activities do, through the real activity, in an activity context on the queue */
const runActivity = (taskQueue: string, kind: 'recordMeasure' | 'revokeMeasure', e: LedgerEvent) =>
  new MockActivityEnvironment({ taskQueue }).run(createLedgerActivities(env.client)[kind], e);

const query = (subjectId: string, kind: 'person' | 'unit' = 'person', year = 2026): Promise<LedgerState> =>
  env.client.workflow.getHandle(ledgerWorkflowId(kind, subjectId, year)).query(getLedger);

describe('ledger workflow (台帐)', () => {
  it('counts a measure delivered twice once', async () => {
    const person = `p-${tag()}`;
    await withWorker(async (taskQueue) => {
      const e = event(person, `c-${tag()}`, 1, { code: 'public_criticism' });
      const start = {
        workflowId: ledgerWorkflowId('person', person, 2026),
        taskQueue,
        args: [{ subjectId: person, subjectKind: 'person' as const, year: 2026 }] as Parameters<
          typeof ledger
        >,
        signal: recordLedgerEvent,
        signalArgs: [e] as [LedgerEvent],
      };
      const handle = await env.client.workflow.signalWithStart<typeof ledger, [LedgerEvent]>('ledger', start);
      await env.client.workflow.signalWithStart<typeof ledger, [LedgerEvent]>('ledger', start);
      const state = await handle.query(getLedger);
      expect(state.events).toHaveLength(1);
      expect(state.restrictions).toEqual({
        ratingCap: 'competent',
        reasons: [expect.objectContaining({ rule: 'criticism_not_excellent', clause: 'S1 §五; S3 §五' })],
      });
      await recordHistory(handle, 'ledger-duplicate-delivery');
    });
  });

  it('caps a person at 称职 after one case and 基本称职 after the second; a revocation lifts it', async () => {
    const person = `p-${tag()}`;
    await withWorker(async (taskQueue) => {
      const c1 = `c-${tag()}`;
      const c2 = `c-${tag()}`;
      await runActivity(taskQueue, 'recordMeasure', event(person, c1, 1, { code: 'written_self_criticism' }));
      expect((await query(person)).restrictions.ratingCap).toBe('competent');

      // a second measure of the same case is still one case
      await runActivity(taskQueue, 'recordMeasure', event(person, c1, 2, { code: 'admonition_talk' }));
      expect((await query(person)).restrictions.ratingCap).toBe('competent');

      const second = event(person, c2, 1);
      await runActivity(taskQueue, 'recordMeasure', second);
      let state = await query(person);
      expect(state.restrictions.ratingCap).toBe('basically_competent');
      expect(state.restrictions.reasons.map((r) => r.rule)).toEqual([
        'criticism_not_excellent',
        'two_cases_not_competent',
      ]);

      await runActivity(taskQueue, 'revokeMeasure', second);
      state = await query(person);
      expect(state.events.find((e) => e.measureId === second.measureId)?.revoked).toBe(true);
      expect(state.restrictions.ratingCap).toBe('competent');

      await runActivity(
        taskQueue,
        'recordMeasure',
        event(person, c2, 2, { code: 'organizational_handling' }),
      );
      expect((await query(person)).restrictions.ratingCap).toBe('incompetent');
      await recordHistory(
        env.client.workflow.getHandle(ledgerWorkflowId('person', person, 2026)),
        'ledger-person-rules',
      );
    });
  });

  it('copies a person’s measure to the unit; the unit is barred from 先进 at three cases, not two', async () => {
    const unit = `u-${tag()}`;
    const staff = `p-${tag()}`;
    await withWorker(async (taskQueue) => {
      await runActivity(taskQueue, 'recordMeasure', {
        ...event(unit, `c-${tag()}`, 1, { code: 'written_self_criticism' }),
        subjectKind: 'unit',
        subjectName: '城管科',
      });
      await runActivity(taskQueue, 'recordMeasure', event(staff, `c-${tag()}`, 1, { unitId: unit }));
      let state = await query(unit, 'unit');
      expect(state.subjectKind).toBe('unit');
      expect(state.events).toHaveLength(2);
      expect(state.events[1]).toMatchObject({ subjectId: staff, viaStaff: true });
      expect(state.restrictions).toEqual({ advancedUnitEligible: true, reasons: [] });
      // the person's own ledger has it too, without the staff mark
      expect((await query(staff)).events).toEqual([
        expect.objectContaining({ subjectId: staff, revoked: false }),
      ]);

      await runActivity(taskQueue, 'recordMeasure', event(staff, `c-${tag()}`, 1, { unitId: unit }));
      state = await query(unit, 'unit');
      expect(state.restrictions.advancedUnitEligible).toBe(false);
      expect(state.restrictions.reasons).toEqual([
        expect.objectContaining({ rule: 'unit_three_cases_not_advanced', clause: 'S3 §五' }),
      ]);
      await recordHistory(
        env.client.workflow.getHandle(ledgerWorkflowId('unit', unit, 2026)),
        'ledger-unit-staff',
      );
    });
  });

  it('keeps a person and a unit that share an id apart (ledger-person-… / ledger-unit-…)', async () => {
    const shared = `x-${tag()}`;
    await withWorker(async (taskQueue) => {
      await runActivity(
        taskQueue,
        'recordMeasure',
        event(shared, `c-${tag()}`, 1, { code: 'public_criticism' }),
      );
      await runActivity(taskQueue, 'recordMeasure', {
        ...event(shared, `c-${tag()}`, 1, { code: 'disqualify_awards' }),
        subjectKind: 'unit',
        subjectName: '同号单位',
      });
      const person = await query(shared, 'person');
      const unit = await query(shared, 'unit');
      expect(person.events.map((e) => e.code)).toEqual(['public_criticism']);
      expect(person.restrictions.ratingCap).toBe('competent');
      expect(unit.events.map((e) => e.code)).toEqual(['disqualify_awards']);
      expect(unit.restrictions.advancedUnitEligible).toBe(false);
      expect(ledgerWorkflowId('person', shared, 2026)).toBe(`ledger-person-${shared}-2026`);
    });
  });

  it('refuses a malformed event at the activity boundary without retrying', async () => {
    await withWorker(async (taskQueue) => {
      await expect(
        runActivity(taskQueue, 'recordMeasure', { ...event('p', 'c', 1), date: '2026/03/02' }),
      ).rejects.toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    });
  });

  it('starts from carried events (continue-as-new) and keeps deduplicating them', async () => {
    const person = `p-${tag()}`;
    await withWorker(async (taskQueue) => {
      const carried = [event(person, 'c-a', 1), event(person, 'c-b', 1)];
      const handle = await env.client.workflow.start<typeof ledger>('ledger', {
        workflowId: ledgerWorkflowId('person', person, 2026),
        taskQueue,
        args: [{ subjectId: person, subjectKind: 'person', year: 2026, carried: { events: carried } }],
      });
      await handle.signal(recordLedgerEvent, carried[0]!);
      await handle.signal(revokeLedgerEvent, { measureId: 'unknown' });
      const state = await handle.query(getLedger);
      expect(state.events).toHaveLength(2);
      expect(state.restrictions.ratingCap).toBe('basically_competent');
    });
  });
});
