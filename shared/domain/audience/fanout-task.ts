/**
 * One slice of an audience: the accounts of one relation shard for one (event, recipe). The
 * planner enqueues one task per shard; a worker that runs out of time hands the rest of its
 * slice on as a follow-up task starting `after` the last account it finished.
 */
export interface FanoutTask {
  readonly taskId: string;
  readonly recipeId: string;
  readonly event: {
    readonly id: string;
    readonly source: string;
    readonly detailType: string;
    readonly time: string;
    readonly detail: Readonly<Record<string, unknown>>;
  };
  readonly shard: number;
  /** Shards the audience was split into when planned; a slice that finds its shard too full promotes the target. */
  readonly shards?: number;
  readonly after?: string;
  /** Accounts of this shard the earlier tasks of the slice read, so its size is known when it ends. */
  readonly readSoFar?: number;
}

/** The follow-up that reads the rest of a slice after `cursor`: a deterministic id, so a retried hand-over is one task. */
export const followUpTask = (task: FanoutTask, cursor: string, read: number): FanoutTask => ({
  ...task,
  taskId: `${task.taskId.split('@')[0]}@${cursor}`,
  after: cursor,
  readSoFar: (task.readSoFar ?? 0) + read,
});
