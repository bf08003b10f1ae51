import type { Clock } from '../domain/clock.ts';
import { HeraldError } from '../domain/errors.ts';
import type { DomainEvent } from '../domain/events/envelope.ts';
import type { RejectedEvents } from '../domain/ports.ts';
import type { RecipeCatalog } from '../domain/recipes/recipe.ts';
import { toRelationChange } from '../domain/relations/ingestion.ts';
import type { RelationChange, RelationStore } from '../domain/relations/relation.ts';

export interface IngestRelationDeps {
  readonly relations: RelationStore;
  readonly rejected: RejectedEvents;
  /** Herald's clock: events stamped more than a few minutes ahead of it are rejected. */
  readonly clock: Clock;
  /** Its channels say which events feed which relation; its contracts check their details. */
  readonly catalog: Pick<RecipeCatalog, 'channels' | 'contracts'>;
}

export type IngestResult =
  | { readonly status: 'applied'; readonly change: RelationChange }
  | { readonly status: 'rejected'; readonly reason: string };

/**
 * Keeps the relation an event describes (follow, unfollow, favorite, view). An event that breaks
 * its contract, or is stamped too far in the future, is kept with its reason instead, and never
 * retried.
 */
export const ingestRelationEvent = async (
  event: DomainEvent,
  raw: unknown,
  deps: IngestRelationDeps,
): Promise<IngestResult> => {
  let change: RelationChange;
  try {
    change = toRelationChange(event, deps.clock.now(), deps.catalog);
  } catch (error) {
    if (!(error instanceof HeraldError)) throw error;
    await deps.rejected.keep({ reason: error.message, event: raw });
    return { status: 'rejected', reason: error.message };
  }
  await deps.relations.apply(change);
  return { status: 'applied', change };
};
