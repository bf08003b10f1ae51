import { chainOf, type EmitAction } from '../actions/action-event.ts';
import { assignVariant, singleVariant, type Variant } from '../engagement/experiment.ts';
import type { DomainEvent } from '../events/envelope.ts';
import { type EffectiveRules, type FatiguePolicy, rulesFor } from '../fatigue/policy.ts';
import { releaseTime } from '../fatigue/quiet-hours.ts';
import type { ReservationRequest } from '../fatigue/reservation.ts';
import type { FatigueReservation } from '../push/delivery-job.ts';
import { isPersonalised, personalPush, renderPush } from '../push/personal-push.ts';
import { emits, type Recipe } from '../recipes/recipe.ts';
import type { UserProfile } from '../users/user.ts';
import { dedupeKeyOf, type FanoutTask } from './fanout-task.ts';
import { type FilterContext, firstSuppression, type RecipientFilter } from './filters.ts';
import type { JobTemplate } from './job-packer.ts';

/** What the PushAction chain decides for one recipient before the fatigue write, and its variant. */
export type RecipientVerdict = Decision & { readonly variant: string };
type Decision =
  | { readonly kind: 'suppressed'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string }
  /** Due now: the fan-out reserves the fatigue slot in the windows of the planning instant. */
  | { readonly kind: 'due' }
  /** Inside quiet hours: held until `releaseAt`, when delivery reserves the slot of that instant. */
  | { readonly kind: 'held'; readonly releaseAt: number };

/**
 * What an emit recipe's jobs share: the detail-type, the fields it maps from the trigger, and
 * the chain, which grows by this recipe so the recipes it triggers can tell a loop.
 */
const emitOf = (task: FanoutTask, recipe: Recipe & { emit: NonNullable<Recipe['emit']> }): EmitAction => {
  const { detail } = task.event;
  const fields = Object.entries(recipe.emit.fields ?? {}).map(([to, from]) => [to, detail[from] ?? null]);
  return {
    detailType: recipe.emit.detailType,
    identity: task.identity,
    detail: {
      ...Object.fromEntries(fields),
      recipeId: recipe.id,
      trigger: { id: task.event.id, source: task.event.source, detailType: task.event.detailType },
      chain: [...chainOf(task.event), recipe.id],
    },
  };
};

/**
 * Everything a fan-out task decides once for its whole slice: the recipe's rules for this
 * event, the push, and what its jobs share. `judge` runs the chain of responsibility for one
 * recipient, cheapest link first: a profile that cannot be read, the filters (self, sensitive,
 * opted out), then quiet hours (held, or dropped if the recipe's hold runs out first).
 */
export class SlicePlan {
  readonly recipe: Recipe;
  readonly event: DomainEvent<Readonly<Record<string, unknown>>>;
  readonly rules: EffectiveRules;
  readonly dedupeKey: string;
  /** The instant whose fatigue windows due pushes count in. */
  readonly plannedAt: Date;
  /** When the worker runs: quiet hours are judged on the recipient's clock now. */
  readonly now: Date;
  readonly #chain: readonly RecipientFilter[];
  readonly #context: FilterContext;
  /** What the jobs of each variant that pushes share (a holdout has none). */
  readonly #jobs = new Map<string, Omit<JobTemplate, 'fatigue' | 'releaseAt'>>();
  readonly #variants: readonly Variant[] | undefined;
  readonly #salt: string;

