// One-line workflows around workflows/notify.ts's deliver() and deliverAll(), so the notification
// tests can run notices through Temporal's real retry policy without the supervision workflow.
import { deliver, deliverAll } from '../../workflows/notify';
import { runPatches } from '../../workflows/shared/patches';
import type { Notice, NoticeRecord } from '../../workflows/types';

export async function deliverNotice(notice: Notice): Promise<NoticeRecord> {
  return deliver(notice);
}

/** `inTask`: as a timer's step delivers (patch notices-in-task), first once inside the task */
export async function deliverBatch(notices: Notice[], inTask = false): Promise<NoticeRecord[]> {
  return deliverAll(notices, runPatches(), inTask);
}
