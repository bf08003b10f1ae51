/** A PutEvents request the local bus refuses as a whole, as AWS does, before dispatching any entry. */
export class PutEventsRequestError extends Error {
  /** The `__type` AWS answers with, HTTP 400. */
  readonly awsType: string;

  constructor(awsType: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PutEventsRequestError';
    this.awsType = awsType;
  }
}

/** The request breaks a constraint of the API: too many entries, too large, nested too deep, a null member. */
export class PutEventsValidationError extends PutEventsRequestError {
  constructor(message: string, options?: ErrorOptions) {
    super('ValidationException', message, options);
    this.name = 'PutEventsValidationError';
  }
}

/** The request is not JSON, or a member has the wrong type (a number where a string belongs). */
export class PutEventsSerializationError extends PutEventsRequestError {
  constructor(message: string, options?: ErrorOptions) {
    super('SerializationException', message, options);
    this.name = 'PutEventsSerializationError';
  }
}
