import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbMessageLogReader } from '../../shared/adapters/message-log/duckdb-queries.ts';
import { defaultRecipe, defaultRecipes } from '../../shared/domain/recipes/default-catalog.ts';
import { RecipeCatalog } from '../../shared/domain/recipes/recipe.ts';
import { localCredentials, localRegion } from '../../shared/local/engines.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../../shared/local/runtime.ts';
import { sharedEngines } from '../support/engines.ts';

const now = new Date('2026-11-21T10:00:00Z');
let runtime: LocalRuntime;
let publisher: EventBridgeClient;

describe('conversion events on the local bus', () => {
  beforeAll(async () => {
    const catalog = new RecipeCatalog([
      ...defaultRecipes.filter((r) => r.id !== 'followed-seller-new-item'),
      {
        ...defaultRecipe('followed-seller-new-item'),
        conversion: { source: 'market.orders', detailType: 'OrderPlaced', userField: 'buyerId' },
      },
    ]);
    runtime = await startLocalRuntime({ engines: sharedEngines(), clock: new ManualClock(now), catalog });
    publisher = new EventBridgeClient({
      endpoint: runtime.busEndpoint,
      region: localRegion,
      credentials: localCredentials,
    });
  });
  afterAll(async () => {
    publisher.destroy();
    await runtime.stop();
  });

  it('are appended to the runtime’s message log as converted records, not kept as unexpected', async () => {
    const out = await publisher.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: runtime.busName,
            Source: 'market.orders',
            DetailType: 'OrderPlaced',
            Detail: JSON.stringify({ orderId: 'o-1', buyerId: 'amy' }),
          },
        ],
      }),
    );
    await runtime.drain();

    const reader = new DuckDbMessageLogReader(runtime.dataDir);
    try {
      expect(await reader.trace({ userId: 'amy' })).toEqual([
        {
          time: now.toISOString(),
          step: 'converted',
          scope: '',
          variant: '',
          eventId: out.Entries?.[0]?.EventId,
          userId: 'amy',
        },
      ]);
    } finally {
      await reader.close();
    }
  });
});
