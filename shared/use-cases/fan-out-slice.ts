import { randomUUID } from 'node:crypto';
import { audiencePages } from '../domain/audience/audience-stream.ts';
import {
  type FanoutCheckpoint,
  type FanoutProgress,
  FanoutTaskBusyError,
} from '../domain/audience/fanout-progress.ts';
import { type FanoutTask, followUpTask } from '../domain/audience/fanout-task.ts';
import {
  defaultFilterChain,
  type FilterContext,
  firstSuppression,
  type RecipientFilter,
} from '../domain/audience/filters.ts';
import { JobPacker } from '../domain/audience/job-packer.ts';
import type { Clock } from '../domain/clock.ts';
import { RetryLaterError, WorkGaveUpError } from '../domain/errors.ts';
import type { DomainEvent } from '../domain/events/envelope.ts';
import { type EffectiveRules, type FatiguePolicy, rulesFor } from '../domain/fatigue/policy.ts';
import { releaseTime } from '../domain/fatigue/quiet-hours.ts';
import { type FatigueLedger, fatigueReason, type ReservationRequest } from '../domain/fatigue/reservation.ts';
import { type OutcomeLedger, OutcomeTally } from '../domain/outcomes/outcome.ts';
import type { WorkQueue } from '../domain/ports.ts';
import type { DeliveryJob, RenderedPush } from '../domain/push/delivery-job.ts';
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
  readonly fanoutProgress: FanoutProgress;
  readonly clock: Clock;
  readonly filters?: readonly RecipientFilter[];
  /** Accounts read per relation page; one page is all the slice holds in memory. */
  readonly pageSize?: number;
  /** Asked after every page: true when the worker's time budget is spent and the rest goes to a follow-up task. */
  readonly shouldYield?: () => boolean;
  /** Time the invocation has left (Lambda's context), for the lease; unbounded when absent. */
  readonly timeLeftMs?: () => number;
  /** Accounts per shard before a target moves to more shards; sharding.ts has the default. */
  readonly shardCapacity?: number;
  /** SQS's last delivery of this task: on a failure, record what the last checkpoint settled. */
  readonly lastAttempt?: boolean;
}

export interface FanOutResult {
  readonly planned: number;
  readonly jobs: number;
  readonly alreadyDone: boolean;
  /** Set when the time budget ran out and the rest of the slice went on as this task. */
  readonly followUp?: string;
  /** Set when the slice found its shard too full and moved the target to this many shards. */
  readonly promotedTo?: number;
}

/** Lease when the invocation has no deadline (the local runtime, tests). */
const DEFAULT_LEASE_MS = 6 * 60_000;

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

/**
 * Reads one audience slice page by page and takes every recipient through the PushAction chain:
 * the filters (sender, sensitive users, opt-outs), quiet hours (hold until they end, or drop
 * once the recipe's hold expires), then one conditional write that checks every fatigue cap,
 * counts the push and records its dedupe key. Those who pass are packed into delivery jobs.
 *
 * A task runs under a lease, and after every page it writes a checkpoint (what it counted, the
 * jobs it just packed) before sending those jobs. A copy that follows a killed worker sends the
 * last packed jobs again and goes on from the checkpoint, so a redelivered or retried task never
 * pushes twice and never leaves a recipient without an outcome. Outcomes are recorded once, at
 * the end. Cost: one checkpoint write per page of 1,000 recipients.
 */
export const fanOutSlice = async (task: FanoutTask, deps: FanOutDeps): Promise<FanOutResult> => {
  if (await deps.outcomes.wasRecorded(task.taskId)) return { planned: 0, jobs: 0, alreadyDone: true };
  const owner = randomUUID();
  const timeLeft = deps.timeLeftMs?.() ?? Number.POSITIVE_INFINITY;
  const leaseMs = Number.isFinite(timeLeft) ? timeLeft + 5_000 : DEFAULT_LEASE_MS;
  const lease = await deps.fanoutProgress.acquire(task.taskId, owner, leaseMs);
  if (lease.status === 'busy') throw new FanoutTaskBusyError(task.taskId, 'another worker holds it');
  const progress = { committed: lease.checkpoint };
  try {
    return await resume(task, owner, lease.checkpoint, deps, progress);
  } catch (error) {
    if (deps.lastAttempt && !(error instanceof RetryLaterError))
      await giveUp(task, progress.committed, deps, error);
    // A failure this worker sees is no crash: the next copy may start at once, from the checkpoint.
    await deps.fanoutProgress.release(task.taskId, owner).catch(() => undefined);
    throw error;
  }
};

