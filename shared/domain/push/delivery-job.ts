import type { EmitAction } from '../actions/action-event.ts';
import type { CounterCap } from '../fatigue/policy.ts';

/** How urgently iOS presents a notification; `critical` needs an Apple entitlement, so it is left out. */
export const interruptionLevels = ['passive', 'active', 'time-sensitive'] as const;
export type InterruptionLevel = (typeof interruptionLevels)[number];

/**
 * The fatigue reservation of a job's pushes: the windows of `at` on each recipient's clock, the
 * counters, and the dedupe key of the business event. A due job's pushes were reserved by the
 * fan-out (`reserved`); a held job reserves when it is released, so a push held overnight takes
 * its slot in the windows of the morning it is shown in, and is re-checked against the caps then.
 */
export interface FatigueReservation {
  readonly at: string;
  readonly counters: readonly CounterCap[];
  readonly dedupeKey: string;
  readonly enforce: boolean;
  readonly count: boolean;
  /** True when the fan-out reserved already; false when delivery reserves at release. */
  readonly reserved: boolean;
  /**
   * Set on a held job whose recipients' clocks all read the same at `at` (fatigue windows are
   * local dates and hours, so theirs are this zone's): delivery reserves without their profiles.
   * It is the zone the fan-out judged their quiet hours in: one who moves zone while held is
   * counted on the clock their release instant came from.
   */
  readonly timeZone?: string;
}

/** The recipe's template and the detail values it reads, for pushes rendered per recipient at delivery. */
export interface PersonalPush {
  readonly template: { readonly title: string; readonly body: string; readonly deepLink?: string };
  readonly values: Readonly<Record<string, unknown>>;
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
  /** Set for a campaign's job: delivery asks the campaign first (paused: parked; cancelled: settled). */
  readonly campaign?: string;
  /** The only app whose devices get the push (the recipe's); absent, every app's. */
  readonly app?: string;
  /** The push of a push recipe's job; absent on an emit job. */
  readonly push?: RenderedPush;
  /** Set on an emit recipe's job: each recipient gets an event on the bus instead of a push. */
  readonly emit?: EmitAction;
  readonly userIds: readonly string[];
  /**
   * Set when the push names its recipient (`{{recipient.id}}`): delivery renders it per recipient
   * from their profile, so neither a job's checkpoint nor its message carries a text per person.
   */
  readonly personal?: PersonalPush;
  /** The fatigue reservation: taken by the fan-out, or to be taken at release; given back for pushes never sent. */
  readonly fatigue?: FatigueReservation;
  /** When a held job may be delivered (ISO instant); absent for a job due at once. */
  readonly releaseAt?: string;
  /** Times the job was put back on its queue because SQS's receives ran out before it could run. */
  readonly handovers?: number;
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
  `${originalJobId(jobId)}#retry${attempt}`;

/** The job a follow-up descends from: the owner of the fatigue reservations a held job takes at release. */
export const originalJobId = (jobId: string): string => jobId.replace(/#retry\d+$/, '');
