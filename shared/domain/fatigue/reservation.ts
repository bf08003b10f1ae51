import type { CounterCap } from './policy.ts';

/**
 * A request to reserve one push for one recipient: check every cap, count it, and record the
 * dedupe key, all at once.
 */
export interface ReservationRequest {
  readonly userId: string;
  readonly timeZone: string;
  /** The instant whose windows the push counts in. */
  readonly at: Date;
  /** One push per (event, recipe, user): `eventId#recipeId`. */
  readonly dedupeKey: string;
  /** The unit of work reserving (a fan-out task): finding its own reservation again is a redelivery. */
  readonly owner: string;
  readonly counters: readonly CounterCap[];
  readonly enforce: boolean;
  readonly count: boolean;
}

export type ReservationResult =
  | { readonly status: 'reserved' }
  /** This owner reserved the same push before (a redelivered task): carry on, it is not a second push. */
  | { readonly status: 'already-reserved' }
  /** Another owner reserved the same push: this one would be a duplicate. */
  | { readonly status: 'duplicate' }
  | { readonly status: 'capped'; readonly layer: CounterCap['layer'] };

/** Port: fatigue counters and dedupe keys, with a lifetime. */
export interface FatigueLedger {
  reserve(requests: readonly ReservationRequest[]): Promise<ReservationResult[]>;
  /** Gives back the counts of reservations whose push was not sent (no device, permanent failure). */
  release(requests: readonly ReservationRequest[]): Promise<void>;
  /** What `reserve` would answer now, writing nothing (a campaign's dry run); absent where nobody asks. */
  preview?(requests: readonly ReservationRequest[]): Promise<ReservationResult[]>;
}

/** Suppression reason for a cap of a layer: `fatigue.user`, `fatigue.group`... */
export const fatigueReason = (layer: CounterCap['layer']): string => `fatigue.${layer}`;

/** Why a reservation keeps its push from going out (`fatigue.<layer>`, `duplicate`); undefined when it may go. */
export const suppressionOf = (result: ReservationResult): string | undefined =>
  result.status === 'capped'
    ? fatigueReason(result.layer)
    : result.status === 'duplicate'
      ? 'duplicate'
      : undefined;