/**
 * SQS will not hand the task over again. Everyone up to the last checkpoint is settled (counted,
 * or in a job that was sent), so that is what gets recorded; the rest of the slice is never
 * planned. The message then goes to the dead letters with the reason.
 */
const giveUp = async (
  task: FanoutTask,
  committed: FanoutCheckpoint | undefined,
  deps: FanOutDeps,
  error: unknown,
) => {
  const tally = new OutcomeTally(task.recipeId, new Date(task.event.time));
  for (const c of committed?.counts ?? []) tally.add(c.outcome, c.reason, c.variant, c.count);
  tally.add('planned', '', 'A', committed?.planned ?? 0);
  // The last packed jobs may not have gone out: one more try, and whoever is still in an unsent
  // job (or never packed) ends failed `gave-up`.
  const stranded = (committed?.carried ?? []).reduce((n, c) => n + c.userIds.length, 0);
  const unsent = await sendWhatCan(committed?.outbox, deps);
  tally.add('failed', 'gave-up', 'A', stranded + unsent);
  await deps.outcomes.record(task.taskId, tally.entries());
  throw new WorkGaveUpError(`fan-out task ${task.taskId}`, error);
};

const resume = async (
  task: FanoutTask,
  owner: string,
  checkpoint: FanoutCheckpoint | undefined,
  deps: FanOutDeps,
  progress: { committed: FanoutCheckpoint | undefined },
): Promise<FanOutResult> => {
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
  const personalised = isPersonalised(recipe);
  const shards = task.shards ?? 1;
  const tally = new OutcomeTally(recipe.id, event.time);
  for (const c of checkpoint?.counts ?? []) tally.add(c.outcome, c.reason, c.variant, c.count);
  const packer = new JobPacker(
    task.taskId,
    {
      eventId: event.id,
      eventTime: task.event.time,
      recipeId: recipe.id,
      variant: 'A',
      push: render(recipe, { detail: event.detail }),
      ...(rules.count && rules.counters.length > 0
        ? { fatigue: { at: task.event.time, counters: rules.counters } }
        : {}),
    },
    checkpoint?.jobs ?? 0,
    checkpoint?.carried ?? [],
  );
  let planned = checkpoint?.planned ?? 0;
  let belonging = checkpoint?.belonging ?? 0;
  let followUp = checkpoint?.outbox.followUp;
  let exhausted = checkpoint?.exhausted ?? false;

  /** Writes down what is counted and packed, then sends what was packed: never the other way round. */
  const commit = async (cursor: string | undefined, outbox: FanoutCheckpoint['outbox']) => {
    const next: FanoutCheckpoint = {
      ...(cursor === undefined ? {} : { cursor }),
      exhausted,
      jobs: packer.jobs,
      planned,
      belonging,
      counts: tally
        .entries()
        .map(({ outcome, reason, variant, count }) => ({ outcome, reason, variant, count })),
      carried: packer.carried(),
      outbox,
    };
    await deps.fanoutProgress.save(task.taskId, owner, next);
    progress.committed = next;
    await send(outbox, deps);
  };

  // What the last copy wrote down may not have been sent: send it again (the same jobs).
  if (checkpoint) await send(checkpoint.outbox, deps);

  let cursor = checkpoint?.cursor;
  if (!exhausted && !followUp) {
    const slice = {
      sources: recipe.audience.map((a) => ({ type: a.relation, to: String(event.detail[a.targetField]) })),
      shard: task.shard,
      at: now,
      after: cursor ?? task.after,
    };
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
        packer.add(
          user.id,
          releaseAt,
          personalised ? render(recipe, { detail: event.detail, recipient: user }) : undefined,
        );
      });
      cursor = page[page.length - 1]!;
      await relocateMisplaced(task, page, slice.sources, deps);
      if (deps.shouldYield?.()) {
        followUp = followUpTask(task, cursor, belonging);
        break;
      }
      await commit(cursor, packer.take(false, now.getTime()));
    }
    if (!followUp) exhausted = true;
    await commit(cursor, { ...packer.take(true, now.getTime()), ...(followUp ? { followUp } : {}) });
  }

  const promotedTo = followUp ? undefined : await promoteIfFull(task, belonging, deps);
  tally.add('planned', '', 'A', planned);
  const recorded = await deps.outcomes.record(task.taskId, tally.entries());
  return {
    planned,
    jobs: packer.jobs,
    alreadyDone: recorded === 'already-recorded',
    ...(followUp ? { followUp: followUp.taskId } : {}),
    ...(promotedTo ? { promotedTo } : {}),
  };
};

