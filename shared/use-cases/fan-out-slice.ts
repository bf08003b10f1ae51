import { audiencePages } from '../domain/audience/audience-stream.ts';
import type { FanoutTask } from '../domain/audience/fanout-task.ts';
import {
  defaultFilterChain,
  type FilterContext,
  firstSuppression,
  type RecipientFilter,
} from '../domain/audience/filters.ts';
import type { Clock } from '../domain/clock.ts';
import type { DomainEvent } from '../domain/events/envelope.ts';
import { type OutcomeLedger, OutcomeTally } from '../domain/outcomes/outcome.ts';
import type { WorkQueue } from '../domain/ports.ts';
import { claimKey, type RecipientClaims } from '../domain/push/claims.ts';
import { type DeliveryJob, type RenderedPush, recipientsPerJob } from '../domain/push/delivery-job.ts';
import { renderTemplate } from '../domain/push/template.ts';
import type { Recipe, RecipeCatalog } from '../domain/recipes/recipe.ts';
import type { RelationStore } from '../domain/relations/relation.ts';
import type { UserDirectory } from '../domain/users/user.ts';
import { anonymousProfile } from '../domain/users/user.ts';

export interface FanOutDeps {
  readonly catalog: RecipeCatalog;
  readonly relations: RelationStore;
  readonly users: UserDirectory;
  readonly claims: RecipientClaims;
  readonly delivery: WorkQueue<DeliveryJob>;
  readonly outcomes: OutcomeLedger;
  readonly clock: Clock;
  readonly filters?: readonly RecipientFilter[];
  /** Accounts read per relation page; one page is all the slice holds in memory. */
  readonly pageSize?: number;
}

export interface FanOutResult {
  readonly planned: number;
  readonly passed: number;
  readonly jobs: number;
  readonly alreadyDone: boolean;
}

/** Claims outlive any redelivery or retry of the same event. */
const CLAIM_LIFETIME_MS = 7 * 86_400_000;

const render = (recipe: Recipe, detail: Readonly<Record<string, unknown>>): RenderedPush => {
  const values = { detail };
  const deepLink = recipe.push.deepLink ? renderTemplate(recipe.push.deepLink, values) : undefined;
  return {
    title: renderTemplate(recipe.push.title, values),
    body: renderTemplate(recipe.push.body, values),
    ...(deepLink ? { deepLink } : {}),
  };
};

/**
 * Reads one audience slice page by page, runs every recipient through the filter chain, claims
 * the push for those who pass (one conditional write each) and packs them into delivery jobs.
 * Outcomes are recorded once per task, so a redelivered task neither double counts nor
 * double pushes.
 */
export const fanOutSlice = async (task: FanoutTask, deps: FanOutDeps): Promise<FanOutResult> => {
  if (await deps.outcomes.wasRecorded(task.taskId))
    return { planned: 0, passed: 0, jobs: 0, alreadyDone: true };
  const recipe = deps.catalog.get(task.recipeId);
  const event: DomainEvent<Readonly<Record<string, unknown>>> = {
    ...task.event,
    time: new Date(task.event.time),
  };
  const now = deps.clock.now();
  const context: FilterContext = { recipe, event, now };
  const chain = deps.filters ?? defaultFilterChain;
  const push = render(recipe, event.detail);
  const tally = new OutcomeTally(recipe.id, event.time);
  const claimsExpireAt = new Date(event.time.getTime() + CLAIM_LIFETIME_MS);
  const slice = {
    sources: recipe.audience.map((a) => ({ type: a.relation, to: String(event.detail[a.targetField]) })),
    shard: task.shard,
    at: now,
    after: task.after,
  };

  const pending: string[] = [];
  let jobs = 0;
  let passedTotal = 0;
  const flush = async (all: boolean) => {
    const batch: DeliveryJob[] = [];
    while (pending.length >= recipientsPerJob || (all && pending.length > 0)) {
      batch.push({
        jobId: `${task.taskId}#${task.after ?? ''}#${jobs + batch.length}`,
        eventId: event.id,
        recipeId: recipe.id,
        variant: 'A',
        push,
        userIds: pending.splice(0, recipientsPerJob),
      });
    }
    if (batch.length === 0) return;
    await deps.delivery.send(batch);
    jobs += batch.length;
  };

  for await (const page of audiencePages(deps.relations, slice, deps.pageSize ?? 1000)) {
    const profiles = await deps.users.profilesOf(page);
    const passing: string[] = [];
    for (const userId of page) {
      tally.add('planned');
      const reason = firstSuppression(chain, profiles.get(userId) ?? anonymousProfile(userId), context);
      if (reason) tally.add('suppressed', reason);
      else passing.push(userId);
    }
    const claims = await deps.claims.claim(
      passing.map((userId) => ({ key: claimKey(event.id, recipe.id, userId), owner: task.taskId })),
      claimsExpireAt,
    );
    passing.forEach((userId, i) => {
      if (claims[i] === 'taken') tally.add('suppressed', 'duplicate');
      else {
        pending.push(userId);
        passedTotal++;
      }
    });
    await flush(false);
  }
  await flush(true);

  const recorded = await deps.outcomes.record(task.taskId, tally.entries());
  const planned = tally
    .entries()
    .filter((c) => c.outcome === 'planned')
    .reduce((n, c) => n + c.count, 0);
  return { planned, passed: passedTotal, jobs, alreadyDone: recorded === 'already-recorded' };
};
