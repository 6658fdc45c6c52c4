// A stand-in for the deliverNotices activity in workflow tests: keeps every notice of every batch
// and answers each on both channels with the given status.
import type { DeliveryResult, Notice, NoticeRecord } from '../../workflows/types';

export function batchDeliverer(kept: Notice[], status: 'delivered' | 'not_configured') {
  return async ({ notices }: { notices: Notice[] }): Promise<NoticeRecord[]> => {
    kept.push(...notices);
    return notices.map((n) => ({
      key: n.key,
      kind: n.kind,
      subject: n.subject,
      at: n.at,
      recipients: n.recipients.map((r) => r.id),
      deliveries: (['email', 'webhook'] as const).map((channel): DeliveryResult => ({
        channel,
        status,
        ...(status === 'delivered' ? { recipients: n.recipients.length } : {}),
      })),
    }));
  };
}
