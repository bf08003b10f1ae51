import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../shared/domain/fatigue/policy.ts';
import { CANARY_USER_ID } from '../../shared/domain/recipes/canary.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../../shared/local/runtime.ts';
import type { EmfDocument } from '../../shared/observability/metrics.ts';
import { registerDevice } from '../../shared/use-cases/register-device.ts';
import { sharedEngines } from '../support/engines.ts';

const recipe = 'followed-seller-new-item';
const start = '2026-11-21T10:00:00.000Z';
const minute = (n: number) => new Date(Date.parse(start) + n * 60_000).toISOString();
const listed = (time: string, sellerId: string, itemId: string) => ({
  Time: time,
  Source: 'market.items',
  DetailType: 'ItemListed',
  Detail: JSON.stringify({ itemId, sellerId, title: 'Lamp', price: 5, currency: 'EUR' }),
});

/** The values of `metric` in every document whose dimensions include `dimensions`, with those dimensions. */
const emitted = (documents: readonly EmfDocument[], metric: string) =>
  documents
    .filter((d) => metric in d)
    .map((d) => {
      const names = d._aws.CloudWatchMetrics[0]!.Dimensions.flat();
      return {
        value: d[metric],
        namespace: d._aws.CloudWatchMetrics[0]!.Namespace,
        dimensions: Object.fromEntries(names.map((n) => [n, d[n]])),
      };
    });

let runtime: LocalRuntime;
const clock = new ManualClock(new Date(start));

describe('metrics of a local run', () => {
  beforeAll(async () => {
    runtime = await startLocalRuntime({
      engines: sharedEngines(),
      clock,
      // One push a day per user, quiet hours off: the second listing is a fatigue suppression.
      policy: parsePolicy({ user: [{ window: 'day', limit: 1 }], quietHours: null }),
    });
    await registerDevice({ userId: 'amy', platform: 'FCM', token: 'fcm-token-amy-0001' }, runtime.ports);
    for (const seller of ['seller-1', 'seller-2'])
      await runtime.ports.relations.apply({
        kind: 'put',
        relation: { type: 'follow', from: 'amy', to: seller, since: new Date(start) },
      });
  });
  afterAll(async () => runtime.stop());

  it('one delivered push and one fatigue suppression emit Delivered and Suppressed by recipe and reason', async () => {
    clock.advanceTo(new Date(minute(1)));
    runtime.bus.putEvents([listed(minute(1), 'seller-1', 'i1')]);
    await runtime.drain();
    clock.advanceTo(new Date(minute(2)));
    runtime.bus.putEvents([listed(minute(2), 'seller-2', 'i2')]);
    await runtime.drain();

    const documents = runtime.metrics();
    expect(emitted(documents, 'Delivered')).toEqual([
      { value: 1, namespace: 'Herald', dimensions: { service: 'herald', recipe } },
    ]);
    expect(emitted(documents, 'Suppressed')).toEqual([
      { value: 1, namespace: 'Herald', dimensions: { service: 'herald', recipe, reason: 'fatigue.user' } },
    ]);
    expect(emitted(documents, 'Planned').map((p) => p.value)).toEqual([1, 1]);
    expect(emitted(documents, 'EventsIn')).toEqual([
      { value: 1, namespace: 'Herald', dimensions: { service: 'herald', source: 'market.items' } },
      { value: 1, namespace: 'Herald', dimensions: { service: 'herald', source: 'market.items' } },
    ]);
    expect(emitted(documents, 'PublishLatencyMs')).toHaveLength(1);
    expect(emitted(documents, 'JobsPerTask')).toEqual([]);
  });

  it('a canary ping reaches the canary device past the fatigue caps, and records its latency', async () => {
    clock.advanceTo(new Date(minute(3)));
    const sentAt = minute(3);
    clock.advanceTo(new Date(Date.parse(sentAt) + 42));
    runtime.bus.putEvents([
      { Source: 'herald.canary', DetailType: 'CanaryPing', Detail: JSON.stringify({ sentAt }) },
      { Source: 'herald.canary', DetailType: 'CanaryPing', Detail: JSON.stringify({ sentAt: minute(4) }) },
    ]);
    await runtime.drain();

    expect(runtime.simulator.received.filter((p) => p.userId === CANARY_USER_ID)).toHaveLength(2);
    const latencies = emitted(runtime.metrics(), 'CanaryLatencyMs').flatMap((m) => m.value);
    expect(latencies).toContain(42);
    expect(emitted(runtime.metrics(), 'Delivered')).toContainEqual({
      value: expect.any(Number),
      namespace: 'Herald',
      dimensions: { service: 'herald', recipe: 'herald-canary' },
    });
    const summary = await runtime.ports.outcomes.summary();
    expect(summary['herald-canary']).toMatchObject({ planned: 2, delivered: 2, suppressed: {} });
  });
});
