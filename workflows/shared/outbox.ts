// The outbox: effects a workflow decided on (notices to send, rows to record, children to start)
// are performed in order by one loop per lane, beside the process, so a slow mail server or a
// database that is down never holds up a timer or an update. Each lane hands everything queued to
// its performer at once, so one activity call carries a whole step's batch. A performer that
// throws stops the lane and the error is kept: the workflow fails loudly instead of hanging.
import { CancellationScope, condition } from '@temporalio/workflow';

export class Outbox<E> {
  private readonly queue: E[] = [];
  private closing = false;
  private running = 0;
  /** the first error a performer threw; the workflow rethrows it */
  error: unknown;
  readonly done: Promise<void>;

  constructor(
    private readonly perform: (batch: E[]) => Promise<void>,
    /** how many effects one call may carry */
    private readonly maxBatch = 50,
    /** false holds what is queued (a record batch waits for the step's in-task deliveries) */
    private readonly ready: () => boolean = () => true,
  ) {
    // Never cancelled with the workflow: what was decided is still delivered and recorded.
    this.done = CancellationScope.nonCancellable(() => this.loop());
  }

  push(...effects: E[]): void {
    this.queue.push(...effects);
  }

  /** nothing queued and nothing in flight */
  get idle(): boolean {
    return this.queue.length === 0 && this.running === 0;
  }

  /** something waits to be handed to the performer */
  get queued(): boolean {
    return this.queue.length > 0;
  }

  get failed(): boolean {
    return this.error !== undefined;
  }

  /** Performs what is queued, then ends the loop. */
  async close(): Promise<void> {
    this.closing = true;
    await this.done;
  }

  private async loop(): Promise<void> {
    for (;;) {
      await condition(() => (this.queue.length > 0 && this.ready()) || this.closing);
      if (this.queue.length === 0) return;
      const batch = this.queue.splice(0, this.maxBatch);
      this.running += 1;
      try {
        await this.perform(batch);
      } catch (err) {
        this.error = err;
        return;
      } finally {
        this.running -= 1;
      }
    }
  }
}
