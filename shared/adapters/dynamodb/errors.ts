/** Whether an SDK error is DynamoDB saying a condition did not hold. Kept here so no caller matches on SDK types. */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** A transaction cancelled because one of its conditions failed (not a conflict or throttle). */
export const isTransactionConditionFailure = (error: unknown): boolean =>
  error instanceof Error &&
  error.name === 'TransactionCanceledException' &&
  ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).some(
    (reason) => reason.Code === 'ConditionalCheckFailed',
  );
