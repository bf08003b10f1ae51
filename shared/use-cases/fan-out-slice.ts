import {
  type FanoutCheckpoint,
  type FanoutProgress,
  FanoutTaskBusyError,
  type JobOutbox,
} from '../domain/audience/fanout-progress.ts';
import { type FanoutTask, followUpTask } from '../domain/audience/fanout-task.ts';
import type { RecipientFilter } from '../domain/audience/filters.ts';
import { HeldBuckets, type HeldGroup, holdIn } from '../domain/audience/held-buckets.ts';
import { JobPacker } from '../domain/audience/job-packer.ts';
import type { SliceSource } from '../domain/audience/slice-source.ts';
import type { DeviceHolders, UserLists } from '../domain/campaigns/audience.ts';
import type { CampaignStore } from '../domain/campaigns/store.ts';
import type { Clock } from '../domain/clock.ts';
import { LogBatch } from '../domain/engagement/log-batch.ts';
import type { MessageLog } from '../domain/engagement/message-log.ts';
import type { FatiguePolicy } from '../domain/fatigue/policy.ts';
import { type FatigueLedger, suppressionOf } from '../domain/fatigue/reservation.ts';
import { type OutcomeLedger, OutcomeTally } from '../domain/outcomes/outcome.ts';
import type { WorkQueue } from '../domain/ports.ts';
import type { DeliveryJob } from '../domain/push/delivery-job.ts';
import type { DeviceDirectory } from '../domain/push/device.ts';
import type { HoldScheduler } from '../domain/push/hold-scheduler.ts';
import type { RecipeCatalog } from '../domain/recipes/recipe.ts';
import type { RelationStore } from '../domain/relations/relation.ts';
import { shardOf } from '../domain/relations/sharding.ts';
import { anonymousProfile, type UserDirectory, type UserProfile } from '../domain/users/user.ts';
import { campaignSliceSource } from './campaign-slice-source.ts';
import { dispatchJobs, dispatchWhatCan } from './job-dispatch.ts';
import { type Finished, type LeasedWork, runLeased } from './leased-work.ts';
import { recipeSliceSource } from './recipe-slice-source.ts';

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
  /** A campaign reader's ports: the campaign, the users holding devices, uploaded lists. */
  readonly campaigns?: CampaignStore;
  readonly deviceHolders?: DeviceHolders;
  readonly userLists?: UserLists;
  readonly devices?: Pick<DeviceDirectory, 'devicesOf'>;
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
    // Held jobs still filling go out as they stand; one the outbox lost counts as gave-up.
    const held = new HeldBuckets(new JobPacker(task.taskId, checkpoint?.jobs ?? 0));
    const open = checkpoint?.open ?? [];
    const lost = held.restore(open, await deps.outbox.jobsOf(open.map((o) => o.jobId)));
    held.closeAll();
    const pending = [...(await deps.outbox.jobsOf(checkpoint?.pending ?? [])), ...held.take().send];
    const followUp = checkpoint?.followUp ? followUpOf(task, checkpoint) : undefined;
    // A job that cannot be sent now may have gone out before (its send is what failed last, or
    // the worker whose lease was taken sent it): its recipients' `gave-up` is recorded under the
    // job's own id, so whichever comes first, the job's run or this, counts them, once.
    const unsentJobs = await dispatchWhatCan(pending, deps.clock.now(), deps, followUp);
    for (const job of [...unsentJobs.map((j) => ({ ...j, recipients: j.userIds.length })), ...lost]) {
      const unsent = new OutcomeTally(task.recipeId, new Date(task.event.time));
      unsent.add('failed', 'gave-up', job.variant, job.recipients);
      await deps.outcomes.record(job.jobId, unsent.entries());
    }
    // A campaign reader given up has still ended: its run can complete without it.
    if (task.campaign && !followUp)
      await deps.campaigns?.sliceFinished(task.campaign.id, task.campaign.run, task.taskId.split('@')[0]!);
    return tally.entries();
  },
  handOver: () => deps.fanout.send([{ ...task, handovers: (task.handovers ?? 0) + 1 }]),
  busy: () => new FanoutTaskBusyError(task.taskId, 'another worker holds it'),
});

/** The task that reads the rest of the slice after `cursor`: derived, so a checkpoint need only say there is one. */
const followUpOf = (
  task: FanoutTask,
  { cursor, belonging, pacer }: Pick<FanoutCheckpoint, 'cursor' | 'belonging' | 'pacer'>,
): FanoutTask => {
  const next = followUpTask(task, cursor!, belonging);
  // A campaign reader's follow-up carries on its pacing sequences rather than starting them over.
  return next.campaign && pacer ? { ...next, campaign: { ...next.campaign, pacer } } : next;
};

