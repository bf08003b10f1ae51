import { namedAccounts, relationSources } from '../domain/audience/audience-sources.ts';
import { audiencePages } from '../domain/audience/audience-stream.ts';
import {
  type FanoutCheckpoint,
  type FanoutProgress,
  FanoutTaskBusyError,
  type JobOutbox,
} from '../domain/audience/fanout-progress.ts';
import { type FanoutTask, followUpTask } from '../domain/audience/fanout-task.ts';
import { defaultFilterChain, type RecipientFilter } from '../domain/audience/filters.ts';
import { JobPacker } from '../domain/audience/job-packer.ts';
import { SlicePlan } from '../domain/audience/slice-plan.ts';
import type { Clock } from '../domain/clock.ts';
import { LogBatch } from '../domain/engagement/log-batch.ts';
import type { MessageLog } from '../domain/engagement/message-log.ts';
import type { FatiguePolicy } from '../domain/fatigue/policy.ts';
import { type FatigueLedger, fatigueReason } from '../domain/fatigue/reservation.ts';
import { type OutcomeLedger, OutcomeTally } from '../domain/outcomes/outcome.ts';
import type { WorkQueue } from '../domain/ports.ts';
import type { DeliveryJob } from '../domain/push/delivery-job.ts';
import type { HoldScheduler } from '../domain/push/hold-scheduler.ts';
import type { RecipeCatalog } from '../domain/recipes/recipe.ts';
import type { RelationStore } from '../domain/relations/relation.ts';
import { shardOf } from '../domain/relations/sharding.ts';
import { anonymousProfile, type UserDirectory, type UserProfile } from '../domain/users/user.ts';
import { dispatchJobs, dispatchWhatCan } from './job-dispatch.ts';
import { type Finished, type LeasedWork, runLeased } from './leased-work.ts';
import { promoteIfFull, relocateMisplaced } from './slice-rebalancing.ts';

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
  readonly outbox: JobOutbox;
  readonly clock: Clock;
  /** Where every step of every message is recorded, a page per batch; nothing when absent. */
  readonly messageLog?: MessageLog;
  readonly filters?: readonly RecipientFilter[];
  /** Accounts read per relation page; one page is all the slice holds in memory. */
  readonly pageSize?: number;
  /** Asked after every page: true when the worker's time budget is spent and the rest goes to a follow-up task. */
  readonly shouldYield?: () => boolean;
  /** Time the invocation has left (Lambda's context), for the lease; unbounded when absent. */
  readonly timeLeftMs?: () => number;
  /** Accounts per shard before a target moves to more shards; sharding.ts has the default. */
  readonly shardCapacity?: number;
  /** SQS's last delivery of this task: the task ends here, settled or handed over. */
  readonly lastAttempt?: boolean;
}

export interface FanOutResult {
  readonly planned: number;
  readonly jobs: number;
  readonly alreadyDone: boolean;
  /** Set when SQS's receives ran out and the task went back on the queue as a new message. */
  readonly handedOver?: boolean;
  /** Set when the time budget ran out and the rest of the slice went on as this task. */
  readonly followUp?: string;
  /** Set when the slice found its shard too full and moved the target to this many shards. */
  readonly promotedTo?: number;
}

type SliceResult = Omit<FanOutResult, 'alreadyDone' | 'handedOver'>;

/**
 * Reads one audience slice page by page and takes every recipient through the PushAction chain
 * (slice-plan.ts): the filters, quiet hours, then, for pushes due now, one conditional write
 * that checks every fatigue cap, counts the push and records its dedupe key. Held pushes take
 * their slot when released. Those who pass are packed into delivery jobs.
 *
 * The task runs on the leased-work runner. After every page it keeps the page's jobs in the
 * outbox and writes a checkpoint naming them, then sends them: a copy that follows a killed
 * worker sends the named jobs again and goes on after the checkpoint's cursor, so nobody is
 * pushed twice or left without an outcome. Cost per page of 1,000: one outbox write and one
 * checkpoint write.
 */
