// When the case must wake up by itself, and what it does then. Pure: the shell waits on
// `condition(changed, untilNextWakeUp)` and, when the time has come, applies `timersDue`.
import type { CaseState } from '../types';
import { type CaseContext, type CaseEffect, type Step } from './state';
import { appealWindowEnded, nextReminderAt, stepOverdueReminded } from './transitions';

/** The instant (ms) of the next timer event: an overdue reminder, or the end of the appeal window. */
export function nextWakeUp(state: CaseState, ctx: CaseContext): number | undefined {
  if (state.stage === 'appeal_window' && state.appealDeadlineAt) {
    // an appeal is taken up to and including the last instant of the window
    return Date.parse(state.appealDeadlineAt) + 1;
  }
  const at = nextReminderAt(state, ctx);
  return at === undefined ? undefined : Date.parse(at);
}

/** Applies every timer event due by `ctx.now`, in order (a late wake-up catches up day by day). */
export function timersDue(state: CaseState, ctx: CaseContext): Step {
  const effects: CaseEffect[] = [];
  // bounded: each event moves the next wake-up later or ends the waiting
  for (let i = 0; i < 1000; i++) {
    const at = nextWakeUp(state, ctx);
    if (at === undefined || at > ctx.now) break;
    const step =
      state.stage === 'appeal_window' ? appealWindowEnded(state, ctx) : stepOverdueReminded(state, ctx);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects, outcome: undefined };
}
