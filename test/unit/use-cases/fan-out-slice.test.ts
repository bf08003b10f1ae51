import { describe, expect, it } from 'vitest';
import { inMemoryFanOutDeps } from '../../../shared/adapters/memory/fan-out-deps.ts';
import { InMemoryOutcomeLedger } from '../../../shared/adapters/memory/outcome-ledger.ts';
import { InMemoryRelationStore } from '../../../shared/adapters/memory/relation-store.ts';
import { SerialisingWorkQueue } from '../../../shared/adapters/memory/work-queue.ts';
import { audiencePages } from '../../../shared/domain/audience/audience-stream.ts';
import { FanoutTaskBusyError } from '../../../shared/domain/audience/fanout-progress.ts';
import type { FanoutTask } from '../../../shared/domain/audience/fanout-task.ts';
import { WorkGaveUpError } from '../../../shared/domain/errors.ts';
import { parsePolicy } from '../../../shared/domain/fatigue/policy.ts';
import { OutcomeTally } from '../../../shared/domain/outcomes/outcome.ts';
import type { DeliveryJob } from '../../../shared/domain/push/delivery-job.ts';
import { defaultCatalog } from '../../../shared/domain/recipes/default-catalog.ts';
import { fanOutSlice } from '../../../shared/use-cases/fan-out-slice.ts';

const time = new Date('2026-11-21T10:00:00Z');

const setup = async (followers: string[]) => {
  const relations = new InMemoryRelationStore();
  for (const from of followers)
    await relations.apply({ kind: 'put', relation: { type: 'follow', from, to: 'seller-1', since: time } });
  const delivery = new SerialisingWorkQueue<DeliveryJob>({ keep: true });
  const fanout = new SerialisingWorkQueue<FanoutTask>({ keep: true });
  const outcomes = new InMemoryOutcomeLedger();
  const deps = inMemoryFanOutDeps(time, {
    policy: parsePolicy({}),
    relations,
    delivery,
    fanout,
    outcomes,
    pageSize: 2,
  });
  return { deps, delivery, fanout, outcomes, relations };
};

const task: FanoutTask = {
  taskId: 'e1#followed-seller-new-item#0',
  recipeId: 'followed-seller-new-item',
  event: {
    id: 'e1',
    source: 'market.items',
    detailType: 'ItemListed',
    time: time.toISOString(),
    detail: { itemId: 'i1', sellerId: 'seller-1', title: 'Lamp', price: 5, currency: 'EUR' },
  },
  plannedAt: time.toISOString(),
  identity: 'e1',
  shard: 0,
  shards: 1,
};

const recipientsOf = (jobs: readonly DeliveryJob[] | undefined) =>
  (jobs ?? []).flatMap((j) => j.userIds).sort();

