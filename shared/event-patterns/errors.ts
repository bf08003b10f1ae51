/**
 * Base class of every error this library throws on purpose, so callers can tell a rejected
 * pattern or event apart from a bug with a single `instanceof` check.
 */
export class EventPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Thrown when EventBridge would reject an event pattern (`InvalidEventPatternException`).
 * The message follows AWS: `Event pattern is not valid. Reason: <reason>`.
 */
export class InvalidEventPatternError extends EventPatternError {
  /** The reason alone, without the AWS prefix. */
  readonly reason: string;

  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.reason = reason;
  }
}

/**
 * Thrown when EventBridge would reject an event (`ValidationException`): not JSON, not an object,
 * or missing one of the mandatory envelope fields.
 */
export class InvalidEventError extends EventPatternError {
  /** Why the event was rejected; AWS itself only ever says `Parameter Event is not valid.`. */
  readonly detail: string;

  constructor(detail: string) {
    super('Parameter Event is not valid.');
    this.detail = detail;
  }
}

/** Thrown by the JSON reader; callers translate it into one of the errors above. */
export class JsonSyntaxError extends EventPatternError {}

/**
 * Thrown for an input transformer EventBridge would refuse when the target is created: a variable
 * name outside `[A-Za-z0-9_-]` (which also keeps the reserved `aws.` names out) or a path that is
 * not one of the JSONPath forms EventBridge supports.
 */
export class InvalidInputTransformerError extends EventPatternError {}
