// Pure pieces of the API: policy resolution, the canonical request hash, the visibility query's
// quoting, and page-token signing.
import { randomBytes } from 'node:crypto';
import { openPageToken, signPageToken } from '../../api/context';
import { canonicalJson, listQuery, requestHashOf } from '../../api/routes/items';
import { whileStarting } from '../../api/temporal';
import { POLICY_PRESETS } from '../../domain/policies';
import { resolvePolicy, UnknownPolicyError } from '../../domain/resolve-policy';

describe('resolvePolicy', () => {
  test('nothing → the default preset; a name → that preset', () => {
    expect(resolvePolicy(undefined).name).toBe('three-urges');
    expect(resolvePolicy('street-office')).toEqual(POLICY_PRESETS['street-office']);
  });

  test('an unknown name is a clear error listing the presets', () => {
    expect(() => resolvePolicy('toString')).toThrow(UnknownPolicyError);
    expect(() => resolvePolicy('nope')).toThrow(/unknown policy "nope".*three-urges/);
  });

  test('an inline policy is validated', () => {
    const inline = {
      name: 'drill',
      reminders: [{ after: { duration: 'PT5S' }, notice: { by: '督查室' }, measures: [] }],
    };
    expect(resolvePolicy(inline).name).toBe('drill');
    expect(() => resolvePolicy({ ...inline, reminders: [] })).toThrow(/at least one level/);
  });
});

describe('request hash', () => {
  test('key order does not matter; values do', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"x":2,"y":1}]},"b":1}',
    );
    expect(requestHashOf({ a: 1, b: 2 })).toBe(requestHashOf({ b: 2, a: 1 }));
    expect(requestHashOf({ a: 1 })).not.toBe(requestHashOf({ a: 2 }));
  });
});

describe('listQuery', () => {
  const now = new Date('2026-10-01T00:00:00Z');
  test('filters become clauses and values are quoted', () => {
    expect(listQuery({}, now)).toBe("WorkflowType = 'supervisionItem'");
    expect(listQuery({ status: 'warning', leadUnit: 'unit-1' }, now)).toBe(
      "WorkflowType = 'supervisionItem' AND SupervisionStatus = 'warning' AND LeadUnit = 'unit-1'",
    );
    expect(listQuery({ overdue: 'true' }, now)).toContain("DeadlineAt < '2026-10-01T00:00:00.000Z'");
  });

  test('a quote in a value cannot end the string', () => {
    const q = listQuery({ leadUnit: "x' OR 'a'='a" }, now);
    expect(q).toBe("WorkflowType = 'supervisionItem' AND LeadUnit = 'x\\' OR \\'a\\'=\\'a'");
  });
});

describe('page tokens', () => {
  test('round-trip with the same key; refused with another key or when altered', () => {
    const key = randomBytes(32);
    const server = Buffer.from('{"StartTime":"2026-10-01T00:00:00Z","RunID":"r1"}');
    const token = signPageToken(key, server);
    expect(openPageToken(key, token)).toEqual(server);
    expect(openPageToken(randomBytes(32), token)).toBeUndefined();
    expect(
      openPageToken(
        key,
        token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
      ),
    ).toBeUndefined();
    expect(openPageToken(key, 'garbage')).toBeUndefined();
  });
});

describe('whileStarting', () => {
  const later = <T>(ms: number, value: T, fail = false) =>
    new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(value) : resolve(value)), ms));

  it('prepares while the start is in flight and answers once the start has', async () => {
    const order: string[] = [];
    const start = later(30, 'started').then((v) => void order.push(v));
    const prepared = await whileStarting(start, () => {
      order.push('prepared');
      return 42;
    });
    expect(prepared).toBe(42);
    expect(order).toEqual(['prepared', 'started']);
  });

  it("throws the start's error, not the prepared value", async () => {
    const refused = new Error('already started');
    await expect(whileStarting(later(10, refused, true), () => 1)).rejects.toBe(refused);
  });

  it("throws prepare's error, and the start's later failure is not left unhandled", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(
        whileStarting(later(10, new Error('server down'), true), () => {
          throw new Error('bad plan');
        }),
      ).rejects.toThrow('bad plan');
      await later(30, undefined);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
