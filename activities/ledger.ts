// Ledger writes (台帐): an executed or revoked measure is signalled to the subject's yearly ledger
// workflow, started on first use (signalWithStart). A person's measure is also copied to their unit's
// ledger (S3 §五 counts a unit's staff). Idempotent: the ledger deduplicates on the measure id, so a
// retried activity never counts twice.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { MeasureCode } from '../domain/schemas';
import { ledgerWorkflowId } from '../workflows/ids';
import { recordLedgerEvent, revokeLedgerEvent } from '../workflows/messages';
import type { ledger } from '../workflows/ledger';
import type { LedgerEvent, LedgerInput } from '../workflows/types';

const id = z.string().min(1).max(128);

export const LedgerEventSchema = z.strictObject({
  measureId: id,
  caseId: id,
  subjectId: id,
  subjectKind: z.enum(['person', 'unit']),
  subjectName: z.string().min(1).max(200),
  unitId: id.optional(),
  code: MeasureCode,
  amount: z.number().positive().optional(),
  date: z.iso.date(),
  decidedBy: z.string().min(1).max(128),
  revoked: z.boolean().optional(),
  viaStaff: z.boolean().optional(),
});

function parse(event: unknown): LedgerEvent {
  const parsed = LedgerEventSchema.safeParse(event);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw ApplicationFailure.nonRetryable(`invalid ledger event: ${detail}`, 'InvalidInput');
  }
  return parsed.data;
}

/** the ledgers an event belongs to: its subject's, and for a person with a unit, the unit's */
function targets(event: LedgerEvent): { input: LedgerInput; event: LedgerEvent }[] {
  const year = Number(event.date.slice(0, 4));
  const own = { input: { subjectId: event.subjectId, subjectKind: event.subjectKind, year }, event };
  if (event.subjectKind !== 'person' || !event.unitId) return [own];
  return [
    own,
    {
      input: { subjectId: event.unitId, subjectKind: 'unit', year },
      event: { ...event, viaStaff: true },
    },
  ];
}

export function createLedgerActivities(client: Client) {
  const send = async (raw: unknown, kind: 'record' | 'revoke'): Promise<void> => {
    const event = parse(raw);
    // The ledgers live on the queue of the worker running this activity, so no configuration is needed.
    const taskQueue = Context.current().info.taskQueue;
    for (const t of targets(event)) {
      const common = {
        workflowId: ledgerWorkflowId(t.input.subjectKind, t.input.subjectId, t.input.year),
        taskQueue,
        args: [t.input] as [LedgerInput],
        staticSummary: `台帐：${t.input.subjectKind === 'person' ? event.subjectName : t.input.subjectId} ${t.input.year}年`,
      };
      if (kind === 'record') {
        await client.workflow.signalWithStart<typeof ledger, [LedgerEvent]>('ledger', {
          ...common,
          signal: recordLedgerEvent,
          signalArgs: [t.event],
        });
      } else {
        await client.workflow.signalWithStart<typeof ledger, [{ measureId: string }]>('ledger', {
          ...common,
          signal: revokeLedgerEvent,
          signalArgs: [{ measureId: t.event.measureId }],
        });
      }
    }
  };

  return {
    /** 记入台帐: records an executed measure in the subject's (and its unit's) ledger for the year */
    async recordMeasure(event: LedgerEvent): Promise<void> {
      await send(event, 'record');
    },
    /** 撤销: marks a revoked measure in the same ledgers; it stops counting towards restrictions */
    async revokeMeasure(event: LedgerEvent): Promise<void> {
      await send(event, 'revoke');
    },
  };
}
