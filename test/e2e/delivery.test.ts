import { describe, expect, it } from 'vitest';
import type { Platform } from '../../shared/domain/push/device.ts';
import { maxPayloadBytes } from '../../shared/domain/push/payload.ts';
import { RecipeCatalog } from '../../shared/domain/recipes/recipe.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { startLocalRuntime } from '../../shared/local/runtime.ts';
import type { SimulationReport } from '../../shared/simulation/simulate.ts';
import { registerDevice } from '../../shared/use-cases/register-device.ts';
import { sharedEngines } from '../support/engines.ts';
import { expectBalanced, listed, minute, run, start } from '../support/scenarios.ts';

const phones = [
  { userId: 'amy', platform: 'APNS', token: 'apns-token-amy-phone' },
  { userId: 'amy', platform: 'APNS_SANDBOX', token: 'apns-sandbox-amy-test' },
  { userId: 'amy', platform: 'FCM', token: 'fcm-token-amy-tablet' },
  { userId: 'ben', platform: 'FCM', token: 'fcm-token-ben-phone' },
  { userId: 'ben', platform: 'APNS', token: 'apns-token-ben-watch' },
  { userId: 'cai', platform: 'FCM', token: 'fcm-token-cai-phone' },
];
const followers = ['amy', 'ben', 'cai'].map((from) => ({ type: 'follow', from, to: 'seller-9' }));

/** Invariant 2, as the report shows it: no (user, device, recipe, event) received a push twice. */
const expectNoDuplicate = (report: SimulationReport) => {
  const keys = report.deliveries.map((d) => `${d.userId}/${d.token}/${d.recipe}/${d.time}`);
  expect(keys.length).toBe(new Set(keys).size);
};
const tokensReached = (report: SimulationReport) => report.deliveries.map((d) => d.token).sort();

describe('delivery end to end: devices, disabled endpoints, throttling, payload limits', () => {
  it('pushes every device of every recipient and counts each recipient once', async () => {
    const report = await run({
      devices: phones,
      relations: followers,
      events: [listed(minute(5), 'seller-9')],
    });

    expect(tokensReached(report)).toEqual(phones.map((p) => p.token).sort());
    expect(report.outcomes['followed-seller-new-item']).toMatchObject({
      planned: 3,
      delivered: 3,
      failed: {},
    });
    expectNoDuplicate(report);
    expectBalanced(report);
  });

  it('a disabled endpoint fails once with its reason and is never published to again', async () => {
    const report = await run({
      devices: phones,
      relations: followers,
      faults: { disabledTokens: ['apns-token-amy-phone', 'fcm-token-cai-phone'] },
      events: [listed(minute(1), 'seller-9', 'item-a'), listed(minute(2), 'seller-9', 'item-b')],
    });

    expect(report.deliveries.filter((d) => d.token === 'apns-token-amy-phone')).toEqual([]);
    expect(report.deliveries.filter((d) => d.userId === 'amy')).toHaveLength(4);
    // cai's only device failed on the first listing; on the second cai has no device left to try.
    expect(report.outcomes['followed-seller-new-item']).toEqual({
      planned: 6,
      delivered: 4,
      suppressed: { 'no-device': 1 },
      failed: { 'endpoint-disabled': 1 },
      rejected: {},
    });
    expectNoDuplicate(report);
    expectBalanced(report);
  });

  it('survives throttling beyond the in-process retries: a follow-up delivers the rest, nobody twice, nobody lost', async () => {
    // Six devices, four tries each in process: every one of the first 24 publishes is throttled,
    // so every device goes to the follow-up job.
    const report = await run({
      devices: phones,
      relations: followers,
      faults: { throttleFirst: 24 },
      events: [listed(minute(5), 'seller-9')],
    });

    expect(tokensReached(report)).toEqual(phones.map((p) => p.token).sort());
    expect(report.outcomes['followed-seller-new-item']).toMatchObject({
      planned: 3,
      delivered: 3,
      failed: {},
    });
    expectNoDuplicate(report);
    expectBalanced(report);
  });

  it('survives a share of throttled publishes (seeded) over several events with every invariant kept', async () => {
    const report = await run({
      devices: phones,
      relations: followers,
      faults: { throttleShare: 0.3, seed: 42 },
      events: [listed(minute(1), 'seller-9', 'item-a'), listed(minute(2), 'seller-9', 'item-b')],
    });

    expect(report.deliveries).toHaveLength(2 * phones.length);
    expect(report.outcomes['followed-seller-new-item']).toMatchObject({ planned: 6, delivered: 6 });
    expectNoDuplicate(report);
    expectBalanced(report);
  });

  it('trims an oversize body to a valid payload within 4 KB on every platform', async () => {
    // The default recipes cannot render 4 KB; a recipe repeating the item title can.
    const catalog = new RecipeCatalog([
      {
        id: 'long-read',
        description: 'A listing, at length.',
        trigger: { source: 'market.items', detailType: 'ItemListed' },
        audience: [{ relation: 'follow', targetField: 'sellerId' }],
        business: 'listings',
        category: 'new-items',
        push: { title: 'A long read', body: '{{detail.title}} '.repeat(58) },
      },
    ]);
    const clock = new ManualClock(new Date(start));
    const runtime = await startLocalRuntime({
      clock,
      catalog,
      engines: sharedEngines(),
    });
    try {
      for (const phone of phones.slice(0, 3)) {
        await registerDevice({ ...phone, platform: phone.platform as Platform }, runtime.ports);
      }
      await runtime.ports.relations.apply({
        kind: 'put',
        relation: { type: 'follow', from: 'amy', to: 'seller-9', since: new Date(start) },
      });
      // 200 characters, the contract's most, of 3 bytes each; the body repeats it 58 times, 35 KB.
      // (No emoji: fauxqs refuses characters beyond U+FFFF, which SQS accepts.)
      const title = '价格下降了'.repeat(40);
      clock.advanceTo(new Date(minute(1)));
      runtime.bus.putEvents([
        {
          Time: minute(1),
          Source: 'market.items',
          DetailType: 'ItemListed',
          Detail: JSON.stringify({ itemId: 'i1', sellerId: 'seller-9', title, price: 5, currency: 'EUR' }),
        },
      ]);
      await runtime.drain();

      expect(runtime.simulator.received.map((r) => r.platform).sort()).toEqual([
        'APNS',
        'APNS_SANDBOX',
        'FCM',
      ]);
      for (const received of runtime.simulator.received) {
        const key = received.platform === 'FCM' ? 'GCM' : received.platform;
        const payload: string = JSON.parse(received.message)[key];
        const parsed = JSON.parse(payload);
        const body: string =
          received.platform === 'FCM' ? parsed.fcmV1Message.message.notification.body : parsed.aps.alert.body;
        expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(maxPayloadBytes);
        expect(body.endsWith('…')).toBe(true);
        expect(`${title} `.repeat(58).startsWith(body.slice(0, -1))).toBe(true);
      }
      expect((await runtime.ports.outcomes.summary())['long-read']).toMatchObject({
        planned: 1,
        delivered: 1,
      });
    } finally {
      await runtime.stop();
    }
  });
});