export const fanOutSlice = async (task: FanoutTask, deps: FanOutDeps): Promise<FanOutResult> => {
  const run = await runLeased(fanOutWork(task, deps), {
    leases: deps.fanoutProgress,
    outcomes: deps.outcomes,
    ...(deps.timeLeftMs ? { timeLeftMs: deps.timeLeftMs } : {}),
    ...(deps.lastAttempt ? { lastAttempt: true } : {}),
  });
  if (run.status === 'done') return { ...run.result, alreadyDone: run.alreadyRecorded };
  return { planned: 0, jobs: 0, alreadyDone: run.status === 'already-done', handedOver: true };
};

const fanOutWork = (task: FanoutTask, deps: FanOutDeps): LeasedWork<FanoutCheckpoint, SliceResult> => ({
  id: task.taskId,
  name: `fan-out task ${task.taskId}`,
  handovers: task.handovers ?? 0,
  run: (checkpoint, save) => readSlice(task, checkpoint, save, deps),
  settle: async (checkpoint) => {
    // The checkpoint's counts hold everyone planned so far, by variant, and their outcomes.
    const tally = new OutcomeTally(task.recipeId, new Date(task.event.time)).restore(checkpoint?.counts);
    // The last page's jobs may not have gone out: one more try. Whoever is in a job that still
    // cannot be sent ends failed `gave-up`; accounts after the cursor were never planned.
    const pending = await deps.outbox.jobsOf(checkpoint?.pending ?? []);
    const followUp = checkpoint?.followUp ? followUpOf(task, checkpoint) : undefined;
    // A job that cannot be sent now may have gone out before (its send is what failed last, or
    // the worker whose lease was taken sent it): its recipients' `gave-up` is recorded under the
    // job's own id, so whichever comes first, the job's run or this, counts them, once.
    for (const job of await dispatchWhatCan(pending, deps.clock.now(), deps, followUp)) {
      const unsent = new OutcomeTally(task.recipeId, new Date(task.event.time));
      unsent.add('failed', 'gave-up', job.variant, job.userIds.length);
      await deps.outcomes.record(job.jobId, unsent.entries());
    }
    return tally.entries();
  },
  handOver: () => deps.fanout.send([{ ...task, handovers: (task.handovers ?? 0) + 1 }]),
  busy: () => new FanoutTaskBusyError(task.taskId, 'another worker holds it'),
});

/** The task that reads the rest of the slice after `cursor`: derived, so a checkpoint need only say there is one. */
const followUpOf = (
  task: FanoutTask,
  { cursor, belonging }: Pick<FanoutCheckpoint, 'cursor' | 'belonging'>,
) => followUpTask(task, cursor!, belonging);

