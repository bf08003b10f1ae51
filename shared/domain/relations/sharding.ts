/**
 * Which shard of a target's relation key an account lands in. A hot target (a seller with
 * millions of followers) spreads its relations over several partition keys so that audience
 * reads run in parallel slices. The hash is stable: a relation always lands in the same shard.
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

/** Shard count of every target until hot-target promotion lands; one read slice per target. */
export const defaultShardCount = 1;
