import type { DomainEvent } from '../events/envelope.ts';
import type { Recipe } from '../recipes/recipe.ts';
import type { UserProfile } from '../users/user.ts';

export interface FilterContext {
  readonly recipe: Recipe;
  readonly event: DomainEvent<Readonly<Record<string, unknown>>>;
  readonly now: Date;
}

/**
 * One link of the chain of responsibility between an audience and a push. It returns the
 * suppression reason, or undefined to pass the recipient on.
 */
export interface RecipientFilter {
  readonly name: string;
  check(user: UserProfile, context: FilterContext): string | undefined;
}

/** Flags that stop every push to a user. */
export const suppressingFlags: ReadonlySet<string> = new Set(['minor', 'complained', 'blocked']);

export const sensitiveUsers: RecipientFilter = {
  name: 'sensitive',
  check: (user) => (user.flags.some((flag) => suppressingFlags.has(flag)) ? 'sensitive' : undefined),
};

export const optedOut: RecipientFilter = {
  name: 'opted-out',
  check: (user, { recipe }) =>
    user.optOuts.includes(recipe.business) || user.optOuts.includes(recipe.category)
      ? 'opted-out'
      : undefined,
};

/** Nobody is told about their own listing or offer. */
export const notTheSender: RecipientFilter = {
  name: 'self',
  check: (user, { recipe, event }) =>
    recipe.senderField && event.detail[recipe.senderField] === user.id ? 'self' : undefined,
};

export const defaultFilterChain: readonly RecipientFilter[] = [notTheSender, sensitiveUsers, optedOut];

/** The first suppression reason the chain finds, or undefined when the recipient passes. */
export const firstSuppression = (
  chain: readonly RecipientFilter[],
  user: UserProfile,
  context: FilterContext,
): string | undefined => {
  for (const filter of chain) {
    const reason = filter.check(user, context);
    if (reason !== undefined) return reason;
  }
  return undefined;
};
