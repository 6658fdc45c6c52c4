// Real receivers on loopback for tests that deliver notices: an SMTP server and a Standard Webhooks
// endpoint. Both deduplicate the way a well-behaved receiver should (on Message-ID, on webhook-id),
// count what arrived, and can be told to fail, so tests can drive retries end to end.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { Webhook } from 'standardwebhooks';

// ---------- waiting ----------

async function waitUntil(done: () => boolean, what: () => string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---------- a small MIME reader (enough for what nodemailer writes) ----------

export interface ParsedMail {
  /** lower-case header names; repeated headers keep the first value */
  headers: Record<string, string>;
  subject: string;
  text: string;
  html?: string;
}

function splitHead(raw: string): { head: string; body: string } {
  const m = /\r?\n\r?\n/.exec(raw);
  return m
    ? { head: raw.slice(0, m.index), body: raw.slice(m.index + m[0].length) }
    : { head: raw, body: '' };
}

function parseHeaders(head: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!(name in out)) out[name] = line.slice(i + 1).trim();
  }
  return out;
}

function decodeQuotedPrintable(s: string): Buffer {
  const bytes: number[] = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words; adjacent words are joined before decoding (a character may span two). */
export function decodeWords(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  const out: string[] = [];
  let last = 0;
  let pending: Buffer[] = [];
  const flush = () => {
    if (pending.length > 0) out.push(Buffer.concat(pending).toString('utf8'));
    pending = [];
  };
  for (let m = word.exec(value); m; m = word.exec(value)) {
    const between = value.slice(last, m.index);
    if (!(pending.length > 0 && /^\s*$/.test(between))) {
      flush();
      out.push(between);
    }
    const [, , enc, data = ''] = m;
    pending.push(
      enc?.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
    last = m.index + m[0].length;
  }
  flush();
  out.push(value.slice(last));
  return out.join('');
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return decodeQuotedPrintable(body).toString('utf8');
    default:
      return body;
  }
}

function collectParts(raw: string, into: { text?: string; html?: string }): void {
  const { head, body } = splitHead(raw);
  const headers = parseHeaders(head);
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const sections = body.split(`--${boundary}`).slice(1);
    for (const section of sections) {
      if (section.startsWith('--')) break;
      collectParts(section.replace(/^\r?\n/, ''), into);
    }
    return;
  }
  const decoded = decodeBody(body, headers['content-transfer-encoding']);
  if (/^text\/html/i.test(type)) into.html ??= decoded;
  else if (/^text\/plain/i.test(type)) into.text ??= decoded;
}

export function parseMail(raw: string): ParsedMail {
  const { head } = splitHead(raw);
  const headers = parseHeaders(head);
  const parts: { text?: string; html?: string } = {};
  collectParts(raw, parts);
  return {
    headers,
    subject: decodeWords(headers['subject'] ?? ''),
    text: (parts.text ?? '').replace(/\r\n/g, '\n').replace(/\n$/, ''),
    ...(parts.html !== undefined ? { html: parts.html } : {}),
  };
}

// ---------- SMTP ----------

export interface ReceivedMail extends ParsedMail {
  messageId: string;
  envelope: { from: string; to: string[] };
  raw: string;
}

export interface SmtpReceiver {
  /** smtp://127.0.0.1:<port>, for DUBAN_SMTP_URL */
  url: string;
  port: number;
  /** unique messages, first copy of each Message-ID, in arrival order */
  received: ReceivedMail[];
  /** every message accepted, duplicates included */
  readonly deliveries: number;
  /** messages whose Message-ID had been seen before */
  readonly duplicates: number;
  /** sessions refused with 451 */
  readonly refusedSessions: number;
  /** RCPT TO answered 550 */
  readonly rejectedRecipients: number;
  /** answer RCPT TO for these addresses with 550 (mailbox unavailable), until cleared */
  rejectAddresses(...addresses: string[]): void;
  /** refuse the next n connections with 451 (try again later) */
  failNextSessions(n: number): void;
  /** unique messages sent to an address */
  to(address: string): ReceivedMail[];
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  reset(): void;
  close(): Promise<void>;
}

