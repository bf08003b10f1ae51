import { audiencePages } from '../domain/audience/audience-stream.ts';
import { type FanoutTask, followUpTask } from '../domain/audience/fanout-task.ts';
import {
  defaultFilterChain,
  type FilterContext,
  firstSuppression,
  type RecipientFilter,
} from '../domain/audience/filters.ts';
import type { Clock } from '../domain/clock.ts';
import type { DomainEvent } from '../domain/events/envelope.ts';
import { type EffectiveRules, type FatiguePolicy, rulesFor } from '../domain/fatigue/policy.ts';
import { releaseTime } from '../domain/fatigue/quiet-hours.ts';
import { type FatigueLedger, fatigueReason, type ReservationRequest } from '../domain/fatigue/reservation.ts';
import { type OutcomeLedger, OutcomeTally } from '../domain/outcomes/outcome.ts';
import type { WorkQueue } from '../domain/ports.ts';
import { type DeliveryJob, type RenderedPush, recipientsPerJob } from '../domain/push/delivery-job.ts';
import type { HoldScheduler } from '../domain/push/hold-scheduler.ts';
import { placeholdersOf, renderTemplate } from '../domain/push/template.ts';
import type { Recipe, RecipeCatalog } from '../domain/recipes/recipe.ts';
import type { RelationStore } from '../domain/relations/relation.ts';
import { maxShards, nextShardCount, shardCapacity, shardOf } from '../domain/relations/sharding.ts';
import { anonymousProfile, type UserDirectory, type UserProfile } from '../domain/users/user.ts';

export interface FanOutDeps {
  readonly catalog: RecipeCatalog;
  readonly policy: FatiguePolicy;
  readonly relations: RelationStore;
  readonly users: UserDirectory;
  readonly fatigue: FatigueLedger;
  readonly delivery: WorkQueue<DeliveryJob>;
  readonly fanout: WorkQueue<FanoutTask>;
  readonly holds: HoldScheduler;
  readonly outcomes: OutcomeLedger;
  readonly clock: Clock;
  readonly filters?: readonly RecipientFilter[];
  /** Accounts read per relation page; one page is all the slice holds in memory. */
  readonly pageSize?: number;
  /** Asked after every page: true when the worker's time budget is spent and the rest goes to a follow-up task. */
  readonly shouldYield?: () => boolean;
  /** Accounts per shard before a target moves to more shards; sharding.ts has the default. */
  readonly shardCapacity?: number;
}

export interface FanOutResult {
  readonly planned: number;
  readonly passed: number;
  readonly held: number;
  readonly jobs: number;
  readonly alreadyDone: boolean;
  /** Set when the time budget ran out and the rest of the slice went on as this task. */
  readonly followUp?: string;
  /** Set when the slice found its shard too full and moved the target to this many shards. */
  readonly promotedTo?: number;
}

const render = (recipe: Recipe, values: Readonly<Record<string, unknown>>): RenderedPush => {
  const deepLink = recipe.push.deepLink ? renderTemplate(recipe.push.deepLink, values) : undefined;
  return {
    title: renderTemplate(recipe.push.title, values),
    body: renderTemplate(recipe.push.body, values),
    ...(deepLink ? { deepLink } : {}),
  };
};

/** Whether a recipe's push differs per recipient (`{{recipient.id}}`...), so it renders once each. */
const isPersonalised = (recipe: Recipe): boolean =>
  [recipe.push.title, recipe.push.body, recipe.push.deepLink ?? ''].some((t) =>
    placeholdersOf(t).some((p) => p.startsWith('recipient.')),
  );

/** Recipients waiting to be packed into jobs, by the instant they may be delivered. */
class JobPacker {
  readonly #byRelease = new Map<number, string[]>();
  readonly #personal = new Map<string, RenderedPush>();
  readonly #task: FanoutTask;
  readonly #template: Omit<DeliveryJob, 'jobId' | 'userIds'>;
  #jobs = 0;

