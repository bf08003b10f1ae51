import { describe, expect, it } from 'vitest';
import { inMemoryFanOutDeps } from '../../../shared/adapters/memory/fan-out-deps.ts';
import { InMemoryOutcomeLedger } from '../../../shared/adapters/memory/outcome-ledger.ts';
import { InMemoryRelationStore } from '../../../shared/adapters/memory/relation-store.ts';
import { InMemoryUserDirectory } from '../../../shared/adapters/memory/user-directory.ts';
import { SerialisingWorkQueue } from '../../../shared/adapters/memory/work-queue.ts';
import type { FanoutTask } from '../../../shared/domain/audience/fanout-task.ts';
import type { MessageRecord } from '../../../shared/domain/engagement/message-log.ts';
import { parsePolicy } from '../../../shared/domain/fatigue/policy.ts';
import type { DeliveryJob } from '../../../shared/domain/push/delivery-job.ts';
import { defaultRecipe } from '../../../shared/domain/recipes/default-catalog.ts';
import { RecipeCatalog } from '../../../shared/domain/recipes/recipe.ts';
import { fanOutSlice } from '../../../shared/use-cases/fan-out-slice.ts';

const time = new Date('2026-11-21T10:00:00Z');
const base = defaultRecipe('followed-seller-new-item');
const experiment = new RecipeCatalog([
  {
    ...base,
    variants: [
      { id: 'plain', weight: 50, push: { title: 'New from {{detail.sellerId}}', body: '{{detail.title}}' } },
      {
        id: 'price',
        weight: 30,
        push: { title: 'Just listed', body: '{{detail.title}} for {{detail.price}}' },
      },
      { id: 'holdout', weight: 20, holdout: true },
    ],
  },
]);

const taskFor = (eventId: string): FanoutTask => ({
  taskId: `${eventId}#followed-seller-new-item#0`,
  recipeId: 'followed-seller-new-item',
  event: {
    id: eventId,
    source: 'market.items',
    detailType: 'ItemListed',
    time: time.toISOString(),
    detail: { itemId: `item-${eventId}`, sellerId: 'seller-1', title: 'Lamp', price: 5, currency: 'EUR' },
  },
  plannedAt: time.toISOString(),
  identity: eventId,
  shard: 0,
  shards: 1,
});

const run = async (followers: number, events: string[], extra: { users?: InMemoryUserDirectory } = {}) => {
  const relations = new InMemoryRelationStore();
  for (let i = 0; i < followers; i++)
    await relations.apply({
      kind: 'put',
      relation: { type: 'follow', from: `u${String(i).padStart(5, '0')}`, to: 'seller-1', since: time },
    });
  const delivery = new SerialisingWorkQueue<DeliveryJob>({ keep: true });
  const outcomes = new InMemoryOutcomeLedger();
  const records: MessageRecord[] = [];
  const deps = inMemoryFanOutDeps(time, {
    catalog: experiment,
    policy: parsePolicy({ quietHours: { start: '22:00', end: '08:00' } }),
    relations,
    delivery,
    outcomes,
    messageLog: { append: async (batch) => void records.push(...batch) },
    ...extra,
  });
  for (const eventId of events) await fanOutSlice(taskFor(eventId), deps);
  const byVariant = (eventId: string) => {
    const assigned = new Map<string, string>();
    for (const job of delivery.items!.filter((j) => j.eventId === eventId))
      for (const userId of job.userIds) assigned.set(userId, job.variant);
    return assigned;
  };
  return { delivery: delivery.items!, outcomes, records, byVariant };
};

describe('an experiment on a recipe', () => {
  it('assigns variants by their weights, and holds the holdout back as suppressed: holdout', async () => {
    const { delivery, outcomes } = await run(4000, ['e1']);

    const counts = { plain: 0, price: 0 } as Record<string, number>;
    for (const job of delivery) counts[job.variant] = (counts[job.variant] ?? 0) + job.userIds.length;
    const summary = (await outcomes.summary())['followed-seller-new-item']!;
    expect(counts.plain! / 4000).toBeCloseTo(0.5, 1);
    expect(counts.price! / 4000).toBeCloseTo(0.3, 1);
    expect(summary.suppressed.holdout! / 4000).toBeCloseTo(0.2, 1);
    expect(summary.planned).toBe(4000);
    expect(counts.plain! + counts.price! + summary.suppressed.holdout!).toBe(4000);
  });

  it('gives each variant its own push, and a user the same variant on every event', async () => {
    const { delivery, byVariant } = await run(300, ['e1', 'e2']);

    const plain = delivery.find((j) => j.variant === 'plain')!;
    const price = delivery.find((j) => j.variant === 'price')!;
    expect(plain.push).toMatchObject({ title: 'New from seller-1', body: 'Lamp' });
    expect(price.push).toMatchObject({ title: 'Just listed', body: 'Lamp for 5' });
    expect([...byVariant('e2')]).toEqual([...byVariant('e1')]);
  });

  it('logs planned, suppressed with its reason, held and packed, one batch per page', async () => {
    const users = new InMemoryUserDirectory();
    await users.save({ id: 'u00000', timeZone: 'Asia/Tokyo', flags: [], optOuts: [] }); // 19:00, not quiet
    await users.save({ id: 'u00001', timeZone: 'America/Los_Angeles', flags: [], optOuts: [] }); // 02:00, quiet
    await users.save({ id: 'u00002', timeZone: 'UTC', flags: ['minor'], optOuts: [] });
    const { records } = await run(3, ['e1'], { users });

    const steps = (userId: string) => records.filter((r) => r.userId === userId).map((r) => r.step);
    const variantOf = (userId: string) => records.find((r) => r.userId === userId)!.variant;
    expect(steps('u00002')).toEqual(['planned', 'suppressed']);
    expect(records.find((r) => r.userId === 'u00002' && r.step === 'suppressed')?.reason).toBe('sensitive');
    for (const userId of ['u00000', 'u00001']) {
      if (variantOf(userId) === 'holdout') expect(steps(userId)).toEqual(['planned', 'suppressed']);
      else
        expect(steps(userId)).toEqual(
          userId === 'u00001' ? ['planned', 'held', 'packed'] : ['planned', 'packed'],
        );
    }
    expect(records.every((r) => r.scope === 'followed-seller-new-item' && r.eventId === 'e1')).toBe(true);
  });
});
