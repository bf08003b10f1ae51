/**
 * The fan-out core in process, on one core: one audience slice through the whole PushAction
 * chain (filters, quiet hours, fatigue reservation with dedupe, rendering, packing and
 * serialising delivery jobs) on in-memory adapters. The baseline reads the same audience and
 * serialises the same payloads and nothing else; the ratio says what the chain costs on top.
 */

import { inMemoryFanOutDeps } from '../shared/adapters/memory/fan-out-deps.ts';
import { InMemoryRelationStore } from '../shared/adapters/memory/relation-store.ts';
import { InMemoryUserDirectory } from '../shared/adapters/memory/user-directory.ts';
import { SerialisingWorkQueue } from '../shared/adapters/memory/work-queue.ts';
import { audiencePages } from '../shared/domain/audience/audience-stream.ts';
import type { FanoutTask } from '../shared/domain/audience/fanout-task.ts';
import { type DeliveryJob, recipientsPerJob } from '../shared/domain/push/delivery-job.ts';
import { defaultRecipe, defaultRecipes } from '../shared/domain/recipes/default-catalog.ts';
import { RecipeCatalog } from '../shared/domain/recipes/recipe.ts';
import { fanOutSlice } from '../shared/use-cases/fan-out-slice.ts';
import { RemoteJobOutbox } from './remote-outbox.ts';

const AUDIENCE = 200_000;
const PAGE = 1000;
const RUNS = 3;
const eventTime = new Date('2026-11-21T10:00:00Z');
const zones = ['UTC', 'Asia/Shanghai', 'Europe/Paris', 'America/New_York'];

const personalisedRecipe = {
  ...defaultRecipe('followed-seller-new-item'),
  id: 'personal-new-item',
  push: {
    ...defaultRecipe('followed-seller-new-item').push,
    body: '{{detail.title}} for you, {{recipient.id}}',
  },
};
const catalog = new RecipeCatalog([...defaultRecipes, personalisedRecipe]);

const world = async () => {
  const relations = new InMemoryRelationStore();
  const users = new InMemoryUserDirectory();
  for (let i = 0; i < AUDIENCE; i++) {
    const id = `user-${String(i).padStart(7, '0')}`;
    await relations.apply({
      kind: 'put',
      relation: { type: 'follow', from: id, to: 'seller-1', since: eventTime },
    });
    // Most users have a profile; a few are flagged or opted out, as in life.
    if (i % 10 !== 0) {
      await users.save({
        id,
        timeZone: zones[i % zones.length]!,
        flags: i % 97 === 0 ? ['minor'] : [],
        optOuts: i % 89 === 0 ? ['listings'] : [],
      });
    }
  }
  return { relations, users };
};

const task = (recipeId: string, run: number): FanoutTask => ({
  taskId: `bench-${recipeId}-${run}#0`,
  recipeId,
  event: {
    id: `bench-event-${recipeId}-${run}`,
    source: 'market.items',
    detailType: 'ItemListed',
    time: eventTime.toISOString(),
    detail: { itemId: `item-${run}`, sellerId: 'seller-1', title: 'Oak chair', price: 45, currency: 'EUR' },
  },
  plannedAt: eventTime.toISOString(),
  identity: `bench-event-${recipeId}-${run}`,
  shard: 0,
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface CoreBenchResult {
  readonly audience: number;
  readonly sharedTemplate: { recipientsPerSec: number };
  readonly personalised: { recipientsPerSec: number };
  readonly baselineRecipientsPerSec: number;
  readonly ratio: number;
}

/** Recipients/s of the fan-out core, shared template and personalised, and of the baseline loop. */
export async function benchFanoutCore(): Promise<CoreBenchResult> {
  const { relations, users } = await world();
  const runCore = async (recipeId: string, run: number) => {
    const delivery = new SerialisingWorkQueue<DeliveryJob>();
    // The default policy: every cap layer checked, New York still in its quiet hours (held).
    // The outbox serialises each page's jobs, as the DynamoDB adapter does, and keeps only the last page.
    const outbox = new RemoteJobOutbox();
    const deps = inMemoryFanOutDeps(eventTime, {
      catalog,
      relations,
      users,
      delivery,
      outbox,
      pageSize: PAGE,
    });
    const started = performance.now();
    const result = await fanOutSlice(task(recipeId, run), deps);
    return { perSec: (result.planned / (performance.now() - started)) * 1000, bytes: delivery.bytes };
  };
  const runBaseline = async () => {
    const job = {
      jobId: 'j',
      eventId: 'e',
      recipeId: 'r',
      variant: 'A',
      push: { title: 'New from a seller you follow', body: 'Oak chair: 45 EUR' },
    };
    let bytes = 0;
    let count = 0;
    const started = performance.now();
    const slice = { sources: [{ type: 'follow', to: 'seller-1' }], shard: 0, at: eventTime };
    let pending: string[] = [];
    for await (const page of audiencePages(relations, slice, PAGE)) {
      count += page.length;
      pending.push(...page);
      while (pending.length >= recipientsPerJob) {
        bytes += JSON.stringify({ ...job, userIds: pending.slice(0, recipientsPerJob) }).length;
        pending = pending.slice(recipientsPerJob);
      }
    }
    if (pending.length > 0) bytes += JSON.stringify({ ...job, userIds: pending }).length;
    return { perSec: (count / (performance.now() - started)) * 1000, bytes };
  };

  // One warm-up of each, then the median of a few runs.
  await runCore('followed-seller-new-item', 0);
  await runBaseline();
  const shared: number[] = [];
  const personal: number[] = [];
  const baseline: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    baseline.push((await runBaseline()).perSec);
    shared.push((await runCore('followed-seller-new-item', run)).perSec);
    personal.push((await runCore('personal-new-item', run)).perSec);
  }
  const sharedPerSec = median(shared);
  const baselinePerSec = median(baseline);
  return {
    audience: AUDIENCE,
    sharedTemplate: { recipientsPerSec: Math.round(sharedPerSec) },
    personalised: { recipientsPerSec: Math.round(median(personal)) },
    baselineRecipientsPerSec: Math.round(baselinePerSec),
    ratio: Number((sharedPerSec / baselinePerSec).toFixed(3)),
  };
}

if (import.meta.main) console.log(await benchFanoutCore());
