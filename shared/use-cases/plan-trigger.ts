import { chainOf, MAX_CHAIN_DEPTH } from '../domain/actions/action-event.ts';
import { relationSources } from '../domain/audience/audience-sources.ts';
import type { FanoutTask } from '../domain/audience/fanout-task.ts';
import { HeraldError, ValidationError } from '../domain/errors.ts';
import type { ContractCatalog } from '../domain/events/contract-catalog.ts';
import type { DomainEvent } from '../domain/events/envelope.ts';
import { businessIdentity } from '../domain/events/identity.ts';
import { OutcomeTally } from '../domain/outcomes/outcome.ts';
import type { RejectedEvents } from '../domain/ports.ts';
import { emits, type Recipe } from '../domain/recipes/recipe.ts';
import { logger } from '../observability/logger.ts';
import { type FanOutDeps, type FanOutResult, fanOutSlice } from './fan-out-slice.ts';

export interface PlanTriggerDeps extends FanOutDeps {
  readonly rejected: RejectedEvents;
}

export type PlanResult =
  | { readonly status: 'planned'; readonly tasks: number; readonly inline?: FanOutResult }
  | { readonly status: 'rejected'; readonly reason: string };

/** The detail as its contract reads it; the catalog's contracts are those of its recipe set. */
const checkedDetail = (event: DomainEvent, contracts: ContractCatalog): Record<string, unknown> => {
  const contract = contracts.find(event.source, event.detailType);
  if (!contract)
    throw new ValidationError('detail-type', `no contract for "${event.detailType}" from ${event.source}`);
  return contract.check(event.detail);
};

/**
 * The run-time half of the loop rule (the catalog refuses loops when it loads): a recipe never
 * fires on an event its own id is in the chain of, and never emits past the chain's depth.
 */
const refuseLoop = (recipe: Recipe, chain: readonly string[]): void => {
  if (chain.includes(recipe.id))
    throw new ValidationError(
      'detail.chain',
      `recipe ${recipe.id} is already in the chain ${chain.join(' -> ')}`,
    );
  if (emits(recipe) && chain.length >= MAX_CHAIN_DEPTH)
    throw new ValidationError(
      'detail.chain',
      `recipe ${recipe.id} would emit past the chain's ${MAX_CHAIN_DEPTH} actions`,
    );
};

/**
 * A trigger fired: check the event against its contract, then split the recipe's audience into
 * slices, one per relation shard. An audience of one shard (every target that is not hot) is
 * fanned out right here, with no extra hop; if it turns out larger than the planner's time
 * budget, the rest goes on as a follow-up task. Hot targets get one fan-out task per shard, read
 * in parallel by the fan-out workers.
 */
export const planTrigger = async (
  recipeId: string,
  event: DomainEvent,
  raw: unknown,
  deps: PlanTriggerDeps,
): Promise<PlanResult> => {
  let detail: Record<string, unknown>;
  try {
    const recipe = deps.catalog.get(recipeId);
    if (recipe.trigger.source !== event.source || recipe.trigger.detailType !== event.detailType) {
      throw new ValidationError('detail-type', `recipe ${recipeId} does not fire on ${event.detailType}`);
    }
    detail = checkedDetail(event, deps.catalog.contracts);
    refuseLoop(recipe, chainOf(event));
  } catch (error) {
    if (!(error instanceof HeraldError)) throw error;
    const tally = new OutcomeTally(recipeId, event.time);
    tally.add('rejected', error.message);
    await deps.rejected.keep({ reason: error.message, event: raw });
    await deps.outcomes.record(`reject#${event.id}#${recipeId}`, tally.entries());
    return { status: 'rejected', reason: error.message };
  }

  const recipe = deps.catalog.get(recipeId);
  // Accounts the detail names go to the slice of their shard; alone, they make one slice.
  const shardCounts = await Promise.all(
    relationSources(recipe, detail).map((s) => deps.relations.shardCountOf(s.type, s.to)),
  );
  const shards = Math.max(1, ...shardCounts);
  // Stamped once here: every slice and retry of this event counts in the same fatigue windows.
  const plannedAt = deps.clock.now().toISOString();
  const identity = businessIdentity({ ...event, detail }, recipe.identity);
  const tasks: FanoutTask[] = Array.from({ length: shards }, (_, shard) => ({
    taskId: `${event.id}#${recipeId}#${shard}`,
    recipeId,
    event: {
      id: event.id,
      source: event.source,
      detailType: event.detailType,
      time: event.time.toISOString(),
      detail,
    },
    plannedAt,
    identity,
    shard,
    shards,
  }));
  if (tasks.length === 1) {
    try {
      return { status: 'planned', tasks: 1, inline: await fanOutSlice(tasks[0]!, deps) };
    } catch (error) {
      // Whatever stopped the inline fan-out (another copy holds it, a throttled table), the
      // fan-out queue takes the task over: its worker resumes from the checkpoint, with SQS's
      // retries and dead-letter queue behind it.
      logger.warn('inline fan-out handed to the fan-out queue', {
        taskId: tasks[0]!.taskId,
        error: error as Error,
      });
    }
  }
  await deps.fanout.send(tasks);
  return { status: 'planned', tasks: tasks.length };
};
