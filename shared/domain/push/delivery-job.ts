import type { CounterCap } from '../fatigue/policy.ts';

/** How urgently iOS presents a notification; `critical` needs an Apple entitlement, so it is left out. */
export const interruptionLevels = ['passive', 'active', 'time-sensitive'] as const;
export type InterruptionLevel = (typeof interruptionLevels)[number];

/** The fatigue counts a job's pushes took: the windows of `at`, and the counters. */
export interface FatigueReservation {
  readonly at: string;
  readonly counters: readonly CounterCap[];
}

/** A rendered notification. Optional fields have platform defaults (see payload.ts). */
export interface RenderedPush {
  readonly title: string;
  readonly body: string;
  readonly deepLink?: string;
  /** App icon badge count. */
  readonly badge?: number;
  /** Sound name; `default` when absent. */
  readonly sound?: string;
  /** Groups notifications on iOS; the recipe id when absent. */
  readonly threadId?: string;
  readonly interruptionLevel?: InterruptionLevel;
  /** Pushes with the same collapse id replace each other on the phone; derived from the event when absent. */
  readonly collapseId?: string;
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
  /** Per recipient, a push rendered for them alone (`{{recipient.id}}`); `push` for everyone else. */
  readonly pushes?: Readonly<Record<string, RenderedPush>>;
  /** What the fan-out counted against the fatigue caps, so that pushes never sent can give it back. */
  readonly fatigue?: FatigueReservation;
  /** When the event happened: outcomes count on its day, like the rest of the event's outcomes. */
  readonly eventTime?: string;
  /** Follow-up number: 1 for the first follow-up of throttled sends, absent for the original job. */
  readonly attempt?: number;
  /** Per recipient, the only devices to push (a follow-up carries just the sends still owed). */
  readonly onlyDevices?: Readonly<Record<string, readonly string[]>>;
  /** Recipients whose outcome an earlier attempt recorded: pushed to, never counted again. */
  readonly settledUserIds?: readonly string[];
}

/** Recipients per job: small enough for one worker invocation, large enough to amortise SQS. */
export const recipientsPerJob = 500;

/**
 * The id of a job's follow-up: derived from the original job, so a worker that re-sends it after
 * a crash produces the same id, and the follow-up's own ledger marker makes it run once.
 */
export const followUpJobId = (jobId: string, attempt: number): string =>
  `${jobId.replace(/#retry\d+$/, '')}#retry${attempt}`;
