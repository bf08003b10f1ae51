/** A rendered notification. */
export interface RenderedPush {
  readonly title: string;
  readonly body: string;
  readonly deepLink?: string;
}

/**
 * Work for the delivery worker: many recipients of one (event, recipe) sharing one rendered
 * push, so SQS requests per push stay far below one.
 */
export interface DeliveryJob {
  readonly jobId: string;
  readonly eventId: string;
  readonly recipeId: string;
  readonly variant: string;
  readonly push: RenderedPush;
  readonly userIds: readonly string[];
}

/** Recipients per job: small enough for one worker invocation, large enough to amortise SQS. */
export const recipientsPerJob = 500;
