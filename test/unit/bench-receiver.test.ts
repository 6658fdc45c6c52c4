// The storm's receiver counts what it was sent: a notice sent twice (same webhook-id) shows as
// repeated, a request with a wrong signature as rejected, and only verified ones arrive.
import { Webhook } from 'standardwebhooks';
import { startBenchReceiver, tally } from '../../bench/lib/receiver';
import { newWebhookSecret } from '../helpers/receivers';

async function post(url: string, secret: string, id: string): Promise<number> {
  const body = JSON.stringify({ type: 'urge' });
  const at = new Date();
  const signature = new Webhook(secret).sign(id, at, body);
  const headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
  return (await fetch(url, { method: 'POST', headers, body })).status;
}

test('tally: verified requests, distinct notices, repeats and rejections', async () => {
  const secret = newWebhookSecret();
  const receiver = await startBenchReceiver(secret);
  try {
    expect(await post(receiver.url, secret, 'item-1:L1:urge')).toBe(204);
    expect(await post(receiver.url, secret, 'item-1:L1:bulletin')).toBe(204);
    expect(await post(receiver.url, secret, 'item-1:L1:urge')).toBe(204); // a retry
    expect(await post(receiver.url, newWebhookSecret(), 'item-2:L1:urge')).toBe(401);
    expect(tally(receiver)).toEqual({ requests: 3, notices: 2, repeated: 1, rejected: 1 });
    expect([...receiver.arrivals.keys()]).toEqual(['item-1:L1:urge', 'item-1:L1:bulletin']);
  } finally {
    await receiver.close();
  }
});
