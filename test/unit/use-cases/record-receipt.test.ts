import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InMemoryOutcomeLedger } from '../../../shared/adapters/memory/outcome-ledger.ts';
import { LocalReceiptKeys } from '../../../shared/adapters/receipts/local-keys.ts';
import { ReceiptRefusedError } from '../../../shared/domain/engagement/errors.ts';
import type { MessageRecord } from '../../../shared/domain/engagement/message-log.ts';
import type { ReceiptClaims } from '../../../shared/domain/engagement/receipt.ts';
import { signerFrom } from '../../../shared/domain/engagement/receipt-keys.ts';
import { signReceipt } from '../../../shared/domain/engagement/receipt-token.ts';
import { ManualClock } from '../../../shared/local/manual-clock.ts';
import { recordReceipt } from '../../../shared/use-cases/record-receipt.ts';

const now = new Date('2026-11-21T23:30:00Z');
const claims: ReceiptClaims = {
  eventId: 'evt-1',
  scope: 'price-drop',
  variant: 'B',
  userId: 'amy',
  deviceId: 'dev-1',
  expiresAt: now.getTime() / 1000 + 3600,
};

const setUp = () => {
  const keys = new LocalReceiptKeys();
  const records: MessageRecord[] = [];
  const deps = {
    keys,
    outcomes: new InMemoryOutcomeLedger(),
    messageLog: { append: async (batch: readonly MessageRecord[]) => void records.push(...batch) },
    clock: new ManualClock(now),
  };
  return { deps, records, sign: (c: ReceiptClaims = claims) => signerFrom(keys).sign(c) };
};

/** The refusal reason, or what came back instead. */
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    (result) => ({ accepted: result }),
    (error: unknown) => (error instanceof ReceiptRefusedError ? error.message : error),
  );

describe('recordReceipt, refusals', () => {
  it('refuses a token signed with another key as bad-signature, and counts nothing', async () => {
    const { deps, records } = setUp();
    const forged = signReceipt(claims, randomBytes(32));

    const result = await refusal(recordReceipt({ token: forged, kind: 'opened' }, deps));

    expect(result).toBe('receipt: bad-signature');
    expect(await deps.outcomes.summary()).toEqual({});
    expect(records).toEqual([]);
  });

  it('refuses a token whose claims were altered after signing as bad-signature', async () => {
    const { deps, sign } = setUp();
    const [, signature] = (await sign()).split('.');
    const altered = Buffer.from(JSON.stringify({ ...claims, userId: 'mallory' })).toString('base64url');

    const result = await refusal(recordReceipt({ token: `${altered}.${signature}`, kind: 'opened' }, deps));

    expect(result).toBe('receipt: bad-signature');
  });

  it('refuses an expired token, and one that is no token at all, with their reasons', async () => {
    const { deps, sign } = setUp();
    const expired = await sign({ ...claims, expiresAt: now.getTime() / 1000 - 1 });

    expect(await refusal(recordReceipt({ token: expired, kind: 'opened' }, deps))).toBe('receipt: expired');
    expect(await refusal(recordReceipt({ token: 'not-a-token', kind: 'opened' }, deps))).toBe(
      'receipt: malformed',
    );
  });

  it('refuses a signed token whose ids are too long for a key, as malformed', async () => {
    const { deps, sign } = setUp();
    const long = await sign({ ...claims, userId: 'u'.repeat(129) });

    expect(await refusal(recordReceipt({ token: long, kind: 'opened' }, deps))).toBe('receipt: malformed');
    expect(await deps.outcomes.summary()).toEqual({});
  });
});

describe('recordReceipt, counting', () => {
  it('counts a receipt once per message, user and kind, however often it is replayed', async () => {
    const { deps, records, sign } = setUp();
    const token = await sign();

    const first = await recordReceipt({ token, kind: 'opened' }, deps);
    const replays = [
      await recordReceipt({ token, kind: 'opened' }, deps),
      await recordReceipt({ token: await sign({ ...claims, deviceId: 'dev-2' }), kind: 'opened' }, deps),
    ];

    expect(first).toEqual({ status: 'counted' });
    expect(replays).toEqual([{ status: 'already-counted' }, { status: 'already-counted' }]);
    expect((await deps.outcomes.summary())['price-drop']?.opened).toBe(1);
    expect(records).toEqual([
      {
        time: now.toISOString(),
        step: 'opened',
        scope: 'price-drop',
        variant: 'B',
        eventId: 'evt-1',
        userId: 'amy',
        deviceId: 'dev-1',
      },
    ]);
  });

  it('counts opened and clicked apart, per variant and on the day of Herald’s clock (UTC)', async () => {
    const { deps, records, sign } = setUp();
    const token = await sign();
    const counted: unknown[] = [];
    const ledger = deps.outcomes;
    const outcomes = {
      wasRecorded: (id: string) => ledger.wasRecorded(id),
      record: (id: string, counts: Parameters<typeof ledger.record>[1]) => {
        counted.push({ id, counts });
        return ledger.record(id, counts);
      },
    };

    await recordReceipt({ token, kind: 'opened' }, { ...deps, outcomes });
    await recordReceipt({ token, kind: 'clicked' }, { ...deps, outcomes });

    const summary = (await ledger.summary())['price-drop'];
    expect([summary?.opened, summary?.clicked, summary?.dismissed]).toEqual([1, 1, undefined]);
    expect(records.map((r) => r.step)).toEqual(['opened', 'clicked']);
    expect(counted[1]).toEqual({
      id: 'receipt#evt-1#price-drop#amy#clicked',
      counts: [
        { scope: 'price-drop', day: '2026-11-21', variant: 'B', outcome: 'clicked', reason: '', count: 1 },
      ],
    });
  });

  it('answers already-counted when a racing copy records first', async () => {
    const { deps, sign } = setUp();
    const token = await sign();
    // The race: both copies found nothing recorded, the other one committed first.
    const outcomes = { wasRecorded: async () => false, record: async () => 'already-recorded' as const };

    const result = await recordReceipt({ token, kind: 'opened' }, { ...deps, outcomes });

    expect(result).toEqual({ status: 'already-counted' });
  });
});
