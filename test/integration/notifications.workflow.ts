// A one-line workflow around workflows/notify.ts's deliver(), so the notification tests can run a
// notice through Temporal's real retry policy without depending on the supervision workflow.
import { deliver } from '../../workflows/notify';
import type { Notice, NoticeRecord } from '../../workflows/types';

export async function deliverNotice(notice: Notice): Promise<NoticeRecord> {
  return deliver(notice);
}
