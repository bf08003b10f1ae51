import type { RelationStore, RelationType } from '../relations/relation.ts';

export interface AudienceSlice {
  readonly sources: readonly { readonly type: RelationType; readonly to: string }[];
  /** Accounts the event names itself (audience-sources.ts), sorted: merged with the relations'. */
  readonly named?: readonly string[];
  readonly shard: number;
  readonly at: Date;
  readonly after?: string;
}

async function* accountsOf(
  store: Pick<RelationStore, 'audiencePage'>,
  source: { type: RelationType; to: string },
  slice: AudienceSlice,
  pageSize: number,
): AsyncGenerator<string> {
  let after = slice.after;
  do {
    const page = await store.audiencePage({
      ...source,
      shard: slice.shard,
      at: slice.at,
      limit: pageSize,
      after,
    });
    yield* page.userIds;
    after = page.next;
  } while (after !== undefined);
}

async function* namedAfter(named: readonly string[], after: string | undefined): AsyncGenerator<string> {
  for (const id of named) if (after === undefined || id > after) yield id;
}

/**
 * Streams the accounts of a slice in pages, merging every relation source of the recipe in one
 * ordered pass. Each source is sorted by account, so an account reached through two relations
 * (favorite and browse) comes out once, and memory holds one page per source, whatever the size
 * of the audience.
 */
export async function* audiencePages(
  store: Pick<RelationStore, 'audiencePage'>,
  slice: AudienceSlice,
  pageSize: number,
): AsyncGenerator<string[]> {
  const cursors = slice.sources.map((source) => accountsOf(store, source, slice, pageSize));
  if (slice.named?.length) cursors.push(namedAfter(slice.named, slice.after));
  const heads = await Promise.all(cursors.map((c) => c.next()));
  let page: string[] = [];
  let last: string | undefined;
  for (;;) {
    let smallest: string | undefined;
    for (const head of heads) {
      if (!head.done && (smallest === undefined || head.value < smallest)) smallest = head.value;
    }
    if (smallest === undefined) break;
    if (smallest !== last) {
      page.push(smallest);
      last = smallest;
      if (page.length === pageSize) {
        yield page;
        page = [];
      }
    }
    await Promise.all(
      heads.map(async (head, i) => {
        if (!head.done && head.value === smallest) heads[i] = await cursors[i]!.next();
      }),
    );
  }
  if (page.length > 0) yield page;
}
