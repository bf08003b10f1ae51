import { HeraldError } from '../domain/errors.ts';

/**
 * The local runtime could not start: the machine lacks something it needs. The message is one
 * line a person can act on; the CLI prints it as it is, without a stack trace.
 */
export class LocalEngineError extends HeraldError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalEngineError';
  }
}

/** No `java` executable: DynamoDB Local is a Java program. */
export class JavaNotFoundError extends LocalEngineError {
  constructor(options?: { cause?: unknown }) {
    super(
      'Java was not found on the PATH: DynamoDB Local needs Java 17 or later (e.g. https://adoptium.net)',
      options,
    );
    this.name = 'JavaNotFoundError';
  }
}

/** A port Herald was asked to listen on is taken by another process. */
export class PortInUseError extends LocalEngineError {
  readonly port: number;

  constructor(port: number, setting: string, options?: { cause?: unknown }) {
    super(`port ${port} (${setting}) is already in use: stop what holds it or choose another port`, options);
    this.name = 'PortInUseError';
    this.port = port;
  }
}
