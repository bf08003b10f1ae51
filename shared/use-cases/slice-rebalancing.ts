import { relationSources } from '../domain/audience/audience-sources.ts';
import type { FanoutTask } from '../domain/audience/fanout-task.ts';
import type { Recipe } from '../domain/recipes/recipe.ts';
import type { RelationStore } from '../domain/relations/relation.ts';
import { maxShards, nextShardCount, shardCapacity, shardOf } from '../domain/relations/sharding.ts';

/**
 * After a promotion, relations written under the older layout still sit in this shard. A slice
 * moves those it reads to their place under the current layout (once each: a read and two
 * writes), so the target's existing audience spreads over its shards too. A moved account that
 * another slice of the same event reads again is caught by the dedupe key (`duplicate`).
 */
export const relocateMisplaced = async (
  task: FanoutTask,
  page: readonly string[],
  sources: readonly { type: string; to: string }[],
  relations: RelationStore,
): Promise<void> => {
  const shards = task.shards ?? 1;
  if (shards <= 1) return;
  const misplaced = page.filter((id) => shardOf(id, shards) !== task.shard);
  if (misplaced.length === 0) return;
  await Promise.all(sources.map((s) => relations.relocate(s.type, s.to, misplaced, task.shard)));
};

/** A slice that held more accounts than a shard should moves its targets to more shards. */
export const promoteIfFull = async (
  task: FanoutTask,
  recipe: Recipe,
  belonging: number,
  relations: RelationStore,
  capacity = shardCapacity,
): Promise<number | undefined> => {
  const shards = task.shards ?? 1;
  if ((task.readSoFar ?? 0) + belonging <= capacity || shards >= maxShards) return undefined;
  const next = nextShardCount(shards);
  await Promise.all(
    relationSources(recipe, task.event.detail).map((s) => relations.promote(s.type, s.to, next)),
  );
  return next;
};
