import type { RelationStore, RelationType } from '../../shared/domain/relations/relation.ts';

/**
 * Everyone related to `to` by `type` at `at`, every shard read to the end, in account order:
 * how tests check that a relation was stored, the way the planner reads it.
 */
export const audienceOf = async (
  relations: RelationStore,
  type: RelationType,
  to: string,
  at: Date,
): Promise<string[]> => {
  const shards = await relations.shardCountOf(type, to);
  const ids: string[] = [];
  for (let shard = 0; shard < shards; shard++) {
    let after: string | undefined;
    do {
      const page = await relations.audiencePage({ type, to, shard, at, limit: 1000, after });
      ids.push(...page.userIds);
      after = page.next;
    } while (after);
  }
  return ids.sort();
};
