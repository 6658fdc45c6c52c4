// 台帐: one entity workflow per subject (person or unit) and year. It receives every executed measure
// and every revocation by signal (signalWithStart from the ledger activities), deduplicates on the
// measure id so a retried delivery counts once, and answers the rating restrictions by the pure rules
// in ledger-rules.ts. It never ends by itself; when the history grows long it continues as new,
// carrying its events.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { deriveRestrictions, RATING_NAMES } from './ledger-rules';
import { getLedger, recordLedgerEvent, revokeLedgerEvent } from './messages';
import type { LedgerEvent, LedgerInput, LedgerState } from './types';

export async function ledger(input: LedgerInput): Promise<void> {
  const events: LedgerEvent[] = [...(input.carried?.events ?? [])];

  const state = (): LedgerState => ({
    subjectId: input.subjectId,
    subjectKind: input.subjectKind,
    year: input.year,
    events,
    restrictions: deriveRestrictions(input.subjectKind, events),
  });

  const describe = (): void => {
    const live = events.filter((e) => !e.revoked).length;
    const r = deriveRestrictions(input.subjectKind, events);
    const verdict =
      input.subjectKind === 'person'
        ? `评定上限：${RATING_NAMES[r.ratingCap ?? 'excellent']}`
        : r.advancedUnitEligible === false
          ? '不得评为先进单位'
          : '可参评先进单位';
    setCurrentDetails(`${input.year}年 问责记录 ${live} 条；${verdict}`);
  };

  setHandler(getLedger, state);
  setHandler(recordLedgerEvent, (event) => {
    if (events.some((e) => e.measureId === event.measureId)) {
      log.info('duplicate ledger event ignored', { measureId: event.measureId });
      return;
    }
    events.push({ ...event, revoked: false });
    describe();
  });
  setHandler(revokeLedgerEvent, ({ measureId }) => {
    const event = events.find((e) => e.measureId === measureId);
    if (!event) {
      log.warn('revocation for an unknown measure ignored', { measureId });
      return;
    }
    event.revoked = true;
    describe();
  });

  describe();
  await condition(() => workflowInfo().continueAsNewSuggested && allHandlersFinished());
  await continueAsNew<typeof ledger>({
    subjectId: input.subjectId,
    subjectKind: input.subjectKind,
    year: input.year,
    carried: { events },
  });
}