describe('fanOutSlice', () => {
  it('hands the rest of its slice on as a follow-up task when its time budget is spent', async () => {
    const { deps, delivery, fanout, outcomes } = await setup(['u1', 'u2', 'u3', 'u4', 'u5']);
    let pages = 0;

    const first = await fanOutSlice(task, { ...deps, shouldYield: () => ++pages >= 1 });
    const handedOn = fanout.items![0]!;
    const second = await fanOutSlice(handedOn, deps);

    expect(first).toMatchObject({ planned: 2, followUp: 'e1#followed-seller-new-item#0@u2' });
    expect(handedOn).toMatchObject({ after: 'u2', readSoFar: 2 });
    expect(second).toMatchObject({ planned: 3 });
    expect(second.followUp).toBeUndefined();
    expect(recipientsOf(delivery.items)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect((await outcomes.summary())['followed-seller-new-item']).toMatchObject({
      planned: 5,
      suppressed: {},
    });
  });

  it('a follow-up handed on twice (a retried hand-over) runs once', async () => {
    const { deps, delivery } = await setup(['u1', 'u2', 'u3']);
    const followUp = { ...task, taskId: `${task.taskId}@u1`, after: 'u1', readSoFar: 1 };

    await fanOutSlice(followUp, deps);
    const again = await fanOutSlice(followUp, deps);

    expect(again.alreadyDone).toBe(true);
    expect(recipientsOf(delivery.items)).toEqual(['u2', 'u3']);
  });

  it('moves a target whose shard holds too many accounts to more shards, and keeps every account readable', async () => {
    const followers = Array.from({ length: 7 }, (_, i) => `u${i}`);
    const { deps, relations } = await setup(followers);

    const result = await fanOutSlice(task, { ...deps, shardCapacity: 5 });
    await relations.apply({
      kind: 'put',
      relation: { type: 'follow', from: 'u-new', to: 'seller-1', since: time },
    });
    await relations.apply({
      kind: 'remove',
      type: 'follow',
      from: 'u3',
      to: 'seller-1',
      at: new Date(time.getTime() + 1),
    });

    expect(result.promotedTo).toBe(4);
    expect(await relations.shardCountOf('follow', 'seller-1')).toBe(4);
    const everyone: string[] = [];
    for (let shard = 0; shard < 4; shard++) {
      for await (const page of audiencePages(
        relations,
        { sources: [{ type: 'follow', to: 'seller-1' }], shard, at: time },
        10,
      )) {
        everyone.push(...page);
      }
    }
    expect(everyone.sort()).toEqual(['u-new', 'u0', 'u1', 'u2', 'u4', 'u5', 'u6']);
  });

  it('renders a personalised push for each recipient when the template names the recipient', async () => {
    const { deps, delivery } = await setup(['u1', 'u2']);
    const catalog = defaultCatalog();
    const base = catalog.get('followed-seller-new-item');
    const personal = { ...base, push: { ...base.push, body: 'For you, {{recipient.id}}' } };
    const { RecipeCatalog } = await import('../../../shared/domain/recipes/recipe.ts');

    await fanOutSlice(task, { ...deps, catalog: new RecipeCatalog([personal]) });

    // The job carries the template and the detail values it reads, never a text per recipient.
    const job = delivery.items![0]!;
    expect(job.personal).toEqual({
      template: personal.push,
      values: { detail: { itemId: 'i1' } },
    });
    expect(JSON.stringify(job)).not.toContain('For you, u1');
  });

  it('does not promote again for accounts that only sit in a shard from before the last promotion', async () => {
    const followers = Array.from({ length: 7 }, (_, i) => `u${i}`);
    const { deps, relations } = await setup(followers);
    await fanOutSlice(task, { ...deps, shardCapacity: 5 });

    const again = await fanOutSlice(
      {
        ...task,
        taskId: 'e2#followed-seller-new-item#0',
        event: { ...task.event, id: 'e2' },
        identity: 'e2',
        shards: 4,
      },
      { ...deps, shardCapacity: 5 },
    );

    expect(again.planned).toBeGreaterThan(0);
    expect(again.promotedTo).toBeUndefined();
    expect(await relations.shardCountOf('follow', 'seller-1')).toBe(4);
  });

  it('a task retried after a crash mid-way sends every job id with one set of recipients, and reaches everyone once', async () => {
    const followers = Array.from({ length: 1600 }, (_, i) => `u${String(i).padStart(4, '0')}`);
    const { deps, outcomes, relations } = await setup(followers);
    const sent: DeliveryJob[] = [];
    let sends = 0;
    const flaky = {
      send: async (jobs: readonly DeliveryJob[]) => {
        if (++sends === 2) throw new Error('SQS is unavailable');
        sent.push(...jobs);
      },
    };
    const run = { ...deps, delivery: flaky, pageSize: 1000 };

    await expect(fanOutSlice(task, run)).rejects.toThrow(/unavailable/);
    // Before the retry, the audience changes: a new follower sorts first.
    await relations.apply({
      kind: 'put',
      relation: { type: 'follow', from: 'a000', to: 'seller-1', since: time },
    });
    const retried = await fanOutSlice(task, run);

    const byId = new Map<string, string>();
    for (const job of sent) {
      const members = job.userIds.join(',');
      expect(byId.get(job.jobId) ?? members).toBe(members);
      byId.set(job.jobId, members);
    }
    const reached = [...byId.values()].flatMap((m) => m.split(','));
    expect(new Set(reached).size).toBe(reached.length);
    expect(reached.sort()).toEqual(followers);
    expect(retried.planned).toBe(1600);
    expect((await outcomes.summary())['followed-seller-new-item']?.planned).toBe(1600);
  });

  it('a copy finding the task held by another worker stands back', async () => {
    const { deps } = await setup(['u1']);
    await deps.fanoutProgress.acquire(task.taskId, 'someone-else', 60_000);

    await expect(fanOutSlice(task, deps)).rejects.toThrow(FanoutTaskBusyError);
  });

  it('spreads the existing audience of a promoted target over its shards as slices read it', async () => {
    const followers = Array.from({ length: 12 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    const { deps, delivery, relations, outcomes } = await setup(followers);
    await fanOutSlice(task, { ...deps, shardCapacity: 5 });
    const eventTask = (id: string, shard: number): FanoutTask => ({
      ...task,
      taskId: `${id}#followed-seller-new-item#${shard}`,
      event: { ...task.event, id },
      identity: id,
      shard,
      shards: 4,
    });

    for (let shard = 0; shard < 4; shard++) await fanOutSlice(eventTask('e2', shard), deps);
    const perShard: string[][] = [];
    for (let shard = 0; shard < 4; shard++) {
      const ids: string[] = [];
      for await (const page of audiencePages(
        relations,
        { sources: [{ type: 'follow', to: 'seller-1' }], shard, at: time },
        100,
      ))
        ids.push(...page);
      perShard.push(ids);
    }

    expect(perShard.flat().sort()).toEqual(followers);
    expect(perShard.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
    const e2 = delivery.items!.filter((j) => j.eventId === 'e2').flatMap((j) => j.userIds);
    expect(e2.sort()).toEqual(followers);
    // Accounts moved ahead of a later slice of the same event are read twice, and caught once.
    const summary = (await outcomes.summary())['followed-seller-new-item']!;
    expect(summary.planned - 2 * followers.length).toBe(summary.suppressed.duplicate ?? 0);
  });

  it('on its last delivery, a failing task records what its checkpoint settled and counts the stranded as gave-up', async () => {
    const followers = Array.from({ length: 1600 }, (_, i) => `u${String(i).padStart(4, '0')}`);
    const { deps, outcomes } = await setup(followers);
    const down = { send: async () => Promise.reject(new Error('SQS is unavailable')) };

    await expect(
      fanOutSlice(task, { ...deps, delivery: down, pageSize: 1000, lastAttempt: true }),
    ).rejects.toThrow(WorkGaveUpError);

    expect((await outcomes.summary())['followed-seller-new-item']).toMatchObject({
      planned: 1000,
      failed: { 'gave-up': 1000 },
    });
    expect(await outcomes.wasRecorded(task.taskId)).toBe(true);
  });

  it('giving up never counts a job that already went out and ran a second time', async () => {
    const followers = Array.from({ length: 1600 }, (_, i) => `u${String(i).padStart(4, '0')}`);
    const { deps, outcomes } = await setup(followers);
    // The first page's jobs go out and the delivery side runs them; then SQS goes down, and the
    // second page cannot read its profiles: the task is given up on its last receive.
    let sends = 0;
    const delivery = {
      send: async (jobs: readonly DeliveryJob[]) => {
        if (sends++ > 0) throw new Error('SQS is unavailable');
        for (const job of jobs) {
          const delivered = new OutcomeTally(job.recipeId, time);
          delivered.add('delivered', '', job.variant, job.userIds.length);
          await outcomes.record(job.jobId, delivered.entries());
        }
      },
    };
    let pages = 0;
    const users = {
      profilesOf: async (ids: readonly string[]) => {
        if (pages++ > 0) throw new Error('Users table unavailable');
        return new Map(ids.map((id) => [id, { id, timeZone: 'UTC', flags: [], optOuts: [] }]));
      },
      save: async () => undefined,
    };

    await expect(
      fanOutSlice(task, { ...deps, delivery, users, pageSize: 1000, lastAttempt: true }),
    ).rejects.toThrow(WorkGaveUpError);

    const summary = (await outcomes.summary())['followed-seller-new-item']!;
    expect(summary).toMatchObject({ planned: 1000, delivered: 1000 });
    expect(summary.failed).toEqual({});
  });
});

describe('fanOutSlice with a profile another system wrote in a shape Herald cannot read', () => {
  it('fails that recipient as bad-profile and pushes the others', async () => {
    const followers = Array.from({ length: 20 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    const { deps, delivery, outcomes } = await setup(followers);
    const users = {
      profilesOf: async (ids: readonly string[]) =>
        new Map(
          ids.map((id) => [
            id,
            {
              id,
              timeZone: 'UTC',
              flags: [],
              optOuts: [],
              ...(id === 'u07' ? { unreadable: 'flags: expected an array of strings, received number' } : {}),
            },
          ]),
        ),
      save: async () => undefined,
    };

    await fanOutSlice(task, { ...deps, users, pageSize: 1000 });

    expect(recipientsOf(delivery.items)).toEqual(followers.filter((id) => id !== 'u07'));
    expect((await outcomes.summary())['followed-seller-new-item']).toMatchObject({
      planned: 20,
      failed: { 'bad-profile': 1 },
    });
  });
});
