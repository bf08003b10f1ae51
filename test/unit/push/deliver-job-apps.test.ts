import { beforeEach, describe, expect, it } from 'vitest';
import { deliveryJobMessage } from '../../../functions/contracts.ts';
import { InMemoryFatigueLedger } from '../../../shared/adapters/memory/fatigue-ledger.ts';
import { InMemoryUserDirectory } from '../../../shared/adapters/memory/user-directory.ts';
import type { DeliveryJob } from '../../../shared/domain/push/delivery-job.ts';
import { defaultRecipes } from '../../../shared/domain/recipes/default-catalog.ts';
import { RecipeCatalog } from '../../../shared/domain/recipes/recipe.ts';
import { parseOrThrow } from '../../../shared/domain/validation.ts';
import { type DeliverJobDeps, deliverJob } from '../../../shared/use-cases/deliver-job.ts';
import {
  device,
  MemoryDevices,
  MemoryOutcomes,
  MemoryProgress,
  MemoryQueue,
  ScriptedGateway,
  throttled,
} from './fakes.ts';

const jobFor = (userIds: readonly string[], overrides: Partial<DeliveryJob> = {}): DeliveryJob => ({
  jobId: 'task-1##0',
  eventId: 'evt-1',
  recipeId: 'new-in-shop',
  variant: 'A',
  push: { title: 'New in the shop', body: 'Oak chair' },
  userIds,
  ...overrides,
});

let devices: MemoryDevices;
let outcomes: MemoryOutcomes;
let queue: MemoryQueue;
const depsWith = (gateway: ScriptedGateway): DeliverJobDeps => ({
  devices,
  gateway,
  outcomes,
  deliveryProgress: new MemoryProgress(),
  delivery: queue,
  fatigue: new InMemoryFatigueLedger(),
  users: new InMemoryUserDirectory(),
  clock: { now: () => new Date('2026-11-21T10:00:00Z') },
  throttle: { sleep: async () => undefined, followUpDelaySeconds: (attempt) => attempt * 10 },
});

describe('delivering to the devices of one app, or of every app', () => {
  beforeEach(() => {
    devices = new MemoryDevices();
    outcomes = new MemoryOutcomes();
    queue = new MemoryQueue();
    // Amy has the marketplace (default) app on her phone and the shop app on her tablet; Ben only the marketplace.
    devices.byUser.set('amy', [device('amy', 0), device('amy', 1, { app: 'shop' })]);
    devices.byUser.set('ben', [device('ben', 0)]);
  });

  it('a job for one app pushes that app’s devices only; a recipient without one has no device', async () => {
    const gateway = new ScriptedGateway();

    const result = await deliverJob(jobFor(['amy', 'ben'], { app: 'shop' }), depsWith(gateway));

    expect(gateway.calls.map((c) => c.endpointArn)).toEqual(['arn:endpoint/amy/1']);
    expect(result).toMatchObject({ delivered: 1, suppressed: 1 });
    expect((await outcomes.summary())['new-in-shop']).toMatchObject({ suppressed: { 'no-device': 1 } });
  });

  it('a job for every app pushes every device of every app', async () => {
    const gateway = new ScriptedGateway();

    await deliverJob(jobFor(['amy', 'ben']), depsWith(gateway));

    expect(gateway.calls.map((c) => c.endpointArn).sort()).toEqual([
      'arn:endpoint/amy/0',
      'arn:endpoint/amy/1',
      'arn:endpoint/ben/0',
    ]);
  });

  it('a follow-up of throttled sends keeps the job’s app', async () => {
    const gateway = new ScriptedGateway(() => throttled);

    await deliverJob(jobFor(['amy'], { app: 'shop' }), depsWith(gateway));

    expect(queue.sent).toEqual([
      expect.objectContaining({
        job: expect.objectContaining({ app: 'shop', onlyDevices: { amy: ['amy-d1'] } }),
      }),
    ]);
    expect(gateway.calls.every((c) => c.endpointArn === 'arn:endpoint/amy/1')).toBe(true);
  });
});

describe('the app of a recipe and of a job message', () => {
  it('takes an app id on a recipe, and refuses anything else naming the field', () => {
    expect(new RecipeCatalog([{ ...defaultRecipes[0], app: 'shop' }]).recipes[0]!.app).toBe('shop');
    expect(() => new RecipeCatalog([{ ...defaultRecipes[0], app: 'Shop App' }])).toThrow(
      /^recipes\[0\]\.app: expected an app id/,
    );
  });

  it('carries the app on a delivery job message, checked as an app id', () => {
    const message = { ...jobFor(['amy']), app: 'shop' };

    expect(parseOrThrow(deliveryJobMessage, message, 'body').app).toBe('shop');
    expect(() => parseOrThrow(deliveryJobMessage, { ...message, app: '../x' }, 'body')).toThrow(
      /^body\.app: /,
    );
  });
});
