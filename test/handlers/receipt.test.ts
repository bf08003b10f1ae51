import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createReceiptHandler } from '../../functions/receipt/handler.ts';
import { InMemoryOutcomeLedger } from '../../shared/adapters/memory/outcome-ledger.ts';
import { LocalReceiptKeys } from '../../shared/adapters/receipts/local-keys.ts';
import type { Usage } from '../../shared/domain/costs/price-table.ts';
import type { CostLedger } from '../../shared/domain/costs/usage-counters.ts';
import { noMessageLog } from '../../shared/domain/engagement/message-log.ts';
import type { ReceiptClaims } from '../../shared/domain/engagement/receipt.ts';
import { signerFrom } from '../../shared/domain/engagement/receipt-keys.ts';
import { localContext } from '../../shared/local/lambda-context.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { meteredInvocation, overhead } from '../../shared/observability/metered-invocation.ts';
import type { RecordReceiptDeps } from '../../shared/use-cases/record-receipt.ts';

const now = new Date('2026-11-21T10:00:00Z');
const claims: ReceiptClaims = {
  eventId: 'evt-1',
  scope: 'price-drop',
  variant: 'A',
  userId: 'amy',
  deviceId: 'dev-1',
  expiresAt: now.getTime() / 1000 + 60,
};

const setUp = (outcomes: RecordReceiptDeps['outcomes'] = new InMemoryOutcomeLedger()) => {
  const keys = new LocalReceiptKeys();
  const deps: RecordReceiptDeps = { keys, outcomes, messageLog: noMessageLog, clock: new ManualClock(now) };
  const handler = createReceiptHandler(() => deps);
  /** A Function URL request as Lambda hands it over (payload format 2.0). */
  const call = async (method: string, body: unknown, base64 = false) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/',
      requestContext: { http: { method, path: '/' } },
      body: base64 ? Buffer.from(text).toString('base64') : text,
      isBase64Encoded: base64,
    } as unknown as LambdaFunctionURLEvent;
    const response = await handler(event, localContext('receipt'));
    return { status: response.statusCode, body: JSON.parse(response.body ?? '{}') as unknown };
  };
  return { call, sign: (c: ReceiptClaims = claims) => signerFrom(keys).sign(c) };
};

describe('the receipt handler', () => {
  it('answers 200 counted, then already-counted, for a base64 body too', async () => {
    const { call, sign } = setUp();
    const token = await sign();

    expect(await call('POST', { token, kind: 'clicked' }, true)).toEqual({
      status: 200,
      body: { status: 'counted' },
    });
    expect(await call('POST', { token, kind: 'clicked' })).toEqual({
      status: 200,
      body: { status: 'already-counted' },
    });
  });

  it('answers 401 with the reason for an expired token', async () => {
    const { call, sign } = setUp();
    const token = await sign({ ...claims, expiresAt: now.getTime() / 1000 - 1 });

    expect(await call('POST', { token, kind: 'opened' })).toEqual({
      status: 401,
      body: { error: 'receipt: expired' },
    });
  });

  it('answers 400 naming the missing or unknown field, and 405 for DELETE', async () => {
    const { call } = setUp();

    expect(await call('POST', { kind: 'opened' })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^body\.token: /) },
    });
    expect(await call('POST', { token: 'x.y', kind: 'opened', extra: 1 })).toMatchObject({ status: 400 });
    expect(await call('DELETE', {})).toEqual({
      status: 405,
      body: { error: 'method: DELETE is not allowed; use POST' },
    });
  });

  it('answers 500 without details when the ledger fails', async () => {
    const failing = {
      wasRecorded: async () => false,
      record: async () => {
        throw new Error('ProvisionedThroughputExceeded on table herald-outcomes');
      },
    };
    const { call, sign } = setUp(failing);

    expect(await call('POST', { token: await sign(), kind: 'opened' })).toEqual({
      status: 500,
      body: { error: 'internal error' },
    });
  });
});

describe('the receipt handler, metered as functions/receipt/handler.ts exports it', () => {
  it("adds each invocation's usage to overhead line receipts, in one write", async () => {
    // prepare
    const keys = new LocalReceiptKeys();
    const lines: { line: string; usage: Usage }[] = [];
    const costs: CostLedger = {
      addOverhead: async (line, _day, usage) => {
        lines.push({ line, usage });
      },
      addScopeUsage: async () => {
        throw new Error('a receipt adds to no scope');
      },
      records: async () => ({ usage: [], delivered: [] }),
    };
    const deps = {
      keys,
      outcomes: new InMemoryOutcomeLedger(),
      messageLog: noMessageLog,
      clock: new ManualClock(now),
      costs,
    };
    const handler = meteredInvocation(
      createReceiptHandler(() => deps),
      overhead('receipts', () => deps),
    );
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/',
      requestContext: { http: { method: 'POST', path: '/' } },
      body: JSON.stringify({ token: await signerFrom(keys).sign(claims), kind: 'opened' }),
      isBase64Encoded: false,
    } as unknown as LambdaFunctionURLEvent;

    // act
    const response = await handler(event, localContext('receipt'));

    // assess
    expect(response.statusCode).toBe(200);
    expect(lines).toEqual([{ line: 'receipts', usage: expect.objectContaining({ lambdaInvocations: 1 }) }]);
    expect(lines[0]!.usage.lambdaGbSeconds).toBeGreaterThan(0);
  });
});