export async function startSmtpReceiver(opts: { reject?: string[] } = {}): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  const seen = new Set<string>();
  const rejected = new Set((opts.reject ?? []).map((a) => a.toLowerCase()));
  let deliveries = 0;
  let duplicates = 0;
  let failSessions = 0;
  let refusedSessions = 0;
  let rejectedRecipients = 0;

  const withCode = (message: string, responseCode: number) =>
    Object.assign(new Error(message), { responseCode });

  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'test' });
    },
    onConnect(_session, callback) {
      if (failSessions > 0) {
        failSessions -= 1;
        refusedSessions += 1;
        return callback(withCode('Service temporarily unavailable, try again later', 451));
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (rejected.has(address.address.toLowerCase())) {
        rejectedRecipients += 1;
        return callback(withCode(`Mailbox ${address.address} does not exist`, 550));
      }
      callback();
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = parseMail(raw);
        const messageId = parsed.headers['message-id'] ?? '';
        deliveries += 1;
        if (messageId && seen.has(messageId)) {
          duplicates += 1;
        } else {
          if (messageId) seen.add(messageId);
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          received.push({
            ...parsed,
            messageId,
            envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) },
            raw,
          });
        }
        callback();
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => undefined); // a client dropping mid-session is not a test failure
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    get deliveries() {
      return deliveries;
    },
    get duplicates() {
      return duplicates;
    },
    get refusedSessions() {
      return refusedSessions;
    },
    get rejectedRecipients() {
      return rejectedRecipients;
    },
    rejectAddresses(...addresses) {
      for (const a of addresses) rejected.add(a.toLowerCase());
    },
    failNextSessions(n) {
      failSessions = n;
    },
    to(address) {
      const a = address.toLowerCase();
      return received.filter((m) => m.envelope.to.some((t) => t.toLowerCase() === a));
    },
    async waitFor(count, timeoutMs = 10_000) {
      await waitUntil(
        () => received.length >= count,
        () => `${count} e-mails (have ${received.length})`,
        timeoutMs,
      );
      return received;
    },
    reset() {
      received.length = 0;
      seen.clear();
      rejected.clear();
      deliveries = duplicates = failSessions = refusedSessions = rejectedRecipients = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------- webhook ----------

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  headers: Record<string, string>;
  /** the verified, parsed JSON body */
  body: unknown;
  raw: string;
}

export interface WebhookRequestRecord {
  id?: string;
  /** what the receiver answered */
  status: number;
  /** false when the signature did not verify */
  verified: boolean;
  raw: string;
  headers: Record<string, string>;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port>/hook, for DUBAN_WEBHOOK_URL */
  url: string;
  /** unique deliveries, first accepted request of each webhook-id, in arrival order */
  received: ReceivedWebhook[];
  /** every request that reached the receiver, whatever it answered */
  requests: WebhookRequestRecord[];
  /** verified requests answered 2xx, duplicates included */
  readonly deliveries: number;
  /** accepted requests whose webhook-id had been seen before */
  readonly duplicates: number;
  /** answer the next n verified requests with `status` (default 500) */
  failNext(n: number, status?: number): void;
  /** answer every verified request with `status` from now on; undefined to go back to 204 */
  respondWith(status: number | undefined): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  reset(): void;
  close(): Promise<void>;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export interface WebhookReceiverOptions {
  secret: string;
  /**
   * Awaited after a verified request has been counted as accepted and before it is answered: a
   * test can stop the sender here (e.g. SIGKILL the worker) so the effect happened but the sender
   * never learned it.
   */
  beforeAnswer?: (request: WebhookRequestRecord) => Promise<void> | void;
}

export async function startWebhookReceiver(opts: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const verifier = new Webhook(opts.secret);
  const received: ReceivedWebhook[] = [];
  const requests: WebhookRequestRecord[] = [];
  const seen = new Set<string>();
  let deliveries = 0;
  let duplicates = 0;
  let failures: { left: number; status: number } = { left: 0, status: 500 };
  let fixedStatus: number | undefined;

  const answer = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(text);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = flatHeaders(req);
      const id = headers['webhook-id'];
      const record = (status: number, verified: boolean) =>
        requests.push({ id, status, verified, raw, headers });
      let body: unknown;
      try {
        body = verifier.verify(raw, headers);
      } catch (err) {
        record(401, false);
        return answer(res, 401, `signature: ${(err as Error).message}`);
      }
      if (failures.left > 0) {
        failures.left -= 1;
        record(failures.status, true);
        return answer(res, failures.status, 'failing on purpose');
      }
      if (fixedStatus !== undefined) {
        record(fixedStatus, true);
        return answer(res, fixedStatus, 'fixed answer');
      }
      const key = id as string; // verify() refuses a request without webhook-id
      deliveries += 1;
      if (seen.has(key)) {
        duplicates += 1;
      } else {
        seen.add(key);
        received.push({
          id: key,
          timestamp: headers['webhook-timestamp'] as string,
          signature: headers['webhook-signature'] as string,
          headers,
          body,
          raw,
        });
      }
      record(204, true);
      const answer204 = () => {
        if (!res.destroyed) res.writeHead(204).end();
      };
      if (!opts.beforeAnswer) return answer204();
      void Promise.resolve(opts.beforeAnswer(requests[requests.length - 1]!)).then(answer204, answer204);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    requests,
    get deliveries() {
      return deliveries;
    },
    get duplicates() {
      return duplicates;
    },
    failNext(n, status = 500) {
      failures = { left: n, status };
    },
    respondWith(status) {
      fixedStatus = status;
    },
    async waitFor(count, timeoutMs = 10_000) {
      await waitUntil(
        () => received.length >= count,
        () => `${count} webhooks (have ${received.length})`,
        timeoutMs,
      );
      return received;
    },
    reset() {
      received.length = 0;
      requests.length = 0;
      seen.clear();
      deliveries = duplicates = 0;
      failures = { left: 0, status: 500 };
      fixedStatus = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fresh Standard Webhooks secret: `whsec_` + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}
