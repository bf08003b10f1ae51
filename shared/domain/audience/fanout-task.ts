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
  readonly after?: string;
}
