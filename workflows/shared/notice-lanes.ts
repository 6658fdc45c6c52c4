// The two notice lanes of a workflow shell. An Update's notices go out after the Update answered;
// a step no Update decided first tries its notices inside its own task (patch notices-in-task), and
// the record lane waits for that try, so the step and its delivery rows are one write. Runs before
// the patch have one lane for both, and nothing waits.
import { deliverAll } from '../notify';
import type { Notice, NoticeRecord } from '../types';
import { Outbox } from './outbox';
import { NOTICES_IN_TASK, type Patched } from './patches';

export class NoticeLanes {
  readonly byUpdate: Outbox<Notice>;
  readonly byStep: Outbox<Notice>;

  /**
   * `delivered` applies the records to the state read after the delivery (it moved on meanwhile);
   * `sync` then hands a step's rows to the record lane before the lane goes idle and frees it.
   */
  constructor(patched: Patched, delivered: (records: NoticeRecord[]) => void, sync: () => void) {
    const lane = (inTask: boolean) =>
      new Outbox<Notice>(async (batch) => {
        if (inTask) this.trying = true;
        const tried = inTask ? () => void (this.trying = false) : undefined;
        delivered(await deliverAll(batch, patched, inTask, tried));
        if (inTask) sync();
      });
    this.byUpdate = lane(false);
    this.byStep = patched(NOTICES_IN_TASK) ? lane(true) : this.byUpdate;
  }

  push(notice: Notice, byUpdate: boolean): void {
    (byUpdate ? this.byUpdate : this.byStep).push(notice);
  }

  /** the record lane's gate: a step's batch is held while its in-task try runs */
  readonly settled = (): boolean => this.byStep === this.byUpdate || this.byStep.idle;

  /** a step's in-task try is running */
  private trying = false;

  /**
   * A step's in-task try is neither queued nor running (what it left undone may still be on its
   * way): the gate of the item's case starts, which come right after the step's notices.
   */
  readonly tried = (): boolean => !this.byStep.queued && !this.trying;

  /** Delivers what is queued on both lanes, then ends them. */
  async close(): Promise<void> {
    await this.byUpdate.close();
    await this.byStep.close(); // the same lane in runs before notices-in-task
  }
}
