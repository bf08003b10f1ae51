/**
 * A claim makes one push per (event, recipe, recipient) hold under SQS redelivery and
 * overlapping audiences. The owner is the task that made the claim: the same task seeing its
 * own claim again (a redelivered message) carries on; any other owner means a duplicate.
 */
export type ClaimResult = 'claimed' | 'already-mine' | 'taken';

export interface Claim {
  readonly key: string;
  readonly owner: string;
}

/** Port: conditional claims with a lifetime. */
export interface RecipientClaims {
  claim(claims: readonly Claim[], expiresAt: Date): Promise<ClaimResult[]>;
}

export const claimKey = (eventId: string, recipeId: string, userId: string): string =>
  `claim#${eventId}#${recipeId}#${userId}`;
