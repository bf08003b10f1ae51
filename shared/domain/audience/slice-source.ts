import type { UserProfile } from '../users/user.ts';
import type { RecipientVerdict, SlicePlan } from './slice-plan.ts';

/** A page of accounts, and the cursor a checkpoint keeps to resume after it. */
export interface SourcePage {
  readonly userIds: readonly string[];
  /** Where the next page starts; absent after the last page. */
  readonly cursor?: string;
}

/**
 * Where a fan-out slice's recipients come from and how each is judged: a recipe's relation
 * shard, or a campaign reader (a Scan segment, a list, a relation shard, paced). The slice does
 * the rest alike: counting, fatigue, packing, checkpoints.
 */
export interface SliceSource {
  readonly plan: SlicePlan;
  /**
   * Whether held recipients wait in open jobs across pages until a job is full (held-buckets.ts):
   * a recipe's, held to one release instant. A campaign's are held to a second each, which must
   * go out by then: its jobs close with their page.
   */
  readonly packsHeldAcrossPages: boolean;
  /**
   * Whether held recipients are grouped by the clock they share at release, so their jobs carry
   * a time zone and delivery reserves without reading profiles: a recipe's, held to the end of
   * quiet hours, which is one clock per instant anyway. A campaign's seconds mix every zone.
   */
  readonly heldByClock: boolean;
  pages(after: string | undefined): AsyncIterable<SourcePage>;
  /** Asked before each page, so that a campaign sees a cancel within a page. */
  beforePage(): Promise<void>;
  /** The accounts of a page that belong to the audience (a segment's profile criteria, exclusions). */
  members(userIds: readonly string[], profiles: ReadonlyMap<string, UserProfile>): Promise<readonly string[]>;
  judge(user: UserProfile): RecipientVerdict;
  afterPage(userIds: readonly string[]): Promise<void>;
  /** The slice is read to its end; returns the shard count a recipe's target was promoted to, if any. */
  finish(belonging: number): Promise<number | undefined>;
  /** State to keep in the checkpoint (a campaign's pacing counters). */
  pacing?(): Readonly<Record<string, number>>;
}
