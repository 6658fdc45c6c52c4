// One-line workflows around workflows/notify.ts's deliver() and deliverAll(), so the notification
// tests can run notices through Temporal's real retry policy without the supervision workflow.
import { deliver, deliverAll } from '../../workflows/notify';
import type { Notice, NoticeRecord } from '../../workflows/types';

export async function deliverNotice(notice: Notice): Promise<NoticeRecord> {
  return deliver(notice);
}

export async function deliverBatch(notices: Notice[]): Promise<NoticeRecord[]> {
  return deliverAll(notices);
}
