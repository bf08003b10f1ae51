import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../shared/domain/fatigue/policy.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../../shared/local/runtime.ts';
import { registerDevice } from '../../shared/use-cases/register-device.ts';
import { sharedEngines } from '../support/engines.ts';

const instant = new Date('2026-11-21T10:00:00Z');
const sellers = Array.from({ length: 50 }, (_, i) => `seller-${i}`);
let runtime: LocalRuntime;

describe('a cap under concurrency, on DynamoDB Local', () => {
  beforeAll(async () => {
    runtime = await startLocalRuntime({
      engines: sharedEngines(),
      clock: new ManualClock(instant),
      policy: parsePolicy({ user: [{ window: 'day', limit: 3 }] }),
    });
    await registerDevice({ userId: 'amy', platform: 'FCM', token: 'fcm-token-amy-0001' }, runtime.ports);
    await Promise.all(
      sellers.map((to) =>
        runtime.ports.relations.apply({
          kind: 'put',
          relation: { type: 'follow', from: 'amy', to, since: instant },
        }),
      ),
    );
  });
  afterAll(() => runtime.stop());

  it('50 triggers for one user at the same instant deliver exactly the cap', async () => {
    const entries = sellers.map((sellerId, i) => ({
      Source: 'market.items',
      DetailType: 'ItemListed',
      Detail: JSON.stringify({ itemId: `item-${i}`, sellerId, title: 'Lamp', price: 5, currency: 'EUR' }),
      Time: instant,
    }));
    // All published before any is processed: the workers race for the same fatigue item.
    for (let i = 0; i < entries.length; i += 10) runtime.bus.putEvents(entries.slice(i, i + 10));
    await runtime.drain();

    expect(runtime.simulator.received).toHaveLength(3);
    expect((await runtime.ports.outcomes.summary())['followed-seller-new-item']).toMatchObject({
      planned: 50,
      delivered: 3,
      suppressed: { 'fatigue.user': 47 },
    });
  });
});