/** Sends packed jobs (due ones to the delivery queue, later ones to holds) and a follow-up task. */
const send = async (outbox: FanoutCheckpoint['outbox'], deps: FanOutDeps): Promise<void> => {
  if (outbox.due.length > 0) await deps.delivery.send(outbox.due);
  for (const { releaseAt, jobs } of outbox.held) await deps.holds.hold(jobs, new Date(releaseAt));
  if (outbox.followUp) await deps.fanout.send([outbox.followUp]);
};

/**
 * After a promotion, relations written under the older layout still sit in this shard. A slice
 * moves those it reads to their place under the current layout (once each: a read and two
 * writes), so the target's existing audience spreads over its shards too. A moved account that
 * another slice of the same event reads again is caught by the dedupe key (`duplicate`).
 */
const relocateMisplaced = async (
  task: FanoutTask,
  page: readonly string[],
  sources: readonly { type: string; to: string }[],
  deps: FanOutDeps,
): Promise<void> => {
  const shards = task.shards ?? 1;
  if (shards <= 1) return;
  const misplaced = page.filter((id) => shardOf(id, shards) !== task.shard);
  if (misplaced.length === 0) return;
  await Promise.all(sources.map((s) => deps.relations.relocate(s.type, s.to, misplaced, task.shard)));
};

/** Sends an outbox part by part; returns how many recipients are in the parts that failed. */
const sendWhatCan = async (
  outbox: FanoutCheckpoint['outbox'] | undefined,
  deps: FanOutDeps,
): Promise<number> => {
  if (!outbox) return 0;
  const parts: [readonly DeliveryJob[], () => Promise<void>][] = [
    [outbox.due, () => deps.delivery.send(outbox.due)],
    ...outbox.held.map(({ releaseAt, jobs }): [readonly DeliveryJob[], () => Promise<void>] => [
      jobs,
      () => deps.holds.hold(jobs, new Date(releaseAt)),
    ]),
  ];
  let unsent = 0;
  for (const [jobs, sendPart] of parts) {
    if (jobs.length === 0) continue;
    try {
      await sendPart();
    } catch {
      unsent += jobs.reduce((n, j) => n + j.userIds.length, 0);
    }
  }
  return unsent;
};

/** A slice that held more accounts than a shard should moves its targets to more shards. */
const promoteIfFull = async (
  task: FanoutTask,
  belonging: number,
  deps: FanOutDeps,
): Promise<number | undefined> => {
  const shards = task.shards ?? 1;
  if ((task.readSoFar ?? 0) + belonging <= (deps.shardCapacity ?? shardCapacity) || shards >= maxShards)
    return undefined;
  const recipe = deps.catalog.get(task.recipeId);
  const next = nextShardCount(shards);
  await Promise.all(
    recipe.audience.map((a) =>
      deps.relations.promote(a.relation, String(task.event.detail[a.targetField]), next),
    ),
  );
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
