import type { FanoutTask } from '../domain/audience/fanout-task.ts';
import type { WorkQueue } from '../domain/ports.ts';
import type { DeliveryJob } from '../domain/push/delivery-job.ts';
import type { HoldScheduler } from '../domain/push/hold-scheduler.ts';

export interface JobDispatchDeps {
  readonly delivery: WorkQueue<DeliveryJob>;
  readonly holds: HoldScheduler;
  readonly fanout: WorkQueue<FanoutTask>;
}

/** One send: jobs due now to the delivery queue, jobs released later to holds, a follow-up task. */
type Part = { readonly jobs: readonly DeliveryJob[]; readonly send: () => Promise<void> };

const partsOf = (
  jobs: readonly DeliveryJob[],
  now: Date,
  deps: JobDispatchDeps,
  followUp?: FanoutTask,
): Part[] => {
  const due = jobs.filter((j) => !j.releaseAt || Date.parse(j.releaseAt) <= now.getTime());
  const held = new Map<string, DeliveryJob[]>();
  for (const job of jobs) {
    if (!job.releaseAt || Date.parse(job.releaseAt) <= now.getTime()) continue;
    const list = held.get(job.releaseAt);
    if (list) list.push(job);
    else held.set(job.releaseAt, [job]);
  }
  return [
    ...(due.length > 0 ? [{ jobs: due, send: () => deps.delivery.send(due) }] : []),
    ...[...held].map(([releaseAt, list]) => ({
      jobs: list,
      send: () => deps.holds.hold(list, new Date(releaseAt)),
    })),
    ...(followUp ? [{ jobs: [], send: () => deps.fanout.send([followUp]) }] : []),
  ];
};

/** Sends packed jobs (and the follow-up task of a slice that ran out of time); throws on the first failure. */
export const dispatchJobs = async (
  jobs: readonly DeliveryJob[],
  now: Date,
  deps: JobDispatchDeps,
  followUp?: FanoutTask,
): Promise<void> => {
  for (const part of partsOf(jobs, now, deps, followUp)) await part.send();
};

/**
 * Sends what it can, part by part, for work being given up; returns the jobs that could not be
 * sent (their recipients end failed `gave-up`).
 */
export const dispatchWhatCan = async (
  jobs: readonly DeliveryJob[],
  now: Date,
  deps: JobDispatchDeps,
  followUp?: FanoutTask,
): Promise<DeliveryJob[]> => {
  const unsent: DeliveryJob[] = [];
  for (const part of partsOf(jobs, now, deps, followUp)) {
    try {
      await part.send();
    } catch {
      unsent.push(...part.jobs);
    }
  }
  return unsent;
};
