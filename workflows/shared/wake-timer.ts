// One durable timer per wake-up instant. `condition(pred, timeout)` starts a timer on every call and
// cancels it when the predicate wins, so each update or lane result that wakes the main loop costs
// a TIMER_CANCELED and a TIMER_STARTED. Here the timer lives in its own cancellation scope and is
// kept while the next wake-up instant stays the same; it is cancelled only when the instant moves.
import { CancellationScope, sleep } from '@temporalio/workflow';

export class WakeTimer {
  private at: number | undefined;
  private scope: CancellationScope | undefined;
  /** the timer for the current instant has fired */
  fired = false;

  /** Keeps, replaces or (`at` undefined) cancels the timer so that it fires at `at`. */
  set(at: number | undefined, summary: () => string): void {
    if (at === this.at && (this.scope || this.fired)) return;
    this.scope?.cancel();
    this.scope = undefined;
    this.at = at;
    this.fired = false;
    if (at === undefined) return;
    const scope = new CancellationScope();
    this.scope = scope;
    scope
      .run(() => sleep(Math.max(1, at - Date.now()), { summary: summary() }))
      .then(
        () => {
          if (this.scope !== scope) return;
          this.fired = true;
          this.scope = undefined;
        },
        () => undefined, // cancelled: a later instant replaced it, or the workflow was cancelled
      );
  }
}
