import { namedAccounts, relationSources } from '../domain/audience/audience-sources.ts';
import { audiencePages } from '../domain/audience/audience-stream.ts';
import type { FanoutTask } from '../domain/audience/fanout-task.ts';
import { defaultFilterChain } from '../domain/audience/filters.ts';
import { SlicePlan } from '../domain/audience/slice-plan.ts';
import type { SliceSource } from '../domain/audience/slice-source.ts';
import { shardOf } from '../domain/relations/sharding.ts';
import type { FanOutDeps } from './fan-out-slice.ts';
import { promoteIfFull, relocateMisplaced } from './slice-rebalancing.ts';

/**
 * A recipe's slice: one relation shard of the event's target(s), every account in it, judged now.
 * Reading moves accounts left in the shard by an older layout, and a slice found too full
 * promotes its target to more shards.
 */
export const recipeSliceSource = (task: FanoutTask, deps: FanOutDeps, now: Date): SliceSource => {
  const recipe = deps.catalog.get(task.recipeId);
  const plan = new SlicePlan(task, recipe, deps.policy, deps.filters ?? defaultFilterChain, now);
  const sources = relationSources(recipe, plan.event.detail);
  // Accounts the detail names (an emitted event's recipient) come from the shard they hash to.
  const named = namedAccounts(recipe, plan.event.detail).filter(
    (id) => shardOf(id, task.shards ?? 1) === task.shard,
  );
  return {
    plan,
    packsHeldAcrossPages: true,
    heldByClock: true,
    async *pages(after) {
      const slice = { sources, named, shard: task.shard, at: now, after };
      for await (const page of audiencePages(deps.relations, slice, deps.pageSize ?? 1000))
        yield { userIds: page, cursor: page[page.length - 1]! };
    },
    beforePage: async () => undefined,
    members: async (userIds) => userIds,
    judge: (user) => plan.judge(user),
    afterPage: (userIds) => relocateMisplaced(task, userIds, sources, deps.relations),
    finish: (belonging) => promoteIfFull(task, recipe, belonging, deps.relations, deps.shardCapacity),
  };
};
