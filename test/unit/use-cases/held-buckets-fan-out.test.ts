import { describe, expect, it } from 'vitest';
import { inMemoryFanOutDeps } from '../../../shared/adapters/memory/fan-out-deps.ts';
import { InMemoryOutcomeLedger } from '../../../shared/adapters/memory/outcome-ledger.ts';
import { InMemoryRelationStore } from '../../../shared/adapters/memory/relation-store.ts';
import { InMemoryUserDirectory } from '../../../shared/adapters/memory/user-directory.ts';
import type { FanoutCheckpoint, FanoutProgress } from '../../../shared/domain/audience/fanout-progress.ts';
import type { FanoutTask } from '../../../shared/domain/audience/fanout-task.ts';
import { WorkGaveUpError } from '../../../shared/domain/errors.ts';
import { parsePolicy } from '../../../shared/domain/fatigue/policy.ts';
import type { DeliveryJob } from '../../../shared/domain/push/delivery-job.ts';
import type { HoldScheduler } from '../../../shared/domain/push/hold-scheduler.ts';
import { fanOutSlice } from '../../../shared/use-cases/fan-out-slice.ts';

const time = new Date('2026-11-21T10:00:00Z');
/** Asleep at 10:00 UTC, each waking at a different instant (16:00, 13:00 and 14:00 UTC). */
const zones = ['America/Los_Angeles', 'America/New_York', 'America/Chicago'];

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

/** The leases with `save` seen first by `before` (which may throw, as a killed worker would). */
const watched = (leases: FanoutProgress, before: (checkpoint: FanoutCheckpoint) => void): FanoutProgress => ({
  acquire: (...args) => leases.acquire(...args),
  save: async (id, owner, checkpoint) => {
    before(checkpoint);
    return leases.save(id, owner, checkpoint);
  },
  release: (...args) => leases.release(...args),
  seize: (...args) => leases.seize(...args),
});

/** Followers asleep in three zones, read 100 to a page; every hold is recorded as sent. */
const setup = async (count: number) => {
  const relations = new InMemoryRelationStore();
  const users = new InMemoryUserDirectory();
  const followers = Array.from({ length: count }, (_, i) => `u${String(i).padStart(4, '0')}`);
  for (const [i, from] of followers.entries()) {
    await relations.apply({ kind: 'put', relation: { type: 'follow', from, to: 'seller-1', since: time } });
    await users.save({ id: from, timeZone: zones[i % zones.length]!, flags: [], optOuts: [] });
  }
  const held: DeliveryJob[] = [];
  const holds: HoldScheduler = { hold: async (jobs) => void held.push(...jobs) };
  const outcomes = new InMemoryOutcomeLedger();
  const checkpoints: FanoutCheckpoint[] = [];
  const deps = inMemoryFanOutDeps(time, {
    policy: parsePolicy({ quietHours: { start: '22:00', end: '08:00' } }),
    relations,
    users,
    holds,
    outcomes,
    pageSize: 100,
  });
  const recorded = {
    ...deps,
    fanoutProgress: watched(deps.fanoutProgress, (checkpoint) => void checkpoints.push(checkpoint)),
  };
  return { deps: recorded, followers, held, outcomes, checkpoints };
};

/** Each job id names one set of recipients, however often it was sent; everyone is in one job. */
const reachedOnce = (jobs: readonly DeliveryJob[]) => {
  const byId = new Map<string, string>();
  for (const job of jobs) {
    const members = job.userIds.join(',');
    expect(byId.get(job.jobId) ?? members).toBe(members);
    byId.set(job.jobId, members);
  }
  const reached = [...byId.values()].flatMap((m) => m.split(','));
  expect(new Set(reached).size).toBe(reached.length);
  return { jobs: byId.size, reached: reached.sort() };
};

describe('fanOutSlice packs held recipients across pages', () => {
  it('fills one held job per release instant over twelve pages, not one per page and instant', async () => {
    const { deps, followers, held, checkpoints } = await setup(1200);

    const result = await fanOutSlice(task, deps);

    const { jobs, reached } = reachedOnce(held);
    expect(reached).toEqual(followers);
    expect(jobs).toBe(3);
    expect(held.map((j) => j.userIds.length)).toEqual([400, 400, 400]);
    expect(new Set(held.map((j) => j.releaseAt)).size).toBe(3);
    // Each job carries the clock its recipients share at release: delivery reads no profile.
    expect(held.map((j) => j.fatigue?.timeZone).sort()).toEqual([...zones].sort());
    expect(result.planned).toBe(1200);
    // The open jobs are named in the checkpoints, by id and size, never by recipient.
    expect(checkpoints.some((c) => (c.open?.length ?? 0) === 3)).toBe(true);
    expect(Math.max(...checkpoints.map((c) => JSON.stringify(c).length))).toBeLessThan(2048);
  });

  it('sends a held job once it holds 500 recipients, and the rest when the slice ends', async () => {
    const { deps, held } = await setup(1800);

    await fanOutSlice(task, deps);

    expect(held.map((j) => j.userIds.length).sort((a, b) => a - b)).toEqual([100, 100, 100, 500, 500, 500]);
  });

  it('a worker killed after keeping a grown open job but before its checkpoint: the next copy packs everyone once', async () => {
    const { deps, followers, held } = await setup(900);
    let saves = 0;
    const dying = {
      ...deps,
      fanoutProgress: watched(deps.fanoutProgress, () => {
        if (++saves === 4) throw new Error('worker killed');
      }),
    };

    await expect(fanOutSlice(task, dying)).rejects.toThrow(/killed/);
    const retried = await fanOutSlice(task, deps);

    const { jobs, reached } = reachedOnce(held);
    expect(reached).toEqual(followers);
    expect(jobs).toBe(3);
    expect(retried.planned).toBe(900);
  });

  it('giving up sends the open held jobs as they stand, and every recipient has one outcome', async () => {
    const { deps, outcomes } = await setup(600);
    const down = { hold: async () => Promise.reject(new Error('Scheduler is unavailable')) };

    await expect(fanOutSlice(task, { ...deps, holds: down, lastAttempt: true })).rejects.toThrow(
      WorkGaveUpError,
    );

    expect((await outcomes.summary())['followed-seller-new-item']).toMatchObject({
      planned: 600,
      failed: { 'gave-up': 600 },
    });
  });
});
