// E-mail delivery over SMTP (nodemailer). One message per recipient, sent one by one, each with a
// Message-ID derived from the notice key and the recipient: a retry re-sends the same Message-ID,
// so a receiver that deduplicates on it shows the notice once.
import { ApplicationFailure } from '@temporalio/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { DeliveryResult, Notice, Recipient } from '../../workflows/types';
import type { RenderedNotice } from './templates';

export interface EmailChannel {
  transport: Pick<Transporter, 'sendMail'>;
  /** the From header, e.g. "督查室 <duban@example.gov.cn>" */
  from: string;
  /** shown in the worker's start-up log; never carries credentials */
  describe?: string;
}

export const IDEMPOTENCY_HEADER = 'X-Duban-Idempotency-Key';

/** Keeps the SMTP conversation well inside the activity's 30 s start-to-close timeout. */
const SMTP_TIMEOUTS: SMTPTransport.Options = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 20_000,
};

export function createEmailChannel(smtp: { url: string; from: string }): EmailChannel {
  const url = new URL(smtp.url);
  const transport = nodemailer.createTransport({ ...SMTP_TIMEOUTS, url: smtp.url });
  return { transport, from: smtp.from, describe: `${url.protocol}//${url.host}` };
}

// RFC 5322 dot-atom text: anything else in a key or recipient id is %-encoded.
const encodeAtom = (s: string): string =>
  Array.from(Buffer.from(s, 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]/.test(c) && c !== '%'
        ? c
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');

/** `<{key}.{recipientId}@duban>`: the same for every attempt at the same notice and recipient. */
export function messageIdFor(key: string, recipientId: string): string {
  return `<${encodeAtom(key)}.${encodeAtom(recipientId)}@duban>`;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

// Errors nodemailer raises before talking to the server about a bad message or address: retrying
// cannot fix them.
const PERMANENT_LOCAL_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'EAUTH']);

function isPermanent(err: SmtpError): boolean {
  if (typeof err.responseCode === 'number') return err.responseCode >= 500;
  return err.code !== undefined && PERMANENT_LOCAL_CODES.has(err.code);
}

const describeError = (err: SmtpError): string =>
  [err.responseCode, err.code, err.response ?? err.message].filter((x) => x !== undefined).join(' ');

export async function sendEmailNotice(
  channel: EmailChannel,
  notice: Notice,
  rendered: RenderedNotice,
): Promise<DeliveryResult> {
  const targets = notice.recipients.filter((r): r is Recipient & { email: string } => Boolean(r.email));
  if (targets.length === 0) {
    return { channel: 'email', status: 'no_recipients', recipients: 0, detail: '没有收件人登记电子邮箱' };
  }
  const rejected: string[] = [];
  let accepted = 0;
  for (const r of targets) {
    try {
      await channel.transport.sendMail({
        from: channel.from,
        to: { name: r.name, address: r.email },
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId: messageIdFor(notice.key, r.id),
        date: new Date(notice.at),
        headers: { [IDEMPOTENCY_HEADER]: notice.key, 'X-Duban-Notice-Kind': notice.kind },
      });
      accepted += 1;
    } catch (e) {
      const err = e as SmtpError;
      if (!isPermanent(err)) {
        // The server is unreachable or asks us to come back: retry the whole notice; recipients
        // already accepted receive the same Message-ID again and the receiver drops the copy.
        throw ApplicationFailure.create({
          type: 'TransientDeliveryFailure',
          message: `e-mail to ${r.id} failed (temporary failure): ${describeError(err)}`,
          nonRetryable: false,
        });
      }
      rejected.push(`${r.name} <${r.email}>: ${describeError(err)}`);
    }
  }
  if (rejected.length > 0) {
    throw ApplicationFailure.create({
      type: 'PermanentDeliveryFailure',
      message: `e-mail rejected for ${rejected.length} of ${targets.length} recipients (${accepted} accepted): ${rejected.join('; ')}`,
      nonRetryable: true,
    });
  }
  const skipped = notice.recipients.length - targets.length;
  return {
    channel: 'email',
    status: 'delivered',
    recipients: accepted,
    ...(skipped > 0 ? { detail: `${skipped}名收件人未登记电子邮箱，未发送邮件` } : {}),
  };
}
