import { HeraldError } from '../errors.ts';

/** The message log could not take a batch (the stream refused it, the disk is full...). */
export class MessageLogError extends HeraldError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MessageLogError';
  }
}

/** A question to the message log (a trace, stats) that the query engine could not answer. */
export class MessageLogQueryError extends HeraldError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MessageLogQueryError';
  }
}
