// A stand-in for the deliverNotices activity in workflow tests: keeps every notice of every batch
// and answers each on both channels with the given status.
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DeliveryResult, Notice, NoticeRecord } from '../../workflows/types';

/** test/integration/notifications.workflow.ts (one-line workflows around workflows/notify.ts), bundled without its log */
export function bundleNotificationWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  const quiet = () => undefined;
  return bundleWorkflowCode({
    workflowsPath: require.resolve('../integration/notifications.workflow'),
    logger: { error: quiet, warn: quiet, info: quiet, debug: quiet, trace: quiet, log: quiet },
  });
}

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