  constructor(task: FanoutTask, template: Omit<DeliveryJob, 'jobId' | 'userIds'>) {
    this.#task = task;
    this.#template = template;
  }

  get jobs(): number {
    return this.#jobs;
  }

  add(userId: string, releaseAt: number, personal?: RenderedPush): void {
    if (personal) this.#personal.set(userId, personal);
    const list = this.#byRelease.get(releaseAt) ?? [];
    list.push(userId);
    this.#byRelease.set(releaseAt, list);
  }

  #personalPushesOf(userIds: readonly string[]): Pick<DeliveryJob, 'pushes'> {
    if (this.#personal.size === 0) return {};
    const pushes: Record<string, RenderedPush> = {};
    for (const id of userIds) {
      pushes[id] = this.#personal.get(id)!;
      this.#personal.delete(id);
    }
    return { pushes };
  }

  /** Sends full jobs (all of them when `all`): due ones to the delivery queue, later ones to holds. */
  async flush(
    all: boolean,
    now: Date,
    delivery: WorkQueue<DeliveryJob>,
    holds: HoldScheduler,
  ): Promise<void> {
    for (const [releaseAt, userIds] of this.#byRelease) {
      const batch: DeliveryJob[] = [];
      while (userIds.length >= recipientsPerJob || (all && userIds.length > 0)) {
        // Deterministic ids: a redelivered task produces the same jobs, which run once.
        const jobId = `${this.#task.taskId}#${this.#jobs + batch.length}`;
        const members = userIds.splice(0, recipientsPerJob);
        batch.push({ ...this.#template, jobId, userIds: members, ...this.#personalPushesOf(members) });
      }
      if (batch.length === 0) continue;
      if (releaseAt <= now.getTime()) await delivery.send(batch);
      else await holds.hold(batch, new Date(releaseAt));
      this.#jobs += batch.length;
    }
  }
}

/**
 * Reads one audience slice page by page and takes every recipient through the PushAction chain:
 * the filters (sender, sensitive users, opt-outs), quiet hours (hold until they end, or drop
 * once the recipe's hold expires), then one conditional write that checks every fatigue cap,
 * counts the push and records its dedupe key. Those who pass are packed into delivery jobs.
 * Outcomes are recorded once per task, so a redelivered task neither double counts nor pushes.
 */
export const fanOutSlice = async (task: FanoutTask, deps: FanOutDeps): Promise<FanOutResult> => {
  if (await deps.outcomes.wasRecorded(task.taskId))
    return { planned: 0, passed: 0, held: 0, jobs: 0, alreadyDone: true };
  const recipe = deps.catalog.get(task.recipeId);
  const event: DomainEvent<Readonly<Record<string, unknown>>> = {
    ...task.event,
    time: new Date(task.event.time),
  };
  const now = deps.clock.now();
  const context: FilterContext = { recipe, event, now };
  const chain = deps.filters ?? defaultFilterChain;
  const sender = recipe.senderField ? String(event.detail[recipe.senderField] ?? '') || undefined : undefined;
  const rules = rulesFor(deps.policy, recipe.id, recipe.business, sender);
  const tally = new OutcomeTally(recipe.id, event.time);
  const shared = render(recipe, { detail: event.detail });
  const personalised = isPersonalised(recipe);
  const packer = new JobPacker(task, {
    eventId: event.id,
    eventTime: task.event.time,
    recipeId: recipe.id,
    variant: 'A',
    push: shared,
    ...(rules.count && rules.counters.length > 0
      ? { fatigue: { at: event.time.toISOString(), counters: rules.counters } }
      : {}),
  });
  const slice = {
    sources: recipe.audience.map((a) => ({ type: a.relation, to: String(event.detail[a.targetField]) })),
    shard: task.shard,
    at: now,
    after: task.after,
  };

  let planned = 0;
  let passed = 0;
  let held = 0;
  let followUp: FanoutTask | undefined;
  const shards = task.shards ?? 1;
  let belonging = 0;
  for await (const page of audiencePages(deps.relations, slice, deps.pageSize ?? 1000)) {
    const profiles = await deps.users.profilesOf(page);
    const candidates: { user: UserProfile; releaseAt: number }[] = [];
    for (const userId of page) {
      planned++;
      // Accounts written before the target's last promotion still sit in this shard; only those
      // that belong here under the current layout say whether the shard is full.
      if (shardOf(userId, shards) === task.shard) belonging++;
      const user = profiles.get(userId) ?? anonymousProfile(userId);
      const reason = firstSuppression(chain, user, context);
      if (reason) {
        tally.add('suppressed', reason);
        continue;
      }
      const releaseAt = quietHoursRelease(rules, user, now, event.time);
      if (releaseAt === 'expired') tally.add('suppressed', 'quiet-hours');
      else candidates.push({ user, releaseAt });
    }
    const results = await deps.fatigue.reserve(
      candidates.map(({ user }) => reservationOf(rules, user, event, recipe.id, task.taskId)),
    );
    candidates.forEach(({ user, releaseAt }, i) => {
      const result = results[i]!;
      if (result.status === 'capped' || result.status === 'duplicate') {
        tally.add('suppressed', result.status === 'capped' ? fatigueReason(result.layer) : 'duplicate');
        return;
      }
      passed++;
      if (releaseAt > now.getTime()) held++;
      packer.add(
        user.id,
        releaseAt,
        personalised ? render(recipe, { detail: event.detail, recipient: user }) : undefined,
      );
    });
    await packer.flush(false, now, deps.delivery, deps.holds);
    if (deps.shouldYield?.()) {
      followUp = followUpTask(task, page[page.length - 1]!, belonging);
      break;
    }
  }
  await packer.flush(true, now, deps.delivery, deps.holds);
  if (followUp) await deps.fanout.send([followUp]);
  const promotedTo = followUp ? undefined : await promoteIfFull(task, belonging, slice.sources, deps);

  tally.add('planned', '', 'A', planned);
  const recorded = await deps.outcomes.record(task.taskId, tally.entries());
  return {
    planned,
    passed,
    held,
    jobs: packer.jobs,
    alreadyDone: recorded === 'already-recorded',
    ...(followUp ? { followUp: followUp.taskId } : {}),
    ...(promotedTo ? { promotedTo } : {}),
  };
};

/** A slice that held more accounts than a shard should moves its targets to more shards. */
const promoteIfFull = async (
  task: FanoutTask,
  read: number,
  sources: readonly { type: string; to: string }[],
  deps: FanOutDeps,
): Promise<number | undefined> => {
  const shards = task.shards ?? 1;
  if ((task.readSoFar ?? 0) + read <= (deps.shardCapacity ?? shardCapacity) || shards >= maxShards)
    return undefined;
  const next = nextShardCount(shards);
  await Promise.all(sources.map((s) => deps.relations.promote(s.type, s.to, next)));
  return next;
};

/** When the user may get the push (epoch ms), or `expired` if the recipe's hold runs out first. */
const quietHoursRelease = (
  rules: EffectiveRules,
  user: UserProfile,
  now: Date,
  eventTime: Date,
): number | 'expired' => {
  if (!rules.quietHours) return now.getTime();
  const release = releaseTime(now, user.timeZone, rules.quietHours).getTime();
  const expiry = rules.holdExpiresAfterMinutes;
  if (expiry !== undefined && release > eventTime.getTime() + expiry * 60_000) return 'expired';
  return release;
};

/** The fatigue reservation of one push. Windows follow the event time, so a retry lands in the same ones. */
export const reservationOf = (
  rules: EffectiveRules,
  user: UserProfile,
  event: DomainEvent,
  recipeId: string,
  owner: string,
): ReservationRequest => ({
  userId: user.id,
  timeZone: user.timeZone,
  at: event.time,
  dedupeKey: `${event.id}#${recipeId}`,
  owner,
  counters: rules.counters,
  enforce: rules.enforce,
  count: rules.count,
});
