/** Base of every error the Herald domain raises; callers match on `name`, never on SDK types. */
export class HeraldError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HeraldError';
  }
}

/**
 * Input that breaks a contract. `field` is a path a person can follow (`detail.price`,
 * `events[2].time`), `reason` says what is wrong with it.
 */
export class ValidationError extends HeraldError {
  readonly field: string;
  readonly reason: string;

  constructor(field: string, reason: string, options?: { cause?: unknown }) {
    super(`${field}: ${reason}`, options);
    this.name = 'ValidationError';
    this.field = field;
    this.reason = reason;
  }
}

/** An event no recipe or relation rule knows how to handle. */
export class UnknownEventTypeError extends HeraldError {
  constructor(source: string, detailType: string) {
    super(`detail-type: no rule expects "${detailType}" from source "${source}"`);
    this.name = 'UnknownEventTypeError';
  }
}

/** A recipe id that is not in the catalog. */
export class UnknownRecipeError extends HeraldError {
  constructor(recipeId: string) {
    super(`recipeId: no recipe "${recipeId}" in the catalog`);
    this.name = 'UnknownRecipeError';
  }
}

/**
 * Work that cannot run now but will later (another worker holds it, the invocation is about to
 * end): SQS redelivers it. Not a failure anyone needs to look at.
 */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/**
 * Work given up on its last delivery by SQS: what it had settled is recorded, the rest is counted
 * failed `gave-up`, and the message goes to the dead-letter queue with this reason.
 */
export class WorkGaveUpError extends HeraldError {
  constructor(what: string, cause: unknown) {
    super(`${what}: gave up on the last receive: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'WorkGaveUpError';
  }
}
