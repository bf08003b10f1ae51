/**
 * Hot targets. A seller followed by millions is one partition key too many: its relations are
 * spread over several shard keys (`follow#seller#0..N-1`) so that audience reads run as parallel
 * slices, each small enough for one worker's time budget.
 *
 * How the shard count is chosen: every target starts with one shard. When a fan-out slice finds
 * more than `shardCapacity` accounts in one shard, the target moves to `shardGrowth` times more
 * shards (1, 4, 16, 64, 256). Moving is cheap and safe: the layouts a target has had are kept;
 * new writes go to the newest layout and tombstone the account's positions in older ones, and
 * readers read every shard of the newest layout, which covers every position of the older ones
 * (a position under N shards is below N, and N is below the new count). Relations written before
 * the promotion are moved to their new shard by the first slices that read them, so the existing
 * audience spreads too; only accounts that belong to a shard under the current layout count
 * towards its capacity, so a target never escalates on relations that have not moved yet.
 */
export const shardOf = (account: string, shardCount: number): number => {
  if (shardCount <= 1) return 0;
  // FNV-1a: cheap, stable across runtimes, and spreads short ids well enough for bucketing.
  let hash = 0x811c9dc5;
  for (let i = 0; i < account.length; i++) {
    hash ^= account.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shardCount;
};

/** Accounts one shard holds before its target moves to more shards: a slice one worker reads in well under a minute. */
export const shardCapacity = 50_000;
export const shardGrowth = 4;
export const maxShards = 256;
// A target's layout is shared by every relation type pointing at it (favorites and views of an
// item), so that one slice holds an account whichever relations it has.

/** The layouts a target has had, ascending; `[1]` for a target that never moved. */
export type ShardLayouts = readonly number[];
export const initialLayouts: ShardLayouts = [1];

export const currentShards = (layouts: ShardLayouts): number => layouts[layouts.length - 1] ?? 1;

export const nextShardCount = (shards: number): number => Math.min(maxShards, shards * shardGrowth);

/** Every shard an account may have been written to under the target's layouts, newest first. */
export const positionsOf = (account: string, layouts: ShardLayouts): number[] => [
  ...new Set([...layouts].reverse().map((n) => shardOf(account, n))),
];

/** Every shard count a target can ever have: 1, 4, 16, 64, 256. */
export const possibleShardCounts: readonly number[] = [1, 4, 16, 64, 256].filter((n) => n <= maxShards);

/**
 * Where a removal must leave a tombstone: the account's position under every layout the target
 * could have. A writer may hold a layout up to a minute old; an unfollow written only where that
 * stale layout says would leave a newer live copy behind. Removals are rare next to adds, so the
 * extra writes (at most five) are cheap insurance.
 */
export const removalPositionsOf = (account: string, layouts: ShardLayouts): number[] => [
  ...new Set([...positionsOf(account, layouts), ...possibleShardCounts.map((n) => shardOf(account, n))]),
];
