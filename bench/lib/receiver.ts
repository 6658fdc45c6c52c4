// A webhook receiver for the benchmarks: verifies each Standard Webhooks signature, keeps the arrival
// time of the first request per webhook-id, and answers 204. The test receiver in test/helpers keeps
// whole bodies and can be told to fail, which the tests need and a storm of thousands does not; this
// one keeps only what the lag measurement reads, and lives in bench/ so it is compiled into dist/.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Arrival {
  id: string;
  /** Date.now() when the request's body had arrived and verified */
  at: number;
  type: string;
}

export interface BenchReceiver {
  url: string;
  /** first verified arrival per webhook-id */
  arrivals: Map<string, Arrival>;
  /** verified requests, duplicates included */
  readonly requests: number;
  /** requests whose signature did not verify */
  readonly rejected: number;
  close(): Promise<void>;
}

/** What a receiver has seen: each notice once means `repeated` 0 (a retry is sent with the same webhook-id). */
export interface ReceiverTally {
  /** verified requests */
  requests: number;
  /** distinct webhook-ids among them */
  notices: number;
  /** verified requests beyond the first per webhook-id */
  repeated: number;
  rejected: number;
}

export function tally(r: BenchReceiver): ReceiverTally {
  return {
    requests: r.requests,
    notices: r.arrivals.size,
    repeated: r.requests - r.arrivals.size,
    rejected: r.rejected,
  };
}

export async function startBenchReceiver(secret: string): Promise<BenchReceiver> {
  const verifier = new Webhook(secret);
  const arrivals = new Map<string, Arrival>();
  let requests = 0;
  let rejected = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      let body: { type?: string };
      try {
        body = verifier.verify(Buffer.concat(chunks).toString('utf8'), headers) as { type?: string };
      } catch {
        rejected += 1;
        res.writeHead(401).end();
        return;
      }
      requests += 1;
      const id = headers['webhook-id'] as string;
      if (!arrivals.has(id)) arrivals.set(id, { id, at: Date.now(), type: body.type ?? '' });
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    get requests() {
      return requests;
    },
    get rejected() {
      return rejected;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