const readSlice = async (
  task: FanoutTask,
  checkpoint: FanoutCheckpoint | undefined,
  save: (checkpoint: FanoutCheckpoint) => Promise<void>,
  deps: FanOutDeps,
): Promise<Finished<SliceResult>> => {
  const now = deps.clock.now();
  const source: SliceSource = task.campaign
    ? await campaignSliceSource(task, deps, now, checkpoint)
    : recipeSliceSource(task, deps, now);
  const { plan } = source;
  const { recipe } = plan;
  const tally = new OutcomeTally(recipe.id, plan.event.time).restore(checkpoint?.counts);
  const packer = new JobPacker(task.taskId, checkpoint?.jobs ?? 0);
  const buckets = new HeldBuckets(packer);
  let { planned = 0, belonging = 0, exhausted = false, followUp = false } = checkpoint ?? {};
  let cursor = checkpoint?.cursor;

  /** Keeps the page's jobs, writes down what is counted and packed, then sends: never the other way round. */
  const commit = async (due: readonly DeliveryJob[]) => {
    const held = buckets.take();
    const jobs = [...due, ...held.send];
    const keep = [...due, ...held.keep];
    if (keep.length > 0) await deps.outbox.keep(keep);
    const next: FanoutCheckpoint = {
      ...(cursor === undefined ? {} : { cursor }),
      exhausted,
      jobs: packer.jobs,
      planned,
      belonging,
      counts: tally.progress(),
      pending: jobs.map((j) => j.jobId),
      ...(buckets.open.length > 0 ? { open: buckets.open } : {}),
      ...(followUp ? { followUp } : {}),
      ...(source.pacing ? { pacer: source.pacing() } : {}),
    };
    await save(next);
    await dispatchJobs(jobs, plan.now, deps, followUp ? followUpOf(task, next) : undefined);
  };

  // What the last copy wrote down may not have been sent: send it again (the same jobs).
  if (checkpoint) {
    const pending = await deps.outbox.jobsOf(checkpoint.pending);
    await dispatchJobs(pending, plan.now, deps, followUp ? followUpOf(task, checkpoint) : undefined);
    const open = checkpoint.open ?? [];
    const [lost] = buckets.restore(open, await deps.outbox.jobsOf(open.map((o) => o.jobId)));
    if (lost)
      throw new Error(`fan-out task ${task.taskId}: open held job ${lost.jobId} is gone from the outbox`);
  }

  if (!exhausted && !followUp) {
    for await (const { userIds: read, cursor: next } of source.pages(cursor ?? task.after)) {
      await source.beforePage();
      const profiles = await deps.users.profilesOf(read);
      const page = await source.members(read, profiles);
      const log = new LogBatch(deps.messageLog, {
        scope: recipe.id,
        eventId: plan.event.id,
        time: plan.now.toISOString(),
      });
      const due: { user: UserProfile; variant: string }[] = [];
      const held = new Map<string, HeldGroup>();
      for (const userId of page) {
        planned++;
        // Accounts written before the target's last promotion still sit in this shard; only those
        // that belong here under the current layout say whether the shard is full.
        if (shardOf(userId, task.shards ?? 1) === task.shard) belonging++;
        const user = profiles.get(userId) ?? anonymousProfile(userId);
        const verdict = source.judge(user);
        const { variant } = verdict;
        tally.add('planned', '', variant);
        log.add({ step: 'planned', userId, variant });
        if (verdict.kind === 'due') due.push({ user, variant });
        else if (verdict.kind === 'held') {
          holdIn(held, variant, verdict.releaseAt, source.heldByClock ? user.timeZone : undefined, userId);
          log.add({ step: 'held', userId, variant, releaseAt: new Date(verdict.releaseAt).toISOString() });
        } else {
          tally.add(verdict.kind, verdict.reason, variant);
          log.add({ step: verdict.kind, userId, variant, reason: verdict.reason });
        }
      }
      const results = await deps.fatigue.reserve(due.map(({ user }) => plan.reservation(user, task.taskId)));
      const reserved = new Map<string, string[]>();
      due.forEach(({ user, variant }, i) => {
        const reason = suppressionOf(results[i]!);
        if (reason) {
          tally.add('suppressed', reason, variant);
          log.add({ step: 'suppressed', userId: user.id, variant, reason });
        } else if (reserved.has(variant)) reserved.get(variant)!.push(user.id);
        else reserved.set(variant, [user.id]);
      });
      const jobs = [...reserved].flatMap(([variant, ids]) => packer.pack(plan.dueJobs(variant), ids));
      // Held recipients wait in open jobs across pages (held-buckets.ts) until a job is full.
      const packed = [
        ...jobs,
        ...[...held.values()].flatMap((h) =>
          buckets
            .add(plan.heldJobs(h.variant, h.releaseAt, h.timeZone), h.userIds)
            .map((p) => ({ ...p, variant: h.variant })),
        ),
      ];
      for (const { jobId, variant, userIds } of packed)
        for (const userId of userIds) log.add({ step: 'packed', userId, variant, jobId });
      // Before the checkpoint: a page redone after a crash logs twice rather than never.
      await log.flush();
      cursor = next ?? cursor;
      followUp = deps.shouldYield?.() ?? false;
      if (followUp || !source.packsHeldAcrossPages) buckets.closeAll();
      await commit(jobs);
      // Once the page's jobs are out: moving relations never delays a push.
      await source.afterPage(read);
      if (followUp) break;
    }
    if (!followUp) {
      exhausted = true;
      buckets.closeAll();
      await commit([]);
    }
  }

  const promotedTo = followUp ? undefined : await source.finish(belonging);
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
