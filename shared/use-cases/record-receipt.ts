import { z } from 'zod';
import type { Clock } from '../domain/clock.ts';
import { ReceiptRefusedError } from '../domain/engagement/errors.ts';
import type { MessageLog } from '../domain/engagement/message-log.ts';
import type { ReceiptKind } from '../domain/engagement/receipt.ts';
import type { ReceiptKeys } from '../domain/engagement/receipt-keys.ts';
import { verifyReceipt } from '../domain/engagement/receipt-token.ts';
import type { OutcomeLedger } from '../domain/outcomes/outcome.ts';

export interface RecordReceiptDeps {
  readonly keys: ReceiptKeys;
  readonly outcomes: Pick<OutcomeLedger, 'record' | 'wasRecorded'>;
  readonly messageLog: MessageLog;
  readonly clock: Clock;
}

export interface ReceiptReport {
  readonly token: string;
  readonly kind: ReceiptKind;
}

/** `counted` the first time a (message, user, kind) is reported; every replay is `already-counted`. */
export type ReceiptStatus = 'counted' | 'already-counted';

/**
 * Claim fields end up in DynamoDB keys (a counter's `<scope>#<day>`, a batch marker's id), which
 * cap at 1 or 2 KB. Herald signs only ids its contracts already bound (user ids 128, recipe
 * names 64, variants 32), so 128 characters refuse nothing Herald made; the bound keeps a key
 * short even if the signing side ever signed something it should not have.
 */
const MAX_CLAIM_LENGTH = 128;
const claimId = z.string().min(1).max(MAX_CLAIM_LENGTH);
const boundedClaims = z.object({
  eventId: claimId,
  scope: claimId,
  variant: claimId,
  userId: claimId,
  deviceId: claimId,
});

/**
 * An app reports that a push was opened, clicked or dismissed, with the token the push carried.
 * The token is the authentication: a forged, altered or expired one is refused with the reason.
 * A receipt counts once per message (event and scope), user and kind, however often it is sent:
 * apps retry, and a user may open the same push from two devices.
 *
 * The log record goes first and the counter second: should the count fail, the app's retry finds
 * nothing counted and tries both again, so a count is never lost and never doubled. The price is
 * that a failed count, or two copies racing, can log the step twice; the log is at least once
 * anyway (Firehose may deliver a record twice), and its readers count a step once.
 */
export const recordReceipt = async (
  report: ReceiptReport,
  deps: RecordReceiptDeps,
): Promise<{ status: ReceiptStatus }> => {
  const now = deps.clock.now();
  const check = verifyReceipt(report.token, await deps.keys.key(), Math.floor(now.getTime() / 1000));
  if (!check.valid) throw new ReceiptRefusedError(check.reason);
  const parsed = boundedClaims.safeParse(check.claims);
  if (!parsed.success) throw new ReceiptRefusedError('malformed');
  const { eventId, scope, variant, userId, deviceId } = parsed.data;

  const batchId = `receipt#${eventId}#${scope}#${userId}#${report.kind}`;
  // A replay costs one read instead of a log record and a refused transaction.
  if (await deps.outcomes.wasRecorded(batchId)) return { status: 'already-counted' };
  await deps.messageLog.append([
    { time: now.toISOString(), step: report.kind, scope, variant, eventId, userId, deviceId },
  ]);
  const recorded = await deps.outcomes.record(batchId, [
    { scope, day: now.toISOString().slice(0, 10), variant, outcome: report.kind, reason: '', count: 1 },
  ]);
  return { status: recorded === 'recorded' ? 'counted' : 'already-counted' };
};