  constructor(
    task: FanoutTask,
    recipe: Recipe,
    policy: FatiguePolicy,
    chain: readonly RecipientFilter[],
    now: Date,
  ) {
    this.recipe = recipe;
    this.event = { ...task.event, time: new Date(task.event.time) };
    const sender = recipe.senderField
      ? String(task.event.detail[recipe.senderField] ?? '') || undefined
      : undefined;
    this.rules = rulesFor(policy, recipe.id, recipe.business, sender);
    this.dedupeKey = dedupeKeyOf(task);
    this.plannedAt = new Date(task.plannedAt);
    this.now = now;
    this.#chain = chain;
    this.#context = { recipe, event: this.event, now };
    this.#variants = recipe.variants;
    this.#salt = recipe.experimentSalt ?? recipe.id;
    const common = { eventId: task.event.id, eventTime: this.event.time.toISOString(), recipeId: recipe.id };
    if (emits(recipe))
      this.#jobs.set(singleVariant, { ...common, variant: singleVariant, emit: emitOf(task, recipe) });
    const pushes = recipe.variants
      ? recipe.variants.flatMap((v) => ('push' in v ? [[v.id, v.push] as const] : []))
      : recipe.push
        ? [[singleVariant, recipe.push] as const]
        : [];
    for (const [variant, push] of pushes) {
      this.#jobs.set(variant, {
        ...common,
        variant,
        ...(task.campaign ? { campaign: task.campaign.id } : {}),
        ...(recipe.app ? { app: recipe.app } : {}),
        push: renderPush(push, { detail: task.event.detail }),
        ...(isPersonalised(push) ? { personal: personalPush(push, task.event.detail) } : {}),
      });
    }
  }

  /**
   * The chain for one recipient: an unreadable profile, the filters, the experiment's holdout
   * (which receives nothing and takes no fatigue slot), then quiet hours on the recipient's
   * clock at `at` (now; a campaign's pushes are judged at the instant they are due).
   */
  judge(user: UserProfile, at: Date = this.now): RecipientVerdict {
    const assigned = this.#variants ? assignVariant(this.#salt, user.id, this.#variants) : undefined;
    const variant = assigned?.id ?? singleVariant;
    if (user.unreadable) return { kind: 'failed', reason: 'bad-profile', variant };
    const reason = firstSuppression(this.#chain, user, this.#context);
    if (reason) return { kind: 'suppressed', reason, variant };
    if (assigned && 'holdout' in assigned) return { kind: 'suppressed', reason: 'holdout', variant };
    // Quiet hours keep phones quiet; an emitted event wakes nobody (a push it chains into is held by its own recipe).
    if (!this.rules.quietHours || emits(this.recipe)) return { kind: 'due', variant };
    const release = releaseTime(at, user.timeZone, this.rules.quietHours).getTime();
    if (release <= at.getTime()) return { kind: 'due', variant };
    const expiry = this.rules.holdExpiresAfterMinutes;
    if (expiry !== undefined && release > this.event.time.getTime() + expiry * 60_000)
      return { kind: 'suppressed', reason: 'quiet-hours', variant };
    return { kind: 'held', releaseAt: release, variant };
  }

  /** The fatigue reservation of one due push, owned by the task so that its retries find their own. */
  reservation(user: UserProfile, owner: string): ReservationRequest {
    return {
      userId: user.id,
      timeZone: user.timeZone,
      at: this.plannedAt,
      dedupeKey: this.dedupeKey,
      owner,
      counters: this.rules.counters,
      enforce: this.rules.enforce,
      count: this.rules.count,
    };
  }

  /** What the jobs of a variant's due recipients share (their slot is reserved already). */
  dueJobs(variant: string): JobTemplate {
    return { ...this.#jobsOf(variant), fatigue: this.#reservation(this.plannedAt, true) };
  }

  /**
   * What the jobs of a variant held until `releaseAt` share: they reserve their slot when released,
   * on the clock of `timeZone` when every recipient's reads the same then (else their profiles').
   */
  heldJobs(variant: string, releaseAt: number, timeZone?: string): JobTemplate {
    const at = new Date(releaseAt);
    const fatigue = { ...this.#reservation(at, false), ...(timeZone ? { timeZone } : {}) };
    return { ...this.#jobsOf(variant), fatigue, releaseAt: at.toISOString() };
  }

  #jobsOf(variant: string) {
    const jobs = this.#jobs.get(variant);
    if (!jobs) throw new Error(`recipe ${this.recipe.id}: variant "${variant}" has no push`);
    return jobs;
  }

  #reservation(at: Date, reserved: boolean): FatigueReservation {
    const { counters, enforce, count } = this.rules;
    return { at: at.toISOString(), counters, dedupeKey: this.dedupeKey, enforce, count, reserved };
  }
}
