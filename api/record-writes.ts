// The first record batch of an item or case the API created is written just after the 201 went
// out, not before it: the client is answered at the start's speed (the write cost a create about a
// sixth of its time). Nothing is lost either way: the workflow writes the same batch in its first
// task. So that whoever was answered still reads what they made, every GET of this process first
// waits for the writes still in flight (bounded: a record that is down delays a read by at most
// READ_WAIT_MS, and only while such a write is pending).
import type { NextFunction, Request, Response } from 'express';

export const READ_WAIT_MS = 2000;
/** past this many writes in flight a create waits for them before it answers: a record that is slow
 * slows the creates down instead of piling their batches up in memory */
export const MAX_PENDING = 256;

export class PendingRecordWrites {
  private readonly inFlight = new Set<Promise<void>>();

  /** Tracks a write; its failure is the caller's to log, here it only ends the wait. */
  add(write: Promise<unknown>): void {
    const tracked: Promise<void> = write.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(tracked);
    void tracked.then(() => this.inFlight.delete(tracked));
  }

  get size(): number {
    return this.inFlight.size;
  }

  /** Before a create answers: waits (bounded) while `max` or more writes are in flight. */
  async room(max = MAX_PENDING): Promise<void> {
    if (this.inFlight.size >= max) await this.settled();
  }

  /**
   * How a create answers: waits for room, answers (the 201), then starts its first record batch and
   * tracks it. A failed write is `onFailure`'s to log: the workflow writes the same batch itself.
   */
  async answerThenWrite(
    answer: () => void,
    write: () => Promise<unknown>,
    onFailure: (err: unknown) => void,
  ): Promise<void> {
    await this.room();
    answer();
    this.add(write().catch(onFailure));
  }

  /** Resolves once every write pending now has ended, or after `withinMs`. */
  async settled(withinMs = READ_WAIT_MS): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.inFlight]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs))),
    ]);
    clearTimeout(timer);
  }

  /** Middleware: a GET (or HEAD) waits for the creates this process already answered. */
  readonly readAfterWrite = (req: Request, _res: Response, next: NextFunction): void => {
    if (this.inFlight.size === 0 || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    this.settled().then(() => next(), next);
  };
}