const readSlice = async (
  task: FanoutTask,
  checkpoint: FanoutCheckpoint | undefined,
  save: (checkpoint: FanoutCheckpoint) => Promise<void>,
  deps: FanOutDeps,
): Promise<Finished<SliceResult>> => {
  const recipe = deps.catalog.get(task.recipeId);
  const plan = new SlicePlan(task, recipe, deps.policy, deps.filters ?? defaultFilterChain, deps.clock.now());
  const tally = new OutcomeTally(recipe.id, plan.event.time).restore(checkpoint?.counts);
  const packer = new JobPacker(task.taskId, checkpoint?.jobs ?? 0);
  let { planned = 0, belonging = 0, exhausted = false, followUp = false } = checkpoint ?? {};
  let cursor = checkpoint?.cursor;

  /** Keeps the page's jobs, writes down what is counted and packed, then sends: never the other way round. */
  const commit = async (jobs: readonly DeliveryJob[]) => {
    if (jobs.length > 0) await deps.outbox.keep(jobs);
    const next: FanoutCheckpoint = {
      ...(cursor === undefined ? {} : { cursor }),
      exhausted,
      jobs: packer.jobs,
      planned,
      belonging,
      counts: tally.progress(),
      pending: jobs.map((j) => j.jobId),
      ...(followUp ? { followUp } : {}),
    };
    await save(next);
    await dispatchJobs(jobs, plan.now, deps, followUp ? followUpOf(task, next) : undefined);
  };

  // What the last copy wrote down may not have been sent: send it again (the same jobs).
  if (checkpoint) {
    const pending = await deps.outbox.jobsOf(checkpoint.pending);
    await dispatchJobs(pending, plan.now, deps, followUp ? followUpOf(task, checkpoint) : undefined);
  }

  if (!exhausted && !followUp) {
    const sources = relationSources(recipe, plan.event.detail);
    const shards = task.shards ?? 1;
    const named = namedAccounts(recipe, plan.event.detail).filter((id) => shardOf(id, shards) === task.shard);
    const slice = { sources, named, shard: task.shard, at: plan.now, after: cursor ?? task.after };
    for await (const page of audiencePages(deps.relations, slice, deps.pageSize ?? 1000)) {
      const profiles = await deps.users.profilesOf(page);
      const log = new LogBatch(deps.messageLog, {
        scope: recipe.id,
        eventId: plan.event.id,
        time: plan.now.toISOString(),
      });
      const due: { user: UserProfile; variant: string }[] = [];
      const held = new Map<string, { variant: string; releaseAt: number; userIds: string[] }>();
      for (const userId of page) {
        planned++;
        // Accounts written before the target's last promotion still sit in this shard; only those
        // that belong here under the current layout say whether the shard is full.
        if (shardOf(userId, task.shards ?? 1) === task.shard) belonging++;
        const user = profiles.get(userId) ?? anonymousProfile(userId);
        const verdict = plan.judge(user);
        const { variant } = verdict;
        tally.add('planned', '', variant);
        log.add({ step: 'planned', userId, variant });
        if (verdict.kind === 'due') due.push({ user, variant });
        else if (verdict.kind === 'held') {
          const key = `${variant}|${verdict.releaseAt}`;
          const bucket = held.get(key);
          if (bucket) bucket.userIds.push(userId);
          else held.set(key, { variant, releaseAt: verdict.releaseAt, userIds: [userId] });
          log.add({ step: 'held', userId, variant, releaseAt: new Date(verdict.releaseAt).toISOString() });
        } else {
          tally.add(verdict.kind, verdict.reason, variant);
          log.add({ step: verdict.kind, userId, variant, reason: verdict.reason });
        }
      }
      const results = await deps.fatigue.reserve(due.map(({ user }) => plan.reservation(user, task.taskId)));
      const reserved = new Map<string, string[]>();
      due.forEach(({ user, variant }, i) => {
        const result = results[i]!;
        const reason =
          result.status === 'capped'
            ? fatigueReason(result.layer)
            : result.status === 'duplicate'
              ? 'duplicate'
              : undefined;
        if (reason) {
          tally.add('suppressed', reason, variant);
          log.add({ step: 'suppressed', userId: user.id, variant, reason });
        } else if (reserved.has(variant)) reserved.get(variant)!.push(user.id);
        else reserved.set(variant, [user.id]);
      });
      const jobs = [
        ...[...reserved].flatMap(([variant, ids]) => packer.pack(plan.dueJobs(variant), ids)),
        ...[...held.values()].flatMap((h) => packer.pack(plan.heldJobs(h.variant, h.releaseAt), h.userIds)),
      ];
      for (const job of jobs)
        for (const userId of job.userIds)
          log.add({ step: 'packed', userId, variant: job.variant, jobId: job.jobId });
      // Before the checkpoint: a page redone after a crash logs twice rather than never.
      await log.flush();
      cursor = page[page.length - 1]!;
      await relocateMisplaced(task, page, sources, deps.relations);
      followUp = deps.shouldYield?.() ?? false;
      await commit(jobs);
      if (followUp) break;
    }
    if (!followUp) {
      exhausted = true;
      await commit([]);
    }
  }

  const promotedTo = followUp
    ? undefined
    : await promoteIfFull(task, recipe, belonging, deps.relations, deps.shardCapacity);
  return {
    counts: tally.entries(),
    result: {
      planned,
      jobs: packer.jobs,
      ...(followUp ? { followUp: followUpOf(task, { cursor, belonging }).taskId } : {}),
      ...(promotedTo ? { promotedTo } : {}),
    },
  };
};
