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
  /**
   * When the planner took the event in (ISO): the instant whose fatigue windows due pushes count
   * in, stamped once so that a retried task lands in the same windows, whatever the event's own
   * time says (an event stamped days ago counts today, when it is shown).
   */
  readonly plannedAt: string;
  /** The event's business identity (events/identity.ts): pushes dedupe on it, not on the event id. */
  readonly identity: string;
  readonly shard: number;
  /** Shards the audience was split into when planned; a slice that finds its shard too full promotes the target. */
  readonly shards?: number;
  readonly after?: string;
  /** Accounts of this shard the earlier tasks of the slice read, so its size is known when it ends. */
  readonly readSoFar?: number;
  /** Times the task was put back on its queue because SQS's receives ran out before it could run. */
  readonly handovers?: number;
  /** Set for one reader of a campaign run: what it reads, and its share of the campaign's rate. */
  readonly campaign?: CampaignReader;
}

/**
 * One reader of a campaign run: audience `source` (an index into the campaign's `audience`),
 * read as part `shard` of `readers` (a Scan segment, a relation shard, or the whole list).
 */
export interface CampaignReader {
  readonly id: string;
  readonly run: string;
  readonly source: number;
  readonly readers: number;
  /** This reader's share of the campaign's pushes per second. */
  readonly perSecond: number;
  /** Pacing counters handed on by the reader this one follows up. */
  readonly pacer?: Readonly<Record<string, number>>;
}

/** The follow-up that reads the rest of a slice after `cursor`: a deterministic id, so a retried hand-over is one task. */
export const followUpTask = (task: FanoutTask, cursor: string, read: number): FanoutTask => ({
  ...withoutHandovers(task),
  taskId: `${task.taskId.split('@')[0]}@${cursor}`,
  after: cursor,
  readSoFar: (task.readSoFar ?? 0) + read,
});

const withoutHandovers = ({ handovers: _, ...task }: FanoutTask): FanoutTask => task;

/** The dedupe key of a push of this task: one push per (business event, recipe, recipient). */
export const dedupeKeyOf = (task: FanoutTask): string => `${task.identity}#${task.recipeId}`;
