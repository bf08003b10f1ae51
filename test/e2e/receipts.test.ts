import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptClaims } from '../../shared/domain/engagement/receipt.ts';
import { signReceipt } from '../../shared/domain/engagement/receipt-token.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../../shared/local/runtime.ts';
import { sharedEngines } from '../support/engines.ts';

let runtime: LocalRuntime;
const now = new Date('2026-11-21T10:00:00Z');
const claims: ReceiptClaims = {
  eventId: 'evt-42',
  scope: 'price-drop',
  variant: 'A',
  userId: 'amy',
  deviceId: 'dev-1',
  expiresAt: now.getTime() / 1000 + 86_400,
};

/** POSTs to the receipt endpoint as an app would; answers status and parsed body. */
const post = async (body: unknown, method = 'POST') => {
  const response = await fetch(runtime.receiptEndpoint, {
    method,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { error?: string; status?: string } };
};

describe('the local receipt endpoint', () => {
  beforeAll(async () => {
    runtime = await startLocalRuntime({ engines: sharedEngines(), clock: new ManualClock(now) });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('counts an open signed by the runtime once, and its replay not again', async () => {
    const token = await runtime.ports.receipts.sign(claims);

    const first = await post({ token, kind: 'opened' });
    const replay = await post({ token, kind: 'opened' });

    expect(first).toEqual({ status: 200, body: { status: 'counted' } });
    expect(replay).toEqual({ status: 200, body: { status: 'already-counted' } });
    expect((await runtime.ports.outcomes.summary())['price-drop']?.opened).toBe(1);
  });

  it('refuses a forged token with 401 and the reason', async () => {
    const forged = signReceipt({ ...claims, userId: 'mallory' }, randomBytes(32));

    const answer = await post({ token: forged, kind: 'opened' });

    expect(answer).toEqual({ status: 401, body: { error: 'receipt: bad-signature' } });
  });

  it('answers 400 naming the field, and 405 for another method', async () => {
    const token = await runtime.ports.receipts.sign(claims);

    const badKind = await post({ token, kind: 'liked' });
    const notJson = await post('{token');
    const get = await fetch(runtime.receiptEndpoint);

    expect(badKind.status).toBe(400);
    expect(badKind.body.error).toMatch(/^body\.kind: /);
    expect(notJson).toEqual({ status: 400, body: { error: 'body: expected a JSON object' } });
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
  });
});
