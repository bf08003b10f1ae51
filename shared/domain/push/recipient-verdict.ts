import type { Outcome } from '../outcomes/outcome.ts';
import type { PublishResult } from './push-gateway.ts';

/** What happened to the push on one device of a recipient. */
export interface DeviceAttempt {
  readonly deviceId: string;
  readonly result: PublishResult;
}

/**
 * A recipient after one pass over its devices: the terminal outcome to count (absent when it is
 * still open or was counted earlier), the devices still owed the push, and whether the recipient
 * is counted from now on.
 */
export interface RecipientVerdict {
  readonly outcome?: { readonly outcome: Exclude<Outcome, 'planned' | 'rejected'>; readonly reason: string };
  readonly owed: readonly string[];
  readonly settled: boolean;
}

const reasonOf = (result: PublishResult): string =>
  result.status === 'failed' ? result.reason : result.status;

/**
 * Decides a recipient's outcome from its device attempts. Delivered as soon as one device got the
 * push; throttled devices stay owed (and an otherwise unsuccessful recipient stays open) while
 * follow-ups remain, so the outcome is counted exactly once, by whichever attempt settles it.
 */
export const judgeRecipient = (
  attempts: readonly DeviceAttempt[],
  alreadySettled: boolean,
  mayFollowUp: boolean,
): RecipientVerdict => {
  const owed = mayFollowUp
    ? attempts.filter((a) => a.result.status === 'throttled').map((a) => a.deviceId)
    : [];
  if (alreadySettled) return { owed, settled: true };
  if (attempts.some((a) => a.result.status === 'sent'))
    return { outcome: { outcome: 'delivered', reason: '' }, owed, settled: true };
  if (owed.length > 0) return { owed, settled: false };
  const first = attempts[0];
  if (!first) return { outcome: { outcome: 'suppressed', reason: 'no-device' }, owed, settled: true };
  return { outcome: { outcome: 'failed', reason: reasonOf(first.result) }, owed, settled: true };
};
